import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { frame, SimulatedGnb, usageReport } from "../../test/support/gnb-telemetry-simulator.ts";
import { parseMetricsFrame } from "./metrics-json.ts";
import { describeReason, RadioTracker, type RadioExpectations } from "./radio-health.ts";

const tdd = { periodSlots: 10, dlSlots: 6, ulSlots: 3 };
const expected: RadioExpectations = {
  periodMs: 1000,
  cu: { reports: true, amfs: ["10.0.0.5", "amf-2.core.example"], gnbDuId: 1 },
  cells: [
    { index: 0, pci: 11, nRb: 106, tdd },
    { index: 1, pci: 12, nRb: 106, tdd },
  ],
};

function simulated(json = true): SimulatedGnb {
  return new SimulatedGnb(
    "ran-x",
    { amfs: 2, periodMs: 1000, json },
    {
      gnbDuId: 1,
      periodMs: 1000,
      cells: [11, 12].map((pci) => ({ pci, tdd, dlPrbs: 53, ulPrbs: 26, ues: 0 })),
    },
  );
}

/** The reasons as a person reads them at `now`. */
const reasonsAt = (tracker: RadioTracker, now: number) =>
  tracker.status(now).reasons.map((reason) => describeReason(reason, now));

/** Feeds the tracker what the simulated CU and DU send in one period, at `now`. */
function period(
  tracker: RadioTracker,
  gnb: SimulatedGnb,
  now: number,
  components: readonly ("cu" | "du")[] = ["cu", "du"],
) {
  for (const component of components)
    for (const report of gnb.reports(component, new Date(now)))
      tracker.apply(component, parseMetricsFrame(frame(report)), now);
}

