// Property test over random pools of real and emulated RUs on random edge nodes — PTP-synchronised or
// not, with their own fronthaul NICs, MTUs and VLAN trunks — and random requests: whatever is planned
// keeps every DU on its RUs' node unless both nodes are PTP-synchronised at one MTU (with every
// cross-node VLAN trunked on both), takes a real radio's fronthaul from its record, never uses a radio
// whose node lost PTP lock, runs no emulator for a real radio, and passes the worker's config check.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isEmulated } from "../domain/resource-definition.ts";
import type { RadioUnitSpec } from "../domain/ru-pool.ts";
import { validateRuPool } from "../domain/ru-pool.ts";
import { validateSpec } from "../domain/validate-spec.ts";
import { previewSoftware } from "../offline/render-request.ts";
import { inVlanRanges, type VlanRanges } from "../radio/fronthaul.ts";
import { configViolations } from "../srsran/config-violations.ts";
import { computeByNode } from "./compute-profile.ts";
import { emptyIdentities, type ClusterNode, type Inventory } from "./inventory.ts";
import { planDeployment } from "./plan-deployment.ts";
import { toFronthaul } from "../../test/support/o-ru-fronthaul.ts";

const SITES = ["north", "south"];

const nodeArb = (site: string, n: number): fc.Arbitrary<ClusterNode> =>
  fc
    .record({
      ptp: fc.boolean(),
      nic: fc.option(
        fc.record({
          interface: fc.constantFrom("ens1f0", "enp94s0f1"),
          mtu: fc.constantFrom(9000, 1500),
          vlans: fc.option(fc.constantFrom<VlanRanges>([[5, 20]], [[100, 120]], [[1, 4094]]), {
            nil: undefined,
          }),
        }),
        { nil: undefined },
      ),
    })
    .map(({ ptp, nic }) => ({
      name: `${site}-${n}`,
      site,
      role: "edge",
      ptpFronthaul: ptp,
      free: { cpuMillis: 64_000, memoryMiB: 256 * 1024 },
      ...(nic === undefined
        ? {}
        : {
            fronthaul: {
              interface: nic.interface,
              mtu: nic.mtu,
              ...(nic.vlans === undefined ? {} : { vlans: nic.vlans }),
            },
          }),
    }));

const oRuFronthaulArb = fc.record({
  dl: fc.constantFrom(1, 2, 4),
  ul: fc.constantFrom(1, 2),
  vlan: fc.integer({ min: 5, max: 12 }),
  synced: fc.boolean(),
  compression: fc.constantFrom<[method: "bfp" | "none", bitwidth: number]>(
    ["bfp", 9],
    ["bfp", 14],
    ["none", 16],
  ),
  staticHeader: fc.boolean(),
  delay: fc.constantFrom({ min: 0, max: 0 }, { min: 5, max: 30 }),
});

const worldArb = fc
  .tuple(...SITES.map((site) => fc.tuple(nodeArb(site, 1), nodeArb(site, 2), nodeArb(site, 3))))
  .chain((perSite) => {
    const nodes: ClusterNode[] = perSite.flat();
    const ruArb = fc.record({
      node: fc.constantFrom(...nodes),
      real: fc.option(oRuFronthaulArb, { nil: undefined }),
    });
    return fc.record({ nodes: fc.constant(nodes), rus: fc.array(ruArb, { minLength: 1, maxLength: 10 }) });
  })
  .map(({ nodes, rus }) => {
    const pool: RadioUnitSpec[] = rus.map(({ node, real }, i) => ({
      id: `ru-${i}`,
      site: node.site,
      node: node.name,
      bands: [78],
      maxBandwidthMHz: 100,
      ...(real === undefined
        ? {}
        : { kind: "o-ru" as const, vendor: "Acme", model: "R1", fronthaul: toFronthaul(`ru-${i}`, real) }),
    }));
    return { nodes, pool };
  });

