import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_IMAGES, type PlannedCell, type ResourceDefinition } from "../domain/resource-definition.ts";
import { validateSpec } from "../domain/validate-spec.ts";
import { emptyIdentities, type Inventory } from "./inventory.ts";
import { localInventory } from "./local-inventory.ts";
import { planDeployment, type PlanResult } from "./plan-deployment.ts";

const ID = "0190a5c4-7e1d-7000-8000-0000000000aa";

function planFor(
  spec: Record<string, unknown>,
  inventory: Inventory = localInventory(),
  previous?: ResourceDefinition,
): PlanResult {
  const validated = validateSpec({
    name: "t",
    amf: { address: "10.0.0.5" },
    plmn: "00101",
    tac: 7,
    slices: [{ sst: 1 }],
    ...spec,
  });
  assert.ok(validated.ok, JSON.stringify(validated));
  return planDeployment(
    {
      deploymentId: ID,
      tenant: "acme",
      revision: 3,
      spec: validated.spec,
      carriers: validated.carriers,
      images: DEFAULT_IMAGES,
      previous,
    },
    inventory,
  );
}

const cells = (n: number, band = 78) => Array.from({ length: n }, () => ({ band, bandwidthMHz: 20 }));

describe("planDeployment", () => {
  it("places the DU with its RUs, the CU on a central node, and names everything", () => {
    const result = planFor({ cells: cells(2) });
    assert.ok(result.ok);
    const def = result.definition;
    assert.equal(def.namespace, "ran-0000000000aa");
    assert.equal(def.revision, 3);
    assert.equal(def.site, "site-1");
    assert.equal(def.cu.node, "central-1");
    assert.deepEqual(
      def.cells.map((c) => [c.ruId, c.ruNode, c.pci, c.sectorId]),
      [
        ["ru-1-1-1", "edge-site-1-1", 0, 0],
        ["ru-1-1-2", "edge-site-1-1", 1, 1],
      ],
    );
    assert.equal(def.du.node, "edge-site-1-1");
    assert.equal(def.gnbId, 1);
  });

  it("honours a requested site", () => {
    const result = planFor({ cells: cells(1), site: "site-3" });
    assert.ok(result.ok);
    assert.equal(result.definition.site, "site-3");
    assert.equal(result.definition.cells[0]?.ruNode.startsWith("edge-site-3-"), true);
  });

  it("refuses with what is missing when no site has enough free RUs", () => {
    const result = planFor({ cells: cells(9) });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.rejection.code, "insufficient-rus");
      assert.match(
        result.rejection.message,
        /needs 9 RUs at one site — 9 for band n78 \(20 MHz\); the most free capable RUs at any site is 8/,
      );
    }
  });

  it("counts only free RUs that can serve the band", () => {
    const inventory = localInventory();
    const rus = inventory.rus.map((ru) => (ru.site === "site-1" ? { ...ru, allocatedTo: "other" } : ru));
    const result = planFor({ cells: cells(1), site: "site-1" }, { ...inventory, rus });
    assert.ok(!result.ok && result.rejection.code === "insufficient-rus");
  });

  it("refuses when no edge node has room for the DU", () => {
    const inventory = localInventory();
    const nodes = inventory.nodes.map((n) =>
      n.role === "edge" ? { ...n, free: { cpuMillis: 5000, memoryMiB: 65536 } } : n,
    );
    const result = planFor({ cells: cells(2) }, { ...inventory, nodes });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.rejection.code, "insufficient-compute");
      assert.match(result.rejection.message, /for the DU/);
    }
  });

  it("puts the CU on an edge node of the site when no central node has room", () => {
    const inventory = localInventory();
    const nodes = inventory.nodes.map((n) =>
      n.role === "central" ? { ...n, free: { cpuMillis: 0, memoryMiB: 0 } } : n,
    );
    const result = planFor({ cells: cells(1) }, { ...inventory, nodes });
    assert.ok(result.ok);
    assert.match(result.definition.cu.node, /^edge-site-1-/);
  });

  it("refuses a requested gNB ID or PCI another deployment holds", () => {
    const inventory = localInventory();
    const used = {
      ...emptyIdentities(),
      gnbIds: new Set([42]),
      pcisBySite: new Map([["site-1", new Set([7])]]),
    };
    const gnb = planFor({ cells: cells(1), gnbId: 42 }, { ...inventory, used });
    assert.ok(
      !gnb.ok && gnb.rejection.code === "identity-conflict" && /gNB ID 42/.test(gnb.rejection.message),
    );
    const pci = planFor(
      { cells: [{ band: 78, bandwidthMHz: 20, pci: 7 }], site: "site-1" },
      { ...inventory, used },
    );
    assert.ok(!pci.ok && pci.rejection.code === "identity-conflict" && /PCI 7/.test(pci.rejection.message));
  });

  it("skips gNB IDs, PCIs, VLANs and PRACH roots already in use", () => {
    const inventory = localInventory();
    const used = {
      gnbIds: new Set([1, 2]),
      pcisBySite: new Map([["site-1", new Set([0, 1, 2, 4])]]),
      vlansBySite: new Map([["site-1", new Set([100])]]),
      prachRootsBySite: new Map([["site-1", new Map([[636666, new Set([0])]])]]),
    };
    const result = planFor({ cells: cells(1), site: "site-1" }, { ...inventory, used });
    assert.ok(result.ok);
    const cell = result.definition.cells[0]!;
    assert.equal(result.definition.gnbId, 3);
    assert.equal(cell.pci, 3); // residues 0 and 2 are the least used (once each); 3 is the lowest free of them
    assert.equal(cell.fronthaul.vlan, 101);
    assert.equal(cell.prach.rootSequenceIndex, 8);
  });

  it("refuses an unknown site", () => {
    const result = planFor({ cells: cells(1), site: "mars" });
    assert.ok(!result.ok && result.rejection.code === "unknown-site");
  });

  describe("re-planning an update", () => {
    const identity = (c: PlannedCell) => [
      c.ruId,
      c.pci,
      c.nci,
      c.fronthaul.vlan,
      c.fronthaul.duMac,
      c.prach.rootSequenceIndex,
    ];

    it("keeps the site, gNB ID and every untouched cell's RU and identities while scaling 2 → 4 → 1", () => {
      const two = planFor({ cells: cells(2), site: "site-2" });
      assert.ok(two.ok);
      const four = planFor({ cells: cells(4) }, localInventory(), two.definition);
      assert.ok(four.ok, JSON.stringify(four));
      assert.equal(four.definition.site, "site-2");
      assert.equal(four.definition.gnbId, two.definition.gnbId);
      assert.equal(four.definition.du.node, two.definition.du.node);
      assert.deepEqual(four.definition.cells.slice(0, 2).map(identity), two.definition.cells.map(identity));
      const all = four.definition.cells;
      assert.equal(new Set(all.map((c) => c.ruId)).size, 4);
      assert.equal(new Set(all.map((c) => c.pci)).size, 4);
      assert.equal(new Set(all.map((c) => c.fronthaul.vlan)).size, 4);
      const one = planFor({ cells: cells(1) }, localInventory(), four.definition);
      assert.ok(one.ok);
      assert.deepEqual(one.definition.cells.map(identity), [identity(two.definition.cells[0]!)]);
    });

    it("gives a cell whose carrier changed new radio identities but keeps its sector", () => {
      const before = planFor({ cells: cells(2), site: "site-1" });
      assert.ok(before.ok);
      const changed = planFor(
        {
          cells: [
            { band: 78, bandwidthMHz: 20 },
            { band: 78, bandwidthMHz: 40 },
          ],
        },
        localInventory(),
        before.definition,
      );
      assert.ok(changed.ok);
      assert.deepEqual(identity(changed.definition.cells[0]!), identity(before.definition.cells[0]!));
      assert.equal(changed.definition.cells[1]?.bandwidthMHz, 40);
      assert.equal(changed.definition.cells[1]?.sectorId, 1);
    });

    it("refuses to move a deployment to another site or change its gNB ID", () => {
      const before = planFor({ cells: cells(1), site: "site-1" });
      assert.ok(before.ok);
      const moved = planFor({ cells: cells(1), site: "site-2" }, localInventory(), before.definition);
      assert.ok(!moved.ok && moved.rejection.code === "identity-conflict");
      const renumbered = planFor({ cells: cells(1), gnbId: 99 }, localInventory(), before.definition);
      assert.ok(!renumbered.ok && /cannot change/.test(renumbered.rejection.message));
    });
  });
});
