// The index the orchestrator keeps must always say what a fold of every live reservation says: random
// sequences of reservations and releases (as the database would take them: a reservation whose key is
// held already is refused whole) are checked against viewOf and usageIn after every step.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { seededRandom } from "../../test/support/seeded-random.ts";
import { AllocationIndex } from "./allocation-index.ts";
import { usageIn, viewOf, type AllocationDocument } from "./allocations-repository.ts";

const random = seededRandom;

const TENANTS = ["core-a", "core-b", "core-c"];

/** What one deployment reserves: its compute and, per cell, an RU, a PCI, a VLAN and a PRACH root. */
function reservation(pick: (n: number) => number, deploymentId: string): AllocationDocument[] {
  const createdAt = new Date(0);
  const site = `site-${pick(3)}`;
  const cells = 1 + pick(4);
  const nodes = [`central-${pick(2)}`, `edge-${site}-${pick(3)}`];
  const docs: AllocationDocument[] = [
    {
      _id: `compute:${deploymentId}`,
      deploymentId,
      createdAt,
      tenant: TENANTS[pick(TENANTS.length)] ?? "core-a",
      cells,
      compute: Object.fromEntries(
        nodes.map((node) => [node, { cpuMillis: 500 * (1 + pick(8)), memoryMiB: 256 * (1 + pick(8)) }]),
      ),
    },
    { _id: `gnb:${1 + pick(40)}`, deploymentId, createdAt },
  ];
  for (let c = 0; c < cells; c++) {
    docs.push(
      { _id: `ru:ru-${site}-${pick(30)}`, deploymentId, createdAt },
      { _id: `pci:${site}:${pick(60)}`, deploymentId, createdAt },
      { _id: `vlan:${site}:${2 + pick(60)}`, deploymentId, createdAt },
      { _id: `prach:${site}:${[636666, 628000][pick(2)]}:${pick(20)}`, deploymentId, createdAt },
    );
  }
  if (pick(4) === 0) docs.push({ _id: `hostports:${nodes[0]}`, deploymentId, createdAt });
  if (pick(3) === 0)
    docs.push({ _id: `backhaul:zone-${pick(2)}:192.0.2.${pick(40)}`, deploymentId, createdAt });
  // One deployment never holds a key twice (the database would refuse its own duplicate too).
  return [...new Map(docs.map((d) => [d._id, d])).values()];
}

describe("AllocationIndex", () => {
  for (const seed of [1, 7, 42, 2026, 90210]) {
    it(`agrees with a fold of every live reservation through 400 random reserves and releases (seed ${seed})`, () => {
      const pick = random(seed);
      const live = new Map<string, AllocationDocument>();
      const deployments = new Map<string, AllocationDocument[]>();
      const index = new AllocationIndex();
      let next = 0;
      for (let step = 0; step < 400; step++) {
        const ids = [...deployments.keys()];
        if (ids.length > 0 && pick(5) < 2) {
          const id = ids[pick(ids.length)] ?? "";
          for (const doc of deployments.get(id) ?? []) {
            live.delete(doc._id);
            index.remove(doc);
          }
          deployments.delete(id);
        } else {
          const docs = reservation(pick, `d-${next++}`);
          if (docs.some((d) => live.has(d._id))) continue; // refused whole, as by the unique keys
          for (const doc of docs) {
            live.set(doc._id, doc);
            index.add(doc);
          }
          deployments.set(docs[0]?.deploymentId ?? "", docs);
        }
        assert.deepEqual(index.view, viewOf(live.values()), `seed ${seed}, step ${step}`);
        for (const tenant of TENANTS)
          assert.deepEqual(
            index.usageOf(tenant),
            usageIn(live.values(), tenant),
            `seed ${seed}, step ${step}`,
          );
      }
      assert.ok(next > 100, "the sequence reserved a good many");
    });
  }

  it("is empty again once everything is released, whatever the order", () => {
    const pick = random(3);
    const all = Array.from({ length: 20 }, (_, i) => reservation(pick, `d-${i}`)).filter(
      (docs, i, list) =>
        !list
          .slice(0, i)
          .flat()
          .some((d) => docs.some((x) => x._id === d._id)),
    );
    const index = AllocationIndex.of(all.flat());
    for (const docs of all.reverse()) for (const doc of docs) index.remove(doc);
    assert.deepEqual(index.view, viewOf([]));
    assert.deepEqual(index.usageOf("core-a"), { deployments: 0, cells: 0, cpuMillis: 0 });
  });
});
