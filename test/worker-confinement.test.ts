// Issue 16, item 2: a worker carries out only commands that stay inside their own deployment. Forged
// commands put straight on the work queue — a teardown naming a namespace that is not the deployment's,
// one naming a RAN namespace that belongs to another deployment, a provision whose definition points at
// kube-system — are refused for good and reported as failed; the namespaces they named are untouched.
// (The cluster's admission policy holds the same line for the worker's token: test/rbac.test.ts.)
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { Connection } from "rabbitmq-client";
import { envelope } from "../src/bus/envelopes.ts";
import { WORK_QUEUE } from "../src/bus/topology.ts";
import { namespaceOf } from "../src/domain/ids.ts";
import type { ProvisionCommand, TeardownCommand, WorkCommand } from "../src/domain/messages.ts";
import type { ResourceDefinition } from "../src/domain/resource-definition.ts";
import { uuidV7 } from "../src/platform/uuid-v7.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, deleteNamespaceAndWait } from "./support/kube.ts";
import { ranaasForSuite } from "./support/ranaas.ts";
import { logEntries } from "./support/services.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";

const GOLDEN = JSON.parse(
  readFileSync(new URL("golden/n78-one-cell/resource-definition.json", import.meta.url), "utf8"),
) as ResourceDefinition;

describe("a worker confined to its deployment's namespace", { timeout: 180_000 }, () => {
  const ranaas = ranaasForSuite({ "op-confined": "operator" }, "ranaas_confined");
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);

  it("refuses forged commands that reach beyond their deployment, and touches nothing", async () => {
    const victim = uniqueName("victim");
    const otherDeployment = uuidV7();
    const forgedDeployment = uuidV7();
    // A RAN namespace that exists, RANaaS-labelled, but belongs to another deployment than the command's.
    const taken = namespaceOf(forgedDeployment);
    await core.createNamespace({ body: { metadata: { name: victim } } });
    await core.createNamespace({
      body: {
        metadata: {
          name: taken,
          labels: { "app.kubernetes.io/managed-by": "ranaas", "ranaas.io/deployment-id": otherDeployment },
        },
      },
    });
    const rabbit = new Connection({ url: stackConfig().amqpUrl });
    const publisher = rabbit.createPublisher({ confirm: true });
    try {
      const context = (deploymentId: string) => ({
        correlationId: uniqueName("forged"),
        deploymentId,
        revision: 1,
      });
      const provisionId = uuidV7();
      const forged: [what: string, command: WorkCommand, reason: RegExp][] = [
        [
          "a teardown of a namespace that is not the deployment's",
          envelope<TeardownCommand>("teardown", context(uuidV7()), {
            operationId: uuidV7(),
            namespace: victim,
          }),
          new RegExp(`names namespace ${victim}, not the deployment's`),
        ],
        [
          "a teardown of a RAN namespace that is another deployment's",
          envelope<TeardownCommand>("teardown", context(forgedDeployment), {
            operationId: uuidV7(),
            namespace: taken,
          }),
          new RegExp(`namespace ${taken} is not deployment ${forgedDeployment}'s`),
        ],
        [
          "a provision into kube-system",
          envelope<ProvisionCommand>("provision", context(provisionId), {
            operationId: uuidV7(),
            definition: { ...GOLDEN, deploymentId: provisionId, namespace: "kube-system" },
          }),
          /names namespace kube-system/,
        ],
      ];
      for (const [, command] of forged)
        await publisher.send({ routingKey: WORK_QUEUE, durable: true }, command);
      const worker = ranaas().fleet.processes.find((p) => p.service === "worker");
      assert.ok(worker);
      const refusals = () =>
        logEntries<{ deploymentId?: string; err?: { message?: string } }>(worker, "command failed for good");
      for (const [what, command, reason] of forged) {
        const refusal = await eventually(
          () => Promise.resolve(refusals().find((r) => r.deploymentId === command.deploymentId)),
          { timeoutMs: 30_000, what: `the worker to refuse ${what}` },
        );
        assert.match(refusal.err?.message ?? "", /the command was refused/, what);
        assert.match(refusal.err?.message ?? "", reason, what);
      }
      for (const name of [victim, taken]) {
        const ns = await core.readNamespace({ name });
        assert.equal(ns.metadata?.deletionTimestamp, undefined, `${name} is not being deleted`);
      }
      const kubeSystem = await core.listNamespacedConfigMap({ namespace: "kube-system" });
      assert.ok(
        kubeSystem.items.every((cm) => cm.metadata?.labels?.["app.kubernetes.io/managed-by"] !== "ranaas"),
        "nothing of RANaaS's in kube-system",
      );
    } finally {
      await publisher.close();
      await rabbit.close();
      await Promise.allSettled([deleteNamespaceAndWait(kc, victim), deleteNamespaceAndWait(kc, taken)]);
    }
  });
});
