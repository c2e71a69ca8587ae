// The provisioning pipeline end to end on the local stack: API, orchestrator, two workers and the status
// service as separate processes over real RabbitMQ, FerretDB and Kubernetes (KWOK nodes).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { MongoClient } from "mongodb";
import { Connection } from "rabbitmq-client";
import { WORK_QUEUE } from "../src/bus/topology.ts";
import { call, cellsRequest } from "./support/api-client.ts";
import { purgeQueues } from "./support/bus.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, deleteNamespaceAndWait, statusOf } from "./support/kube.ts";
import { ServiceFleet, type ServiceProcess } from "./support/services.ts";
import { issueApiKey } from "../src/platform/api-keys.ts";
import { TenantsRepository } from "../src/store/tenants-repository.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";

interface Deployment {
  id: string;
  state: string;
  reason?: string;
  reasonCode?: string;
  plan: null | {
    namespace: string;
    cu: { node: string };
    du: { node: string };
    cells: { ruId: string; ruNode: string; nci: string; pci: number }[];
  };
  connection: null | { n2: { sourceAddress: string }; n3: { address: string; port: number } };
  status?: { phase: string; components: { name: string; node: string; ready: boolean }[] };
}

describe("provisioning pipeline", () => {
  const database = uniqueName("ranaas_e2e").replaceAll("-", "_");
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const mongo = new MongoClient(stackConfig().mongodbUri, { serverSelectionTimeoutMS: 3000 });
  const namespaces = new Set<string>();
  let fleet: ServiceFleet;
  let orchestrator: ServiceProcess;
  let workers: ServiceProcess[] = [];

  const keys = { operator: "", admin: "" };
  const asAdmin = { authorization: "" };
  const api = <T = Deployment>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => call<T>(fleet.apiUrl, method, path, body, { authorization: `Bearer ${keys.operator}`, ...headers });
  const allocationsOf = (id: string) =>
    mongo.db(database).collection("allocations").countDocuments({ deploymentId: id });
  const remember = (d: Deployment) => {
    if (d.plan !== null) namespaces.add(d.plan.namespace);
  };

  before(async () => {
    await purgeQueues();
    await mongo.connect();
    fleet = await ServiceFleet.create(database);
    // RU pool of the simulated sites, as `ranaas stack up` seeds it, in this run's database.
    const seeded = await import("../src/placement/local-inventory.ts");
    const { RadioUnitsRepository } = await import("../src/store/rus-repository.ts");
    await new RadioUnitsRepository(mongo.db(database)).upsert(seeded.localRadioUnits());
    const tenants = new TenantsRepository(mongo.db(database));
    for (const [name, role] of [
      ["operator-a", "operator"],
      ["provider", "admin"],
    ] as const) {
      const issued = issueApiKey();
      await tenants.create(name, role, issued.record);
      keys[role] = issued.key;
    }
    asAdmin.authorization = `Bearer ${keys.admin}`;
    await fleet.start("status");
    orchestrator = await fleet.start("orchestrator");
    workers = [await fleet.start("worker"), await fleet.start("worker")];
    await fleet.start("api");
  });

  after(async () => {
    await fleet.stopAll();
    await Promise.all([...namespaces].map((ns) => deleteNamespaceAndWait(kc, ns)));
    await mongo.db(database).dropDatabase();
    await mongo.close();
  });

  it("provisions 4 cells to ready with connection details and every object on its planned node", async () => {
    const started = performance.now();
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("four-cells", 4), {
      prefer: "wait=30",
    });
    const elapsedMs = performance.now() - started;
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const d = created.body;
    remember(d);
    assert.equal(d.state, "ready");
    console.log(`# 4-cell deployment ready end to end in ${Math.round(elapsedMs)} ms`);
    assert.ok(created.headers.get("location")?.endsWith(d.id));
    assert.ok(d.plan && d.connection);
    assert.equal(d.plan.cells.length, 4);
    assert.equal(new Set(d.plan.cells.map((c) => c.nci)).size, 4);
    assert.match(d.connection.n2.sourceAddress, /^10\.244\./);
    assert.equal(d.connection.n3.port, 2152);

    const pods = await core.listNamespacedPod({ namespace: d.plan.namespace });
    const planned = new Map([
      ["cu", d.plan.cu.node],
      ["du", d.plan.du.node],
      ...d.plan.cells.map((c, i): [string, string] => [`ru-emulator-${i}`, c.ruNode]),
    ]);
    assert.equal(pods.items.length, planned.size);
    for (const pod of pods.items) {
      const component = pod.metadata?.labels?.["app.kubernetes.io/component"];
      const key =
        component === "ru-emulator"
          ? `ru-emulator-${pod.metadata?.labels?.["ranaas.io/cell"]}`
          : (component ?? "");
      assert.equal(pod.spec?.nodeName, planned.get(key), `${pod.metadata?.name} on the wrong node`);
    }
    const cu = pods.items.find((p) => p.metadata?.labels?.["app.kubernetes.io/component"] === "cu");
    assert.equal(d.connection.n2.sourceAddress, cu?.status?.podIP);
  });

  it("lists deployments and answers one with its live status", async () => {
    const list = await api<{ items: Deployment[]; next: string | null }>(
      "GET",
      "/v1/ran-deployments?state=ready",
    );
    assert.equal(list.status, 200);
    const one = list.body.items.find((i) => i.plan?.cells.length === 4);
    assert.ok(one);
    const got = await eventually(
      async () => {
        const answer = await api("GET", `/v1/ran-deployments/${one.id}`);
        return answer.body.status?.phase === "running" ? answer : undefined;
      },
      { timeoutMs: 10_000, what: "the status service to see the deployment running" },
    );
    assert.equal(got.status, 200);
    assert.deepEqual(
      got.body.status?.components.map((c) => c.name),
      ["cu", "du", "ru-emulator-0", "ru-emulator-1", "ru-emulator-2", "ru-emulator-3"],
    );
    assert.equal((await api("GET", "/v1/ran-deployments/01a20000-0000-7000-8000-000000000000")).status, 404);
  });

  it("deletes a deployment: namespace gone, RUs and identities free again, record deleted", async () => {
    const created = await api(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("to-delete", 2, { site: "site-2" }),
      { prefer: "wait=30" },
    );
    assert.equal(created.body.state, "ready");
    remember(created.body);
    const { id, plan } = created.body;
    assert.ok(plan);
    assert.ok((await allocationsOf(id)) > 0);
    const deleted = await api("DELETE", `/v1/ran-deployments/${id}`, undefined, { prefer: "wait=60" });
    assert.equal(deleted.status, 202);
    assert.equal(deleted.body.state, "deleted");
    await assert.rejects(
      core.readNamespace({ name: plan.namespace }),
      (err: unknown) => statusOf(err) === 404,
    );
    assert.equal(await allocationsOf(id), 0);
    const again = await api("DELETE", `/v1/ran-deployments/${id}`);
    assert.equal(again.status, 202, "deleting twice is fine");
    assert.equal(again.body.state, "deleted");
    // The same RUs can be had again.
    const reuse = await api("POST", "/v1/ran-deployments", cellsRequest("to-delete", 2, { site: "site-2" }), {
      prefer: "wait=30",
    });
    assert.equal(reuse.body.state, "ready");
    remember(reuse.body);
    assert.deepEqual(
      reuse.body.plan?.cells.map((c) => c.ruId),
      plan.cells.map((c) => c.ruId),
    );
  });

  it("spreads work over both workers", async () => {
    const requests = ["spread-a", "spread-b", "spread-c", "spread-d"].map((name, i) =>
      api("POST", "/v1/ran-deployments", cellsRequest(name, 1, { site: `site-${(i % 3) + 1}` }), {
        prefer: "wait=30",
      }),
    );
    const answers = await Promise.all(requests);
    for (const answer of answers) {
      assert.equal(answer.body.state, "ready", JSON.stringify(answer.body));
      remember(answer.body);
    }
    const ids = answers.map((a) => a.body.id);
    const handledBy = workers.map(
      (w) =>
        ids.filter(
          (id) => w.output().includes(`"deploymentId":"${id}"`) && w.output().includes('"msg":"provisioned"'),
        ).length,
    );
    assert.ok(
      handledBy.every((n) => n > 0),
      `each worker provisioned some: ${JSON.stringify(handledBy)}`,
    );
  });

  it("refuses what the pool cannot hold with 409 and the reason, leaving nothing behind", async () => {
    const before = await api<{ items: Deployment[] }>("GET", "/v1/ran-deployments?limit=500");
    const refused = await api<{ code: string; detail: string }>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("too-big", 9),
    );
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, "insufficient-rus");
    assert.match(refused.body.detail, /needs 9 RUs at one site/);
    const afterList = await api<{ items: Deployment[] }>("GET", "/v1/ran-deployments?limit=500");
    assert.equal(afterList.body.items.length, before.body.items.length);
    assert.equal(
      await mongo
        .db(database)
        .collection("allocations")
        .countDocuments({ deploymentId: { $nin: afterList.body.items.map((i) => i.id) } }),
      0,
    );
  });

  it("answers a retried create or delete with the first answer (Idempotency-Key)", async () => {
    const body = cellsRequest("retried", 1, { site: "site-1" });
    const key = { "idempotency-key": uniqueName("create"), prefer: "wait=30" };
    const first = await api("POST", "/v1/ran-deployments", body, key);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    remember(first.body);
    const again = await api("POST", "/v1/ran-deployments", body, key);
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id, "no second deployment");
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    const other = await api<{ code: string }>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("retried-2", 1),
      key,
    );
    assert.equal(other.status, 422);
    assert.equal(other.body.code, "idempotency-key-reused");
    const list = await api<{ items: Deployment[] }>("GET", "/v1/ran-deployments?limit=500");
    assert.equal(
      list.body.items.filter((d) => (d as unknown as { name: string }).name.startsWith("retried")).length,
      1,
    );

    const deleteKey = { "idempotency-key": uniqueName("delete") };
    const deleted = await api("DELETE", `/v1/ran-deployments/${first.body.id}`, undefined, deleteKey);
    const deletedAgain = await api("DELETE", `/v1/ran-deployments/${first.body.id}`, undefined, deleteKey);
    assert.equal(deleted.status, 202);
    assert.deepEqual(deletedAgain.body, deleted.body);
    assert.equal(deletedAgain.headers.get("idempotent-replayed"), "true");
  });

  it("refuses what a tenant's quota does not allow, with the quota and the use", async () => {
    const issued = issueApiKey();
    await new TenantsRepository(mongo.db(database)).create("small-operator", "operator", issued.record, {
      deployments: 1,
      cells: 2,
    });
    const asSmall = { authorization: `Bearer ${issued.key}`, prefer: "wait=30" };
    const first = await api("POST", "/v1/ran-deployments", cellsRequest("quota-1", 2), asSmall);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    remember(first.body);
    const second = await api<{ code: string; detail: string }>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("quota-2", 1),
      asSmall,
    );
    assert.equal(second.status, 409);
    assert.equal(second.body.code, "quota-exceeded");
    assert.equal(
      second.body.detail,
      "tenant small-operator: quota of 1 deployments: 1 in use, this request needs 1 more",
    );
    await api("DELETE", `/v1/ran-deployments/${first.body.id}`, undefined, { ...asSmall, prefer: "wait=60" });
    const tooManyCells = await api<{ code: string; detail: string }>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("quota-3", 3),
      asSmall,
    );
    assert.equal(tooManyCells.body.code, "quota-exceeded");
    assert.match(tooManyCells.body.detail, /quota of 2 cells: 0 in use, this request needs 3 more/);
    const fits = await api("POST", "/v1/ran-deployments", cellsRequest("quota-4", 1), asSmall);
    assert.equal(fits.status, 201, "room again once the first is deleted");
    remember(fits.body);
  });

  it("reports free capacity per site, and an operator's quota left", async () => {
    type SiteCapacity = {
      site: string;
      freeRus: number;
      bands: { band: number; freeRus: number }[];
      edge: { nodes: number };
    };
    const admin = await api<{ sites: SiteCapacity[]; central: { nodes: number } }>(
      "GET",
      "/v1/capacity",
      undefined,
      asAdmin,
    );
    assert.equal(admin.status, 200, JSON.stringify(admin.body));
    assert.deepEqual(
      admin.body.sites.map((s) => s.site),
      ["site-1", "site-2", "site-3"],
    );
    assert.equal(admin.body.central.nodes, 2);
    const pool = await api<{ items: { site: string; allocatedTo: string | null }[] }>(
      "GET",
      "/v1/rus",
      undefined,
      asAdmin,
    );
    for (const site of admin.body.sites) {
      const free = pool.body.items.filter((ru) => ru.site === site.site && ru.allocatedTo === null).length;
      assert.equal(site.freeRus, free, `free RUs at ${site.site}`);
      assert.equal(site.bands.find((b) => b.band === 78)?.freeRus ?? 0, free);
      assert.equal(site.edge.nodes, 2);
    }
    const operator = await api<{ quota: { remaining: { deployments: number | null } } }>(
      "GET",
      "/v1/capacity",
    );
    assert.equal(operator.status, 200);
    assert.equal(operator.body.quota.remaining.deployments, null, "no quota, no limit");
  });

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
    remember(created.body);
    const { id } = created.body;
    const namespace = created.body.plan?.namespace ?? "";
    const identities = (d: Deployment) => d.plan?.cells.map((c) => [c.ruId, c.pci, c.nci]) ?? [];
    const original = await mongo
      .db(database)
      .collection<{ _id: string; revision: number; operationId: string; definition: unknown }>("deployments")
      .findOne({ _id: id });
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
          workers.some((w) => w.output().includes("dropped a stale command"))
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

  it("heals a deployment whose DU Deployment was deleted behind its back", async () => {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("self-healing", 1), {
      prefer: "wait=30",
    });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    remember(created.body);
    const namespace = created.body.plan?.namespace ?? "";
    const originalOperation = (created.body as unknown as { operationId: string }).operationId;
    await kc.makeApiClient(AppsV1Api).deleteNamespacedDeployment({ name: "du", namespace });
    const healed = await eventually(
      async () => {
        const answer = await api<Deployment & { operationId: string }>(
          "GET",
          `/v1/ran-deployments/${created.body.id}`,
        );
        return answer.body.operationId !== originalOperation && answer.body.state === "ready"
          ? answer.body
          : undefined;
      },
      { timeoutMs: 30_000, what: "the deployment to be healed and ready again" },
    );
    const operation = await api<{ kind: string; state: string }>(
      "GET",
      `/v1/operations/${healed.operationId}`,
    );
    assert.deepEqual([operation.body.kind, operation.body.state], ["heal", "succeeded"]);
    const du = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: "du", namespace });
    assert.equal(du.metadata?.labels?.["ranaas.io/deployment-id"], created.body.id);
    assert.equal(healed.reason, undefined, "no reason left once healed");
  });

  it("sends signed CloudEvents of every state change to the callback URL, in order, retrying failures", async () => {
    const issued = issueApiKey();
    const secret = "test-callback-secret";
    await new TenantsRepository(mongo.db(database)).create(
      "callback-operator",
      "operator",
      issued.record,
      {},
      secret,
    );
    const received: { type: string; state: string; signature: string; body: string }[] = [];
    let refusals = 0;
    const receiver = createHttpServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        if (refusals === 0) {
          refusals += 1; // the first delivery fails: RANaaS must retry it before sending anything later
          response.writeHead(503).end();
          return;
        }
        const event = JSON.parse(body) as { type: string; data: { state: string } };
        received.push({
          type: event.type,
          state: event.data.state,
          signature: String(request.headers["ranaas-signature"]),
          body,
        });
        response.writeHead(204).end();
      });
    });
    receiver.listen(0, "127.0.0.1");
    await once(receiver, "listening");
    const port = (receiver.address() as { port: number }).port;
    try {
      const asTenant = { authorization: `Bearer ${issued.key}` };
      const request = cellsRequest("with-callback", 1, {
        callbackUrl: `http://127.0.0.1:${port}/ran-events`,
      });
      const created = await api("POST", "/v1/ran-deployments", request, { ...asTenant, prefer: "wait=30" });
      assert.equal(created.body.state, "ready", JSON.stringify(created.body));
      remember(created.body);
      await api("DELETE", `/v1/ran-deployments/${created.body.id}`, undefined, {
        ...asTenant,
        prefer: "wait=60",
      });
      const expected = ["requested", "planned", "provisioning", "ready", "deleting", "deleted"];
      await eventually(() => Promise.resolve(received.length >= expected.length ? true : undefined), {
        timeoutMs: 30_000,
        what: `${expected.length} callbacks (got ${received.map((r) => r.state).join(", ")})`,
      });
      assert.deepEqual(
        received.map((r) => r.state),
        expected,
      );
      assert.equal(refusals, 1);
      for (const event of received) {
        assert.equal(event.type, "dev.ranaas.ran-deployment.state-changed");
        const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(event.signature);
        assert.ok(match, event.signature);
        const expectedSignature = createHmac("sha256", secret)
          .update(`${match[1]}.${event.body}`)
          .digest("hex");
        assert.equal(match[2], expectedSignature, "signed with the tenant's secret");
      }
    } finally {
      receiver.close();
    }
  });

  it("manages the RU pool: lists holders, adds RUs, refuses to remove one in use", async () => {
    assert.equal((await api("GET", "/v1/rus")).status, 403, "operators may not see the pool");
    const pool = await api<{ items: { id: string; allocatedTo: string | null }[] }>(
      "GET",
      "/v1/rus",
      undefined,
      asAdmin,
    );
    assert.equal(pool.status, 200);
    const held = pool.body.items.find((ru) => ru.allocatedTo !== null);
    assert.ok(held, "some RU is held by the deployments above");
    assert.equal((await api("DELETE", `/v1/rus/${held.id}`, undefined, asAdmin)).status, 409);
    const extra = {
      id: "ru-extra-1",
      site: "site-3",
      node: "edge-site-3-1",
      bands: [78],
      maxBandwidthMHz: 100,
    };
    const added = await api("POST", "/v1/rus", extra, asAdmin);
    assert.equal(added.status, 201);
    const invalid = { id: "Bad Id", site: "s", node: "n", bands: [], maxBandwidthMHz: 1 };
    const bad = await api<{ problems: { path: string }[] }>("POST", "/v1/rus", invalid, asAdmin);
    assert.equal(bad.status, 422);
    assert.equal((await api("DELETE", "/v1/rus/ru-extra-1", undefined, asAdmin)).status, 204);
    assert.equal((await api("DELETE", "/v1/rus/ru-extra-1", undefined, asAdmin)).status, 404);
  });

  it("answers invalid requests with 400/422 naming the field, never 5xx", async () => {
    const cases: [string, unknown, number][] = [
      ["malformed JSON", '{"name": ', 400],
      ["not an object", "[1,2,3]", 422],
      ["wrong types", { ...cellsRequest("x", 1), tac: "seven" }, 422],
      ["radio it cannot do", { ...cellsRequest("x", 1), cells: [{ band: 3, bandwidthMHz: 100 }] }, 422],
      ["unknown field", { ...cellsRequest("x", 1), colour: "red" }, 422],
    ];
    for (const [what, body, status] of cases) {
      const answer = await api<{ code: string; problems?: { path: string }[] }>(
        "POST",
        "/v1/ran-deployments",
        body,
      );
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.headers.get("content-type"), "application/problem+json; charset=utf-8");
    }
    const named = await api<{ problems: { path: string; message: string }[] }>(
      "POST",
      "/v1/ran-deployments",
      { ...cellsRequest("x", 1), tac: "seven" },
    );
    assert.deepEqual(named.body.problems, [{ path: "/tac", message: "must be a whole number" }]);
    assert.equal((await api("GET", "/v1/ran-deployments?limit=0")).status, 422);
    assert.equal((await api("GET", "/v1/nothing-here")).status, 404);
  });

  it("finishes a provision whose worker was killed mid-way, without duplicate objects", async () => {
    // Hold the site's pods Pending with a taint, so the provision is provably in flight when the worker dies.
    const site = "site-3";
    const edgeNodes = (
      await core.listNode({ labelSelector: `topology.kubernetes.io/zone=${site}` })
    ).items.map((n) => n.metadata?.name ?? "");
    const taint = { key: "ranaas.test/hold", value: "true", effect: "NoSchedule" };
    const setTaints = (on: boolean) =>
      Promise.all(
        edgeNodes.map((name) =>
          core.patchNode(
            { name, body: [{ op: "add", path: "/spec/taints", value: on ? [taint] : [] }] },
            setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
          ),
        ),
      );
    const [first, second] = workers as [ServiceProcess, ServiceProcess];
    await fleet.stop(second);
    await setTaints(true);
    try {
      const accepted = await api("POST", "/v1/ran-deployments", cellsRequest("killed-worker", 2, { site }));
      assert.equal(accepted.status, 202);
      remember(accepted.body);
      const id = accepted.body.id;
      await eventually(
        async () =>
          (await api("GET", `/v1/ran-deployments/${id}`)).body.state === "provisioning" ? true : undefined,
        { timeoutMs: 15_000, intervalMs: 50, what: "the worker to start provisioning" },
      );
      await fleet.stop(first, "SIGKILL");
      assert.equal((await api("GET", `/v1/ran-deployments/${id}`)).body.state, "provisioning");
      await setTaints(false);
      const replacement = await fleet.start("worker");
      workers = [replacement];
      const ready = await eventually(
        async () => {
          const answer = await api("GET", `/v1/ran-deployments/${id}`);
          return answer.body.state === "ready" ? answer.body : undefined;
        },
        { timeoutMs: 60_000, what: "the replacement worker to finish the provision" },
      );
      assert.ok(
        replacement.output().includes(`"deploymentId":"${id}"`),
        "the replacement worker did the work",
      );
      const pods = await core.listNamespacedPod({ namespace: ready.plan?.namespace ?? "" });
      assert.equal(pods.items.length, 4, "one CU, one DU, two RU emulators — nothing twice");
    } finally {
      await setTaints(false);
    }
  });

  it("accepts requests while no worker runs and provisions them when one starts", async () => {
    await Promise.all(workers.map((w) => fleet.stop(w)));
    const accepted = await api(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("no-workers", 1, { site: "site-2" }),
      { prefer: "wait=2" },
    );
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.state, "planned");
    remember(accepted.body);
    const operation = await api<{ kind: string; state: string }>(
      "GET",
      `/v1/operations/${(accepted.body as unknown as { operationId: string }).operationId}`,
    );
    assert.deepEqual([operation.body.kind, operation.body.state], ["create", "running"]);
    workers = [await fleet.start("worker")];
    await eventually(
      async () =>
        (await api("GET", `/v1/ran-deployments/${accepted.body.id}`)).body.state === "ready"
          ? true
          : undefined,
      { timeoutMs: 30_000, what: "the queued provision to complete" },
    );
  });

  it("accepts requests while the orchestrator is down and completes or refuses them when it returns", async () => {
    await fleet.stop(orchestrator);
    const accepted = await api(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("while-down", 1, { site: "site-3" }),
    );
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.state, "requested");
    const doomed = await api("POST", "/v1/ran-deployments", cellsRequest("doomed", 9));
    assert.equal(doomed.status, 202);
    orchestrator = await fleet.start("orchestrator");
    const ready = await eventually(
      async () => {
        const answer = await api("GET", `/v1/ran-deployments/${accepted.body.id}`);
        return answer.body.state === "ready" ? answer.body : undefined;
      },
      { timeoutMs: 30_000, what: "the deployment accepted while the orchestrator was down to be ready" },
    );
    remember(ready);
    const failed = await eventually(
      async () => {
        const answer = await api("GET", `/v1/ran-deployments/${doomed.body.id}`);
        return answer.body.state === "failed" ? answer.body : undefined;
      },
      { timeoutMs: 30_000, what: "the impossible deployment to fail" },
    );
    assert.equal(failed.reasonCode, "insufficient-rus");
    assert.match(failed.reason ?? "", /needs 9 RUs at one site/);
  });
});
