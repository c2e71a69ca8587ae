// Throughput: 500 deployments (RANAAS_BENCH_DEPLOYMENTS) created at once on a 200-node simulated
// cluster (20 sites of 10 edge nodes, 500 RUs), carried out by 1, 2 and 4 workers in turn — each round
// on a fresh RANaaS and database. Reported: deployments per second from the first request until all
// are ready, and the scaling ratio to one worker measured in the same run. First, the plan RPC alone:
// 200 creates at once against 50 one after another (no workers, so only planning runs), as the
// orchestrator's histogram times them.
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { CoreV1Api } from "@kubernetes/client-node";
import { call, cellsRequest } from "../test/support/api-client.ts";
import { eventually } from "../test/support/eventually.ts";
import { adminKubeConfig } from "../test/support/kube.ts";
import { addLoadNodes, loadRuPool } from "../test/support/load-nodes.ts";
import { startRanaas } from "../test/support/ranaas.ts";
import { cpus } from "node:os";
import { apiserverRequests, requestsSince } from "./support/apiserver-requests.ts";
import { cpuSeconds, cpuSpent } from "./support/cpu.ts";
import {
  bucketsSince,
  histogramBuckets,
  histogramQuantiles,
  load,
  quantilesOf,
  residentMiB,
  round,
  writeResult,
} from "./support/report.ts";

const deployments = Number(process.env.RANAAS_BENCH_DEPLOYMENTS ?? 500);
const workerCounts = (process.env.RANAAS_BENCH_WORKERS ?? "1,2,4").split(",").map(Number);
const kube = adminKubeConfig();
const cluster = { sites: 20, nodesPerSite: 10, rus: 500, prefix: "bthr", octet: 35, centralNodes: 2 };
const removeNodes = await addLoadNodes(kube, cluster);
const core = kube.makeApiClient(CoreV1Api);

/** Deletes every namespace RANaaS made (all at once, not one wait each) and waits until they are gone. */
async function removeManagedNamespaces(): Promise<void> {
  const selector = { labelSelector: "app.kubernetes.io/managed-by=ranaas" };
  const namespaces = (await core.listNamespace(selector)).items;
  await Promise.all(
    namespaces.map((ns) => core.deleteNamespace({ name: ns.metadata?.name ?? "" }).catch(() => undefined)),
  );
  await eventually(
    async () => {
      const left = await core.listNamespace(selector);
      return left.items.length === 0 ? true : undefined;
    },
    { timeoutMs: 900_000, intervalMs: 2000, what: "the round's namespaces to be gone" },
  );
}

const NO_RATE_LIMIT = { RANAAS_RATE_LIMIT_PER_SECOND: "100000", RANAAS_RATE_LIMIT_BURST: "100000" };

/**
 * The plan RPC (planning and reserving, as the orchestrator times it) for `sequential` creates one
 * after another, then for `burst` creates at once; no workers run, so what is measured is planning.
 */
async function planBurst(sequential: number, burst: number) {
  const ranaas = await startRanaas({ bench: "admin" }, "ranaas_bench_plan", NO_RATE_LIMIT, 0);
  try {
    await loadRuPool(ranaas.db, cluster);
    const records = ranaas.db.collection<{ state: string }>("deployments");
    const orchestrator = ranaas.fleet.running("orchestrator")[0];
    assert.ok(orchestrator);
    const placed = () =>
      histogramBuckets(orchestrator.url, "ranaas_plan_duration_seconds", 'outcome="placed"');
    const create = async (i: number) => {
      const answer = await call(
        ranaas.fleet.apiUrl,
        "POST",
        "/v1/ran-deployments",
        cellsRequest(`plan-${i}`, 1),
        {
          authorization: `Bearer ${ranaas.keys.bench}`,
        },
      );
      assert.ok(answer.status === 201 || answer.status === 202, JSON.stringify(answer.body));
    };
    const allPlanned = (n: number) =>
      eventually(
        async () => ((await records.countDocuments({ state: "planned" })) === n ? true : undefined),
        {
          timeoutMs: 300_000,
          intervalMs: 100,
          what: `${n} deployments to be planned`,
        },
      );
    await load(sequential, 1, create);
    await allPlanned(sequential);
    const STEPS = ["record", "cluster", "sync", "tenant", "reserve"];
    const steps = () =>
      Promise.all(
        STEPS.map((step) => histogramBuckets(orchestrator.url, "ranaas_plan_step_seconds", `step="${step}"`)),
      );
    const afterSequential = await placed();
    const stepsBefore = await steps();
    await load(burst, burst, (i) => create(sequential + i));
    await allPlanned(sequential + burst);
    const one = quantilesOf(afterSequential);
    const many = quantilesOf(bucketsSince(afterSequential, await placed()));
    const stepsAfter = await steps();
    // What each plan waited on during the burst (steps overlap: the reads run at once).
    const burstSteps = Object.fromEntries(
      STEPS.map((step, i) => [step, quantilesOf(bucketsSince(stepsBefore[i]!, stepsAfter[i]!)).quantilesMs]),
    );
    console.log(`plan steps during the burst: ${JSON.stringify(burstSteps)}`);
    console.log(
      `plan RPC: ${one.count} one after another ${JSON.stringify(one.quantilesMs)}; ${many.count} at once ${JSON.stringify(many.quantilesMs)} (bucket upper bounds)`,
    );
    return { sequential: one, burst: many, burstSteps };
  } finally {
    await ranaas.stop();
  }
}

