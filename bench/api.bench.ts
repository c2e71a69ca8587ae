// The API under load with 10 and with 5,000 stored deployments (RANAAS_BENCH_RECORDS): requests per
// second and latency of get, list (a page of 50) and create (planned and queued: no worker runs, so this measures
// the API and the orchestrator, not provisioning), each next to GET /healthz on the same server measured
// in the same run — the cost of HTTP, Node and the framework alone. Then the memory (RSS) of every
// service, read from its /metrics.
import assert from "node:assert/strict";
import { call, cellsRequest } from "../test/support/api-client.ts";
import {
  load,
  loadInterleaved,
  residentMiB,
  round,
  runsFromEnv,
  writeResult,
  type LoadResult,
} from "./support/report.ts";
import { startReadBench } from "./support/stored-deployments.ts";

const records = Number(process.env.RANAAS_BENCH_RECORDS ?? 5000);
// Requests per operation (RANAAS_BENCH_RUNS scales them).
const requests = runsFromEnv(2000);
const creates = Math.max(20, Math.round(requests / 50));
const concurrency = 4;
/** Get, list and /healthz take turns this many times. */
const ROUNDS = 5;
const bench = await startReadBench("ranaas_bench_api", "bapi", 36);
const { ranaas, url, auth } = bench;

try {
  const ids = bench.stored.ids;
  /** Stores copies until `total` are stored (written past the API, as an older install's records are). */
  const storeCopies = (total: number) => bench.storeUpTo(total);

  const ok = (status: number, body: unknown, expected: number) =>
    assert.equal(status, expected, JSON.stringify(body).slice(0, 300));
  const operations: Record<string, LoadResult> = {};
  const measure = async (name: string, total: number, request: (i: number) => Promise<void>) => {
    await load(Math.min(total, 8), concurrency, request); // warm-up
    operations[name] = await load(total, concurrency, request);
    console.log(`${name.padEnd(12)} ${JSON.stringify(operations[name])}`);
  };
  const reads = async (stored: number) => {
    await storeCopies(stored);
    const ops: Record<string, (i: number) => Promise<void>> = {
      [`healthz@${stored}`]: async () => {
        const answer = await fetch(`${url}/healthz`);
        ok(answer.status, await answer.text(), 200);
      },
      [`get@${stored}`]: async (i) => {
        const answer = await call(
          url,
          "GET",
          `/v1/ran-deployments/${ids[(i * 7919) % ids.length]}`,
          undefined,
          auth,
        );
        ok(answer.status, answer.body, 200);
      },
      [`list@${stored}`]: async () => {
        const answer = await call<{ items: unknown[] }>(
          url,
          "GET",
          "/v1/ran-deployments?limit=50",
          undefined,
          auth,
        );
        ok(answer.status, answer.body, 200);
        assert.equal(answer.body.items.length, Math.min(50, stored));
      },
    };
    for (const request of Object.values(ops)) await load(8, concurrency, request); // warm-up
    const measured = await loadInterleaved(ops, requests, ROUNDS, concurrency);
    for (const [name, result] of Object.entries(measured)) {
      operations[name] = result;
      console.log(`${name.padEnd(12)} ${JSON.stringify(result)}`);
    }
  };
  await reads(10);
  await reads(records);
  let created = 0;
  await measure("create", creates, async () => {
    const answer = await call(url, "POST", "/v1/ran-deployments", cellsRequest(`load-${created++}`, 1), auth);
    ok(answer.status, answer.body, 202);
  });

  const rssMiB = await residentMiB(ranaas.fleet.processes);
  // Each operation against /healthz measured at the same number of stored records (create: the larger).
  const results = Object.fromEntries(
    Object.entries(operations).map(([name, r]) => {
      const baseline = operations[`healthz@${name.split("@")[1] ?? records}`] as LoadResult;
      return [
        name,
        {
          ...r,
          throughputRatioToHealthz: round(r.requestsPerSecond / baseline.requestsPerSecond, 4),
          p50RatioToHealthz: round(r.p50Ms / baseline.p50Ms),
        },
      ];
    }),
  );
  writeResult("api", { storedDeployments: [10, records], concurrency, results, rssMiB });
  console.log(`RSS (MiB): ${JSON.stringify(rssMiB)}`);
} finally {
  await bench.stop();
}
