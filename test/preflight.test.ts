// `ranaas preflight` against the local stack, whose nodes are set up (labelled and annotated) as a real
// cluster's must be: every requirement passes (the image probes run as Jobs on the simulated nodes); a
// requirement taken away gives its named failure and the fix.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { call } from "./support/api-client.ts";
import { runCli } from "./support/cli.ts";
import { startRanaas } from "./support/ranaas.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { simulatedImageEnv, stackConfig } from "./support/stack.ts";

interface Result {
  id: string;
  status: string;
  detail: string;
  fix?: string;
}

describe("ranaas preflight", { timeout: 300_000 }, () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const config = stackConfig();
  // The stack's own database, where `stack up` put the RU pool.
  const env = {
    ...process.env,
    ...simulatedImageEnv(),
    KUBECONFIG: config.kubeconfig ?? "",
    MONGODB_URI: config.mongodbUri,
    RANAAS_MONGODB_DATABASE: "ranaas",
  };
  const preflight = async () => {
    const run = await runCli(["preflight", "-o", "json", "--timeout", "60"], env);
    return { code: run.code, results: JSON.parse(run.stdout || "[]") as Result[], stderr: run.stderr };
  };
  const patchNode = (name: string, patch: object[]) =>
    core.patchNode({ name, body: patch }, setHeaderOptions("Content-Type", PatchStrategy.JsonPatch));

  it("passes every requirement on the local stack", async () => {
    const { code, results, stderr } = await preflight();
    assert.deepEqual(
      results.filter((r) => r.status !== "pass").map((r) => `${r.id}: ${r.status}: ${r.detail}`),
      [],
      stderr,
    );
    assert.equal(code, 0);
    assert.match(results.find((r) => r.id === "images")?.detail ?? "", /simulated nodes: nothing ran/);
  });

  it("names a node without jumbo frames or a zone, with the fix, and exits 1", async () => {
    const node = "edge-site-1-1";
    const before = await core.readNode({ name: node });
    const zone = before.metadata?.labels?.["topology.kubernetes.io/zone"] ?? "";
    const mtu = before.metadata?.annotations?.["ranaas.io/fronthaul-mtu"] ?? "";
    assert.equal(mtu, "9000", "the stack declares jumbo frames");
    try {
      await patchNode(node, [
        { op: "replace", path: "/metadata/annotations/ranaas.io~1fronthaul-mtu", value: "1500" },
        { op: "remove", path: "/metadata/labels/topology.kubernetes.io~1zone" },
      ]);
      const { code, results } = await preflight();
      assert.equal(code, 1);
      const byId = new Map(results.map((r) => [r.id, r]));
      assert.equal(byId.get("fronthaul-mtu")?.status, "fail");
      assert.match(
        byId.get("fronthaul-mtu")?.detail ?? "",
        /edge-site-1-1: MTU 1500: Open Fronthaul frames need 9000/,
      );
      assert.equal(
        byId.get("fronthaul-mtu")?.fix,
        `kubectl annotate node ${node} ranaas.io/fronthaul-mtu=9000 (on ${node})`,
      );
      assert.equal(byId.get("zones")?.status, "fail");
      assert.match(byId.get("zones")?.detail ?? "", /no topology\.kubernetes\.io\/zone on edge-site-1-1/);
      assert.equal(byId.get("multus")?.status, "pass", "only what was taken away fails");

      // The orchestrator's readiness detail says the same (without probing images).
      const ranaas = await startRanaas({}, "ranaas_preflight");
      try {
        const detail = await call<{ ok: boolean; checks: Result[] }>(
          ranaas.fleet.orchestratorUrl,
          "GET",
          "/preflight",
        );
        assert.equal(detail.status, 200);
        assert.equal(detail.body.ok, false);
        assert.deepEqual(
          detail.body.checks.filter((c) => c.status !== "pass").map((c) => `${c.id}: ${c.status}`),
          ["zones: fail", "fronthaul-mtu: fail", "images: unknown"],
        );
      } finally {
        await ranaas.stop();
      }
    } finally {
      await patchNode(node, [
        { op: "replace", path: "/metadata/annotations/ranaas.io~1fronthaul-mtu", value: mtu },
        { op: "add", path: "/metadata/labels/topology.kubernetes.io~1zone", value: zone },
      ]);
    }
  });
});
