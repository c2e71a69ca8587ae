// Provisioning latency on the local stack: a create request until its answer says `ready` (the API holds
// the answer with `Prefer: wait`), over RANAAS_BENCH_RUNS runs (default 50). The floor, measured in the
// same run and interleaved with it: the same rendered manifests applied directly with the Kubernetes
// client and waited for until every Deployment is ready — what any tool must do at least. Reported:
// p50/p95/p99 of both and ours ÷ floor.
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import type { ResourceDefinition } from "../src/domain/resource-definition.ts";
import { applyObjects } from "../src/k8s/cluster/apply.ts";
import { waitForRollout } from "../src/k8s/cluster/rollout.ts";
import { DEFAULT_RENDER_OPTIONS, renderManifests } from "../src/k8s/render/render-manifests.ts";
import { toRecord, type DeploymentDocument } from "../src/store/deployments-repository.ts";
import { call, cellsRequest } from "../test/support/api-client.ts";
import { adminKubeConfig, deleteNamespaceAndWait } from "../test/support/kube.ts";
import { addLoadNodes, loadRuPool } from "../test/support/load-nodes.ts";
import { startRanaas } from "../test/support/ranaas.ts";
import { percentiles, round, runsFromEnv, writeResult } from "./support/report.ts";

const runs = runsFromEnv(50);
const kube = adminKubeConfig();
const load = { sites: 2, nodesPerSite: 2, rus: 16, prefix: "bprov", octet: 34 };
const removeNodes = await addLoadNodes(kube, load);
const ranaas = await startRanaas({ bench: "admin" }, "ranaas_bench_prov");
await loadRuPool(ranaas.db, load);
const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  call<{ id: string; state: string; reason?: string }>(ranaas.fleet.apiUrl, method, path, body, {
    authorization: `Bearer ${ranaas.keys.bench}`,
    ...headers,
  });
const floorNamespaces: string[] = [];

async function ours(i: number): Promise<{ ms: number; definition: ResourceDefinition }> {
  const started = performance.now();
  const created = await api("POST", "/v1/ran-deployments", cellsRequest(`prov-${i}`, 1), {
    prefer: "wait=60",
  });
  const ms = performance.now() - started;
  assert.equal(created.body.state, "ready", JSON.stringify(created.body));
  const stored = await ranaas.db
    .collection<DeploymentDocument>("deployments")
    .findOne({ _id: created.body.id });
  const definition = stored === null ? undefined : toRecord(stored).definition;
  assert.ok(definition);
  // Deleted in the background, as a user would; its RU is free again well before the pool runs out.
  void api("DELETE", `/v1/ran-deployments/${created.body.id}`);
  return { ms, definition };
}

async function floor(definition: ResourceDefinition): Promise<number> {
  const namespace = `${definition.namespace}-floor`;
  const objects = renderManifests({ ...definition, namespace }, DEFAULT_RENDER_OPTIONS).objects;
  const started = performance.now();
  await applyObjects(kube, objects);
  await waitForRollout(kube, namespace, objects.filter((o) => o.kind === "Deployment").length, 60_000, 50);
  const ms = performance.now() - started;
  floorNamespaces.push(namespace);
  void deleteNamespaceAndWait(kube, namespace);
  return ms;
}

const oursMs: number[] = [];
const floorMs: number[] = [];
try {
  for (let i = 0; i < runs + 2; i++) {
    const run = await ours(i);
    const floorRun = await floor(run.definition);
    if (i < 2) continue; // warm-up: first connections, JIT
    oursMs.push(run.ms);
    floorMs.push(floorRun);
  }
} finally {
  await Promise.all(floorNamespaces.map((ns) => deleteNamespaceAndWait(kube, ns)));
  await ranaas.stop();
  await removeNodes();
}

const ourFigures = percentiles(oursMs);
const floorFigures = percentiles(floorMs);
const ratio = {
  p50: round(ourFigures.p50Ms / floorFigures.p50Ms),
  p95: round(ourFigures.p95Ms / floorFigures.p95Ms),
  p99: round(ourFigures.p99Ms / floorFigures.p99Ms),
};
writeResult("provisioning", { runs, ranaas: ourFigures, floor: floorFigures, ratioToFloor: ratio });
console.log(
  `request → ready  p50 ${ourFigures.p50Ms} ms  p95 ${ourFigures.p95Ms} ms  p99 ${ourFigures.p99Ms} ms`,
);
console.log(
  `floor (apply + ready)  p50 ${floorFigures.p50Ms} ms  p95 ${floorFigures.p95Ms} ms  p99 ${floorFigures.p99Ms} ms`,
);
console.log(`ours ÷ floor  p50 ×${ratio.p50}  p95 ×${ratio.p95}  p99 ×${ratio.p99}`);
