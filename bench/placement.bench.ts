// Placement decision time (pure planDeployment, no I/O) for 1,000 nodes, 10,000 RUs and 5,000 existing
// deployments, and how it grows when each of these grows ×10. The decision reads the indexed view the
// orchestrator keeps across plans (built once here, as the orchestrator builds it once per pool read);
// the node index, which the orchestrator builds once per cluster read, is timed on its own. The baseline
// is the base size measured in the same run; results go to bench/results/placement.json.
import { previewSoftware } from "../src/offline/render-request.ts";
import { performance, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { validateSpec } from "../src/domain/validate-spec.ts";
import type { ClusterNode, Inventory, RadioUnit } from "../src/placement/inventory.ts";
import { NodeIndex } from "../src/placement/node-index.ts";
import { indexInventory } from "../src/placement/placement-view.ts";
import { planDeployment } from "../src/placement/plan-deployment.ts";
import { uuidV7 } from "../src/platform/uuid-v7.ts";
import { percentiles, round, runsFromEnv, writeResult, type Percentiles } from "./support/report.ts";

interface Size {
  nodes: number;
  rus: number;
  deployments: number;
}

const NODES_PER_SITE = 10;
/** Decisions made before timing starts, so the JIT has compiled the code the timed ones run. */
const WARM_UP = 200;

// A full collection between building a case's inventory and timing its decisions: the garbage of
// building 10,000 nodes or 100,000 RUs is the benchmark's, not the decisions'. Collections during the
// timed decisions are observed, and the decisions they overlapped are counted.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;
const collections: PerformanceEntry[] = [];
new PerformanceObserver((list) => collections.push(...list.getEntries())).observe({ entryTypes: ["gc"] });

/** An inventory of the given size: edge nodes in sites of 10, 5% central nodes, RUs spread over the
 *  edge nodes, and `deployments` existing ones holding one RU each (at most half the pool), a gNB ID
 *  each and a PCI at their site. */
function inventory(size: Size): Inventory {
  const central = Math.max(2, Math.round(size.nodes * 0.05));
  const edge = size.nodes - central;
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < edge; i++)
    nodes.push({
      name: `edge-${i}`,
      site: `site-${Math.floor(i / NODES_PER_SITE)}`,
      role: "edge",
      free: { cpuMillis: 30_000, memoryMiB: 120 * 1024 },
      // A site's edge nodes share a PTP-synchronised fronthaul, so one DU may serve RUs on any of them
      // (at 10,000 nodes there is about one RU per node: without it, no node could serve two cells).
      ptpFronthaul: true,
    });
  for (let i = 0; i < central; i++)
    nodes.push({
      name: `central-${i}`,
      site: "central",
      role: "central",
      free: { cpuMillis: 62_000, memoryMiB: 248 * 1024 },
    });
  const held = Math.min(size.deployments, Math.floor(size.rus / 2));
  const rus: RadioUnit[] = Array.from({ length: size.rus }, (_, i) => {
    const node = nodes[i % edge] as ClusterNode;
    return {
      id: `ru-${i}`,
      site: node.site,
      node: node.name,
      bands: [78, 41],
      maxBandwidthMHz: 100,
      ...(i < held ? { allocatedTo: `d-${i}` } : {}),
    };
  });
  const gnbIds = new Set<number>();
  const pcisBySite = new Map<string, Set<number>>();
  for (let d = 0; d < size.deployments; d++) {
    gnbIds.add(d + 1);
    const site = `site-${d % Math.ceil(edge / NODES_PER_SITE)}`;
    const pcis = pcisBySite.get(site) ?? new Set<number>();
    pcis.add(pcis.size % 1008);
    pcisBySite.set(site, pcis);
  }
  return {
    nodes,
    rus,
    used: {
      gnbIds,
      pcisBySite,
      vlansBySite: new Map(),
      prachRootsBySite: new Map(),
      backhaulByZone: new Map(),
      hostNetworkNodes: new Set<string>(),
    },
  };
}

async function measure(
  size: Size,
  runs: number,
): Promise<Percentiles & { nodeIndexMs: number; decisionsDuringGc: number }> {
  const inv = inventory(size);
  const view = indexInventory(inv);
  const validated = validateSpec({
    name: "bench",
    amf: [{ address: "10.0.0.5" }],
    plmn: "00101",
    tac: 7,
    slices: [{ sst: 1 }],
    cells: [
      { band: 78, bandwidthMHz: 20 },
      { band: 78, bandwidthMHz: 20 },
    ],
  });
  if (!validated.ok) throw new Error("the benchmark request is not valid");
  const times: number[] = [];
  const spans: [number, number][] = [];
  collect();
  for (let i = 0; i < runs + WARM_UP; i++) {
    const started = performance.now();
    const result = planDeployment(
      {
        deploymentId: uuidV7(),
        tenant: "bench",
        revision: 1,
        spec: validated.spec,
        carriers: validated.carriers,
        software: previewSoftware(),
      },
      view,
    );
    const elapsed = performance.now() - started;
    if (!result.ok) throw new Error(`placement refused: ${result.rejection.message}`);
    if (i >= WARM_UP) {
      // the first runs warm the JIT up
      times.push(elapsed);
      spans.push([started, started + elapsed]);
    }
  }
  // The observer is told asynchronously: a collection made now marks the end of this case's, and it
  // is awaited (with a deadline) before the overlaps are counted.
  const end = performance.now();
  collect();
  for (const deadline = Date.now() + 2_000; !collections.some((gc) => gc.startTime >= end);) {
    if (Date.now() > deadline) throw new Error("the GC observer told nothing for 2 s");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const overlapped = spans.filter(([from, to]) =>
    collections.some((gc) => gc.startTime < to && gc.startTime + gc.duration > from),
  ).length;
  collections.length = 0;
  const builds: number[] = [];
  for (let i = 0; i < 25; i++) {
    const started = performance.now();
    new NodeIndex(inv.nodes);
    builds.push(performance.now() - started);
  }
  return {
    ...percentiles(times),
    nodeIndexMs: percentiles(builds.slice(5)).p50Ms,
    decisionsDuringGc: overlapped,
  };
}

const base: Size = { nodes: 1000, rus: 10_000, deployments: 5000 };
const cases: [string, Size][] = [
  ["base: 1,000 nodes, 10,000 RUs, 5,000 deployments", base],
  ["nodes ×10", { ...base, nodes: 10_000 }],
  ["RUs ×10", { ...base, rus: 100_000 }],
  ["deployments ×10", { ...base, deployments: 50_000, rus: 100_000 }],
];
// 10,000 decisions: the p99 is then the 100th slowest, not the 10th, which one hiccup of the machine moves.
const runs = runsFromEnv(10_000);
const results = [];
for (const [name, size] of cases) results.push({ name, size, ...(await measure(size, runs)) });
const baseline = results[0]?.p50Ms ?? 1;
const baselineP99 = results[0]?.p99Ms ?? 1;
const report = {
  runs,
  results: results.map((r) => ({
    ...r,
    ratioToBaseline: round(r.p50Ms / baseline),
    p99RatioToBaseline: round(r.p99Ms / baselineP99),
  })),
};
writeResult("placement", report);
for (const r of report.results)
  console.log(
    `${r.name.padEnd(52)} p50 ${r.p50Ms.toFixed(3).padStart(7)} ms ×${r.ratioToBaseline}   p99 ${r.p99Ms.toFixed(3).padStart(7)} ms ×${r.p99RatioToBaseline}   node index ${r.nodeIndexMs.toFixed(2)} ms   ${r.decisionsDuringGc} during a GC`,
  );
