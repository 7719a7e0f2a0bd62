import { performance } from 'node:perf_hooks';

// Runs one scenario at a fixed concurrency until its duration (or its supply of work) runs out, and
// keeps every latency so percentiles are exact rather than bucketed.

export interface RunResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latenciesMs: readonly number[];
  readonly firstError: string | undefined;
}

/** `step` does one unit of work for virtual user `vu` and returns false when there is no more work. */
export async function runLoad(options: {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly step: (vu: number) => Promise<boolean>;
}): Promise<RunResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + options.durationMs;
  const worker = async (vu: number) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        if (!(await options.step(vu))) return;
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, vu) => worker(vu)));
  return { requests: latencies.length, errors, seconds: (performance.now() - start) / 1000, latenciesMs: latencies, firstError };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
