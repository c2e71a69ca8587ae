// The pipeline when its parts go away: a worker killed mid-provision, no worker at all, no orchestrator,
// a broker that refuses the command and the API that accepted it dying — accepted requests are carried
// out once they are back.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { cellsRequest, type ApiAnswer, type DeploymentAnswer } from "./support/api-client.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, holdScheduling } from "./support/kube.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";
import type { ServiceProcess } from "./support/services.ts";
import { refuseMessagesTo } from "./support/stack-control.ts";
import { publishReport } from "./support/bus.ts";
import { envelope } from "../src/bus/envelopes.ts";
import { WORK_QUEUE } from "../src/bus/topology.ts";
import type { Report } from "../src/domain/messages.ts";
import { toRecord, type DeploymentDocument } from "../src/store/deployments-repository.ts";

describe("pipeline resilience", { timeout: 600_000 }, () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const ranaas = ranaasForSuite({ "operator-a": "operator", provider: "admin" }, "ranaas_e2e", {}, 2);
  const api = apiAs(ranaas, "operator-a");
  const workers = () => ranaas().fleet.running("worker");
  const operationOf = async (answer: ApiAnswer<DeploymentAnswer>) =>
    (await api<{ state: string }>("GET", `/v1/operations/${answer.body.operationId}`)).body.state;
  /** Polls a deployment until it is in `state`, and answers it as it is then. */
  const untilState = (
    id: string,
    state: string,
    what: string,
    timing: { timeoutMs?: number; intervalMs?: number } = {},
  ) =>
    eventually(
      async () => {
        const answer = await api("GET", `/v1/ran-deployments/${id}`);
        return answer.body.state === state ? answer.body : undefined;
      },
      { timeoutMs: 30_000, ...timing, what },
    );

  it("finishes a provision whose worker was killed mid-way, without duplicate objects", async () => {
    // Hold the site's pods Pending with a taint, so the provision is provably in flight when the worker dies.
    const site = "site-3";
    const edgeNodes = (
      await core.listNode({ labelSelector: `topology.kubernetes.io/zone=${site}` })
    ).items.map((n) => n.metadata?.name ?? "");
    const setTaints = (on: boolean) => holdScheduling(kc, edgeNodes, on);
    const [first, second] = workers() as [ServiceProcess, ServiceProcess];
    await ranaas().fleet.stop(second);
    await setTaints(true);
    try {
      const accepted = await api("POST", "/v1/ran-deployments", cellsRequest("killed-worker", 2, { site }));
      assert.equal(accepted.status, 202);
      const id = accepted.body.id;
      await untilState(id, "provisioning", "the worker to start provisioning", {
        timeoutMs: 15_000,
        intervalMs: 50,
      });
      await ranaas().fleet.stop(first, "SIGKILL");
      assert.equal((await api("GET", `/v1/ran-deployments/${id}`)).body.state, "provisioning");
      await setTaints(false);
      const replacement = await ranaas().fleet.start("worker");
      const ready = await untilState(id, "ready", "the replacement worker to finish the provision", {
        timeoutMs: 60_000,
      });
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
    await Promise.all(workers().map((w) => ranaas().fleet.stop(w)));
    const accepted = await api(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("no-workers", 1, { site: "site-2" }),
      { prefer: "wait=2" },
    );
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.state, "planned");
    const operation = await api<{ kind: string; state: string }>(
      "GET",
      `/v1/operations/${accepted.body.operationId}`,
    );
    assert.deepEqual([operation.body.kind, operation.body.state], ["create", "running"]);
    await ranaas().fleet.start("worker");
    await untilState(accepted.body.id, "ready", "the queued provision to complete");
  });

  it("sends commands the broker refused once it takes them again: a provision whose API died, teardowns", async () => {
    // No worker consumes, and the work queue refuses every message past the first one it holds: the
    // first create's provision is queued, the second's is refused by the broker after it was planned.
    await Promise.all(workers().map((w) => ranaas().fleet.stop(w)));
    const readmit = await refuseMessagesTo(WORK_QUEUE);
    let queued: ApiAnswer<DeploymentAnswer>, refused: ApiAnswer<DeploymentAnswer>;
    try {
      queued = await api("POST", "/v1/ran-deployments", cellsRequest("queued-first", 1, { site: "site-1" }));
      refused = await api("POST", "/v1/ran-deployments", cellsRequest("refused", 1, { site: "site-2" }));
      assert.deepEqual([queued.status, refused.status], [202, 202], "both requests are accepted");
      assert.equal(refused.body.state, "planned");
      assert.equal(await operationOf(queued), "running");
      assert.equal(await operationOf(refused), "pending", "the refused provision is kept, not yet sent");
      // The API that kept it dies before the broker takes messages again.
      const [accepting] = ranaas().fleet.running("api") as [ServiceProcess];
      await ranaas().fleet.stop(accepting, "SIGKILL");
    } finally {
      await readmit();
    }
    await ranaas().fleet.start("api");
    await ranaas().fleet.start("worker");
    for (const accepted of [queued, refused]) {
      await untilState(accepted.body.id, "ready", `${accepted.body.name} to be ready`);
      assert.equal(await operationOf(accepted), "succeeded");
    }
    // The same for teardowns, this API staying up: both deletes are accepted, the refused teardown
    // is sent once the broker takes messages again.
    await Promise.all(workers().map((w) => ranaas().fleet.stop(w)));
    const readmitTeardowns = await refuseMessagesTo(WORK_QUEUE);
    const deletes: ApiAnswer<DeploymentAnswer>[] = [];
    try {
      for (const accepted of [queued, refused])
        deletes.push(await api("DELETE", `/v1/ran-deployments/${accepted.body.id}`));
      assert.deepEqual(
        deletes.map((d) => [d.status, d.body.state]),
        [
          [202, "deleting"],
          [202, "deleting"],
        ],
      );
      assert.equal(await operationOf(deletes[1] as ApiAnswer<DeploymentAnswer>), "pending");
    } finally {
      await readmitTeardowns();
    }
    await ranaas().fleet.start("worker");
    for (const deleted of deletes) {
      await untilState(deleted.body.id, "deleted", `${deleted.body.name} to be deleted`);
      assert.equal(await operationOf(deleted), "succeeded");
    }
  });

  it("finishes an operation when its report comes again after the database failed between the report's two writes", async () => {
    const db = ranaas().db;
    // The record was moved on but the operation not finished (the database went away in between), so
    // the report is redelivered: it must finish the operation, whose record is already moved.
    const again = async (answer: ApiAnswer<DeploymentAnswer>, outcome: "ready" | "deleted") => {
      const { id, operationId } = answer.body;
      await db
        .collection<{ _id: string }>("operations")
        .updateOne({ _id: operationId }, { $set: { state: "running" } });
      const stored = await db.collection<DeploymentDocument>("deployments").findOne({ _id: id });
      const record = stored === null ? null : toRecord(stored);
      await publishReport(
        envelope<Report>(
          "report",
          { correlationId: "redelivered", deploymentId: id, revision: record?.revision ?? 0 },
          { operationId, outcome, ...(record?.connection ? { connection: record.connection } : {}) },
        ),
      );
      return eventually(async () => ((await operationOf(answer)) === "succeeded" ? true : undefined), {
        timeoutMs: 15_000,
        what: `the repeated ${outcome} report to finish the operation`,
      });
    };
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("reported-twice", 1), {
      prefer: "wait=60",
    });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    await again(created, "ready");
    assert.equal((await api("GET", `/v1/ran-deployments/${created.body.id}`)).body.state, "ready");
    const deleted = await api("DELETE", `/v1/ran-deployments/${created.body.id}`, undefined, {
      prefer: "wait=60",
    });
    assert.equal(deleted.body.state, "deleted", JSON.stringify(deleted.body));
    await again(deleted, "deleted");
  });

  it("accepts requests while the orchestrator is down and completes or refuses them when it returns", async () => {
    const running = await api("POST", "/v1/ran-deployments", cellsRequest("updated-while-down", 1), {
      prefer: "wait=30",
    });
    assert.equal(running.body.state, "ready", JSON.stringify(running.body));
    const orchestrator = ranaas().fleet.processes.find((p) => p.service === "orchestrator");
    assert.ok(orchestrator);
    await ranaas().fleet.stop(orchestrator);
    // An update takes the create's path: accepted and kept, planned when an orchestrator answers.
    const update = await api(
      "PATCH",
      `/v1/ran-deployments/${running.body.id}`,
      { tac: 9 },
      {
        "content-type": "application/merge-patch+json",
      },
    );
    assert.equal(update.status, 202, JSON.stringify(update.body));
    assert.equal(update.body.state, "updating");
    assert.equal((update.body as { pendingSpec?: { tac: number } }).pendingSpec?.tac, 9);
    const accepted = await api(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("while-down", 1, { site: "site-3" }),
    );
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.state, "requested");
    const doomed = await api("POST", "/v1/ran-deployments", cellsRequest("doomed", 9));
    assert.equal(doomed.status, 202);
    await ranaas().fleet.start("orchestrator");
    await untilState(
      accepted.body.id,
      "ready",
      "the deployment accepted while the orchestrator was down to be ready",
    );
    const updated = await untilState(
      running.body.id,
      "ready",
      "the update accepted while the orchestrator was down to be ready",
    );
    assert.equal((updated as unknown as { spec: { tac: number } }).spec.tac, 9);
    assert.equal(await operationOf(update), "succeeded");
    const failed = await untilState(doomed.body.id, "failed", "the impossible deployment to fail");
    assert.equal(failed.reasonCode, "insufficient-rus");
    assert.match(failed.reason ?? "", /needs 9 RUs at one site/);
  });
});
