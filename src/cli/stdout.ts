/**
 * process.stdout for the command line, with the EPIPE handler: a reader that stops early
 * (`corslint ... | head`) closes the pipe, and that is not a crash. Creating process.stdout loads
 * Node's net and stream modules, so a run that writes its report to a file (`--output-file`)
 * never touches it: the handler is registered when stdout is first asked for here, and every
 * command writes through this (subcommands call it before they run).
 */
export function stdout(): NodeJS.WriteStream {
  const out = process.stdout;
  // once per process (in-process CLI tests import main repeatedly and hit MaxListeners)
  if (out.listenerCount('error') === 0) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  return out;
}
