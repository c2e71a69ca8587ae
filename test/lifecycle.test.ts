// A deployment's life after ready: updated and scaled with only what changed restarted, healed when
// its objects are deleted behind RANaaS's back, and every state change sent to a callback URL.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { Connection } from "rabbitmq-client";
import { WORK_QUEUE } from "../src/bus/topology.ts";
import { cellsRequest, type DeploymentAnswer as Deployment } from "./support/api-client.ts";
import { operatorWithCallbackSecret, startCallbackReceiver } from "./support/callback-receiver.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";
import { toRecord, type DeploymentDocument } from "../src/store/deployments-repository.ts";

describe("deployment lifecycle", { timeout: 600_000 }, () => {
  const kc = adminKubeConfig();
  // The periodic drift check every second (it still leaves a deployment alone for 10 s after a change).
  const ranaas = ranaasForSuite(
    { "operator-a": "operator", provider: "admin" },
    "ranaas_e2e",
    // The callbacks' test receiver listens on loopback, which callbacks may reach only when allowed.
    { RANAAS_DRIFT_SWEEP_MS: "1000", RANAAS_CALLBACK_ALLOW: "127.0.0.1/32" },
    2,
  );
  const api = apiAs(ranaas, "operator-a");
  const workers = () => ranaas().fleet.running("worker");

  it("scales 2 → 4 → 1 cells and changes the AMF, keeping untouched identities and restarting only what changed", async () => {
    type Updated = Deployment & {
      revision: number;
      restarts: string[];
      connection: { n2: { amf: { address: string }[] } } | null;
    };
    const created = await api<Updated>("POST", "/v1/ran-deployments", cellsRequest("scaling", 2), {
      prefer: "wait=30",
    });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    const { id } = created.body;
    const namespace = created.body.plan?.namespace ?? "";
    const identities = (d: Deployment) => d.plan?.cells.map((c) => [c.ruId, c.pci, c.nci]) ?? [];
    const stored = await ranaas().db.collection<DeploymentDocument>("deployments").findOne({ _id: id });
    const original = stored === null ? undefined : toRecord(stored);
    const etag = (await api("GET", `/v1/ran-deployments/${id}`)).headers.get("etag") ?? "";
    assert.equal(etag, `"${created.body.revision}"`);
    const patch = (body: unknown, headers: Record<string, string> = {}) =>
      api<Updated>("PATCH", `/v1/ran-deployments/${id}`, body, {
        "content-type": "application/merge-patch+json",
        prefer: "wait=30",
        ...headers,
      });

    const four = await patch({ cells: cellsRequest("x", 4).cells }, { "if-match": etag });
    assert.equal(four.status, 200, JSON.stringify(four.body));
    assert.deepEqual(identities(four.body).slice(0, 2), identities(created.body));
    assert.deepEqual(four.body.restarts, ["du", "ru-emulator-2", "ru-emulator-3"]);
    assert.equal((await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace })).items.length, 6);

    const stale = await patch({ tac: 8 }, { "if-match": etag });
    assert.equal(stale.status, 412, "an update based on an old revision is refused");
    // Two clients update from the same revision at once: exactly one wins, the other gets 412.
    const current = (await api("GET", `/v1/ran-deployments/${id}`)).headers.get("etag") ?? "";
    const racing = await Promise.all([
      patch({ tac: 11 }, { "if-match": current }),
      patch({ tac: 12 }, { "if-match": current }),
    ]);
    assert.deepEqual(
      racing.map((r) => r.status).sort(),
      [200, 412],
      JSON.stringify(racing.map((r) => r.body)),
    );

    const one = await patch({ cells: cellsRequest("x", 1).cells });
    assert.equal(one.body.state, "ready");
    assert.deepEqual(identities(one.body), identities(created.body).slice(0, 1));
    const deployments = await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace });
    assert.deepEqual(deployments.items.map((d) => d.metadata?.name).sort(), ["cu", "du", "ru-emulator-0"]);

    const amf = await patch({ amf: [{ address: "10.0.0.9" }] });
    assert.equal(amf.body.state, "ready");
    assert.deepEqual(amf.body.restarts, ["cu"]);
    assert.deepEqual(
      amf.body.connection?.n2.amf.map((a) => a.address),
      ["10.0.0.9"],
    );
    const renamed = await patch({ name: "other-name" });
    assert.equal(renamed.status, 422);

    // A provision command of the first revision arriving now (a late redelivery) must not undo the updates.
    const rabbit = new Connection({ url: stackConfig().amqpUrl });
    try {
      const publisher = rabbit.createPublisher({ confirm: true });
      await publisher.send(
        { routingKey: WORK_QUEUE, durable: true },
        {
          type: "provision",
          version: 1,
          id: uniqueName("stale"),
          correlationId: uniqueName("stale"),
          deploymentId: id,
          revision: Number(original?.revision),
          payload: { operationId: String(original?.operationId), definition: original?.definition },
        },
      );
      await publisher.close();
      await eventually(
        async () =>
          (await rabbit.queueDeclare({ queue: WORK_QUEUE, passive: true })).messageCount === 0 &&
          workers().some((w) => w.output().includes("dropped a stale command"))
            ? true
            : undefined,
        { timeoutMs: 15_000, what: "a worker to drop the stale command" },
      );
    } finally {
      await rabbit.close();
    }
    const after = await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace });
    assert.deepEqual(after.items.map((d) => d.metadata?.name).sort(), ["cu", "du", "ru-emulator-0"]);
  });

  /**
   * Waits until a new operation has brought the deployment back to ready, then checks it was a heal
   * that succeeded and that the DU runs again, its own.
   */
  async function healedDu(before: Deployment, timeoutMs: number, what: string): Promise<Deployment> {
    const healed = await eventually(
      async () => {
        const answer = await api<Deployment>("GET", `/v1/ran-deployments/${before.id}`);
        return answer.body.operationId !== before.operationId && answer.body.state === "ready"
          ? answer.body
          : undefined;
      },
      { timeoutMs, what },
    );
    const operation = await api<{ kind: string; state: string }>(
      "GET",
      `/v1/operations/${healed.operationId}`,
    );
    assert.deepEqual([operation.body.kind, operation.body.state], ["heal", "succeeded"]);
    const du = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: "du", namespace: before.plan?.namespace ?? "" });
    assert.equal(du.metadata?.labels?.["ranaas.io/deployment-id"], before.id);
    return healed;
  }

  it("heals a deployment whose DU Deployment was deleted behind its back", async () => {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("self-healing", 1), {
      prefer: "wait=30",
    });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    const namespace = created.body.plan?.namespace ?? "";
    await kc.makeApiClient(AppsV1Api).deleteNamespacedDeployment({ name: "du", namespace });
    const healed = await healedDu(created.body, 30_000, "the deployment to be healed and ready again");
    assert.equal(healed.reason, undefined, "no reason left once healed");
  });

  it("heals a DU deleted while the status service was down, once it is back (nobody saw it go)", async () => {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("unwatched", 1), {
      prefer: "wait=30",
    });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    const namespace = created.body.plan?.namespace ?? "";
    const apps = kc.makeApiClient(AppsV1Api);
    const [status] = ranaas().fleet.running("status");
    assert.ok(status);
    await ranaas().fleet.stop(status);
    try {
      await apps.deleteNamespacedDeployment({ name: "du", namespace });
      // Gone for good before anyone watches again: no watch event will ever tell.
      await eventually(
        async () =>
          (await apps.listNamespacedDeployment({ namespace })).items.some((d) => d.metadata?.name === "du")
            ? undefined
            : true,
        { timeoutMs: 30_000, what: "the DU Deployment to be gone" },
      );
    } finally {
      await ranaas().fleet.start("status");
    }
    await healedDu(created.body, 60_000, "the periodic check to find the missing DU and heal it");
  });

  it("sends signed CloudEvents of every state change to the callback URL, in order, retrying failures", async () => {
    const secret = "test-callback-secret";
    const key = await operatorWithCallbackSecret(ranaas().db, "callback-operator", secret);
    const receiver = await startCallbackReceiver(1); // the first delivery fails: RANaaS must retry it
    try {
      const asTenant = { authorization: `Bearer ${key}` };
      const request = cellsRequest("with-callback", 1, {
        callbackUrl: receiver.url,
      });
      const created = await api("POST", "/v1/ran-deployments", request, { ...asTenant, prefer: "wait=30" });
      assert.equal(created.body.state, "ready", JSON.stringify(created.body));
      await api("DELETE", `/v1/ran-deployments/${created.body.id}`, undefined, {
        ...asTenant,
        prefer: "wait=60",
      });
      const expected = ["requested", "planned", "provisioning", "ready", "deleting", "deleted"];
      const { received } = receiver;
      await eventually(() => Promise.resolve(received.length >= expected.length ? true : undefined), {
        timeoutMs: 30_000,
        what: `${expected.length} callbacks (got ${received.map((r) => r.data.state).join(", ")})`,
      });
      assert.deepEqual(
        received.map((r) => r.data.state),
        expected,
      );
      assert.equal(receiver.refusals(), 1);
      receiver.assertSigned(secret);
    } finally {
      receiver.close();
    }
  });
});
