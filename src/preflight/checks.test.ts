import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { preflightChecks, type ClusterFacts, type FactNode } from "./checks.ts";

const edge = (name: string, zone: string, annotations: Record<string, string> = {}): FactNode => ({
  name,
  labels: { "ranaas.io/role": "edge", "topology.kubernetes.io/zone": zone },
  annotations: {
    "ranaas.io/fronthaul-interface": "ens1f0",
    "ranaas.io/fronthaul-mtu": "9000",
    "ranaas.io/sctp": "true",
    "ranaas.io/cpu-manager-policy": "static",
    ...annotations,
  },
});
const central: FactNode = {
  name: "central-1",
  labels: { "ranaas.io/role": "central" },
  annotations: { "ranaas.io/sctp": "true" },
};
const ready: ClusterFacts = {
  nodes: [edge("e1", "site-1"), edge("e2", "site-2"), central],
  crds: ["network-attachment-definitions.k8s.cni.cncf.io"],
  rus: [{ id: "ru-1", node: "e1" }],
  images: [
    { component: "cu", image: "r/srsran:25.10", outcome: "ran", detail: "srsRAN 5G CU version 25.10.0" },
  ],
  fronthaulInterface: "ens1f0",
};
const byId = (facts: ClusterFacts) => new Map(preflightChecks(facts).map((r) => [r.id, r]));

describe("preflight", () => {
  it("passes a cluster that has and declares everything", () => {
    const results = preflightChecks(ready);
    assert.deepEqual(
      results.filter((r) => r.status !== "pass").map((r) => `${r.id}: ${r.detail}`),
      [],
    );
    assert.deepEqual(
      results.map((r) => r.id),
      [
        "edge-nodes",
        "central-nodes",
        "zones",
        "ru-pool",
        "multus",
        "fronthaul-interface",
        "fronthaul-vlans",
        "fronthaul-mtu",
        "sctp",
        "cpu-manager",
        "images",
      ],
    );
  });

  it("names each missing requirement and its fix", () => {
    const mtu = byId({
      ...ready,
      nodes: [edge("e1", "site-1", { "ranaas.io/fronthaul-mtu": "1500" }), central],
    }).get("fronthaul-mtu");
    assert.equal(mtu?.status, "fail");
    assert.match(mtu?.detail ?? "", /e1: MTU 1500: Open Fronthaul frames need 9000/);
    assert.equal(mtu?.fix, "kubectl annotate node e1 ranaas.io/fronthaul-mtu=9000 (on e1)");
    const multus = byId({ ...ready, crds: [] }).get("multus");
    assert.equal(multus?.status, "fail");
    assert.match(multus?.fix ?? "", /install Multus/);
    const noCentral = byId({ ...ready, nodes: [edge("e1", "site-1")] }).get("central-nodes");
    assert.equal(noCentral?.fix, "kubectl label node <node> ranaas.io/role=central");
    const zoneless = byId({
      ...ready,
      nodes: [{ ...edge("e1", ""), labels: { "ranaas.io/role": "edge" } }, central],
    });
    assert.equal(zoneless.get("zones")?.status, "fail");
    const strayRu = byId({ ...ready, rus: [{ id: "ru-9", node: "gone" }] }).get("ru-pool");
    assert.match(strayRu?.detail ?? "", /ru-9 \(gone\)/);
    const badInterface = byId({
      ...ready,
      nodes: ready.nodes.map((n) => ({
        ...n,
        annotations: { ...n.annotations, "ranaas.io/fronthaul-interface": "not an if" },
      })),
    }).get("fronthaul-interface");
    assert.equal(badInterface?.status, "fail");
    assert.match(badInterface?.detail ?? "", /"not an if", which is not a Linux interface name/);
    const ptp = (vlans?: string) =>
      byId({
        ...ready,
        nodes: ready.nodes.map((n) =>
          n.labels["ranaas.io/role"] === "edge"
            ? {
                ...n,
                labels: { ...n.labels, "ranaas.io/ptp-fronthaul": "true" },
                annotations: {
                  ...n.annotations,
                  ...(vlans === undefined ? {} : { "ranaas.io/fronthaul-vlans": vlans }),
                },
              }
            : n,
        ),
      }).get("fronthaul-vlans");
    assert.equal(ptp()?.status, "unknown");
    assert.equal(ptp("100-199,5")?.status, "pass");
    assert.match(ptp("100-5000")?.detail ?? "", /not a list of VLAN ids/);
    const image = byId({
      ...ready,
      images: [{ component: "du", image: "r/x", outcome: "failed", detail: "ImagePullBackOff" }],
    }).get("images");
    assert.equal(image?.status, "fail");
  });

  it("says unknown, with how to declare it, where nothing tells", () => {
    const bare = {
      name: "e1",
      labels: { "ranaas.io/role": "edge", "topology.kubernetes.io/zone": "s" },
      annotations: {},
    };
    const results = byId({ ...ready, nodes: [bare, central], rus: undefined, images: undefined });
    for (const id of ["fronthaul-interface", "fronthaul-mtu", "sctp", "cpu-manager", "ru-pool", "images"])
      assert.equal(results.get(id)?.status, "unknown", id);
    assert.match(results.get("sctp")?.fix ?? "", /modprobe sctp/);
  });
});
