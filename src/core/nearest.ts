/** Nearest-name suggestions ("did you mean ...?") for misspelt keys, values and metric names. */

/** Levenshtein distance, bounded: returns max+1 when larger. */
export function editDistance(a: string, b: string, max = 4): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The nearest names (distance <= a third of the length, at most 4), best first. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(4, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestD = limit + 1;
  let bestTie = Infinity;
  const bare = name.replace(/_/g, '');
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(name, c, limit);
    if (d > bestD) continue;
    // Ties: prefer the name that differs only in underscores, then the alphabetically first.
    const tie = editDistance(bare, c.replace(/_/g, ''), limit);
    if (d < bestD || tie < bestTie || (tie === bestTie && best !== undefined && c < best)) {
      best = c;
      bestD = d;
      bestTie = tie;
    }
  }
  return bestD <= limit ? best : undefined;
}
