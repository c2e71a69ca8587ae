import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { KpiWindow } from "./kpi-window.ts";

describe("a window of KPIs", () => {
  it("keeps the mean of each KPI per bucket and cell, and only the last buckets", () => {
    const window = new KpiWindow(2, 10_000, 3);
    window.add(1_000, [{ ues: 2, dlBitrate: 100 }, { ues: 0 }]);
    window.add(2_000, [{ ues: 4, dlBitrate: 300, cqi: 15 }, {}]);
    window.add(12_000, [{ ues: 1 }, { ues: 1 }]);
    assert.deepEqual(window.query(12_000, 60_000), [
      { at: 0, cells: [{ ues: 3, dlBitrate: 200, cqi: 15 }, { ues: 0 }] },
      { at: 10_000, cells: [{ ues: 1 }, { ues: 1 }] },
    ]);
    assert.deepEqual(
      window.query(12_000, 1_000).map((b) => b.at),
      [10_000],
      "the buckets that overlap the window",
    );
    window.add(25_000, [{ ues: 5 }]);
    window.add(31_000, [{ ues: 6 }]);
    assert.deepEqual(
      window.query(31_000, 60_000).map((b) => b.at),
      [10_000, 20_000, 30_000],
      "three buckets kept: the oldest is dropped",
    );
    window.add(5_000, [{ ues: 99 }]); // older than what is kept: ignored
    assert.deepEqual(window.query(31_000, 60_000)[0]?.cells[0], { ues: 1 });
  });

  it("agrees with a plain list of every sample, whatever the times", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 1000 })), {
          maxLength: 200,
        }),
        (steps) => {
          const window = new KpiWindow(1, 100, 10);
          const kept: [number, number][] = [];
          let now = 0;
          for (const [advance, ues] of steps) {
            now += advance % 300;
            window.add(now, [{ ues }]);
            kept.push([now, ues]);
          }
          const oldest = now - (now % 100) - 9 * 100;
          const expected = new Map<number, number[]>();
          for (const [at, ues] of kept) {
            const start = at - (at % 100);
            if (start < oldest) continue;
            expected.set(start, [...(expected.get(start) ?? []), ues]);
          }
          const got = window.query(now, 10 * 100);
          assert.deepEqual(
            got.map((b) => [b.at, b.cells[0]?.ues]),
            [...expected]
              .sort((a, b) => a[0] - b[0])
              .map(([at, values]) => [at, values.reduce((x, y) => x + y, 0) / values.length]),
          );
        },
      ),
    );
  });
});
