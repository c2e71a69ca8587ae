// The cluster client RANaaS's services use keeps its TLS connection to the API server: many requests,
// one connection (@kubernetes/client-node alone opens one per request).
import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { describe, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { openKubeCluster } from "../src/k8s/cluster/kube-client.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { stackConfig } from "./support/stack.ts";

/** How many of the HTTP requests `work` makes open a new connection (Node publishes each finished one). */
async function connectionsOpenedBy(work: () => Promise<void>): Promise<number> {
  let opened = 0;
  const count = (message: unknown) => {
    if (!(message as { request: ClientRequest }).request.reusedSocket) opened += 1;
  };
  subscribe("http.client.response.finish", count);
  try {
    await work();
  } finally {
    unsubscribe("http.client.response.finish", count);
  }
  return opened;
}

const twentyReads = (core: CoreV1Api) => async () => {
  for (let i = 0; i < 20; i++) await core.readNamespace({ name: "default" });
};

describe("cluster client connections", () => {
  it("reuses one TLS connection for sequential requests", async () => {
    const cluster = openKubeCluster(stackConfig().kubeconfig);
    try {
      const opened = await connectionsOpenedBy(twentyReads(cluster.config.makeApiClient(CoreV1Api)));
      assert.equal(opened, 1, `20 requests opened ${opened} connections`);
    } finally {
      cluster.close();
    }
  });

  it("is needed: the library's own KubeConfig opens a connection per request", async () => {
    const plain = adminKubeConfig();
    const opened = await connectionsOpenedBy(twentyReads(plain.makeApiClient(CoreV1Api)));
    assert.equal(opened, 20);
  });
});
