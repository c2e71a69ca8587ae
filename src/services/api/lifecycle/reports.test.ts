import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeploymentRecord } from "../../../domain/deployment-record.ts";
import type { NormalizedSpec } from "../../../domain/validate-spec.ts";
import { restartDueAt, restartTargets, speaksFor } from "./reports.ts";

const withPolicy = (
  onRadioFailure: unknown,
  radioRestarts?: DeploymentRecord["radioRestarts"],
): Pick<DeploymentRecord, "spec" | "radioRestarts"> => ({
  spec: { telemetry: { onRadioFailure } } as unknown as NormalizedSpec,
  radioRestarts,
});
const faultSince = { since: new Date(100_000).toISOString() };

describe("the radio's restart policy", () => {
  it("restarts nothing when the policy only reports, or there is none", () => {
    assert.equal(restartDueAt(withPolicy({ action: "report" }), faultSince), undefined);
    assert.equal(restartDueAt(withPolicy(undefined), faultSince), undefined);
  });

  it("restarts afterSeconds into the fault (300 s by default), then after twice as long each time, at most hourly", () => {
    assert.equal(restartDueAt(withPolicy({ action: "restart", afterSeconds: 60 }), faultSince), 160_000);
    assert.equal(restartDueAt(withPolicy({ action: "restart" }), faultSince), 400_000);
    const after = (count: number) =>
      restartDueAt(
        withPolicy(
          { action: "restart", afterSeconds: 60 },
          { count, lastAt: new Date(200_000), components: ["du"] },
        ),
        faultSince,
      );
    assert.deepEqual([after(1), after(2), after(3)], [320_000, 440_000, 680_000]);
    assert.equal(after(10), 200_000 + 3_600_000);
    // Never sooner than afterSeconds into the fault as the radio reports it now.
    const fresh = { since: new Date(1_000_000).toISOString() };
    assert.equal(
      restartDueAt(
        withPolicy(
          { action: "restart", afterSeconds: 60 },
          { count: 1, lastAt: new Date(200_000), components: ["du"] },
        ),
        fresh,
      ),
      1_060_000,
    );
  });

  it("restarts the CU for its own silence and its AMFs, the DU for everything else", () => {
    const reasons = (...components: ("cu" | "du" | undefined)[]) => ({
      reasons: components.map((component) => ({ text: "x", ...(component ? { component } : {}) })),
    });
    assert.deepEqual(restartTargets(reasons("cu")), ["cu"]);
    assert.deepEqual(restartTargets(reasons("du", "du")), ["du"]);
    assert.deepEqual(restartTargets(reasons("du", "cu")), ["cu", "du"]);
    assert.deepEqual(restartTargets(reasons(undefined)), ["du"], "a reason from an older status service");
    assert.deepEqual(restartTargets(reasons()), ["du"]);
  });
});

describe("whose radio reports count after an operation", () => {
  it("counts a radio's health only when each component that reported did so from the pod the workers brought up", () => {
    const brought = { cu: "cu-2", du: "du-2" };
    assert.equal(speaksFor({ pods: { cu: "cu-2", du: "du-2" } }, brought), true);
    assert.equal(speaksFor({ pods: { cu: "cu-2", du: "du-1" } }, brought), false, "the old DU's reports");
    assert.equal(speaksFor({ pods: { du: "du-2" } }, brought), true, "a CU that sends no metrics (OCUDU)");
    assert.equal(speaksFor({}, brought), true, "an older status service");
    assert.equal(speaksFor({ pods: { cu: "cu-1", du: "du-1" } }, undefined), true, "an older worker");
  });
});
