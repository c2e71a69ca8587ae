// How a RAN starts on the local stack: the DU only once its CU is ready, and a CU or DU that keeps
// exiting ends the deployment `failed` with srsRAN's own reason instead of a bare timeout. KWOK runs no
// process, so the failing containers are the local stack's named simulator
// (stack/kwok/simulated-container-exit-stage.yaml): a pod annotated with the message srsRAN prints
// shows as a container that keeps exiting with it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { LABEL_COMPONENT } from "../src/k8s/render/labels.ts";
import { cellsRequest, type DeploymentAnswer } from "./support/api-client.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, holdScheduling, statusOf } from "./support/kube.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";

const DEADLINE_S = 40;
const EXIT_MESSAGE = "simulator.ranaas.io/exit-message";

describe("RAN start-up", { timeout: 300_000 }, () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const ranaas = ranaasForSuite({ "op-start": "operator" }, "ranaas_start", {
    RANAAS_PROVISION_TIMEOUT_MS: String(DEADLINE_S * 1000),
  });
  const api = apiAs(ranaas, "op-start");

  /** Holds the CU's pods Pending: every central node refuses new pods until released. */
  async function holdCentral(hold: boolean): Promise<void> {
    const central = (await core.listNode({ labelSelector: "ranaas.io/role=central" })).items;
    await holdScheduling(
      kc,
      central.map((n) => n.metadata?.name ?? ""),
      hold,
    );
  }

  const deploymentNames = async (namespace: string) =>
    (await apps.listNamespacedDeployment({ namespace })).items.map((d) => d.metadata?.name ?? "").sort();

  /** Creates a deployment and waits until the worker has applied its CU (held Pending). */
  async function createHeld(name: string): Promise<{ id: string; namespace: string }> {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest(name, 1));
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const namespace = created.body.plan?.namespace ?? "";
    await eventually(
      async () =>
        (await deploymentNames(namespace).catch((): string[] => [])).includes("cu") ? true : undefined,
      { timeoutMs: 30_000, what: "the worker to apply the CU" },
    );
    return { id: created.body.id, namespace };
  }

  const settled = (id: string, timeoutMs: number) =>
    eventually(
      async () => {
        const d = (await api<DeploymentAnswer>("GET", `/v1/ran-deployments/${id}`)).body;
        return d.state === "ready" || d.state === "failed" ? d : undefined;
      },
      { timeoutMs, what: `deployment ${id} to be ready or failed` },
    );

  /** Gives the CU's pods the simulator's annotation: they keep exiting with `message`. */
  async function cuExitsWith(namespace: string, message: string): Promise<void> {
    await apps.patchNamespacedDeployment(
      {
        name: "cu",
        namespace,
        body: { spec: { template: { metadata: { annotations: { [EXIT_MESSAGE]: message } } } } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
  }

  it("starts the DU only once the CU is ready", async () => {
    await holdCentral(true);
    try {
      const { id, namespace } = await createHeld("start-order");
      // Everything else is applied at once: the RU emulator (on an edge node) becomes ready while the CU
      // waits to be scheduled — and the DU is still not there.
      await eventually(
        async () => {
          const ru = await apps
            .readNamespacedDeployment({ name: "ru-emulator-0", namespace })
            .catch(() => undefined);
          return (ru?.status?.availableReplicas ?? 0) === 1 ? true : undefined;
        },
        { timeoutMs: 30_000, what: "the RU emulator to be ready" },
      );
      const cuPods = (await core.listNamespacedPod({ namespace, labelSelector: `${LABEL_COMPONENT}=cu` }))
        .items;
      assert.ok(
        cuPods.length > 0 && cuPods.every((p) => p.spec?.nodeName === undefined),
        "the CU is held unscheduled",
      );
      assert.deepEqual(
        await deploymentNames(namespace),
        ["cu", "ru-emulator-0"],
        "no DU before the CU is ready",
      );
      assert.equal(
        await apps
          .readNamespacedDeployment({ name: "du", namespace })
          .then(() => 200)
          .catch((err: unknown) => statusOf(err)),
        404,
      );
      await holdCentral(false);
      const ready = await settled(id, 60_000);
      assert.equal(ready.state, "ready", ready.reason);
      assert.deepEqual(await deploymentNames(namespace), ["cu", "du", "ru-emulator-0"]);
    } finally {
      await holdCentral(false);
    }
  });

  /**
   * Holds the CU unscheduled, creates a deployment, makes its CU keep exiting with `message`, lets it be
   * scheduled, and answers the deployment once settled, with the seconds from the CU's release.
   */
  async function settledWhenCuExitsWith(
    name: string,
    message: string,
  ): Promise<{ settled: DeploymentAnswer; seconds: number }> {
    await holdCentral(true);
    try {
      const { id, namespace } = await createHeld(name);
      await cuExitsWith(namespace, message);
      const started = Date.now();
      await holdCentral(false);
      const answer = await settled(id, (DEADLINE_S + 60) * 1000);
      return { settled: answer, seconds: (Date.now() - started) / 1000 };
    } finally {
      await holdCentral(false);
    }
  }

  it("fails a deployment whose CU's AMF does not answer, with srsRAN's reason, within the deadline", async () => {
    // What srscu prints when the AMF refuses the association (lib/gateways, apps/cu/cu.cpp).
    const { settled: failed, seconds } = await settledWhenCuExitsWith(
      "amf-silent",
      'N2: Failed to connect to AMF on 10.0.0.5:38412. error="Connection refused" timeout=3ms\n' +
        "CU-CP failed to connect to AMF\n",
    );
    assert.equal(failed.state, "failed");
    assert.match(
      failed.reason ?? "",
      /AMF 10\.0\.0\.5:38412 did not answer \(Connection refused\): the CU does not start without its AMFs/,
    );
    assert.ok(
      seconds < DEADLINE_S + 30,
      `failed after ${seconds.toFixed(1)} s with a deadline of ${DEADLINE_S} s`,
    );
  });

  it("fails at once, without waiting for the deadline, when srsRAN refuses its config", async () => {
    const { settled: failed } = await settledWhenCuExitsWith(
      "bad-key",
      "INI was not able to parse cu_cp.no_such_key\nRun with --help for more information.\n",
    );
    assert.equal(failed.state, "failed");
    assert.match(failed.reason ?? "", /the cu refused config key cu_cp\.no_such_key/);
    assert.doesNotMatch(failed.reason ?? "", /not ready after/, "it did not wait out the deadline");
  });
});
