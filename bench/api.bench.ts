// The API under load with 5,000 stored deployments (RANAAS_BENCH_RECORDS): requests per second and
// latency of get, list (a page of 50) and create (planned and queued: no worker runs, so this measures
// the API and the orchestrator, not provisioning), each next to GET /healthz on the same server measured
// in the same run — the cost of HTTP, Node and the framework alone. Then the memory (RSS) of every
// service, read from its /metrics.
import assert from "node:assert/strict";
import { call, cellsRequest } from "../test/support/api-client.ts";
import { adminKubeConfig } from "../test/support/kube.ts";
import { addLoadNodes, loadRuPool } from "../test/support/load-nodes.ts";
import { startRanaas } from "../test/support/ranaas.ts";
import { load, residentMiB, round, runsFromEnv, writeResult, type LoadResult } from "./support/report.ts";

const records = Number(process.env.RANAAS_BENCH_RECORDS ?? 5000);
// Requests per operation (RANAAS_BENCH_RUNS scales them): a list sorts, which the local stack's
// FerretDB 1.x does itself after reading the whole collection, so it gets fewer.
const requests = runsFromEnv(400);
const lists = Math.max(10, Math.round(requests / 20));
const creates = Math.max(20, Math.round(requests / 10));
const concurrency = 4;
const kube = adminKubeConfig();
const cluster = { sites: 10, nodesPerSite: 2, rus: 400, prefix: "bapi", octet: 36, centralNodes: 2 };
const removeNodes = await addLoadNodes(kube, cluster);
const ranaas = await startRanaas(
  { bench: "admin", seed: "operator" },
  "ranaas_bench_api",
  { RANAAS_RATE_LIMIT_PER_SECOND: "100000", RANAAS_RATE_LIMIT_BURST: "100000", RANAAS_SELF_HEAL: "false" },
  0,
);
const auth = { authorization: `Bearer ${ranaas.keys.bench}` };
const url = ranaas.fleet.apiUrl;
const deployments = ranaas.db.collection<{ _id: string } & Record<string, unknown>>("deployments");
const listing = ranaas.db.collection<{ _id: string } & Record<string, unknown>>("deployment_listing");

try {
  await loadRuPool(ranaas.db, cluster);
  // One real deployment (planned, with a definition), copied to make the stored ones look like real
  // records of another tenant, each with its own id and name.
  const first = await call<{ id: string }>(
    url,
    "POST",
    "/v1/ran-deployments",
    cellsRequest("template", 2),
    auth,
  );
  assert.equal(first.status, 202, JSON.stringify(first.body));
  const template = await deployments.findOne({ _id: first.body.id });
  assert.ok(template);
  const ids: string[] = [];
  for (let start = 0; start < records; start += 500) {
    const batch = Array.from({ length: Math.min(500, records - start) }, (_, k) => {
      const n = start + k;
      const id = `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
      ids.push(id);
      return {
        ...template,
        _id: id,
        tenant: "seed",
        name: `seed-${n}`,
        activeName: `seed-${n}`,
        state: "ready",
      };
    });
    await deployments.insertMany(batch);
    // Written past the repository, so their listing entries too (see DeploymentsRepository.list).
    await listing.insertMany(batch.map((d) => ({ _id: d._id, tenant: "seed", state: "ready", revision: 1 })));
  }

  const ok = (status: number, body: unknown, expected: number) =>
    assert.equal(status, expected, JSON.stringify(body).slice(0, 300));
  const operations: Record<string, LoadResult> = {};
  const measure = async (name: string, total: number, request: (i: number) => Promise<void>) => {
    await load(Math.min(total, 8), concurrency, request); // warm-up
    operations[name] = await load(total, concurrency, request);
    console.log(`${name.padEnd(8)} ${JSON.stringify(operations[name])}`);
  };
  await measure("healthz", requests, async () => {
    const answer = await fetch(`${url}/healthz`);
    ok(answer.status, await answer.text(), 200);
  });
  await measure("get", requests, async (i) => {
    const answer = await call(
      url,
      "GET",
      `/v1/ran-deployments/${ids[(i * 7919) % ids.length]}`,
      undefined,
      auth,
    );
    ok(answer.status, answer.body, 200);
  });
  await measure("list", lists, async () => {
    const answer = await call(url, "GET", "/v1/ran-deployments?limit=50", undefined, auth);
    ok(answer.status, answer.body, 200);
  });
  let created = 0;
  await measure("create", creates, async () => {
    const answer = await call(url, "POST", "/v1/ran-deployments", cellsRequest(`load-${created++}`, 1), auth);
    ok(answer.status, answer.body, 202);
  });

  const rssMiB = await residentMiB(ranaas.fleet.processes);
  const baseline = operations.healthz as LoadResult;
  const results = Object.fromEntries(
    Object.entries(operations).map(([name, r]) => [
      name,
      {
        ...r,
        throughputRatioToHealthz: round(r.requestsPerSecond / baseline.requestsPerSecond, 4),
        p50RatioToHealthz: round(r.p50Ms / baseline.p50Ms),
      },
    ]),
  );
  writeResult("api", { storedDeployments: records + 1, concurrency, results, rssMiB });
  console.log(`RSS (MiB): ${JSON.stringify(rssMiB)}`);
} finally {
  await deployments.deleteMany({ tenant: "seed" }); // copies: their namespace is the template's
  await listing.deleteMany({ tenant: "seed" });
  await ranaas.stop();
  await removeNodes();
}
