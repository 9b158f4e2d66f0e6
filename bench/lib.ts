// A tiny benchmark harness: each case runs for a fixed wall-clock budget after a warm-up, and every
// figure is reported as a ratio against a baseline measured in the same run, on the same machine.
import { performance } from 'node:perf_hooks';

export interface Measurement {
  name: string;
  ops: number;
  seconds: number;
  opsPerSecond: number;
}

/** Runs `fn` repeatedly (each call may do `batch` operations) for about `budgetMs`. */
export async function measure(
  name: string,
  fn: () => unknown | Promise<unknown>,
  {
    budgetMs = 1500,
    warmupMs = 300,
    batch = 1,
  }: { budgetMs?: number; warmupMs?: number; batch?: number } = {},
): Promise<Measurement> {
  const warmEnd = performance.now() + warmupMs;
  while (performance.now() < warmEnd) await fn();
  let ops = 0;
  const start = performance.now();
  const end = start + budgetMs;
  while (performance.now() < end) {
    await fn();
    ops += batch;
  }
  const seconds = (performance.now() - start) / 1000;
  return { name, ops, seconds, opsPerSecond: ops / seconds };
}

export function ratio(a: Measurement, baseline: Measurement): number {
  return a.opsPerSecond / baseline.opsPerSecond;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A result line in the shape RESULTS.md records. */
export function report(label: string, value: string, goal: string, met: boolean): string {
  const line = `| ${label} | ${value} | ${goal} | ${met ? 'met' : 'NOT met'} |`;
  console.log(line);
  return line;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}
