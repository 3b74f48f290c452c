/**
 * Prometheus's histogram_quantile over classic buckets (promql/quantile.go, bucketQuantile),
 * so generated tests can state the exact value an alert's `$value` will have.
 */
export function bucketQuantile(q: number, buckets: { le: number; count: number }[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted[sorted.length - 1]!.le !== Infinity) return NaN;
  const observations = sorted[sorted.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = sorted.findIndex((x, i) => i < sorted.length - 1 && x.count >= rank);
  if (b < 0) b = sorted.length - 1;
  if (b === sorted.length - 1) return sorted[sorted.length - 2]!.le;
  if (b === 0 && sorted[0]!.le <= 0) return sorted[0]!.le;
  let bucketStart = 0;
  const bucketEnd = sorted[b]!.le;
  let count = sorted[b]!.count;
  if (b > 0) {
    bucketStart = sorted[b - 1]!.le;
    count -= sorted[b - 1]!.count;
    rank -= sorted[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** Prometheus formats `le` as Go's %g-like float text ("0.005", "1", "+Inf"). */
export function leLabel(le: number): string {
  return le === Infinity ? '+Inf' : String(le);
}
