import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { whenToPlan } from "./lifecycle/reconciler.ts";
import { retryDelayMs } from "./lifecycle/reports.ts";

describe("retrying a failed update or heal", () => {
  it("waits 5 s first, doubling each time, and never more than 5 minutes", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 20].map(retryDelayMs),
      [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000],
    );
  });
});

describe("when the controller plans a deployment waiting for its plan", () => {
  const now = Date.parse("2026-12-03T12:00:00Z");
  const record = (id: string, ageMs: number) => ({ id, askedAt: new Date(now - ageMs) });
  const here = { busy: new Set(["busy"]), leftWaiting: new Set(["left"]) };

  it("plans one asked for longer ago than the plan timeout, and one this API left waiting, at once", () => {
    assert.deepEqual(whenToPlan(record("old", 30_000), here, now, 30_000), { kind: "now" });
    assert.deepEqual(whenToPlan(record("left", 10), here, now, 30_000), { kind: "now" });
  });

  it("leaves a younger one to its requester, and looks again when the plan timeout has passed", () => {
    assert.deepEqual(whenToPlan(record("young", 29_000), here, now, 30_000), {
      kind: "later",
      afterMs: 1_000,
    });
  });

  it("never plans one whose create is under way here, however old", () => {
    assert.deepEqual(whenToPlan(record("busy", 60_000), here, now, 0), { kind: "requester" });
    assert.deepEqual(whenToPlan(record("left", 60_000), { ...here, busy: new Set(["left"]) }, now, 0), {
      kind: "requester",
    });
  });
});
