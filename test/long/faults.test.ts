// Faults on the local stack, each bounded in time and cleaning up after itself: a provision that can never
// become ready, workers SIGKILLed at random during 100 provisions, and RabbitMQ, the database and the
// Kubernetes API server killed and restarted under load.
import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { call, cellsRequest, type ApiAnswer } from "../support/api-client.ts";
import { eventually } from "../support/eventually.ts";
import { adminKubeConfig, holdScheduling } from "../support/kube.ts";
import { addLoadNodes, loadRuPool } from "../support/load-nodes.ts";
import { cleanUpAll, startRanaas, type Ranaas } from "../support/ranaas.ts";
import { metricSample } from "../support/services.ts";
import { brokerSnapshot, killComponent, restartStack } from "../support/stack-control.ts";

interface Deployment {
  id: string;
  name: string;
  state: string;
  reason?: string;
  plan: null | { namespace: string; site: string; cells: { ruId: string }[] };
  status?: { phase?: string; stale?: boolean };
}

describe("faults", { timeout: 900_000 }, () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  // Workers give up on a provision after 30 s here (2 min by default), so the never-ready cases end
  // quickly — yet long enough for 12 provisions at once on a 2-core machine right after the broker or
  // the API server restarted (one of 50 missed a 15 s deadline in CI), so only the never-ready fail.
  const DEADLINE_S = 30;
  const load = { sites: 5, nodesPerSite: 2, rus: 110, prefix: "fault", octet: 31 };
  let ranaas: Ranaas;
  let removeNodes = async () => {};
  const api = <T = Deployment>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    call<T>(ranaas.fleet.apiUrl, method, path, body, {
      authorization: `Bearer ${ranaas.keys.provider}`,
      ...headers,
    });
  const getAll = async (ids: string[]) =>
    (await Promise.all(ids.map((id) => api("GET", `/v1/ran-deployments/${id}`)))).map((a) => a.body);
  // Each test leaves the pool as it found it: deleted, torn down and every reservation given back.
  const deleteAll = async (ids: string[]) => {
    await Promise.all(
      ids.map((id) => api("DELETE", `/v1/ran-deployments/${id}`, undefined, { prefer: "wait=60" })),
    );
    await eventually(
      async () =>
        (await ranaas.db.collection("allocations").countDocuments({ deploymentId: { $in: ids } })) === 0
          ? true
          : undefined,
      {
        timeoutMs: 120_000,
        intervalMs: 500,
        what: `the reservations of ${ids.length} deleted deployments to be released`,
      },
    );
  };

  // When a test fails before deleting what it made, this gives the pool back so the next test starts
  // from a clean pool (one failure must not show up as the next test's 409s); it never hides the failure.
  const deleteNamed = async (t: TestContext, name: RegExp) => {
    try {
      const left = await ranaas.db.collection("deployments").find({ name }).project({ _id: 1 }).toArray();
      if (left.length > 0) await deleteAll(left.map((d) => String(d._id)));
    } catch (err) {
      t.diagnostic(`cleanup of ${String(name)} failed: ${String(err)}`);
    }
  };
  /** Answers other than the expected status, counted by status and problem code. */
  const unexpected = (answers: ApiAnswer<Deployment & { code?: string }>[], ...expected: number[]) => {
    const counts = new Map<string, number>();
    for (const a of answers.filter((x) => !expected.includes(x.status))) {
      const key = `${a.status} ${a.body.code ?? ""}`.trim();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const first = answers.find((x) => !expected.includes(x.status));
    return counts.size === 0
      ? []
      : [...counts].map(([k, n]) => `${n}× ${k}`).concat(JSON.stringify(first?.body));
  };

  before(async () => {
    removeNodes = await addLoadNodes(kc, load);
    ranaas = await startRanaas(
      { provider: "admin" },
      "ranaas_fault",
      { RANAAS_PROVISION_TIMEOUT_MS: String(DEADLINE_S * 1000) },
      3,
    );
    await loadRuPool(ranaas.db, load);
  });

  after(async () => {
    // The load nodes go whatever the rest of the cleanup does (a namespace past its deadline included):
    // left behind, they would be sites in the next suite's cluster (test/cleanup.test.ts).
    await cleanUpAll(() => ranaas.stop(), removeNodes);
  });

  it("fails a provision that can never become ready within its deadline, with the reason, and releases its reservations", async (t) => {
    t.after(() => deleteNamed(t, /^never-ready$/));
    const site = `${load.prefix}-1`;
    const nodes = [`${site}-1`, `${site}-2`];
    const taint = (on: boolean) => holdScheduling(kc, nodes, on);
    await taint(true); // the pods can never be scheduled
    try {
      const started = Date.now();
      const created = await api("POST", "/v1/ran-deployments", cellsRequest("never-ready", 1, { site }));
      assert.equal(created.status, 202);
      const failed = await eventually(
        async () => {
          const d = (await api("GET", `/v1/ran-deployments/${created.body.id}`)).body;
          return d.state === "failed" ? d : undefined;
        },
        { timeoutMs: 90_000, what: "the provision to fail" },
      );
      const seconds = (Date.now() - started) / 1000;
      assert.ok(
        seconds < DEADLINE_S + 25,
        `failed after ${seconds.toFixed(1)} s with a deadline of ${DEADLINE_S} s`,
      );
      assert.match(failed.reason ?? "", /ready|schedul|timed out|deadline/i);
      await eventually(
        async () =>
          (await ranaas.db.collection("allocations").countDocuments({ deploymentId: created.body.id })) === 0
            ? true
            : undefined,
        { timeoutMs: 30_000, what: "its reservations to be released" },
      );
      await deleteAll([created.body.id]);
    } finally {
      await taint(false);
    }
  });

  it("keeps a deployment whose update cannot become ready degraded, with its resources, and finishes the update when it can", async (t) => {
    t.after(() => deleteNamed(t, /^update-held$/));
    const site = `${load.prefix}-2`;
    const nodes = [`${site}-1`, `${site}-2`];
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("update-held", 1, { site }), {
      prefer: "wait=60",
    });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    const { id } = created.body;
    const namespace = created.body.plan?.namespace ?? "";
    const podNames = async () =>
      (await core.listNamespacedPod({ namespace })).items.map((p) => p.metadata?.name ?? "").sort();
    const podsBefore = await podNames();
    const held = () => ranaas.db.collection("allocations").countDocuments({ deploymentId: id });
    await holdScheduling(kc, nodes, true); // the update's new pods can never be scheduled
    try {
      const started = Date.now();
      const updated = await api<Deployment & { reasonCode?: string; retryAt?: string; operationId: string }>(
        "PATCH",
        `/v1/ran-deployments/${id}`,
        { cells: cellsRequest("x", 2).cells },
        { "content-type": "application/merge-patch+json", prefer: "wait=60" },
      );
      assert.equal(updated.status, 202);
      assert.deepEqual([updated.body.state, updated.body.reasonCode], ["degraded", "update-failed"]);
      const seconds = (Date.now() - started) / 1000;
      assert.ok(
        seconds < DEADLINE_S + 25,
        `degraded after ${seconds.toFixed(1)} s with a deadline of ${DEADLINE_S} s`,
      );
      assert.match(updated.body.reason ?? "", /^the update failed: .*(ready|schedul|timed out|deadline)/i);
      assert.ok(updated.body.retryAt !== undefined, "it says when RANaaS tries again");
      const operation = await api<{ kind: string; state: string }>(
        "GET",
        `/v1/operations/${updated.body.operationId}`,
      );
      assert.deepEqual([operation.body.kind, operation.body.state], ["update", "failed"]);
      // Nothing was torn down: what ran before still runs, and the resources stay held for the update.
      const podsNow = await podNames();
      for (const name of podsBefore.filter((n) => !n.startsWith("du-")))
        assert.ok(podsNow.includes(name), `${name} still runs`);
      assert.equal(updated.body.plan?.cells.length, 2);
      assert.ok((await held()) > 0, "its reservations are kept");
    } finally {
      await holdScheduling(kc, nodes, false);
    }
    const ready = await eventually(
      async () => {
        const d = (await api<Deployment & { retryAt?: string }>("GET", `/v1/ran-deployments/${id}`)).body;
        return d.state === "ready" ? d : undefined;
      },
      { timeoutMs: 60_000, what: "RANaaS to finish the update once the pods can be scheduled" },
    );
    assert.equal(ready.plan?.cells.length, 2);
    assert.deepEqual([ready.reason, ready.retryAt], [undefined, undefined]);
    await deleteAll([id]);
  });

  it("answers 503 while the database is down, recovers by itself and loses no record", async (t) => {
    t.after(() => deleteNamed(t, /^(db-|after-db|while-down)/));
    const created = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        api("POST", "/v1/ran-deployments", cellsRequest(`db-${i}`, 1), { prefer: "wait=60" }),
      ),
    );
    const ids = created.map((a) => a.body.id);
    // What was ready before the outage must be ready after it. Under load a create may still be
    // provisioning when its wait ends (202): the outage starts only once all five are ready.
    await eventually(async () => ((await getAll(ids)).every((d) => d.state === "ready") ? true : undefined), {
      timeoutMs: 120_000,
      what: "the five deployments to be ready before the database goes down",
    });
    const before = await ranaas.db.collection("deployments").countDocuments({});
    let during: ApiAnswer<Deployment & { code?: string }>[] | undefined;
    try {
      await killComponent("ferretdb");
      during = await eventually(
        async () => {
          const answers = await Promise.all([
            api<Deployment & { code?: string }>("GET", `/v1/ran-deployments/${ids[0]}`),
            api<Deployment & { code?: string }>("POST", "/v1/ran-deployments", cellsRequest("while-down", 1)),
          ]);
          return answers.every((a) => a.status === 503) ? answers : undefined;
        },
        { timeoutMs: 30_000, what: "the API to answer 503" },
      );
    } finally {
      await restartStack();
    }
    for (const a of during ?? []) assert.equal(a.body.code, "unavailable");
    await eventually(
      async () => ((await api("GET", `/v1/ran-deployments/${ids[0]}`)).status === 200 ? true : undefined),
      {
        timeoutMs: 60_000,
        what: "the API to recover by itself",
      },
    );
    assert.equal(
      await ranaas.db.collection("deployments").countDocuments({}),
      before,
      "no record lost, none half-written",
    );
    const all = await getAll(ids);
    assert.deepEqual(
      all.map((d) => d.state),
      ids.map(() => "ready"),
    );
    const again = await api("POST", "/v1/ran-deployments", cellsRequest("after-db", 1), {
      prefer: "wait=60",
    });
    if (again.status !== 201) {
      // Seen once in CI (the pipeline stalled for minutes after the database came back, then went on):
      // what the broker, the API's controller and the operation held then.
      const api0 = ranaas.fleet.processes.find((p) => p.service === "api");
      const operation = await ranaas.db
        .collection("operations")
        .findOne({ _id: String((again.body as { operationId?: string }).operationId) } as never);
      t.diagnostic(
        [
          await brokerSnapshot(),
          `controller queue depth: ${api0 === undefined ? "?" : await metricSample(api0.url, "ranaas_controller_queue_depth", "")}`,
          `operation: ${JSON.stringify(operation)}`,
        ].join("\n"),
      );
    }
    assert.equal(again.status, 201, JSON.stringify(again.body));
    await deleteAll([...ids, again.body.id]);
  });

  it("recovers live status and plans from its watches after the Kubernetes API server restarts", async (t) => {
    t.after(() => deleteNamed(t, /^apiserver(-cache)?$/));
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("apiserver", 1), {
      prefer: "wait=60",
    });
    assert.equal(created.status, 201);
    const status = ranaas.fleet.processes.find((p) => p.service === "status");
    assert.ok(status);
    try {
      await killComponent("kube-apiserver");
      await eventually(
        async () => ((await fetch(`${status.url}/readyz`)).status === 503 ? true : undefined),
        {
          timeoutMs: 60_000,
          what: "the status service to report itself not ready",
        },
      );
    } finally {
      await restartStack();
    }
    await eventually(async () => ((await fetch(`${status.url}/readyz`)).status === 200 ? true : undefined), {
      timeoutMs: 90_000,
      what: "the informers to recover",
    });
    // The orchestrator plans from its watches again: once they are current, a create is placed from the
    // cache with no list at all (a cache that lost the nodes would be refused for room and asked again
    // from a list, which this counts).
    const orchestrator = ranaas.fleet.processes.find((p) => p.service === "orchestrator");
    assert.ok(orchestrator);
    const reads = (source: string) =>
      metricSample(orchestrator.url, "ranaas_cluster_reads_total", `source="${source}"`);
    await eventually(
      async () => {
        const stale = await Promise.all(
          ["nodes", "pods"].map((informer) =>
            metricSample(orchestrator.url, "ranaas_informer_staleness_seconds", `informer="${informer}"`),
          ),
        );
        return stale.every((seconds) => seconds === 0) ? true : undefined;
      },
      { timeoutMs: 90_000, what: "the orchestrator's node and pod watches to be current again" },
    );
    const [listsBefore, watchBefore] = [await reads("list"), await reads("watch")];
    const planned = await api("POST", "/v1/ran-deployments", cellsRequest("apiserver-cache", 1), {
      prefer: "wait=60",
    });
    assert.equal(planned.status, 201, JSON.stringify(planned.body));
    assert.equal(await reads("list"), listsBefore, "planned without listing the nodes");
    assert.ok((await reads("watch")) > watchBefore, "planned from the watches' cache");
    await deleteAll([planned.body.id]);
    // A change made after the restart shows, so the informers watch again (not just a stale cache).
    const namespace = created.body.plan?.namespace ?? "";
    await apps.deleteNamespacedDeployment({ name: "ru-emulator-0", namespace });
    await eventually(
      async () => {
        const d = (await api("GET", `/v1/ran-deployments/${created.body.id}`)).body;
        return d.status?.stale === false && d.state !== "ready" ? d : undefined;
      },
      { timeoutMs: 60_000, what: "the deleted component to show in the live status" },
    );
    await eventually(
      async () => {
        const d = (await api("GET", `/v1/ran-deployments/${created.body.id}`)).body;
        return d.state === "ready" && d.status?.phase === "running" ? d : undefined;
      },
      { timeoutMs: 60_000, what: "self-healing to restore it and the status to say running" },
    );
    await deleteAll([created.body.id]);
  });
  it("loses no accepted request when RabbitMQ is killed and restarted while 50 are in flight", async (t) => {
    t.after(() => deleteNamed(t, /^amqp-/));
    const inFlight = Array.from({ length: 50 }, (_, i) =>
      api("POST", "/v1/ran-deployments", cellsRequest(`amqp-${i}`, 1)),
    );
    // Kill the broker once the first answers are back: the rest are being planned, queued or provisioned.
    let answered = 0;
    for (const request of inFlight) void request.then(() => (answered += 1));
    try {
      await eventually(() => Promise.resolve(answered >= 5 ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 20,
        what: "the first answers",
      });
      await killComponent("rabbitmq");
      const answers = await Promise.all(inFlight);
      // Accepted (the request is recorded and will be provisioned) or refused as unavailable; nothing else.
      assert.deepEqual(unexpected(answers, 202, 503), []);
      const accepted = answers.filter((a) => a.status === 202).map((a) => a.body.id);
      assert.ok(accepted.length >= 5, `${accepted.length} accepted`);
      // Every record the API holds was answered 202; a 503 left nothing behind.
      const names = (
        await ranaas.db
          .collection("deployments")
          .find({ name: /^amqp-/ })
          .toArray()
      ).map((d) => d._id);
      assert.deepEqual(
        names.sort(),
        [...accepted].sort(),
        "a record exists exactly for each accepted request",
      );
      const killedAt = Date.now();
      await restartStack();
      t.diagnostic(
        `${accepted.length} of 50 accepted; broker back after ${(Date.now() - killedAt) / 1000} s`,
      );
      let unsettled: Deployment[] = [];
      const settled = await eventually(
        async () => {
          const all = await getAll(accepted);
          unsettled = all.filter((d) => d.state !== "ready" && d.state !== "failed");
          return unsettled.length === 0 ? all : undefined;
        },
        {
          timeoutMs: 240_000,
          intervalMs: 2000,
          what: "every accepted request to settle after the broker is back",
          lastSeen: () => unsettled.map((d) => `${d.name} ${d.state} ${d.reason ?? ""}`).join(", "),
        },
      );
      t.diagnostic(`all settled ${(Date.now() - killedAt) / 1000} s after the kill`);
      assert.deepEqual(
        settled.filter((d) => d.state !== "ready").map((d) => `${d.name}: ${d.reason ?? ""}`),
        [],
      );
      const rus = settled.flatMap((d) => d.plan?.cells.map((c) => c.ruId) ?? []);
      assert.equal(new Set(rus).size, accepted.length, "no RU held twice");
      await deleteAll(accepted);
    } finally {
      await restartStack();
    }
  });

  it("provisions all of 100 deployments while workers are SIGKILLed at random moments, without duplicates", async () => {
    const workers = () => ranaas.fleet.running("worker");
    let kills = 0;
    let stop = false;
    const chaos = (async () => {
      while (!stop) {
        await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2500));
        if (stop) break;
        const alive = workers();
        const victim = alive[Math.floor(Math.random() * alive.length)];
        if (victim === undefined) continue;
        await ranaas.fleet.stop(victim, "SIGKILL");
        kills += 1;
        await ranaas.fleet.start("worker");
      }
    })();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api("POST", "/v1/ran-deployments", cellsRequest(`chaos-${i}`, 1)),
      ),
    );
    assert.deepEqual(unexpected(answers, 202), []);
    const ids = answers.map((a) => a.body.id);
    try {
      let last: Deployment[] = [];
      const settled = await eventually(
        async () => {
          last = await getAll(ids);
          return last.every((d) => d.state === "ready" || d.state === "failed") ? last : undefined;
        },
        { timeoutMs: 480_000, intervalMs: 2000, what: "100 deployments to settle under chaos" },
      ).catch((err: unknown) => {
        // Say which ones did not, and where they stopped: the logs (RANAAS_TEST_LOGS) tell the rest.
        const stuck = last
          .filter((d) => d.state !== "ready" && d.state !== "failed")
          .map((d) => `${d.id} ${d.name}: ${d.state}`);
        throw new Error(`${String(err)}; not settled: ${stuck.join(", ")}`, { cause: err });
      });
      stop = true;
      await chaos;
      assert.ok(kills >= 3, `workers were killed ${kills} times`);
      assert.deepEqual(
        settled.filter((d) => d.state !== "ready").map((d) => `${d.name}: ${d.reason ?? ""}`),
        [],
      );
      const rus = settled.flatMap((d) => d.plan?.cells.map((c) => c.ruId) ?? []);
      const twice = rus.filter((ru, i) => rus.indexOf(ru) !== i);
      const holders = settled.filter((d) => d.plan?.cells.some((c) => twice.includes(c.ruId)));
      assert.equal(
        new Set(rus).size,
        100,
        `RUs held twice: ${twice.join(", ")} by ${JSON.stringify(holders)}`,
      );
      for (const d of settled) {
        const namespace = d.plan?.namespace ?? "";
        const names = (await apps.listNamespacedDeployment({ namespace })).items
          .map((x) => x.metadata?.name)
          .sort();
        assert.deepEqual(names, ["cu", "du", "ru-emulator-0"], `${namespace} has each object once`);
        const pods = (await core.listNamespacedPod({ namespace })).items.filter(
          (p) => p.metadata?.deletionTimestamp === undefined,
        );
        assert.equal(pods.length, 3, `${namespace} runs one pod per component`);
      }
    } finally {
      stop = true;
      await chaos;
      // 100 teardowns through the queue would take minutes; after() deletes the namespaces directly.
    }
  });
});
