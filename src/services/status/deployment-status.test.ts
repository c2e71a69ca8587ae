import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import { deploymentStatus } from "./deployment-status.ts";

const ID = "0190a5c4-7e1d-7000-8000-0000000000aa";

function deployment(name: string, readyReplicas: number): V1Deployment {
  return {
    metadata: { name },
    spec: { replicas: 1, selector: { matchLabels: { component: name } }, template: {} },
    status: { readyReplicas },
  };
}

function pod(component: string, node: string, ready: boolean, going = false): V1Pod {
  return {
    metadata: {
      name: `${component}-${node}`,
      labels: { component },
      ...(going ? { deletionTimestamp: new Date(0) } : {}),
    },
    spec: { nodeName: node, containers: [] },
    status: {
      podIP: `10.0.0.${node.length}`,
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  };
}

describe("deploymentStatus", () => {
  it("is not ready while the pod watch has not shown the ready pod the Deployment counts", () => {
    const status = deploymentStatus(ID, [deployment("du", 1)], []);
    assert.equal(status.phase, "progressing");
    assert.equal(status.components[0]?.ready, false);
  });

  it("reports the node and address of the ready pod, not of one being replaced", () => {
    const status = deploymentStatus(
      ID,
      [deployment("du", 1)],
      [pod("du", "old-node", true, true), pod("du", "edge-1", true)],
    );
    assert.equal(status.phase, "running");
    assert.deepEqual(
      { ready: status.components[0]?.ready, node: status.components[0]?.node },
      { ready: true, node: "edge-1" },
    );
  });

  it("is running when every component's Deployment and pod are ready", () => {
    const status = deploymentStatus(
      ID,
      [deployment("cu", 1), deployment("du", 1)],
      [pod("cu", "central-1", true), pod("du", "edge-1", true)],
    );
    assert.equal(status.phase, "running");
    assert.deepEqual(
      status.components.map((c) => `${c.name} ${c.node}`),
      ["cu central-1", "du edge-1"],
    );
  });
});
