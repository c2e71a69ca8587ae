// Property tests over random valid requests and partly used inventories: every rendered key exists in
// its flavour's schema (srsRAN or OCUDU), the CU, DU and every RU emulator agree with each other, and the planned
// identities and carriers keep their invariants.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { unknownKeys } from "./config-keys.ts";
import { cuAmfViolations, f1SetupViolations } from "../../test/support/srsran-validators.ts";
import { RAN_FLAVOURS, type RanFlavour } from "../domain/resource-definition.ts";
import { validateSpec } from "../domain/validate-spec.ts";
import { previewSoftware } from "../offline/render-request.ts";
import { localInventory, EMULATED_RU_BANDS } from "../placement/local-inventory.ts";
import { planDeployment } from "../placement/plan-deployment.ts";
import { allowedBandwidths, channelRaster, findBand } from "../radio/bands.ts";
import { arfcnToKHz } from "../radio/nr-arfcn.ts";
import { radioExpectations } from "./radio-health.ts";
import { renderCuConfig } from "./render-cu.ts";
import { renderDuConfig } from "./render-du.ts";
import { fronthaulViolations } from "./fronthaul-checks.ts";
import { renderRuEmulatorConfig } from "./render-ru-emulator.ts";

const cellArb = fc.constantFrom(...EMULATED_RU_BANDS).chain((band) =>
  fc.record({
    band: fc.constant(band),
    bandwidthMHz: fc.constantFrom(...allowedBandwidths(findBand(band)!, 30)),
  }),
);
const hostnameArb = fc.domain().filter((d) => d.length <= 253 && !/^[0-9.]+$/.test(d));
const ipv4Arb = fc.ipV4();
const amfArb = fc.record({
  address: fc.oneof(ipv4Arb, hostnameArb),
  port: fc.integer({ min: 1, max: 65535 }),
});
/** One PLMN with one AMF, or RAN sharing: several PLMNs, served by one AMF or by one AMF each. */
const plmnsAndAmfsArb = fc
  .uniqueArray(fc.stringMatching(/^[0-9]{5,6}$/), { minLength: 1, maxLength: 3 })
  .chain((plmns) =>
    fc.record({
      plmn: fc.constant(plmns[0]!),
      additionalPlmns: fc.constant(plmns.slice(1)),
      amf: fc.oneof(
        fc.tuple(amfArb),
        fc.tuple(...plmns.map((plmn) => amfArb.map((amf) => ({ ...amf, plmns: [plmn] })))),
      ),
    }),
  );
const specArb = fc
  .record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
    tac: fc.integer({ min: 0, max: 0xffffff }),
    slices: fc.uniqueArray(
      fc.record({
        sst: fc.integer({ min: 0, max: 255 }),
        sd: fc.option(fc.stringMatching(/^[0-9A-F]{6}$/), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4, selector: (s) => `${s.sst}/${s.sd ?? ""}` },
    ),
    cells: fc.array(cellArb, { minLength: 1, maxLength: 8 }),
    periodMs: fc.option(fc.integer({ min: 100, max: 60_000 }), { nil: undefined }),
  })
  .map(({ periodMs, ...spec }) => (periodMs === undefined ? spec : { ...spec, telemetry: { periodMs } }))
  .chain((spec) => plmnsAndAmfsArb.map((plmns) => ({ ...spec, ...plmns })));
/** Random PCIs already used at each site, and RUs other deployments hold. */
const occupancyArb = fc.record({
  pcis: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 1007 }), { maxLength: 30 }), {
    minLength: 3,
    maxLength: 3,
  }),
  heldRus: fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { maxLength: 10 }),
});

function plan(spec: unknown, occupancy: { pcis: number[][]; heldRus: number[] }, flavour: RanFlavour) {
  const validated = validateSpec(spec);
  assert.ok(validated.ok, JSON.stringify(!validated.ok && validated.problems));
  const inventory = localInventory();
  const used = {
    ...inventory.used,
    pcisBySite: new Map(
      occupancy.pcis.map((pcis, s): [string, Set<number>] => [`site-${s + 1}`, new Set(pcis)]),
    ),
  };
  const rus = inventory.rus.map((ru, i) =>
    occupancy.heldRus.includes(i) ? { ...ru, allocatedTo: "other" } : ru,
  );
  const result = planDeployment(
    {
      deploymentId: "0190a5c4-7e1d-7000-8000-00000000beef",
      tenant: "t",
      revision: 1,
      spec: validated.spec,
      carriers: validated.carriers,
      software: previewSoftware(flavour),
    },
    { ...inventory, rus, used },
  );
  return { result, used, rus };
}

