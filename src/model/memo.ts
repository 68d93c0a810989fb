/**
 * Results kept per text. A config repeats one header value, origin or list on many routes, and
 * every rule asks about it again: compute once per distinct text. The table is emptied when it
 * grows past `limit` entries (a bound on memory for generated or hostile inputs), and results are
 * shared: callers read them, never change them.
 */
export function memoByText<T>(compute: (text: string) => T, limit = 10_000): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    let result = known.get(text);
    if (result === undefined) {
      result = compute(text);
      if (known.size >= limit) known.clear();
      known.set(text, result);
    }
    return result;
  };
}
