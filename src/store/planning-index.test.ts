// What the orchestrator keeps across plans must plan exactly as a fresh inventory does: random
// sequences of plans (reserved as the database would take them) and releases, and after every step a
// probe request planned both from the kept index and from an inventory built by scanning every live
// reservation and the whole pool (viewOf, the pool with each RU's holder, nodes less reserved compute).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { seededRandom } from "../../test/support/seeded-random.ts";
import { validateSpec } from "../domain/validate-spec.ts";
import { previewSoftware } from "../offline/render-request.ts";
import { subtract } from "../placement/compute-profile.ts";
import type { Inventory } from "../placement/inventory.ts";
import { localNodes, localRadioUnits } from "../placement/local-inventory.ts";
import { planDeployment, type PlanResult } from "../placement/plan-deployment.ts";
import type { PlacementView } from "../placement/placement-view.ts";
import { allocationDocuments, viewOf, type AllocationDocument } from "./allocations-repository.ts";
import { PlanningIndex } from "./planning-index.ts";

const TOPOLOGY = { sites: 3, edgeNodesPerSite: 2, centralNodes: 1, rusPerEdgeNode: 3 };
const nodes = localNodes(TOPOLOGY).map((n) => ({
  ...n,
  free: n.role === "central" ? { cpuMillis: 40_000, memoryMiB: 64 * 1024 } : n.free,
}));
const pool = localRadioUnits(TOPOLOGY);

function plan(pick: (n: number) => number, id: string, view: Inventory | PlacementView): PlanResult {
  const validated = validateSpec({
    name: id,
    amf: { address: "10.0.0.5" },
    plmn: "00101",
    tac: 7,
    slices: [{ sst: 1 }],
    cells: Array.from({ length: 1 + pick(3) }, () => ({
      band: [78, 41][pick(2)],
      bandwidthMHz: [20, 40][pick(2)],
    })),
    ...(pick(3) === 0 ? { site: `site-${1 + pick(3)}` } : {}),
  });
  assert.ok(validated.ok, JSON.stringify(validated));
  return planDeployment(
    {
      deploymentId: id,
      tenant: "acme",
      revision: 1,
      spec: validated.spec,
      carriers: validated.carriers,
      software: previewSoftware(),
    },
    view,
  );
}

/** The inventory a scan of every live reservation gives. */
function scanned(live: Iterable<AllocationDocument>): Inventory {
  const { used, ruHolders, reservedCompute } = viewOf(live);
  return {
    nodes: nodes.map((n) => {
      const reserved = reservedCompute.get(n.name);
      return reserved === undefined ? n : { ...n, free: subtract(n.free, reserved) };
    }),
    rus: pool.map((ru) => ({ ...ru, allocatedTo: ruHolders.get(ru.id) })),
    used,
  };
}

describe("PlanningIndex", () => {
  for (const seed of [2, 19, 77, 2026]) {
    it(`plans as a scan of every reservation does through 120 random plans and releases (seed ${seed})`, () => {
      const pick = seededRandom(seed);
      const index = new PlanningIndex([], pool);
      const live = new Map<string, AllocationDocument[]>();
      let placed = 0;
      let refused = 0;
      for (let step = 0; step < 120; step++) {
        const at = `seed ${seed}, step ${step}`;
        const held = [...live.keys()];
        if (held.length > 0 && pick(3) === 0) {
          const id = held[pick(held.length)]!;
          index.released(id);
          live.delete(id);
        } else {
          const id = `0190a5c4-7e1d-7000-8000-${String(step).padStart(12, "0")}`;
          // The same request, planned from both: the same seed state drives each.
          const probe = seededRandom(seed * 1000 + step);
          const fromIndex = plan(probe, id, index.placementView(nodes));
          const again = seededRandom(seed * 1000 + step);
          const fromScan = plan(again, id, scanned([...live.values()].flat()));
          assert.deepEqual(fromIndex, fromScan, at);
          if (fromIndex.ok) {
            const docs = allocationDocuments(fromIndex.definition, 1);
            index.reserved(docs);
            live.set(id, docs);
            placed++;
          } else refused++;
        }
        for (const id of live.keys()) assert.ok(index.holdsAnything(id), at);
      }
      assert.ok(placed > 20 && refused > 5, `placed ${placed}, refused ${refused}: both paths exercised`);
    });
  }
});
