import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { envelope } from "../../bus/envelopes.ts";
import type { ProvisionCommand, TeardownCommand } from "../../domain/messages.ts";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import { commandScopeProblems, objectScopeProblems } from "./command-scope.ts";
import { renderManifests } from "./render-manifests.ts";

const DEFINITION = JSON.parse(
  readFileSync(
    new URL("../../../test/golden/n78-one-cell/resource-definition.json", import.meta.url),
    "utf8",
  ),
) as ResourceDefinition;

const context = { correlationId: "c", deploymentId: DEFINITION.deploymentId, revision: 1 };
const provision = (definition: ResourceDefinition, deploymentId = DEFINITION.deploymentId) =>
  envelope<ProvisionCommand>("provision", { ...context, deploymentId }, { operationId: "o", definition });
const teardown = (namespace: string, deploymentId = DEFINITION.deploymentId) =>
  envelope<TeardownCommand>("teardown", { ...context, deploymentId }, { operationId: "o", namespace });

describe("what a work command may make a worker touch", () => {
  it("lets a deployment's own commands through", () => {
    assert.deepEqual(commandScopeProblems(provision(DEFINITION)), []);
    assert.deepEqual(commandScopeProblems(teardown(DEFINITION.namespace)), []);
  });

  it("refuses a teardown of another namespace, kube-system included", () => {
    for (const namespace of ["kube-system", "default", "ranaas-system", "ran-000000000000"])
      assert.match(commandScopeProblems(teardown(namespace)).join(), /not the deployment's ran-/, namespace);
  });

  it("refuses a definition that is another deployment's, or names another namespace, or an id that is not one", () => {
    assert.match(
      commandScopeProblems(provision({ ...DEFINITION, namespace: "kube-system" })).join(),
      /names namespace kube-system/,
    );
    assert.match(
      commandScopeProblems(provision(DEFINITION, "0190a000-0000-7000-8000-000000000001")).join(),
      /the definition is deployment .*'s, not the command's/,
    );
    assert.match(commandScopeProblems(teardown("x", "../kube-system")).join(), /is not a UUID/);
  });

  it("passes every object a RAN deployment renders, and refuses other kinds and other namespaces", () => {
    const objects = renderManifests(DEFINITION, {
      fronthaulMasterInterface: "ens1f0",
      upfCidrs: ["0.0.0.0/0"],
    }).objects;
    assert.deepEqual(objectScopeProblems(objects, DEFINITION.namespace), []);
    const problems = objectScopeProblems(
      [
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "own" } },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "kube-system" } },
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } },
      ],
      DEFINITION.namespace,
    );
    assert.deepEqual(problems, [
      "ClusterRoleBinding own: a worker does not write ClusterRoleBinding",
      `ConfigMap x: outside the deployment's namespace ${DEFINITION.namespace}`,
      `Namespace kube-system: outside the deployment's namespace ${DEFINITION.namespace}`,
    ]);
  });
});
