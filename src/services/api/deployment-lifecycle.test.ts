import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { waitingToPlan } from "./lifecycle/reconciler.ts";
import { retryDelayMs } from "./lifecycle/reports.ts";

describe("retrying a failed update or heal", () => {
  it("waits 5 s first, doubling each time, and never more than 5 minutes", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 20].map(retryDelayMs),
      [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000],
    );
  });
});

describe("which requested deployments reconcile plans", () => {
  const now = Date.parse("2026-12-03T12:00:00Z");
  const record = (id: string, ageMs: number) => ({ id, createdAt: new Date(now - ageMs) });
  const records = [
    record("old", 30_000),
    record("young", 29_999),
    record("left", 10),
    record("busy", 60_000),
  ];

  it("leaves a young record to its creator, plans an old one and one this API left waiting", () => {
    const { plan, young } = waitingToPlan(
      records,
      { busy: new Set(["busy"]), leftWaiting: new Set(["left"]) },
      now,
      30_000,
    );
    assert.deepEqual(
      plan.map((r) => r.id),
      ["old", "left"],
    );
    assert.equal(young, 1);
  });

  it("never plans one whose create or plan is under way here, however old", () => {
    const { plan } = waitingToPlan(
      records,
      { busy: new Set(["busy", "left"]), leftWaiting: new Set(["left"]) },
      now,
      0,
    );
    assert.deepEqual(
      plan.map((r) => r.id),
      ["old", "young"],
    );
  });
});
