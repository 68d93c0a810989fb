/** A usage or configuration failure (exit 2) whose message is the whole story: no stack trace. */
export class UsageError extends Error {}