async function runRound(workers: number) {
  await removeManagedNamespaces();
  // No rate limit in the way: this measures how fast RANaaS provisions, not how it throttles callers.
  const ranaas = await startRanaas({ bench: "admin" }, "ranaas_bench_thr", NO_RATE_LIMIT, workers);
  try {
    await loadRuPool(ranaas.db, cluster);
    const records = ranaas.db.collection<{ state: string }>("deployments");
    const pidsOf = () =>
      Object.fromEntries(
        ["api", "orchestrator", "worker", "status"].map((service) => [
          service,
          ranaas.fleet
            .running(service as "api")
            .flatMap((p) => (p.child.pid === undefined ? [] : [p.child.pid])),
        ]),
      );
    const cpuBefore = cpuSeconds(pidsOf());
    const requestsBefore = await apiserverRequests(kube);
    const started = performance.now();
    await load(deployments, 25, async (i) => {
      const answer = await call(
        ranaas.fleet.apiUrl,
        "POST",
        "/v1/ran-deployments",
        cellsRequest(`thr-${i}`, 1),
        { authorization: `Bearer ${ranaas.keys.bench}` },
      );
      assert.ok(answer.status === 201 || answer.status === 202, JSON.stringify(answer.body));
    });
    const acceptedAfter = (performance.now() - started) / 1000;
    const settled = await eventually(
      async () => {
        if ((await records.countDocuments({ state: "failed" })) > 0) return "failed";
        return (await records.countDocuments({ state: "ready" })) === deployments ? "ready" : undefined;
      },
      { timeoutMs: 1_800_000, intervalMs: 250, what: `${deployments} deployments to be ready` },
    );
    if (settled === "failed") {
      const failed = await records.find({ state: "failed" }).limit(3).toArray();
      const workerLog = ranaas.fleet.processes
        .filter((p) => p.service === "worker")
        .flatMap((p) => p.output().split("\n"))
        .filter((line) => /"level":"(warn|error)"/.test(line))
        .slice(0, 20);
      throw new Error(`deployments failed: ${JSON.stringify(failed)}\n${workerLog.join("\n")}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const perSecond = round(deployments / seconds);
    // Where the machine's CPU went: each RANaaS service and each part of the control plane.
    const cpu = cpuSpent(cpuBefore, cpuSeconds(pidsOf()));
    // What the API server was asked meanwhile (everyone's requests: RANaaS, controllers, KWOK).
    const apiserver = requestsSince(requestsBefore, await apiserverRequests(kube));
    console.log(
      `API server requests: ${JSON.stringify(Object.fromEntries(Object.entries(apiserver).slice(0, 15)))}`,
    );
    const machineCpuSeconds = round(seconds * cpus().length, 1);
    const workerMsPerProvision = round(((cpu.worker ?? 0) * 1000) / deployments, 1);
    console.log(
      `CPU seconds: ${JSON.stringify(cpu)} of ${machineCpuSeconds} (${cpus().length} CPUs × ${round(seconds, 1)} s); workers ${workerMsPerProvision} ms per provision`,
    );
    console.log(
      `${workers} worker(s): ${deployments} accepted in ${round(acceptedAfter, 1)} s, ready in ${round(seconds, 1)} s = ${perSecond}/s`,
    );
    // The plan RPC with its reservations, as the orchestrator timed each (issue 17: p99 ≤ 50 ms).
    const orchestrator = ranaas.fleet.running("orchestrator")[0];
    assert.ok(orchestrator);
    const plans = await histogramQuantiles(
      orchestrator.url,
      "ranaas_plan_duration_seconds",
      'outcome="placed"',
    );
    console.log(`plans placed: ${plans.count}, ${JSON.stringify(plans.quantilesMs)} (bucket upper bounds)`);
    // Memory after the round: the workers have just provisioned all of them.
    const rssMiB = await residentMiB(ranaas.fleet.processes);
    console.log(`RSS (MiB): ${JSON.stringify(rssMiB)}`);
    return {
      workers,
      acceptedSeconds: round(acceptedAfter, 1),
      seconds: round(seconds, 1),
      perSecond,
      rssMiB,
      cpuSeconds: cpu,
      planMs: plans.quantilesMs,
      machineCpuSeconds,
      workerMsPerProvision,
      apiserverRequests: apiserver,
    };
  } finally {
    // Services first (a running status service would see the objects go and heal them), then every
    // namespace at once, untimed; ranaas.stop() would wait for each in turn.
    await ranaas.fleet.stopAll();
    await removeManagedNamespaces();
    await ranaas.stop();
  }
}

const rounds = [];
let plans: Awaited<ReturnType<typeof planBurst>> | undefined;
try {
  plans = await planBurst(50, 200);
  for (const workers of workerCounts) rounds.push(await runRound(workers));
} finally {
  await removeNodes();
}
const one = rounds[0]?.perSecond ?? 1;
const results = rounds.map((r) => ({ ...r, scalingToOneWorker: round(r.perSecond / one) }));
writeResult("throughput", {
  deployments,
  cluster: {
    edgeNodes: cluster.sites * cluster.nodesPerSite,
    centralNodes: cluster.centralNodes,
    rus: cluster.rus,
  },
  workerConcurrency: Number(process.env.RANAAS_WORKER_CONCURRENCY ?? 4),
  planRpc:
    plans === undefined
      ? undefined
      : {
          ...plans,
          p99BurstToSequential:
            plans.burst.quantilesMs.p99 == null || plans.sequential.quantilesMs.p99 == null
              ? null
              : round(plans.burst.quantilesMs.p99 / plans.sequential.quantilesMs.p99),
        },
  results,
});
for (const r of results) console.log(`${r.workers} worker(s): ${r.perSecond}/s  ×${r.scalingToOneWorker}`);
