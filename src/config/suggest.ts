// "Did you mean": the known name closest to an unknown one, when it is close enough to be a typo.

/** Lowercase without separators: `dryRun`, `dry-run` and `dryrun` all read `dryrun`. */
const squash = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate an unknown name most likely meant: equal once case and separators are ignored, within
 * a third of its length in edits (at least 1, at most 3), or the only known name that begins with it.
 * Undefined when nothing is that close.
 */
export function closestName(unknown: string, candidates: Iterable<string>): string | undefined {
  const target = squash(unknown);
  const names = [...candidates];
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(target, squash(name));
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(target.length / 3)));
  if (best.distance <= limit) return best.name;
  // A name cut short (`timeout` for `timeout_seconds`): the one known name that starts with it.
  const extended = [...names].filter((name) => target.length >= 4 && squash(name).startsWith(target));
  return extended.length === 1 ? extended[0] : undefined;
}
