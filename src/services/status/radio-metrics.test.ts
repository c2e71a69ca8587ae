import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { frame, SimulatedGnb } from "../../../test/support/gnb-telemetry-simulator.ts";
import { parseMetricsFrame } from "../../srsran/metrics-json.ts";
import { RadioTracker, type RadioExpectations } from "../../srsran/radio-health.ts";
import { registerRadioMetrics, type ObservedRadio } from "./radio-metrics.ts";

const tdd = { periodSlots: 10, dlSlots: 6, ulSlots: 3 };
const expected: RadioExpectations = {
  periodMs: 1000,
  cu: { reports: true, amfs: ["10.0.0.5"], gnbDuId: 1 },
  cells: [{ index: 0, pci: 7, nRb: 106, tdd }],
};

describe("radio metrics", () => {
  it("export each radio's health and each cell's figures, labelled by deployment, tenant and cell, and forget what is gone", async () => {
    const gnb = new SimulatedGnb(
      "ran-x",
      { amfs: 1, periodMs: 1000, json: true },
      { gnbDuId: 1, periodMs: 1000, cells: [{ pci: 7, tdd, dlPrbs: 53, ulPrbs: 0, ues: 0 }] },
    );
    gnb.ues[0] = 2;
    gnb.lateShare[0] = 0.25;
    const tracker = new RadioTracker(expected);
    for (const component of ["cu", "du"] as const)
      for (const report of gnb.reports(component))
        tracker.apply(component, parseMetricsFrame(frame(report)), 1_000);
    let observed: ObservedRadio[] = [{ deploymentId: "d1", tenant: "t1", status: tracker.status(1_000) }];
    const registry = new Registry();
    registerRadioMetrics(registry, () => observed);
    const text = await registry.metrics();
    const labels = 'deployment="d1",tenant="t1"';
    for (const line of [
      `ranaas_radio_healthy{${labels}} 0`,
      `ranaas_radio_reasons{${labels}} 1`,
      `ranaas_cell_active{${labels},cell="0"} 1`,
      `ranaas_cell_ues{${labels},cell="0"} 2`,
      `ranaas_cell_dl_bitrate_bps{${labels},cell="0"} 2500000`,
      `ranaas_cell_dl_prb_usage_ratio{${labels},cell="0"} 0.5`,
      `ranaas_cell_ul_late_ratio{${labels},cell="0"} 0.25`,
    ])
      assert.ok(text.split("\n").includes(line), `${line} in\n${text}`);
    observed = [];
    assert.doesNotMatch(await registry.metrics(), /deployment="d1"/);
  });
});
