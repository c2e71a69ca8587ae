// A worker that meets a failure waiting can fix (here: its Kubernetes API server does not answer) parks
// the command in the delay queue and takes the next one at once, instead of sleeping with the first in
// its only slot; the parked commands come back and complete once a worker can reach the cluster.
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { WORK_DELAY_QUEUE } from "../src/bus/topology.ts";
import { cellsRequest } from "./support/api-client.ts";
import { queueDepth } from "./support/bus.ts";
import { eventually } from "./support/eventually.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";
import { logEntries } from "./support/services.ts";

/** A kubeconfig whose API server nothing answers: every call fails as when the server is away. */
async function unreachableKubeconfig(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ranaas-kube-"));
  const file = join(dir, "kubeconfig");
  await writeFile(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: gone, cluster: {server: 'https://127.0.0.1:9'}}]",
      "users: [{name: nobody, user: {token: none}}]",
      "contexts: [{name: gone, context: {cluster: gone, user: nobody}}]",
      "current-context: gone",
    ].join("\n"),
  );
  return file;
}

describe("a worker's transient failures", { timeout: 180_000 }, () => {
  // No workers to begin with: the commands wait in the work queue until the test starts one.
  const ranaas = ranaasForSuite({ "op-retry": "operator" }, "ranaas_retry", {}, 0);
  const api = apiAs(ranaas, "op-retry");

  it("park each command in the delay queue, freeing the worker's one slot for the next at once", async () => {
    const created = await Promise.all(
      ["retry-a", "retry-b"].map((name) => api("POST", "/v1/ran-deployments", cellsRequest(name, 1))),
    );
    for (const c of created) assert.equal(c.status, 202, JSON.stringify(c.body));
    const ids = created.map((c) => c.body.id);
    const fleet = ranaas().fleet;
    const blind = await fleet.start(
      "worker",
      { RANAAS_WORKER_CONCURRENCY: "1", KUBECONFIG: await unreachableKubeconfig() },
      "alive",
    );
    // The worker's log, in order: which deployment each failed attempt was for.
    const failures = () =>
      logEntries<{ deploymentId?: string; attempt?: number }>(blind, "command failed; will retry").map(
        (entry) => `${entry.deploymentId}#${entry.attempt}`,
      );
    try {
      // Each failed command waits out its backoff in the delay queue, not in the worker.
      await eventually(async () => ((await queueDepth(WORK_DELAY_QUEUE)) > 0 ? true : undefined), {
        timeoutMs: 15_000,
        intervalMs: 20,
        what: "a failed command to wait in the delay queue",
        lastSeen: () => failures().join(", "),
      });
      // …and the worker, its one slot free, has meanwhile tried the other command too.
      await eventually(
        async () => Promise.resolve(ids.every((id) => failures().includes(`${id}#1`)) ? true : undefined),
        {
          timeoutMs: 15_000,
          intervalMs: 20,
          what: "both commands to be tried",
          lastSeen: () => failures().join(", "),
        },
      );
    } finally {
      await fleet.stop(blind);
    }
    await fleet.start("worker");
    await eventually(
      async () => {
        const states = await Promise.all(
          ids.map(async (id) => (await api("GET", `/v1/ran-deployments/${id}`)).body.state),
        );
        return states.every((s) => s === "ready") ? states : undefined;
      },
      { timeoutMs: 60_000, what: "both parked commands to come back and complete" },
    );
    for (const id of ids) assert.equal((await api("DELETE", `/v1/ran-deployments/${id}`)).status, 202);
  });
});
