import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import type { DeploymentState } from "../../domain/deployment-states.ts";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import type { NormalizedSpec } from "../../domain/validate-spec.ts";
import { stateChangedEvent } from "./state-events.ts";
import { commandFor } from "./worker-commands.ts";

const definition = JSON.parse(
  readFileSync(
    new URL("../../../test/golden/n78-one-cell/resource-definition.json", import.meta.url),
    "utf8",
  ),
) as ResourceDefinition;

function recordIn(state: DeploymentState, withDefinition = true): DeploymentRecord {
  return {
    id: "0190a5c4-7e1d-7000-8000-000000000001",
    tenant: "operator-a",
    name: "cells",
    spec: { name: "cells" } as unknown as NormalizedSpec,
    state,
    revision: 7,
    operationId: "0190a5c4-7e1d-7000-8000-0000000000aa",
    ...(withDefinition ? { definition } : {}),
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

describe("worker commands rebuilt from a record", () => {
  it("provisions what is being brought up, at the record's revision and operation", () => {
    for (const state of ["planned", "updating", "degraded"] as const) {
      const command = commandFor(recordIn(state), "corr-1");
      assert.equal(command?.type, "provision", state);
      assert.deepEqual(
        [command.deploymentId, command.revision, command.correlationId],
        ["0190a5c4-7e1d-7000-8000-000000000001", 7, "corr-1"],
      );
      assert.deepEqual(command.payload, { operationId: "0190a5c4-7e1d-7000-8000-0000000000aa", definition });
    }
  });

  it("tears down what is being deleted or failed to come up, by its namespace", () => {
    for (const state of ["deleting", "failed"] as const) {
      const command = commandFor(recordIn(state), "corr-2");
      assert.equal(command?.type, "teardown", state);
      assert.deepEqual(command.payload, {
        operationId: "0190a5c4-7e1d-7000-8000-0000000000aa",
        namespace: definition.namespace,
      });
    }
  });

  it("sends nothing for a record that moved on or was never planned", () => {
    for (const state of ["requested", "provisioning", "ready", "deleted"] as const)
      assert.equal(commandFor(recordIn(state), "corr"), undefined, state);
    assert.equal(commandFor(recordIn("planned", false), "corr"), undefined);
  });
});

describe("state-change CloudEvents", () => {
  it("describe the record's new state as a structured CloudEvent 1.0", () => {
    const event = stateChangedEvent(
      { ...recordIn("failed"), reason: "no capacity" },
      "ev-1",
      new Date("2026-11-26T12:00:00Z"),
    );
    assert.deepEqual(event, {
      specversion: "1.0",
      type: "dev.ranaas.ran-deployment.state-changed",
      source: "/v1/ran-deployments/0190a5c4-7e1d-7000-8000-000000000001",
      id: "ev-1",
      time: "2026-11-26T12:00:00.000Z",
      subject: "0190a5c4-7e1d-7000-8000-000000000001",
      datacontenttype: "application/json",
      data: {
        id: "0190a5c4-7e1d-7000-8000-000000000001",
        name: "cells",
        state: "failed",
        reason: "no capacity",
        revision: 7,
        connection: null,
      },
    });
  });
});
