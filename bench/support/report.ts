// What every benchmark shares: percentiles, a load generator, and writing bench/results/<name>.json with
// the machine and versions next to the figures.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";

export interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0, 3);
  return { p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
}

export function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

/** The number of runs: RANAAS_BENCH_RUNS, else the benchmark's default. */
export function runsFromEnv(fallback: number): number {
  const raw = Number(process.env.RANAAS_BENCH_RUNS);
  return Number.isInteger(raw) && raw > 0 ? raw : fallback;
}

export interface LoadResult extends Percentiles {
  requests: number;
  requestsPerSecond: number;
}

/**
 * Calls `request` from `concurrency` loops until `total` calls are done; `request` throws on a wrong
 * answer, so a benchmark never reports the speed of errors.
 */
export async function load(
  total: number,
  concurrency: number,
  request: (i: number) => Promise<void>,
): Promise<LoadResult> {
  const { latencies, seconds } = await run(total, concurrency, request, 0);
  return { requests: total, requestsPerSecond: round(total / seconds, 1), ...percentiles(latencies) };
}

async function run(
  total: number,
  concurrency: number,
  request: (i: number) => Promise<void>,
  offset: number,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t0 = performance.now();
        await request(offset + i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/**
 * Like `load` for several operations at once, in `rounds` interleaved rounds (each operation in turn,
 * `total / rounds` calls a round), so no operation is measured only while the machine was busier or
 * idler than for the others.
 */
export async function loadInterleaved(
  operations: Record<string, (i: number) => Promise<void>>,
  total: number,
  rounds: number,
  concurrency: number,
  /** Other totals for some operations (a slow one measured with fewer calls). */
  totals: Readonly<Record<string, number>> = {},
): Promise<Record<string, LoadResult>> {
  const samples = new Map(
    Object.keys(operations).map((name) => [name, { latencies: [] as number[], seconds: 0 }]),
  );
  for (let round = 0; round < rounds; round++)
    for (const [name, request] of Object.entries(operations)) {
      const perRound = Math.ceil((totals[name] ?? total) / rounds);
      const { latencies, seconds } = await run(perRound, concurrency, request, round * perRound);
      const sample = samples.get(name)!;
      sample.latencies.push(...latencies);
      sample.seconds += seconds;
    }
  return Object.fromEntries(
    [...samples].map(([name, { latencies, seconds }]) => [
      name,
      {
        requests: latencies.length,
        requestsPerSecond: round(latencies.length / seconds, 1),
        ...percentiles(latencies),
      },
    ]),
  );
}

export function writeResult(name: string, figures: Record<string, unknown>): void {
  const report = {
    benchmark: name,
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "",
      memoryGiB: round(totalmem() / 2 ** 30, 1),
    },
    node: process.version,
    ...figures,
  };
  writeFileSync(new URL(`../results/${name}.json`, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * Resident memory (MiB) of each kind of running service, read from its /metrics
 * (process_resident_memory_bytes); for several of a kind (workers), the largest.
 */
export async function residentMiB(
  services: readonly { service: string; url: string }[],
): Promise<Record<string, number>> {
  const rss: Record<string, number> = {};
  for (const { service, url } of services) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const bytes = /^process_resident_memory_bytes(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1];
    assert.ok(bytes !== undefined, `${service} reports its RSS`);
    rss[service] = Math.max(rss[service] ?? 0, round(Number(bytes) / 2 ** 20, 1));
  }
  return rss;
}

/**
 * Quantiles of a Prometheus histogram a service reports on /metrics (its series whose labels include
 * `labels`), as the upper bound of the bucket each falls in: "p99 ≤ 50 ms" reads as p99Ms ≤ 50.
 */
export async function histogramQuantiles(
  url: string,
  name: string,
  labels: string,
  quantiles: readonly number[] = [0.5, 0.99],
): Promise<{ count: number; quantilesMs: Record<string, number | null> }> {
  return quantilesOf(await histogramBuckets(url, name, labels), quantiles);
}

export interface HistogramBucket {
  /** Upper bound in seconds (+Infinity for the last). */
  le: number;
  /** Observations up to it, cumulative. */
  count: number;
}

/** A Prometheus histogram's cumulative buckets, as a service's /metrics shows them now. */
export async function histogramBuckets(
  url: string,
  name: string,
  labels: string,
): Promise<HistogramBucket[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\d+)`, "gm"))]
    .filter((m) => m[1]!.includes(labels))
    .map((m) => ({ le: /le="([^"]+)"/.exec(m[1]!)?.[1] ?? "+Inf", count: Number(m[2]) }))
    .map((b) => ({ le: b.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(b.le), count: b.count }))
    .sort((a, b) => a.le - b.le);
}

/** What was observed between two readings of the same histogram. */
export function bucketsSince(
  before: readonly HistogramBucket[],
  after: readonly HistogramBucket[],
): HistogramBucket[] {
  return after.map((b) => ({ le: b.le, count: b.count - (before.find((x) => x.le === b.le)?.count ?? 0) }));
}

/** Quantiles as the upper bound of the bucket each falls in (null: beyond the last finite bound). */
export function quantilesOf(
  buckets: readonly HistogramBucket[],
  quantiles: readonly number[] = [0.5, 0.99],
): { count: number; quantilesMs: Record<string, number | null> } {
  const count = buckets.at(-1)?.count ?? 0;
  const quantilesMs: Record<string, number | null> = {};
  for (const q of quantiles) {
    const bucket = buckets.find((b) => b.count >= q * count);
    quantilesMs[`p${Math.round(q * 100)}`] =
      bucket === undefined || !Number.isFinite(bucket.le) ? null : round(bucket.le * 1000, 1);
  }
  return { count, quantilesMs };
}

/**
 * GETs `url` and checks the answer: its status every time, its body (parsed, then `check`) every
 * `every`-th call. The callers share the machine with what they measure: parsing every 125 KB page would
 * spend a third of it on the client.
 */
export async function checkedGet(
  url: string,
  headers: Record<string, string>,
  i: number,
  check: (body: unknown) => void,
  every = 10,
): Promise<void> {
  const answer = await fetch(url, { headers });
  const text = await answer.text();
  assert.equal(answer.status, 200, text.slice(0, 300));
  if (i % every === 0) check(JSON.parse(text));
}
