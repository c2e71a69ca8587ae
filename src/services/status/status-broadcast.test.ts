import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StatusChange } from "../../bus/status-feed.ts";
import type { DeploymentStatus } from "../../domain/live-status.ts";
import { StatusBroadcast } from "./status-broadcast.ts";

const status = (id: string, phase: DeploymentStatus["phase"], restarts = 0): DeploymentStatus => ({
  deploymentId: id,
  phase,
  components:
    phase === "absent"
      ? []
      : [{ name: "cu", ready: phase === "running", replicas: 1, readyReplicas: 1, restarts }],
});

describe("StatusBroadcast", () => {
  it("sends a deployment's status when it differs from what it sent, null once it is gone, and a snapshot as of its last number", () => {
    const now = new Map<string, DeploymentStatus>();
    const sent: StatusChange[] = [];
    const publisher = {
      writer: "w",
      get lastSeq() {
        return sent.length;
      },
      publish: (change: StatusChange) => sent.push(change),
    };
    let stale: string | undefined = undefined;
    const broadcast = new StatusBroadcast(
      { statusOf: (id) => now.get(id) ?? status(id, "absent"), staleness: () => stale },
      publisher,
    );
    now.set("a", status("a", "progressing"));
    broadcast.changed("a");
    broadcast.changed("a");
    broadcast.changed("b"); // nothing of it: nothing to send
    broadcast.flush();
    assert.deepEqual(sent, [{ kind: "status", deploymentId: "a", status: status("a", "progressing") }]);
    broadcast.changed("a"); // a pod event that changes nothing of its status
    broadcast.flush();
    assert.equal(sent.length, 1);
    now.set("a", status("a", "running"));
    now.set("b", status("b", "running"));
    broadcast.changed("a");
    broadcast.changed("b");
    broadcast.flush();
    assert.equal(sent.length, 3);
    now.delete("a");
    broadcast.changed("a");
    broadcast.flush();
    assert.deepEqual(sent.at(-1), { kind: "status", deploymentId: "a", status: null });
    stale = "pods: watch lost";
    assert.deepEqual(broadcast.snapshot(), {
      writer: "w",
      seq: 4,
      statuses: [status("b", "running")],
      stale: "pods: watch lost",
    });
    broadcast.stop();
  });
});