describe("the radio's health from its reports", () => {
  it("is unknown until something reports, then healthy with every AMF, F1, cell and RU link up", () => {
    const tracker = new RadioTracker(expected);
    assert.equal(tracker.status(0).state, "unknown");
    const gnb = simulated();
    gnb.ues[0] = 2;
    period(tracker, gnb, 1_000);
    const status = tracker.status(1_000);
    assert.deepEqual([status.state, status.reasons, status.f1, status.since], ["healthy", [], "up", 1_000]);
    assert.deepEqual(status.amfs, [
      { address: "10.0.0.5", connected: true },
      { address: "amf-2.core.example", connected: true },
    ]);
    const [first, second] = status.cells;
    assert.deepEqual(
      [
        first?.active,
        first?.ues,
        first?.dlBitrate,
        first?.cqi,
        first?.dlPrbUsage,
        first?.ulPrbUsage,
        first?.ulOnTime,
      ],
      [true, 2, 2_500_000, 15, 0.5, 26 / 106, 1],
    );
    assert.deepEqual([second?.ues, second?.cqi], [0, undefined]);
    assert.deepEqual(status.usage.cu, { cpuPercent: 12.5, memoryMiB: 410, powerWatts: 0 });
  });

  it("keeps each cell's KPIs over the last minutes in 10 s buckets", () => {
    const tracker = new RadioTracker(expected);
    const gnb = simulated();
    gnb.ues[0] = 2;
    period(tracker, gnb, 1_000);
    gnb.ues[0] = 4;
    period(tracker, gnb, 2_000);
    period(tracker, gnb, 11_000);
    const [first, second] = tracker.kpis(11_000, 60_000);
    assert.equal(first?.at, 0);
    assert.deepEqual(
      [first?.cells[0]?.ues, first?.cells[0]?.dlBitrate, first?.cells[0]?.dlPrbUsage, first?.cells[1]?.ues],
      [3, 3_750_000, 0.5, 0],
    );
    assert.equal(second?.at, 10_000);
    assert.equal(second?.cells[0]?.ues, 4);
  });

  it("names a lost AMF and for how long, and is healthy again once it is back", () => {
    const tracker = new RadioTracker(expected);
    const gnb = simulated();
    period(tracker, gnb, 1_000);
    gnb.amfUp[0] = false;
    for (let t = 2_000; t <= 42_000; t += 1_000) period(tracker, gnb, t);
    const lost = tracker.status(42_000);
    assert.equal(lost.state, "degraded");
    assert.deepEqual(reasonsAt(tracker, 42_000), ["AMF 10.0.0.5 lost 40 s ago"]);
    assert.deepEqual(lost.reasons, [{ text: "AMF 10.0.0.5 lost", since: 2_000, component: "cu" }]);
    assert.equal(lost.since, 42_000 - 0, "since the first status that saw it");
    assert.deepEqual(lost.amfs[0], { address: "10.0.0.5", connected: false });
    gnb.amfUp[0] = true;
    period(tracker, gnb, 43_000);
    assert.deepEqual([tracker.status(43_000).state, tracker.status(43_000).reasons], ["healthy", []]);
  });

  it("sees F1 drop (the CU loses the DU and the DU's cells go), late fronthaul, and silence", () => {
    const tracker = new RadioTracker(expected);
    const gnb = simulated();
    period(tracker, gnb, 1_000);
    gnb.f1Up = false;
    period(tracker, gnb, 2_000);
    // The DU sends no cells report while none is active: its last one ages out after three periods.
    period(tracker, gnb, 5_000);
    const down = tracker.status(5_000);
    assert.deepEqual(reasonsAt(tracker, 5_000), [
      "F1: the CU does not see the DU 3 s ago",
      "the DU stopped reporting its cells 4 s ago",
    ]);
    assert.equal(down.f1, "down");
    // A restart of the DU may bring F1 and its cells back; the CU's own silence and AMFs are the CU's.
    assert.deepEqual(
      down.reasons.map((r) => r.component),
      ["du", "du"],
    );

    gnb.f1Up = true;
    gnb.lateShare[1] = 0.97;
    period(tracker, gnb, 6_000);
    assert.deepEqual(reasonsAt(tracker, 6_000), ["cell 1: 97% of UL packets late"]);
    assert.equal(tracker.status(6_000).cells[1]?.ulLate, 0.97);

    gnb.lateShare[1] = 0;
    for (let t = 7_000; t <= 11_000; t += 1_000) period(tracker, gnb, t, ["du"]);
    assert.deepEqual(reasonsAt(tracker, 11_000), ["the CU stopped reporting 5 s ago"]);
    assert.deepEqual(
      tracker.status(11_000).reasons.map((r) => r.component),
      ["cu"],
    );
  });

  it("judges a restarted component by its new pod's reports alone, and says which pods it heard", () => {
    const tracker = new RadioTracker(expected);
    const gnb = simulated();
    const send = (component: "cu" | "du", at: number, pod: string) => {
      for (const report of gnb.reports(component, new Date(at)))
        tracker.apply(component, parseMetricsFrame(frame(report)), at, pod);
    };
    send("cu", 1_000, "cu-1");
    send("du", 1_000, "du-1");
    assert.deepEqual(
      [tracker.status(1_000).state, tracker.status(1_000).pods],
      ["healthy", { cu: "cu-1", du: "du-1" }],
    );
    // The new DU's first words are its resource usage: the old one's cells no longer count.
    tracker.apply("du", parseMetricsFrame(frame(usageReport(10, 100, new Date(1_500)))), 1_500, "du-2");
    const restarted = tracker.status(1_500);
    assert.equal(restarted.state, "degraded");
    assert.deepEqual(restarted.pods, { cu: "cu-1", du: "du-2" });
    assert.deepEqual(reasonsAt(tracker, 1_500), ["the DU has not reported its cells yet"]);
    send("du", 2_000, "du-2");
    assert.equal(tracker.status(2_000).state, "healthy");
  });

  it("names a cell the DU does not report active", () => {
    const tracker = new RadioTracker(expected);
    const gnb = simulated();
    gnb.du.cells.pop();
    period(tracker, gnb, 1_000);
    assert.deepEqual(reasonsAt(tracker, 1_000), ["cell 1 (PCI 12) is not active"]);
    assert.equal(tracker.status(1_000).cells[1]?.active, false);
  });

  it("judges a CU that cannot report (OCUDU's ocu at release_26_04) by its DU alone", () => {
    const tracker = new RadioTracker({ ...expected, cu: { ...expected.cu, reports: false } });
    const gnb = simulated(false);
    period(tracker, gnb, 1_000);
    const status = tracker.status(1_000);
    assert.deepEqual([status.state, status.reasons, status.f1], ["healthy", [], "unknown"]);
    assert.deepEqual(status.amfs[0], { address: "10.0.0.5", connected: null });
  });
});
