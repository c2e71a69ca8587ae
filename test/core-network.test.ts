// Core networking on the local stack: a `backhaul` deployment's CU gets an address of the backhaul
// network of its node's zone, no two deployments share one, a deleted deployment's address is given out
// again, and the connection details name exactly what the CU's config binds; a `pod` deployment's
// details say which address an AMF outside the cluster sees (the node's, after SNAT); a `host` CU uses its
// node's own address, one per node.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { parse } from "yaml";
import type { CuConfig } from "../src/srsran/config-types.ts";
import { cellsRequest, type DeploymentAnswer } from "./support/api-client.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";

type Connection = {
  network: string;
  n2: { sourceAddress: string; amfSeesOutsideCluster?: string };
  n3: { address: string; port: number };
};

// A /29 with its gateway: five addresses to give out (.2 to .6).
const BACKHAUL = [
  {
    zone: "central",
    interface: "ens2f1",
    cidr: "192.0.2.0/29",
    gateway: "192.0.2.1",
    routes: ["198.51.100.0/24"],
  },
];

describe("core networking", { timeout: 300_000 }, () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const ranaas = ranaasForSuite({ "op-core": "operator", provider: "admin" }, "ranaas_core", {
    RANAAS_BACKHAUL_NETWORKS: JSON.stringify(BACKHAUL),
  });
  const api = apiAs(ranaas, "op-core");

  const createReady = async (name: string, extra: Record<string, unknown> = {}) => {
    const answer = await api<DeploymentAnswer & { connection: Connection }>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest(name, 1, extra),
      { prefer: "wait=60" },
    );
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body;
  };

  /** The addresses the CU's config, as applied to the cluster, binds N2 and N3 to. */
  const renderedCuAddresses = async (namespace: string) => {
    const map = await core.readNamespacedConfigMap({ name: "cu-config", namespace });
    const config = parse(map.data?.["cu.yml"] ?? "") as CuConfig;
    const amf = config.cu_cp.amf;
    return {
      n2: "bind_addr" in amf ? amf.bind_addr : amf.bind_addrs[0],
      n3: config.cu_up.ngu.socket[0]?.ext_addr,
    };
  };

  it("gives each backhaul CU its own address, names it in the connection details, and reuses a freed one", async () => {
    const a = await createReady("bh-a", { coreNetwork: "backhaul" });
    const b = await createReady("bh-b", { coreNetwork: "backhaul" });
    for (const d of [a, b]) {
      assert.equal(d.connection.network, "backhaul");
      const rendered = await renderedCuAddresses(d.plan?.namespace ?? "");
      assert.equal(d.connection.n2.sourceAddress, rendered.n2, "N2 source is what the CU binds");
      assert.equal(d.connection.n3.address, rendered.n3, "N3 address is what the CU advertises");
      assert.equal(d.connection.n2.amfSeesOutsideCluster, undefined, "no SNAT on the backhaul network");
    }
    assert.deepEqual([a.connection.n2.sourceAddress, b.connection.n2.sourceAddress].sort(), [
      "192.0.2.2",
      "192.0.2.3",
    ]);
    const deleted = await api("DELETE", `/v1/ran-deployments/${a.id}`, undefined, { prefer: "wait=60" });
    assert.equal(deleted.body.state, "deleted", JSON.stringify(deleted.body));
    const c = await createReady("bh-c", { coreNetwork: "backhaul" });
    assert.equal(
      c.connection.n2.sourceAddress,
      a.connection.n2.sourceAddress,
      "the freed address is given out again",
    );
    assert.notEqual(c.connection.n2.sourceAddress, b.connection.n2.sourceAddress);
  });

  it("says which address an AMF outside the cluster sees from a pod-network CU", async () => {
    const d = await createReady("pod-net");
    assert.equal(d.connection.network, "pod");
    const rendered = await core.readNamespacedPod({
      namespace: d.plan?.namespace ?? "",
      name:
        (
          await core.listNamespacedPod({
            namespace: d.plan?.namespace ?? "",
            labelSelector: "app.kubernetes.io/component=cu",
          })
        ).items[0]?.metadata?.name ?? "",
    });
    assert.equal(d.connection.n2.sourceAddress, rendered.status?.podIP);
    const node = await core.readNode({ name: rendered.spec?.nodeName ?? "" });
    assert.equal(
      d.connection.n2.amfSeesOutsideCluster,
      node.status?.addresses?.find((x) => x.type === "InternalIP")?.address,
    );
  });

  it("gives a host-network CU its node's own address, and no second one that node's ports", async () => {
    const first = await createReady("host-a", { coreNetwork: "host" });
    const second = await createReady("host-b", { coreNetwork: "host" });
    const nodeIp = async (name: string) =>
      (await core.readNode({ name })).status?.addresses?.find((x) => x.type === "InternalIP")?.address;
    for (const d of [first, second]) {
      assert.equal(d.connection.network, "host");
      assert.equal(
        d.connection.n2.sourceAddress,
        await nodeIp(d.plan?.cu.node ?? ""),
        "N2 from the node's address",
      );
      assert.equal(d.connection.n3.address, d.connection.n2.sourceAddress);
      assert.equal(d.connection.n2.amfSeesOutsideCluster, undefined, "no SNAT on the host network");
    }
    assert.notEqual(first.plan?.cu.node, second.plan?.cu.node, "one host-network CU per node");
  });
});
