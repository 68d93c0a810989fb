/**
 * ESLint's `TIMING`: with the environment variable set, corslint measures each rule and each
 * source's reading (parse and normalization into routes) and prints the slowest after the
 * report, in ESLint's table and with ESLint's sizes: `TIMING=all` lists every entry,
 * `TIMING=<n>` the n slowest when n is over 10, any other value (`TIMING=1`) 10. The tables go to standard error, so a JSON or SARIF report on standard output
 * stays valid.
 */
export class Timing {
  private readonly rules = new Map<string, number>();
  private readonly sources = new Map<string, number>();

  /** `TIMING` as ESLint reads it; undefined when it is unset or empty */
  static fromEnv(value: string | undefined = process.env.TIMING): Timing | undefined {
    if (!value) return undefined;
    const n = Number.parseInt(value, 10);
    return new Timing(value.toLowerCase() === 'all' ? Infinity : n > 10 ? n : 10);
  }

  constructor(readonly limit = 10) {}

  /** Runs `fn` and adds its time to `rule`. */
  rule<T>(id: string, fn: () => T): T {
    return measure(this.rules, id, fn);
  }

  /** Runs `fn` and adds its time to the reading of `kind` files. */
  source<T>(kind: string, fn: () => T): T {
    return measure(this.sources, kind, fn);
  }

  /** The tables, slowest first: rules, then sources. */
  format(): string {
    return `${table('Rule', this.rules, this.limit)}\n${table('Source', this.sources, this.limit)}`;
  }
}

function measure<T>(into: Map<string, number>, key: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    into.set(key, (into.get(key) ?? 0) + performance.now() - start);
  }
}

/** ESLint's layout: a Markdown table with the name, the time in ms (3 decimals) and the share of the total. */
function table(title: string, times: ReadonlyMap<string, number>, limit: number): string {
  const total = [...times.values()].reduce((a, b) => a + b, 0);
  const rows = [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => [name, ms.toFixed(3), `${total > 0 ? ((ms * 100) / total).toFixed(1) : '0.0'}%`]);
  const head = [title, 'Time (ms)', 'Relative'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join(' | ');
  const [w0, w1, w2] = width as [number, number, number];
  const rule = `:${'-'.repeat(w0)}|${'-'.repeat(w1 + 1)}:|${'-'.repeat(w2)}:`;
  return [line(head), rule, ...rows.map(line)].join('\n') + '\n';
}
