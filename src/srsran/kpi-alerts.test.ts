import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { KpiAlerts, type AlertedCell } from "./kpi-alerts.ts";

const cell = (index: number, figures: Partial<AlertedCell> = {}): AlertedCell => ({
  index,
  active: true,
  ...figures,
});

describe("KPI alerts", () => {
  it("fires once the condition has held for forSeconds, with the figure it fired at, and stops as soon as it no longer holds", () => {
    const alerts = new KpiAlerts([{ name: "busy", metric: "dlPrbUsage", above: 0.8, forSeconds: 10 }]);
    assert.deepEqual(alerts.evaluate([cell(0, { dlPrbUsage: 0.9 })], 1_000), []);
    assert.deepEqual(alerts.evaluate([cell(0, { dlPrbUsage: 0.95 })], 10_999), []);
    const firing = alerts.evaluate([cell(0, { dlPrbUsage: 0.97 })], 11_000);
    assert.deepEqual(firing, [{ name: "busy", cell: 0, since: 1_000, value: 0.97 }]);
    // The figure it fired at stays; the condition's start too.
    assert.deepEqual(alerts.evaluate([cell(0, { dlPrbUsage: 0.85 })], 12_000), firing);
    assert.deepEqual(alerts.evaluate([cell(0, { dlPrbUsage: 0.5 })], 13_000), []);
    // Held again: counted from the new start.
    assert.deepEqual(alerts.evaluate([cell(0, { dlPrbUsage: 0.9 })], 14_000), []);
  });

  it("watches only its cells, says a cell is down only when the DU reported it inactive, and judges nothing unreported", () => {
    const alerts = new KpiAlerts([
      { name: "off-air", metric: "cellDown", forSeconds: 0 },
      { name: "empty", metric: "ues", below: 1, forSeconds: 0, cells: [1] },
    ]);
    const now = alerts.evaluate([cell(0, { active: false, ues: 0 }), cell(1, { active: null })], 5_000);
    assert.deepEqual(now, [{ name: "off-air", cell: 0, since: 5_000, value: 1 }]);
    assert.deepEqual(alerts.evaluate([cell(0, { ues: 0 }), cell(1, { ues: 0 })], 6_000), [
      { name: "empty", cell: 1, since: 6_000, value: 0 },
    ]);
  });

  it("keeps what held for an alert that new rules keep, and forgets a changed or removed one", () => {
    const busy = { name: "busy", metric: "ues" as const, above: 2, forSeconds: 5 };
    const alerts = new KpiAlerts([busy, { name: "gone", metric: "ues", above: 1, forSeconds: 5 }]);
    alerts.evaluate([cell(0, { ues: 3 })], 0);
    alerts.replace([busy, { name: "gone", metric: "ues", above: 0, forSeconds: 5 }]);
    assert.deepEqual(
      alerts.evaluate([cell(0, { ues: 3 })], 5_000).map((a) => a.name),
      ["busy"],
    );
  });

  it("agrees with a replay of the figures: firing exactly when every sample of the last forSeconds breached", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 0, max: 5 }),
        (samples, forSeconds) => {
          const alerts = new KpiAlerts([{ name: "a", metric: "ues", above: 5, forSeconds }]);
          samples.forEach((ues, second) => {
            const firing =
              alerts.evaluate([cell(0, ues === undefined ? {} : { ues })], second * 1000).length > 0;
            // The run of breaching samples up to now, and whether it spans forSeconds.
            let start = second;
            while (start >= 0 && (samples[start] ?? 0) > 5) start--;
            assert.equal(firing, second - (start + 1) >= forSeconds && (samples[second] ?? 0) > 5);
          });
        },
      ),
    );
  });
});
