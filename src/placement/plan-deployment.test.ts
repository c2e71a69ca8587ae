import { previewSoftware } from "../offline/render-request.ts";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { isEmulated, type PlannedCell, type ResourceDefinition } from "../domain/resource-definition.ts";
import { validateRuPool, type RuPool } from "../domain/ru-pool.ts";
import { validateSpec } from "../domain/validate-spec.ts";
import { emptyIdentities, type ClusterNode, type Inventory, type RadioUnit } from "./inventory.ts";
import { localInventory, poolInventory } from "./local-inventory.ts";
import { planDeployment, type PlanResult } from "./plan-deployment.ts";

const ID = "0190a5c4-7e1d-7000-8000-0000000000aa";

const BACKHAUL = [
  {
    zone: "central",
    interface: "ens2f1",
    cidr: "192.0.2.0/29",
    gateway: "192.0.2.1",
    routes: ["198.51.100.0/24"],
  },
];

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
      software: previewSoftware(),
      backhaul: BACKHAUL,
      previous,
    },
    inventory,
  );
}

const cells = (n: number, band = 78) => Array.from({ length: n }, () => ({ band, bandwidthMHz: 20 }));

describe("planDeployment", () => {
  it("keeps a DU with its RUs on one node unless the site's fronthaul is PTP-synchronised", () => {
    const onOneNode = planFor({ cells: cells(4), site: "site-2" });
    assert.ok(onOneNode.ok);
    const def = onOneNode.definition;
    assert.deepEqual(new Set(def.cells.map((c) => c.ruNode)), new Set([def.du.node]));
    const tooMany = planFor({ cells: cells(5), site: "site-2" });
    assert.ok(!tooMany.ok);
    assert.match(
      tooMany.rejection.message,
      /needs 5 RUs at one site .*the most free capable RUs at site site-2 is 8 \(site-2\); a DU serves only RUs on its own node or on nodes the site declares PTP-synchronised \(ranaas\.io\/ptp-fronthaul=true\), and the most such RUs together is 4/,
    );
    const synced = planFor({ cells: cells(5), site: "site-1" });
    assert.ok(synced.ok, "site 1 declares PTP between its edge nodes");
    assert.equal(new Set(synced.definition.cells.map((c) => c.ruNode)).size, 2);
  });

  it("puts a host-network CU only on a node whose ports no other one holds", () => {
    const inventory = localInventory();
    const first = planFor({ cells: cells(1), coreNetwork: "host" });
    assert.ok(first.ok);
    assert.deepEqual(first.definition.coreNetwork, { mode: "host" });
    assert.equal(first.definition.cu.node, "central-1");
    const taken = { ...inventory, used: { ...inventory.used, hostNetworkNodes: new Set(["central-1"]) } };
    const second = planFor({ cells: cells(1), coreNetwork: "host" }, taken);
    assert.ok(second.ok);
    assert.equal(second.definition.cu.node, "central-2");
    const everyNode = new Set(inventory.nodes.map((n) => n.name));
    const refused = planFor(
      { cells: cells(1), coreNetwork: "host" },
      { ...inventory, used: { ...inventory.used, hostNetworkNodes: everyNode } },
    );
    assert.ok(!refused.ok);
    assert.match(refused.rejection.message, /already runs a host-network CU/);
    assert.equal(refused.rejection.code, "insufficient-core-network");
    const pod = planFor({ cells: cells(1) }, taken);
    assert.ok(pod.ok);
    assert.equal(pod.definition.cu.node, "central-1", "a pod-network CU needs no host ports");
  });

  it("gives a backhaul CU a free address of its node's zone, never one in use, and keeps it on update", () => {
    const first = planFor({ cells: cells(1), coreNetwork: "backhaul" });
    assert.ok(first.ok);
    assert.deepEqual(first.definition.coreNetwork, {
      mode: "backhaul",
      zone: "central",
      interface: "ens2f1",
      address: "192.0.2.2",
      prefixLength: 29,
      gateway: "192.0.2.1",
      routes: ["198.51.100.0/24"],
    });
    const inventory = localInventory();
    const taken = {
      ...inventory,
      used: { ...inventory.used, backhaulByZone: new Map([["central", new Set(["192.0.2.2"])]]) },
    };
    const second = planFor({ cells: cells(1), coreNetwork: "backhaul" }, taken);
    assert.ok(second.ok);
    assert.equal(
      second.definition.coreNetwork.mode === "backhaul" && second.definition.coreNetwork.address,
      "192.0.2.3",
    );
    const before = first.definition.coreNetwork;
    assert.ok(before.mode === "backhaul");
    const kept = planFor({ cells: cells(2), coreNetwork: "backhaul" }, localInventory(), {
      ...first.definition,
      coreNetwork: { ...before, address: "192.0.2.5" },
    });
    assert.ok(kept.ok);
    assert.equal(
      kept.definition.coreNetwork.mode === "backhaul" && kept.definition.coreNetwork.address,
      "192.0.2.5",
    );
    const full = {
      ...inventory,
      used: {
        ...inventory.used,
        backhaulByZone: new Map([
          ["central", new Set(["192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5", "192.0.2.6"])],
        ]),
      },
    };
    const refused = planFor({ cells: cells(1), coreNetwork: "backhaul" }, full);
    assert.ok(!refused.ok);
    assert.match(
      refused.rejection.message,
      /no backhaul network with a free address reaches a node that could run the CU/,
    );
    assert.equal(refused.rejection.code, "insufficient-core-network");
    const pod = planFor({ cells: cells(1) });
    assert.ok(pod.ok);
    assert.deepEqual(pod.definition.coreNetwork, { mode: "pod" });
  });

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
      n.role === "edge" ? { ...n, free: { cpuMillis: 6500, memoryMiB: 65536 } } : n,
    );
    // At site-2 a DU serves only its own node's RUs: both emulators (3 CPUs each) fit there, the DU not.
    const result = planFor({ cells: cells(2), site: "site-2" }, { ...inventory, nodes });
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
      backhaulByZone: new Map(),
      hostNetworkNodes: new Set<string>(),
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

describe("planning for real O-RUs", () => {
  const examplePool = async (): Promise<RuPool> => {
    const pool = validateRuPool(
      parse(await readFile(new URL("../../examples/o-ru/pool.yaml", import.meta.url), "utf8")),
    );
    assert.ok(pool.ok);
    return pool.pool;
  };
  const twoCells = {
    cells: [
      { band: 78, bandwidthMHz: 100 },
      { band: 78, bandwidthMHz: 100 },
    ],
  };

  it("takes every fronthaul value from the RU's record and runs no emulator for it", async () => {
    const pool = await examplePool();
    const result = planFor(twoCells, poolInventory(pool));
    assert.ok(result.ok, JSON.stringify(result));
    const def = result.definition;
    def.cells.forEach((cell, i) => {
      const fh = pool.rus.find((ru) => ru.id === cell.ruId)!.fronthaul!;
      assert.equal(cell.fronthaul.ruMac, fh.ruMac);
      assert.equal(cell.fronthaul.duMac, fh.duMac);
      assert.equal(cell.fronthaul.vlan, fh.vlan.cPlane);
      assert.deepEqual(cell.fronthaul.dlPortIds, fh.eaxc.dl);
      assert.deepEqual(cell.fronthaul.ofh?.compression, fh.compression);
      assert.deepEqual(cell.fronthaul.ofh?.interface, fh.du);
      assert.equal(isEmulated(cell), false, `cell ${i}`);
    });
    // The example's link has no delay: the DU's windows are the RU's.
    assert.deepEqual(def.cells[0]!.fronthaul.ofh?.t1a.up, { min: 80, max: 390 });
    assert.equal(def.du.node, "edge-east-1");
  });

  it("widens nothing and narrows the DU's windows by the link delay", async () => {
    const pool = await examplePool();
    for (const ru of pool.rus) ru.fronthaul!.windows.transportDelay = { min: 5, max: 30 };
    const result = planFor(twoCells, poolInventory(pool));
    assert.ok(result.ok, JSON.stringify(result));
    const ofh = result.definition.cells[0]!.fronthaul.ofh!;
    // Sent T1a before the air time, a packet arrives T1a − delay before it: inside [80, 390] for any delay.
    assert.deepEqual(ofh.t1a.up, { min: 80 + 30, max: 390 + 5 });
    assert.deepEqual(ofh.ta4, { min: 25 + 5, max: 500 + 30 });
  });

  it("refuses RUs whose node is not PTP-synchronised, or whose windows leave the DU less than a symbol", async () => {
    const unsynced = await examplePool();
    unsynced.rus[1]!.fronthaul!.ptp.synced = false;
    const refused = planFor(twoCells, poolInventory(unsynced));
    assert.ok(!refused.ok);
    assert.equal(refused.rejection.code, "insufficient-rus");
    assert.match(refused.rejection.message, /not PTP-synchronised.*: ran550-b on edge-east-1$/);

    const narrow = await examplePool();
    narrow.rus[0]!.fronthaul!.windows.t2aUp = { min: 80, max: 110 };
    const tooNarrow = planFor(twoCells, poolInventory(narrow));
    assert.ok(!tooNarrow.ok);
    assert.match(tooNarrow.rejection.message, /ran550-a.*up .*30 µs.*35\.7 µs/);
  });
});

describe("fronthaul between nodes", () => {
  const node = (name: string, fronthaul: ClusterNode["fronthaul"]): ClusterNode => ({
    name,
    site: "metro",
    role: "edge",
    ptpFronthaul: true,
    free: { cpuMillis: 64_000, memoryMiB: 256 * 1024 },
    ...(fronthaul === undefined ? {} : { fronthaul }),
  });
  const central: ClusterNode = {
    name: "central-1",
    site: "central",
    role: "central",
    free: { cpuMillis: 64_000, memoryMiB: 256 * 1024 },
  };
  const emulated = (id: string, on: string): RadioUnit => ({
    id,
    site: "metro",
    node: on,
    bands: [78],
    maxBandwidthMHz: 100,
  });

  it("attaches each end of an emulated link to its node's declared NIC and picks a VLAN both nodes trunk", () => {
    const inventory: Inventory = {
      nodes: [
        node("edge-a", { interface: "enp1s0", mtu: 9000, vlans: [[300, 301]] }),
        node("edge-b", { interface: "ens2f0", mtu: 9000, vlans: [[200, 400]] }),
        central,
      ],
      rus: [emulated("ru-a1", "edge-a"), emulated("ru-a2", "edge-a"), emulated("ru-b1", "edge-b")],
      used: emptyIdentities(),
    };
    const result = planFor({ cells: cells(3), site: "metro" }, inventory);
    assert.ok(result.ok, JSON.stringify(result));
    const { du, cells: planned } = result.definition;
    assert.equal(du.node, "edge-a");
    const across = planned.find((c) => c.ruNode === "edge-b")!;
    assert.ok([300, 301].includes(across.fronthaul.vlan), `VLAN ${across.fronthaul.vlan} is trunked on both`);
    assert.deepEqual(across.fronthaul.ofh?.interface, { kind: "macvlan", master: "enp1s0", mtu: 9000 });
    assert.deepEqual(across.fronthaul.ofh?.emulatorInterface, {
      kind: "macvlan",
      master: "ens2f0",
      mtu: 9000,
    });
  });

  it("refuses a real radio whose VLANs are not trunked between the DU's node and its own", async () => {
    const pool = validateRuPool(
      parse(await readFile(new URL("../../examples/o-ru/pool.yaml", import.meta.url), "utf8")),
    );
    assert.ok(pool.ok);
    const [a, b] = pool.pool.rus.map((ru) => ({ ...ru, site: "metro" }));
    const inventory: Inventory = {
      nodes: [
        node("edge-a", { interface: "enp1s0", vlans: [[5, 5]] }),
        node("edge-b", { interface: "enp1s0", vlans: [[5, 5]] }),
        central,
      ],
      rus: [
        { ...a!, node: "edge-a" },
        { ...b!, node: "edge-b" },
      ], // b uses VLAN 6
      used: emptyIdentities(),
    };
    const result = planFor(
      {
        cells: [
          { band: 78, bandwidthMHz: 100 },
          { band: 78, bandwidthMHz: 100 },
        ],
        site: "metro",
      },
      inventory,
    );
    assert.ok(!result.ok);
    assert.equal(result.rejection.code, "insufficient-rus");
    assert.match(
      result.rejection.message,
      /VLAN 6 is not trunked to node edge-a \(ranaas\.io\/fronthaul-vlans\)/,
    );
  });

  it("does not join PTP-synchronised nodes whose fronthaul MTUs differ", () => {
    const inventory: Inventory = {
      nodes: [
        node("edge-a", { interface: "enp1s0", mtu: 9000 }),
        node("edge-b", { interface: "enp1s0", mtu: 1500 }),
        central,
      ],
      rus: [emulated("ru-a1", "edge-a"), emulated("ru-b1", "edge-b")],
      used: emptyIdentities(),
    };
    const result = planFor({ cells: cells(2), site: "metro" }, inventory);
    assert.ok(!result.ok);
    assert.equal(result.rejection.code, "insufficient-rus");
    assert.ok(planFor({ cells: cells(1), site: "metro" }, inventory).ok);
  });
});
