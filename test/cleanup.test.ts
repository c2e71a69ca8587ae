// A suite's cleanup runs to its end whatever fails on the way: the fault suite's cleanup deletes many
// namespaces with a deadline, and when the deadline passes the load nodes it added must still go, or
// they are sites in the next suite's cluster. Proved here on the real API server with a namespace that
// cannot go (a finalizer holds it) and real load nodes, through the cleanup the fault suite uses. And a
// run stopped by a signal (a benchmark ended with Ctrl-C or by CI) takes its load nodes and its
// services with it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, deleteNamespaceAndWait } from "./support/kube.ts";
import { addLoadNodes } from "./support/load-nodes.ts";
import { cleanUpAll } from "./support/ranaas.ts";
import { uniqueName } from "./support/stack.ts";

const HOLD = "ranaas.test/hold";

describe("suite cleanup", () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);

  it("removes the load nodes even when a namespace outlives its deadline, and still reports that", async () => {
    const prefix = "cleanup";
    const namespace = uniqueName("held");
    await core.createNamespace({ body: { metadata: { name: namespace, finalizers: [HOLD] } } });
    const removeNodes = await addLoadNodes(kc, { sites: 2, nodesPerSite: 2, rus: 0, prefix, octet: 38 });
    const nodesLeft = async () =>
      (await core.listNode({ labelSelector: `ranaas.io/test=${prefix}` })).items.map((n) => n.metadata?.name);
    try {
      assert.equal((await nodesLeft()).length, 5);
      await assert.rejects(
        cleanUpAll(() => deleteNamespaceAndWait(kc, namespace, 1000), removeNodes),
        (err: Error) => {
          assert.match(err.message, new RegExp(namespace));
          return true;
        },
      );
      assert.deepEqual(await nodesLeft(), []);
    } finally {
      await removeNodes();
      // Let the namespace go.
      await core
        .patchNamespace(
          { name: namespace, body: [{ op: "remove", path: "/metadata/finalizers" }] },
          setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
        )
        .catch(() => undefined);
      await eventually(
        async () =>
          (await core.listNamespace()).items.some((n) => n.metadata?.name === namespace) ? undefined : true,
        { timeoutMs: 60_000, what: `namespace ${namespace} to go` },
      );
    }
  });

  it("removes its load nodes and ends its services when the run is interrupted", async () => {
    const prefix = "interrupted";
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/interrupted-run.ts", prefix], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(child, "exit");
    const nodesLeft = async () =>
      (await core.listNode({ labelSelector: `ranaas.io/test=${prefix}` })).items.length;
    try {
      let servicePid: number | undefined;
      for await (const line of createInterface({ input: child.stdout })) {
        const said = JSON.parse(line) as { ready?: boolean; servicePid?: number };
        if (said.ready === true) {
          servicePid = said.servicePid;
          break;
        }
      }
      assert.ok(servicePid !== undefined, "the run started");
      assert.equal(await nodesLeft(), 3);
      child.kill("SIGTERM");
      const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.equal(signal, "SIGTERM", "the signal still ends the run");
      assert.equal(await nodesLeft(), 0, "its load nodes are gone");
      const running = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      await eventually(() => Promise.resolve(running(servicePid) ? undefined : true), {
        timeoutMs: 15_000,
        what: "the run's status service to end",
      });
    } finally {
      child.kill("SIGKILL");
      const { removeNodes } = {
        removeNodes: () => core.deleteCollectionNode({ labelSelector: `ranaas.io/test=${prefix}` }),
      };
      await removeNodes().catch(() => undefined);
    }
  });
});
