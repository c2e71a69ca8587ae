// Telemetry cost: the status service's CPU (seconds per wall second, its process_cpu_seconds_total) and
// resident memory with N running deployments (RANAAS_BENCH_DEPLOYMENTS, default 1,000; one or two cells
// each), without the radio's telemetry (RANAAS_RADIO_TELEMETRY=false: the baseline) and with every CU and
// DU reporting each second (the gNB telemetry simulator, RANAAS_TELEMETRY_VIA), in the same run and taking
// turns: baseline, telemetry, baseline, telemetry (RANAAS_BENCH_ROUNDS), each on a fresh status service,
// each measured over a fixed window (RANAAS_BENCH_WINDOW_SECONDS, default 60) after a warm-up. With
// telemetry also: the links the status service holds open, the Prometheus series it exports, how long a
// scrape of its /metrics takes, and that every radio is judged healthy. The simulator runs in this process:
// its CPU is this process's, reported apart.
//
// The deployments are not made through RANaaS (1,000 creates take some 6 minutes here): each one's rendered
// Namespace, `cu-config` and `du-config` ConfigMaps and `cu` and `du` Deployments — what the status service
// watches and the simulator reads — are applied directly, on load nodes of their own.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { CoreV1Api, type KubernetesObject } from "@kubernetes/client-node";
import { namespaceOf, shortIdOf } from "../src/domain/ids.ts";
import type { ResourceDefinition } from "../src/domain/resource-definition.ts";
import { applyObjects } from "../src/k8s/cluster/apply.ts";
import { KeepAliveKubeConfig } from "../src/k8s/cluster/keep-alive-kube-config.ts";
import { LABEL_TENANT } from "../src/k8s/render/labels.ts";
import { renderManifests } from "../src/k8s/render/render-manifests.ts";
import { eventually } from "../test/support/eventually.ts";
import { GnbTelemetrySimulator } from "../test/support/gnb-telemetry-simulator.ts";
import { undoOnInterrupt } from "../test/support/interrupt.ts";
import { adminKubeConfig } from "../test/support/kube.ts";
import { addLoadNodes } from "../test/support/load-nodes.ts";
import { cleanUpAll } from "../test/support/ranaas.ts";
import { ServiceFleet, type ServiceProcess } from "../test/support/services.ts";
import { SIMULATED_SOFTWARE, stackConfig, uniqueName } from "../test/support/stack.ts";
import { cpuSeconds, cpuSpent } from "./support/cpu.ts";
import { load, round, writeResult } from "./support/report.ts";

const deployments = Number(process.env.RANAAS_BENCH_DEPLOYMENTS ?? 1000);
const windowSeconds = Number(process.env.RANAAS_BENCH_WINDOW_SECONDS ?? 60);
const rounds = Number(process.env.RANAAS_BENCH_ROUNDS ?? 2);
/** After the status service has every radio judged (or, without telemetry, every deployment cached). */
const WARM_UP_MS = 15_000;
const TENANT = "bench-telemetry";
/** Pods per load node, under KWOK's 250. */
const PODS_PER_NODE = 200;

const kube = new KeepAliveKubeConfig();
const kubeconfig = stackConfig().kubeconfig;
assert.ok(kubeconfig !== undefined, "KUBECONFIG is not set and .stack/kubeconfig does not exist");
kube.loadFromFile(kubeconfig);
const core = kube.makeApiClient(CoreV1Api);
const nodesEach = Math.ceil(deployments / PODS_PER_NODE);
const cluster = {
  sites: nodesEach,
  nodesPerSite: 1,
  rus: 0,
  prefix: "btel",
  octet: 41,
  centralNodes: nodesEach,
};

