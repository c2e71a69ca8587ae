// Resident memory of each service at 10 and at 5,000 stored deployments (RANAAS_BENCH_RECORDS), the
// 10-record figure being the same run's baseline: after the API replica has seeded its read model from the
// database, and again after a read load (every record got once, pages listed through all of them). Also
// how long the replica took to seed, and its live heap (what the records themselves hold).
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { call } from "../test/support/api-client.ts";
import { load, round, writeResult } from "./support/report.ts";
import { startReadBench } from "./support/stored-deployments.ts";

const records = Number(process.env.RANAAS_BENCH_RECORDS ?? 5000);
const bench = await startReadBench("ranaas_bench_memory", "bmem", 37);
const { ranaas, url, auth } = bench;

/** A service's figure from its /metrics (first series of `name`). */
async function metric(serviceUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, "m").exec(text)?.[1];
  assert.ok(value !== undefined, `${serviceUrl} reports ${name}`);
  return Number(value);
}

/** Each running service's RSS, V8 heap in use and heap reserved (MiB), from its /metrics. */
async function memoryOf(): Promise<Record<string, { rss: number; heapUsed: number; heapTotal: number }>> {
  const figures: Record<string, { rss: number; heapUsed: number; heapTotal: number }> = {};
  for (const { service, url: serviceUrl, child } of ranaas.fleet.processes) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const mib = async (name: string) => round((await metric(serviceUrl, name)) / 2 ** 20, 1);
    figures[service] = {
      rss: await mib("process_resident_memory_bytes"),
      heapUsed: await mib("nodejs_heap_size_used_bytes"),
      heapTotal: await mib("nodejs_heap_size_total_bytes"),
    };
  }
  return figures;
}

try {
  const figures: Record<string, unknown> = {};
  for (const stored of [10, records]) {
    await bench.stored.growTo(stored);
    const t0 = performance.now();
    await bench.restartApi();
    const seedSeconds = round((performance.now() - t0) / 1000, 1);
    const seeded = await memoryOf();
    // Reads through everything: each record got once, then pages of 50 to the end.
    const ids = bench.stored.ids;
    await load(ids.length, 4, async (i) => {
      const answer = await call(url, "GET", `/v1/ran-deployments/${ids[i]}`, undefined, auth);
      assert.equal(answer.status, 200);
    });
    let next: string | null = "/v1/ran-deployments?limit=50";
    while (next !== null) {
      const page: { status: number; body: { next: string | null } } = await call(
        url,
        "GET",
        next,
        undefined,
        auth,
      );
      assert.equal(page.status, 200);
      next = page.body.next;
    }
    figures[String(stored)] = { apiStartSeconds: seedSeconds, seeded, afterReads: await memoryOf() };
    console.log(`${stored} stored (MiB): ${JSON.stringify(figures[String(stored)])}`);
  }
  type Figures = { afterReads: Record<string, { rss: number }> };
  const base = (figures["10"] as Figures).afterReads;
  const top = (figures[String(records)] as Figures).afterReads;
  const ratioToTen = Object.fromEntries(
    Object.entries(top).map(([service, { rss }]) => [service, round(rss / (base[service]?.rss ?? rss), 2)]),
  );
  console.log(`RSS at ${records} ÷ RSS at 10: ${JSON.stringify(ratioToTen)}`);
  writeResult(records === 5000 ? "memory" : `memory-${records}`, {
    storedDeployments: [10, records],
    figures,
    rssRatioToTen: ratioToTen,
  });
} finally {
  await bench.stop();
}