const requestArb = fc.record({
  cells: fc.array(fc.record({ band: fc.constant(78), bandwidthMHz: fc.constantFrom(20, 40, 100) }), {
    minLength: 1,
    maxLength: 4,
  }),
  site: fc.option(fc.constantFrom(...SITES), { nil: undefined }),
});

describe("planning over random pools of real and emulated RUs", () => {
  it("keeps the fronthaul in sync, takes real radios' values from their records and passes the config check", () => {
    let planned = 0;
    let withRealRadio = 0;
    fc.assert(
      fc.property(worldArb, requestArb, ({ nodes, pool }, request) => {
        assert.ok(validateRuPool({ rus: pool }).ok, "the generated pool is valid");
        const central: ClusterNode = {
          name: "central-1",
          site: "central",
          role: "central",
          free: { cpuMillis: 64_000, memoryMiB: 256 * 1024 },
        };
        const inventory: Inventory = { nodes: [...nodes, central], rus: pool, used: emptyIdentities() };
        const validated = validateSpec({
          name: "p",
          amf: { address: "10.0.0.5" },
          plmn: "00101",
          tac: 7,
          slices: [{ sst: 1 }],
          ...request,
        });
        assert.ok(validated.ok);
        const result = planDeployment(
          {
            deploymentId: "0190a5c4-7e1d-7000-8000-00000000cafe",
            tenant: "t",
            revision: 1,
            spec: validated.spec,
            carriers: validated.carriers,
            software: previewSoftware(),
          },
          inventory,
        );
        if (!result.ok) {
          assert.ok(
            ["insufficient-rus", "insufficient-compute", "identity-conflict"].includes(result.rejection.code),
          );
          return;
        }
        planned++;
        const def = result.definition;
        const nodeOf = new Map(inventory.nodes.map((n) => [n.name, n]));
        const du = nodeOf.get(def.du.node)!;
        for (const cell of def.cells) {
          const ru = pool.find((r) => r.id === cell.ruId)!;
          const ruNode = nodeOf.get(cell.ruNode)!;
          if (ruNode !== du) {
            assert.ok(
              du.ptpFronthaul && ruNode.ptpFronthaul,
              `${cell.ruId} on ${ruNode.name}, DU on ${du.name}: no PTP`,
            );
            assert.equal(
              du.fronthaul?.mtu ?? 9000,
              ruNode.fronthaul?.mtu ?? 9000,
              "one MTU across the fronthaul",
            );
            for (const vlan of [cell.fronthaul.vlan, cell.fronthaul.vlanUp ?? cell.fronthaul.vlan])
              for (const end of [du, ruNode])
                assert.ok(inVlanRanges(vlan, end.fronthaul?.vlans), `VLAN ${vlan} on ${end.name}`);
          }
          const fh = ru.fronthaul;
          if (fh === undefined) {
            assert.ok(isEmulated(cell));
            continue;
          }
          withRealRadio++;
          assert.ok(fh.ptp.synced, `${ru.id} has no PTP lock`);
          assert.ok(!isEmulated(cell));
          assert.deepEqual(
            [
              cell.fronthaul.ruMac,
              cell.fronthaul.vlan,
              cell.fronthaul.dlPortIds,
              cell.fronthaul.ofh?.compression,
            ],
            [fh.ruMac, fh.vlan.cPlane, fh.eaxc.dl, fh.compression],
          );
        }
        // No emulator's compute on a node for a real radio.
        const emulators = def.cells.filter(isEmulated).length;
        const total = Object.values(computeByNode(def)).reduce((n, r) => n + r.cpuMillis, 0);
        assert.equal(total, def.cu.resources.cpuMillis + def.du.resources.cpuMillis + emulators * 3000);
        assert.deepEqual(configViolations(def), []);
      }),
      { numRuns: 300 },
    );
    // The generators must reach plans with real radios, or the property says little.
    assert.ok(planned > 50 && withRealRadio > 20, `${planned} planned, ${withRealRadio} real-radio cells`);
  });
});