const golden = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../test/golden/${name}/resource-definition.json`, import.meta.url), "utf8"),
  ) as ResourceDefinition;
const templates = [golden("n78-one-cell"), golden("n78-two-cells")];

/** Deployment i: its own id, namespace, gNB ID and PCIs; one cell or two; on the load nodes, nearly free. */
function definition(i: number): ResourceDefinition {
  const template = templates[i % 2]!;
  const deploymentId = `0190a5c4-7e1d-7000-8000-7e1e${(i + 1).toString(16).padStart(8, "0")}`;
  const gnbId = i + 1;
  const small = { cpuMillis: 10, memoryMiB: 16 };
  const edge = `${cluster.prefix}-${(i % nodesEach) + 1}-1`;
  return {
    ...template,
    deploymentId,
    shortId: shortIdOf(deploymentId),
    namespace: namespaceOf(deploymentId),
    tenant: TENANT,
    name: `telemetry-${i}`,
    gnbId,
    site: `${cluster.prefix}-${(i % nodesEach) + 1}`,
    cu: { ...template.cu, node: `${cluster.prefix}-central-${(i % nodesEach) + 1}`, resources: small },
    du: { ...template.du, node: edge, resources: small },
    cells: template.cells.map((cell) => {
      const nci = gnbId * 2 ** (36 - template.gnbIdBits) + cell.sectorId;
      const nciHex = nci.toString(16).padStart(9, "0");
      return {
        ...cell,
        ruId: `${cluster.prefix}-ru-${i}-${cell.index}`,
        ruNode: edge,
        pci: (2 * i + cell.index) % 1008,
        nci,
        nciHex,
        nrCgi: `999-70-${nciHex}`,
      };
    }),
    images: SIMULATED_SOFTWARE.images,
  };
}

/** What the status service and the simulator read of a deployment: no RU emulators, Services or policies. */
function objectsOf(def: ResourceDefinition): KubernetesObject[] {
  const wanted = new Set([
    "Namespace/",
    "ConfigMap/cu-config",
    "ConfigMap/du-config",
    "Deployment/cu",
    "Deployment/du",
  ]);
  return renderManifests(def).objects.filter((o) =>
    wanted.has(`${o.kind}/${o.kind === "Namespace" ? "" : o.metadata?.name}`),
  );
}

const selector = { labelSelector: `${LABEL_TENANT}=${TENANT}` };

/** Asks for every namespace of the benchmark to be deleted (once is enough). */
async function deleteNamespaces(): Promise<number> {
  const namespaces = (await core.listNamespace(selector)).items;
  // No more at once than the kept connections (see below).
  await load(namespaces.length, 24, async (i) => {
    await core.deleteNamespace({ name: namespaces[i]!.metadata?.name ?? "" }).catch(() => undefined);
  });
  return namespaces.length;
}

/** Deletes the namespaces and waits until they are gone (the namespace controller takes them a few at a time). */
async function removeNamespaces(): Promise<void> {
  const started = performance.now();
  const count = await deleteNamespaces();
  await eventually(async () => ((await core.listNamespace(selector)).items.length === 0 ? true : undefined), {
    timeoutMs: 120_000 + 1_000 * count,
    intervalMs: 2_000,
    what: `${count} namespaces to be gone`,
  });
  console.log(`${count} namespaces deleted in ${round((performance.now() - started) / 1000, 1)} s`);
}

/** How many pods of the benchmark are Ready. */
async function readyPods(): Promise<number> {
  const pods = await core.listPodForAllNamespaces(selector);
  return pods.items.filter((p) =>
    (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
  ).length;
}

/** The busy and total jiffies of every CPU of the machine so far (/proc/stat). */
function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();

/** A figure of the scraped text: the first series of `name`, or the count of its series with value `value`. */
function sample(text: string, name: string): number | undefined {
  const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, "m").exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

function radioFigures(text: string) {
  const lines = text.split("\n");
  return {
    links: sample(text, "ranaas_radio_links") ?? 0,
    healthy: lines.filter((l) => l.startsWith("ranaas_radio_healthy{") && l.endsWith(" 1")).length,
    // Per deployment and per cell (not the links gauge).
    series: lines.filter((l) => /^ranaas_(cell|radio)_\w+\{/.test(l) && !l.startsWith("ranaas_radio_links"))
      .length,
  };
}

/** How long /metrics takes to answer (five scrapes one after another), and its size. */
async function scrapeTimes(url: string): Promise<{ p50Ms: number; maxMs: number; kiB: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    bytes = (await scrape(url)).length;
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50Ms: round(ms[2]!, 1), maxMs: round(ms[4]!, 1), kiB: round(bytes / 1024, 1) };
}

type Phase = "baseline" | "telemetry";

/** One window on a fresh status service: its CPU and memory, and what the machine did beside it. */
async function measure(fleet: ServiceFleet, phase: Phase, simulatorUrl: string, round_: number) {
  const env =
    phase === "telemetry" ? { RANAAS_RADIO_TELEMETRY: "true", RANAAS_TELEMETRY_VIA: simulatorUrl } : {};
  const t0 = performance.now();
  const status: ServiceProcess = await fleet.start("status", env);
  try {
    const pid = status.child.pid;
    assert.ok(pid !== undefined);
    // Settled: every deployment in its cache; with telemetry, a link to every CU and DU and every radio judged.
    let seen = "nothing";
    await eventually(
      async () => {
        if (phase === "telemetry") {
          const radios = radioFigures(await scrape(status.url));
          if (seen !== JSON.stringify(radios)) {
            seen = JSON.stringify(radios);
            console.log(`${round((performance.now() - t0) / 1000, 1)} s: ${seen}`);
          }
          return radios.links === 2 * deployments && radios.healthy === deployments ? true : undefined;
        }
        const all = (await (await fetch(`${status.url}/status`)).json()) as { deployments: object };
        seen = `${Object.keys(all.deployments).length} deployments`;
        return Object.keys(all.deployments).length === deployments ? true : undefined;
      },
      {
        timeoutMs: 120_000 + 100 * deployments,
        intervalMs: 2_000,
        what: `the ${phase} status service to settle`,
        lastSeen: () => seen,
      },
    );
    const settledSeconds = round((performance.now() - t0) / 1000, 1);
    await delay(WARM_UP_MS);
    const reading = async () => ({
      cpu: sample(await scrape(status.url), "process_cpu_seconds_total") ?? Number.NaN,
      groups: cpuSeconds({ status: [pid] }),
      machine: machineJiffies(),
      own: process.cpuUsage(),
      at: performance.now(),
    });
    const before = await reading();
    await delay(windowSeconds * 1000);
    const after = await reading();
    const seconds = (after.at - before.at) / 1000;
    const text = await scrape(status.url);
    const spent = cpuSpent(before.groups, after.groups);
    const own = process.cpuUsage(before.own);
    const figures = {
      phase,
      round: round_,
      settledSeconds,
      windowSeconds: round(seconds, 1),
      cpuPerSecond: round((after.cpu - before.cpu) / seconds, 3),
      cpuPerSecondFromProc: round((spent.status ?? 0) / seconds, 3),
      rssMiB: round((sample(text, "process_resident_memory_bytes") ?? 0) / 2 ** 20, 1),
      heapUsedMiB: round((sample(text, "nodejs_heap_size_used_bytes") ?? 0) / 2 ** 20, 1),
      // This process: the simulator (idle without telemetry) and the benchmark's few reads.
      benchProcessCpuPerSecond: round((own.user + own.system) / 1e6 / seconds, 3),
      // How busy the whole machine was (both cores; another stack's work too): the noise beside it.
      machineBusyShare: round(
        (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total),
        3,
      ),
      ...radioFigures(text),
      scrape: await scrapeTimes(status.url),
    };
    console.log(JSON.stringify(figures));
    return figures;
  } finally {
    await fleet.stop(status);
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const removeNodes = await addLoadNodes(kube, cluster);
const forgetNamespaces = undoOnInterrupt(deleteNamespaces);
const fleet = await ServiceFleet.create(uniqueName("ranaas_bench_telemetry").replaceAll("-", "_"));
// Not over kept connections: the Kubernetes client's node-fetch fails some answers as "Premature close"
// when more requests wait for a kept socket than it has (node-fetch/node-fetch#1767), and the simulator
// reads two ConfigMaps for each of the N deployments at once when the status service connects.
const simulator = await GnbTelemetrySimulator.start(adminKubeConfig());
try {
  const t0 = performance.now();
  await load(deployments, 24, async (i) => {
    await applyObjects(kube, objectsOf(definition(i)));
  });
  const applySeconds = round((performance.now() - t0) / 1000, 1);
  await eventually(async () => ((await readyPods()) === 2 * deployments ? true : undefined), {
    timeoutMs: 120_000 + 500 * deployments,
    intervalMs: 3_000,
    what: `${2 * deployments} pods to be Ready`,
  });
  const readySeconds = round((performance.now() - t0) / 1000, 1);
  console.log(
    `${deployments} deployments applied in ${applySeconds} s, every pod Ready after ${readySeconds} s`,
  );

  const windows: Awaited<ReturnType<typeof measure>>[] = [];
  for (let r = 1; r <= rounds; r++)
    for (const phase of ["baseline", "telemetry"] as const)
      windows.push(await measure(fleet, phase, simulator.url, r));
  const of = (phase: Phase) => windows.filter((w) => w.phase === phase);
  const summary = (phase: Phase) => ({
    cpuPerSecond: round(mean(of(phase).map((w) => w.cpuPerSecond)), 3),
    rssMiB: round(mean(of(phase).map((w) => w.rssMiB)), 1),
    benchProcessCpuPerSecond: round(mean(of(phase).map((w) => w.benchProcessCpuPerSecond)), 3),
    machineBusyShare: round(mean(of(phase).map((w) => w.machineBusyShare)), 3),
  });
  const baseline = summary("baseline");
  const telemetry = summary("telemetry");
  const ratio = {
    cpu: round(telemetry.cpuPerSecond / baseline.cpuPerSecond, 2),
    rss: round(telemetry.rssMiB / baseline.rssMiB, 2),
    // Each round's telemetry window against the baseline window just before it: how much the ratio moves.
    cpuByRound: of("telemetry").map((w, k) => round(w.cpuPerSecond / of("baseline")[k]!.cpuPerSecond, 2)),
    rssByRound: of("telemetry").map((w, k) => round(w.rssMiB / of("baseline")[k]!.rssMiB, 2)),
  };
  console.log(`telemetry ÷ baseline: ${JSON.stringify(ratio)}`);
  writeResult("telemetry", {
    deployments,
    cells:
      templates[0]!.cells.length * Math.ceil(deployments / 2) +
      templates[1]!.cells.length * Math.floor(deployments / 2),
    reportPeriodMs: templates[0]!.metricsPeriodMs,
    windowSeconds,
    warmUpSeconds: WARM_UP_MS / 1000,
    rounds,
    setup: { applySeconds, readySeconds },
    baseline,
    telemetry,
    ratio,
    windows,
  });
} finally {
  await cleanUpAll(
    () => fleet.stopAll(),
    () => simulator.stop(),
    async () => {
      await removeNamespaces();
      forgetNamespaces();
    },
    removeNodes,
    () => Promise.resolve(kube.closeConnections()),
  );
}