describe("srsRAN and OCUDU rendering of planned deployments", () => {
  it("renders only keys the flavour knows, and CU, DU and RU emulators that agree", () => {
    fc.assert(
      fc.property(specArb, occupancyArb, fc.constantFrom(...RAN_FLAVOURS), (spec, occupancy, flavour) => {
        const { result } = plan(spec, occupancy, flavour);
        if (!result.ok) {
          assert.ok(
            ["insufficient-rus", "insufficient-compute"].includes(result.rejection.code),
            result.rejection.message,
          );
          return;
        }
        const def = result.definition;
        const cu = renderCuConfig(def);
        const du = renderDuConfig(def);
        assert.deepEqual(unknownKeys(flavour, "cu", cu), []);
        assert.deepEqual(unknownKeys(flavour, "du", du), []);
        assert.deepEqual(cuAmfViolations(cu), [], "srscu's AMF rules");
        assert.deepEqual(f1SetupViolations(cu, du), [], "the CU's F1 setup accepts every cell");
        // The radio's metrics, on the remote-control port, every period asked for (1 s by default).
        const period = "telemetry" in spec ? spec.telemetry.periodMs : 1000;
        assert.deepEqual(Object.values(cu.metrics.periodicity), [period, period, period]);
        assert.deepEqual(Object.values(du.metrics.periodicity), [period, period]);
        for (const config of [cu, du]) assert.equal(config.remote_control.enabled, true);
        // OCUDU's ocu at release_26_04 exits at start with JSON metrics on (docs/research).
        assert.equal(cu.metrics.enable_json, flavour === "srsran");
        assert.equal(du.metrics.enable_json, true);
        // What the status service expects the radio to report is what the configs make it report.
        const expected = radioExpectations(def);
        assert.equal(expected.periodMs, du.metrics.periodicity.du_report_period);
        assert.equal(expected.cu.reports, cu.metrics.enable_json);
        assert.equal(expected.cu.amfs.length, 1 + (cu.cu_cp.extra_amfs ?? []).length);
        assert.equal(expected.cu.gnbDuId, du.gnb_du_id);
        assert.deepEqual(
          expected.cells.map((c) => [c.pci, c.tdd?.dlSlots, c.tdd?.ulSlots, c.tdd?.periodSlots]),
          du.cells.map((c) => [
            c.pci,
            c.tdd_ul_dl_cfg?.nof_dl_slots,
            c.tdd_ul_dl_cfg?.nof_ul_slots,
            c.tdd_ul_dl_cfg?.dl_ul_tx_period,
          ]),
        );
        for (const cell of du.cells) assert.deepEqual(cell.additional_plmns ?? [], spec.additionalPlmns);

        assert.equal(du.gnb_id, cu.gnb_id);
        assert.equal(du.gnb_id_bit_length, cu.gnb_id_bit_length);
        assert.equal(du.f1u.peer_port, cu.cu_up.f1u.bind_port);
        assert.equal(cu.cu_up.f1u.peer_port, du.f1u.bind_port);
        assert.notEqual(cu.cu_up.f1u.bind_port, 2152, "CU F1-U must not clash with N3 on 2152");
        const cuPlmns = cu.cu_cp.amf.supported_tracking_areas.flatMap((ta) =>
          ta.plmn_list.map((p) => p.plmn),
        );
        const cuSlices = cu.cu_cp.amf.supported_tracking_areas[0]?.plmn_list[0]?.tai_slice_support_list;
        assert.equal((cu.cu_cp.extra_amfs ?? []).length + 1, spec.amf.length);

        assert.equal(du.cells.length, spec.cells.length);
        assert.equal(du.ru_ofh.cells.length, du.cells.length);
        // The DU shares a clock with its RUs: their node, unless the site's nodes are PTP-synchronised.
        const ptp = new Set(
          localInventory()
            .nodes.filter((n) => n.ptpFronthaul === true)
            .map((n) => n.name),
        );
        for (const cell of def.cells)
          assert.ok(
            cell.ruNode === def.du.node || (ptp.has(cell.ruNode) && ptp.has(def.du.node)),
            `RU ${cell.ruId} on ${cell.ruNode}, DU on ${def.du.node}, fronthaul not PTP-synchronised`,
          );
        const emulators = new Map(def.cells.map((cell, i) => [i, renderRuEmulatorConfig(cell)]));
        assert.deepEqual(
          fronthaulViolations(du, emulators),
          [],
          "srsRAN or ru_emulator would refuse the fronthaul",
        );
        du.cells.forEach((cell, i) => {
          assert.ok(cuPlmns.includes(cell.plmn));
          assert.deepEqual(cell.slicing, cuSlices);
          const link = du.ru_ofh.cells[i]!;
          assert.equal(link.enable_ul_static_compr_hdr, false, "ru_emulator sends a udCompHdr in UL");
          const ru = renderRuEmulatorConfig(def.cells[i]!);
          assert.deepEqual(unknownKeys(flavour, "ru_emulator", ru), []);
          const emu = ru.ru_emu.cells[0]!;
          assert.equal(emu.ru_mac_addr, link.ru_mac_addr);
          assert.equal(emu.du_mac_addr, link.du_mac_addr);
          assert.equal(emu.vlan_tag, link.vlan_tag_cp);
          assert.equal(emu.vlan_tag, link.vlan_tag_up);
          assert.deepEqual(emu.dl_port_id, link.dl_port_id);
          assert.deepEqual(emu.ul_port_id, link.ul_port_id);
          assert.deepEqual(emu.prach_port_id, link.prach_port_id);
          assert.equal(emu.compr_method_ul, link.compr_method_ul);
          assert.equal(emu.compr_bitwidth_ul, link.compr_bitwidth_ul);
          assert.equal(emu.compr_method_ul, link.compr_method_prach);
          assert.equal(emu.compr_bitwidth_ul, link.compr_bitwidth_prach);
          assert.equal(emu.bandwidth, cell.channel_bandwidth_MHz);
          assert.equal(emu.prach_format, cell.prach.prach_config_index === 159 ? "short" : "long");
          assert.equal(emu.t2a_max_up, link.t1a_max_up);
          assert.equal(emu.t2a_min_cp_ul, link.t1a_min_cp_ul);
          assert.equal(cell.common_scs, 30);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("keeps NCIs unique, PCIs unique at the site, RUs free and carriers inside their band", () => {
    fc.assert(
      fc.property(specArb, occupancyArb, (spec, occupancy) => {
        const { result, used, rus } = plan(spec, occupancy, "srsran");
        if (!result.ok) return;
        const def = result.definition;
        const ncis = def.cells.map((c) => c.nci);
        assert.equal(new Set(ncis).size, ncis.length);
        for (const nci of ncis) assert.equal(Math.floor(nci / 2 ** (36 - def.gnbIdBits)), def.gnbId);
        const sitePcis = [...(used.pcisBySite.get(def.site) ?? []), ...def.cells.map((c) => c.pci)];
        assert.equal(new Set(sitePcis).size, sitePcis.length, "PCI reused at the site");
        const ruIds = def.cells.map((c) => c.ruId);
        assert.equal(new Set(ruIds).size, ruIds.length);
        for (const id of ruIds) {
          const ru = rus.find((r) => r.id === id);
          assert.ok(ru && ru.allocatedTo === undefined && ru.site === def.site);
        }
        for (const cell of def.cells) {
          const band = findBand(cell.band)!;
          const raster = channelRaster(band, cell.scsKHz);
          assert.equal((cell.dlArfcn - raster.dl.first) % raster.dl.step, 0);
          const half = (cell.bandwidthMHz * 1000) / 2;
          assert.ok(arfcnToKHz(cell.dlArfcn) - half >= band.dl.low * 1000);
          assert.ok(arfcnToKHz(cell.dlArfcn) + half <= band.dl.high * 1000);
        }
      }),
      { numRuns: 200 },
    );
  });
});
