import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import { rolloutState } from "./rollout.ts";

const deployment = (name: string, status: V1Deployment["status"], generation = 2): V1Deployment => ({
  metadata: { name, generation },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: {} },
  status: { observedGeneration: 2, ...status },
});
const done = { replicas: 1, updatedReplicas: 1, availableReplicas: 1 };
const pod = (app: string, terminated?: { exitCode: number; message: string }): V1Pod => ({
  metadata: { name: `${app}-1`, labels: { app } },
  status: {
    containerStatuses: [
      {
        name: app,
        image: "x",
        imageID: "x",
        ready: false,
        restartCount: 1,
        ...(terminated === undefined ? {} : { lastState: { terminated } }),
      },
    ],
  },
});

describe("a rollout's state", () => {
  it("is done only when every replica is updated and available, no old one is left, and the controller saw the change", () => {
    assert.equal(rolloutState([deployment("cu", done), deployment("du", done)], [], 2).done, true);
    assert.equal(rolloutState([deployment("cu", done)], [], 2).pending, "1 of 2 Deployments exist");
    const restarting = deployment("du", { replicas: 2, updatedReplicas: 1, availableReplicas: 1 });
    assert.deepEqual(
      [rolloutState([restarting], [], ["du"]).done, rolloutState([restarting], [], ["du"]).pending],
      [false, "du"],
      "an old pod is still there",
    );
    assert.equal(
      rolloutState([deployment("du", done, 3)], [], ["du"]).done,
      false,
      "a change not yet observed",
    );
    assert.equal(
      rolloutState([deployment("du", { replicas: 1, updatedReplicas: 0, availableReplicas: 1 })], [], ["du"])
        .done,
      false,
    );
  });

  it("looks only at the Deployments it names, and at their pods' problems", () => {
    const state = rolloutState(
      [deployment("cu", done), deployment("du", { replicas: 1 })],
      [pod("du", { exitCode: 1, message: "some trouble" }), pod("cu")],
      ["cu"],
    );
    assert.deepEqual([state.done, state.problem], [true, undefined]);
    const du = rolloutState(
      [deployment("du", { replicas: 1 })],
      [pod("du", { exitCode: 1, message: "x" })],
      ["du"],
    );
    assert.equal(du.done, false);
    assert.ok(du.problem !== undefined);
  });
});
