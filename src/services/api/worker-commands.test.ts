import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import type { DeploymentState } from "../../domain/deployment-states.ts";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import type { NormalizedSpec } from "../../domain/validate-spec.ts";
import { kpiAlertEvent, stateChangedEvent } from "./state-events.ts";
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

  it("restarts the components a degraded record's radio policy named, only while it is restarting them", () => {
    const radioRestarts = { count: 2, lastAt: new Date(0), components: ["du" as const] };
    const restarting = { ...recordIn("degraded"), reasonCode: "radio-restart", radioRestarts };
    const command = commandFor(restarting, "corr-3");
    assert.equal(command?.type, "restart");
    assert.deepEqual(command.payload, {
      operationId: "0190a5c4-7e1d-7000-8000-0000000000aa",
      definition,
      components: ["du"],
    });
    // Restarted (reasonCode back to `radio`): a degraded record's command is a provision again (a heal).
    assert.equal(commandFor({ ...restarting, reasonCode: "radio" }, "corr")?.type, "provision");
  });

  it("sends nothing for a record that moved on or was never planned", () => {
    for (const state of ["requested", "provisioning", "ready", "deleted"] as const)
      assert.equal(commandFor(recordIn(state), "corr"), undefined, state);
    assert.equal(commandFor(recordIn("planned", false), "corr"), undefined);
  });
});

describe("KPI alert CloudEvents", () => {
  it("name the alert, its cell and threshold, whether it fires or stopped, and the figure it fired at", () => {
    const record = {
      ...recordIn("ready"),
      spec: {
        name: "cells",
        telemetry: { alerts: [{ name: "crowded", metric: "ues" as const, below: 1, forSeconds: 60 }] },
      } as unknown as NormalizedSpec,
    };
    const alert = { name: "crowded", cell: 0, since: "2026-12-05T10:00:00.000Z", value: 0 };
    const event = kpiAlertEvent(record, alert, "firing", "ev-2", new Date("2026-12-05T10:01:00Z"));
    assert.deepEqual(event, {
      specversion: "1.0",
      type: "dev.ranaas.ran-deployment.kpi-alert",
      source: "/v1/ran-deployments/0190a5c4-7e1d-7000-8000-000000000001",
      id: "ev-2",
      time: "2026-12-05T10:01:00.000Z",
      subject: "0190a5c4-7e1d-7000-8000-000000000001",
      datacontenttype: "application/json",
      data: {
        id: "0190a5c4-7e1d-7000-8000-000000000001",
        name: "cells",
        alert: "crowded",
        status: "firing",
        cell: 0,
        pci: definition.cells[0]?.pci,
        metric: "ues",
        below: 1,
        since: "2026-12-05T10:00:00.000Z",
        value: 0,
        revision: 7,
      },
    });
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
