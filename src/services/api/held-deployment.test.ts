import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import { validateSpec } from "../../domain/validate-spec.ts";
import { deploymentView } from "./deployment-view.ts";
import { hold, viewJsonOf, viewOf, withLiveJson } from "./held-deployment.ts";

const example = (name: string): unknown =>
  parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), "utf8"));
const definition = JSON.parse(
  readFileSync(
    new URL("../../../test/golden/n78-two-cells/resource-definition.json", import.meta.url),
    "utf8",
  ),
) as ResourceDefinition;

function planned(): DeploymentRecord {
  const validated = validateSpec(example("n78-two-cells.yaml"));
  assert.ok(validated.ok);
  return {
    id: definition.deploymentId,
    tenant: definition.tenant,
    name: definition.name,
    spec: { ...validated.spec, callbackUrl: "https://hooks.example/ran" },
    state: "ready",
    reason: "healed",
    reasonCode: undefined,
    definition,
    revision: 7,
    operationId: "op-7",
    retryAt: new Date(Date.UTC(2026, 11, 5, 8)),
    createdAt: new Date(Date.UTC(2026, 11, 5, 7)),
    updatedAt: new Date(Date.UTC(2026, 11, 5, 7, 30)),
  };
}

describe("held deployments", () => {
  it("answer exactly what the record's view is, with and without live status and callbacks", () => {
    for (const record of [planned(), { ...planned(), definition: undefined, state: "requested" as const }]) {
      const held = hold(record);
      assert.deepEqual(JSON.parse(held.viewJson), JSON.parse(JSON.stringify(deploymentView(record))));
      assert.deepEqual(viewOf(held), JSON.parse(JSON.stringify(viewOf(record))));
      assert.equal(viewJsonOf(held), viewJsonOf(record));
      const status = { phase: "Running", stale: false, components: [{ name: "cu", ready: true }] };
      const callbacks = {
        delivered: 3,
        pending: 1,
        abandoned: 0,
        lastError: { at: new Date(Date.UTC(2026, 11, 5, 9)), message: "503" },
      };
      assert.deepEqual(
        JSON.parse(withLiveJson(held.viewJson, status, callbacks)),
        JSON.parse(JSON.stringify(deploymentView(record, status, callbacks))),
      );
      assert.deepEqual(
        JSON.parse(withLiveJson(held.viewJson, status)),
        JSON.parse(JSON.stringify(deploymentView(record, status))),
      );
      assert.equal(withLiveJson(held.viewJson), held.viewJson);
    }
  });

  it("keep what the controller's resync and a get look at", () => {
    const record = planned();
    const held = hold(record);
    assert.deepEqual(held.components, ["cu", "du", "ru-emulator-0", "ru-emulator-1"]);
    assert.equal(held.hasCallback, true);
    assert.equal(hold({ ...record, definition: undefined }).components, undefined);
    const { callbackUrl: _, ...withoutCallback } = record.spec;
    assert.equal(hold({ ...record, spec: withoutCallback }).hasCallback, false);
    for (const key of [
      "id",
      "tenant",
      "name",
      "state",
      "revision",
      "operationId",
      "retryAt",
      "updatedAt",
    ] as const)
      assert.deepEqual(held[key], record[key], key);
  });
});
