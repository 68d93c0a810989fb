/**
 * The units of a run (templates, modules) that are read through another one: those another unit
 * refers to (nests, calls), directly or down a chain, from a unit nothing refers to. A cycle has
 * no such start (CloudFormation and Terraform reject one): its units are read on their own.
 * `refers`: each unit's key and the keys it refers to.
 */
export function reachedFromRoots(refers: ReadonlyMap<string, readonly string[]>): Set<string> {
  const referred = new Set<string>();
  for (const [from, to] of refers) for (const t of to) if (t !== from) referred.add(t);
  const reached = new Set<string>();
  const queue = [...refers.keys()].filter((k) => !referred.has(k));
  while (queue.length) {
    const from = queue.pop()!;
    for (const t of refers.get(from) ?? []) {
      if (t === from || reached.has(t)) continue;
      reached.add(t);
      queue.push(t);
    }
  }
  return reached;
}
