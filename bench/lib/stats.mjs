/** Small numeric helpers for the benchmarks: quantiles (nearest rank) and formatting. */

export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function summarize(values) {
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    n: values.length,
    min: Math.min(...values),
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    max: Math.max(...values),
    mean: values.length ? sum / values.length : Number.NaN,
  };
}

export function fmt(x, digits = 1) {
  return Number.isFinite(x) ? x.toFixed(digits) : "n/a";
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn(i)` for i in [0, n) with at most `limit` calls in flight. */
export async function pool(n, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}
