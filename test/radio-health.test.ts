// The radio's own health on the local stack: the status service subscribes to each CU's and DU's
// remote-control websocket — here the gNB telemetry SIMULATOR's (test/support/gnb-telemetry-simulator.ts),
// since simulated nodes run nothing — and a get answers what the radio says, not what the pods say.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { cellsRequest, type DeploymentAnswer } from "./support/api-client.ts";
import {
  type CallbackReceiver,
  operatorWithCallbackSecret,
  startCallbackReceiver,
} from "./support/callback-receiver.ts";
import { eventually } from "./support/eventually.ts";
import { GnbTelemetrySimulator } from "./support/gnb-telemetry-simulator.ts";
import { CoreV1Api } from "@kubernetes/client-node";
import { KPI_ALERT_EVENT } from "../src/services/api/state-events.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";

interface Radio {
  state: string;
  reasons: string[];
  f1: string;
  amfs: { address: string; connected: boolean | null }[];
  cells: { index: number; pci: number; active: boolean | null }[];
}

const simulator = await GnbTelemetrySimulator.start(adminKubeConfig());
const core = adminKubeConfig().makeApiClient(CoreV1Api);

/** The uid of the pod running each component of a deployment's namespace (cu, du, ru-emulator-…). */
async function podUids(namespace: string): Promise<Map<string, string>> {
  const pods = (await core.listNamespacedPod({ namespace })).items.filter(
    (p) => p.metadata?.deletionTimestamp === undefined,
  );
  return new Map(
    pods.map((p) => [p.metadata?.labels?.["app.kubernetes.io/component"] ?? "", p.metadata?.uid ?? ""]),
  );
}
after(() => simulator.stop());

describe("the radio's health from its CU's and DU's reports", () => {
  const ranaas = ranaasForSuite({ op: "operator" }, "ranaas_radio", {
    RANAAS_RADIO_TELEMETRY: "true",
    RANAAS_TELEMETRY_VIA: simulator.url,
    RANAAS_CALLBACK_ALLOW: "127.0.0.1/32",
  });
  const api = apiAs(ranaas, "op");
  const radioOf = async (id: string) =>
    (await api<{ radio?: Radio }>("GET", `/v1/ran-deployments/${id}`)).body.radio;
  /** Waits until the radio matches `check`, and says how long that took. */
  const until = async (id: string, what: string, check: (radio: Radio) => boolean, timeoutMs = 15_000) => {
    const started = Date.now();
    const radio = await eventually(
      async () => {
        const radio = await radioOf(id);
        return radio !== undefined && check(radio) ? radio : undefined;
      },
      { timeoutMs, intervalMs: 100, what },
    );
    return { radio, ms: Date.now() - started };
  };

  it("answers the radio healthy once its CU and DU report every AMF, F1, cell and RU link up", async () => {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("radio-healthy", 2), {
      prefer: "wait=60",
    });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    const { radio } = await until(created.body.id, "the radio to be healthy", (r) => r.state === "healthy");
    assert.deepEqual(radio.reasons, []);
    assert.equal(radio.f1, "up");
    assert.ok(radio.amfs.every((a) => a.connected === true));
    assert.deepEqual(
      radio.cells.map((c) => [c.pci, c.active]),
      (created.body.plan?.cells ?? []).map((c) => [c.pci, true]),
    );
    // The figures behind it, per cell, from the status service.
    const status = ranaas().fleet.processes.find((p) => p.service === "status")!;
    const detail = (await (await fetch(`${status.url}/status/${created.body.id}/radio`)).json()) as {
      cells: { dlPrbUsage?: number; ulOnTime?: number }[];
      usage: { du?: { cpuPercent: number } };
    };
    assert.ok((detail.cells[0]?.dlPrbUsage ?? 0) > 0, JSON.stringify(detail.cells[0]));
    assert.equal(detail.cells[0]?.ulOnTime, 1);
    assert.ok((detail.usage.du?.cpuPercent ?? 0) > 0);
    // The cells' KPIs over the last minutes, through the API.
    (await simulator.gnb(created.body.plan?.namespace ?? "")).ues[1] = 3;
    const kpis = await eventually(
      async () => {
        const answer = await api<{ cells: { pci: number }[]; buckets: { cells: { ues?: number }[] }[] }>(
          "GET",
          `/v1/ran-deployments/${created.body.id}/kpis?windowSeconds=60`,
        );
        // A bucket's mean: the UEs since they came, over the bucket's 10 s.
        return answer.body.buckets.some((b) => (b.cells[1]?.ues ?? 0) > 0) ? answer.body : undefined;
      },
      { timeoutMs: 15_000, what: "the KPIs to show UEs on cell 1" },
    );
    assert.deepEqual(
      kpis.cells.map((c) => c.pci),
      radio.cells.map((c) => c.pci),
    );
    // And as Prometheus series, labelled by deployment, tenant and cell.
    const metrics = (await (await fetch(`${status.url}/metrics`)).text()).split("\n");
    const sample = (name: string, labels: string) =>
      metrics.find((line) => line.startsWith(`${name}{deployment="${created.body.id}",tenant="op"${labels}`));
    assert.match(sample("ranaas_radio_healthy", "") ?? "", / 1$/);
    assert.match(sample("ranaas_cell_ues", ',cell="1"') ?? "", / 3$/);
  });

  /** Waits until the deployment is in `state`, and says how long that took. */
  const untilState = async (id: string, state: string, headers: Record<string, string> = {}) => {
    const started = Date.now();
    const record = await eventually(
      async () => {
        const answer = await api("GET", `/v1/ran-deployments/${id}`, undefined, headers);
        return answer.body.state === state ? answer.body : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: `deployment ${id} to be ${state}` },
    );
    return { record, ms: Date.now() - started };
  };
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  /**
   * A tenant of its own whose CloudEvents go to a receiver here, with a deployment of `cells` cells
   * created ready for it; runs `body` and closes the receiver whatever happens.
   */
  const withCallbacks = async (
    name: string,
    cells: number,
    extra: Record<string, unknown>,
    body: (tenant: {
      asTenant: Record<string, string>;
      created: DeploymentAnswer;
      receiver: CallbackReceiver;
      secret: string;
    }) => Promise<void>,
  ) => {
    const secret = `${name}-secret`;
    const key = await operatorWithCallbackSecret(ranaas().db, name, secret);
    const receiver = await startCallbackReceiver();
    try {
      const asTenant = { authorization: `Bearer ${key}` };
      const request = cellsRequest(name, cells, { callbackUrl: receiver.url, ...extra });
      const created = await api("POST", "/v1/ran-deployments", request, { ...asTenant, prefer: "wait=60" });
      assert.equal(created.body.state, "ready", JSON.stringify(created.body));
      await body({ asTenant, created: created.body, receiver, secret });
    } finally {
      receiver.close();
    }
  };

  it("keeps a provisioned deployment provisioning until its radio reports healthy", async () => {
    simulator.startWith.lateShare = 0.5;
    try {
      const created = await api("POST", "/v1/ran-deployments", cellsRequest("radio-gate", 1), {
        prefer: "wait=5",
      });
      assert.equal(created.status, 202);
      const waiting = await until(created.body.id, "the radio to report", (r) => r.state === "degraded");
      assert.deepEqual(waiting.radio.reasons, ["cell 0: 50% of UL packets late"]);
      const held = await eventually(
        async () => {
          const answer = await api("GET", `/v1/ran-deployments/${created.body.id}`);
          return answer.body.reasonCode === "awaiting-radio" ? answer.body : undefined;
        },
        { timeoutMs: 30_000, what: "the provision to wait for the radio" },
      );
      assert.equal(held.state, "provisioning");
      // Why, as it was when the workers were done (the DU may not have reported its cells yet then).
      assert.match(held.reason ?? "", /^waiting for the radio: /);
      (await simulator.gnb(held.plan?.namespace ?? "")).lateShare[0] = 0;
      const ready = await untilState(created.body.id, "ready");
      assert.ok(ready.ms <= 5_000, `${ready.ms} ms`);
      assert.equal(ready.record.reason, undefined);
    } finally {
      simulator.startWith.lateShare = 0;
    }
  });

  it("degrades a deployment within 5 s of losing an AMF, saying which and since when, and makes it ready again once it is back", async () => {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("radio-amf", 1), {
      prefer: "wait=60",
    });
    const id = created.body.id;
    assert.equal(created.body.state, "ready");
    const gnb = await simulator.gnb(created.body.plan?.namespace ?? "");
    gnb.amfUp[0] = false;
    const degraded = await untilState(id, "degraded");
    assert.ok(degraded.ms <= 5_000, `${degraded.ms} ms`);
    assert.equal(degraded.record.reasonCode, "radio");
    const radio = await radioOf(id);
    const amf = escaped(radio?.amfs[0]?.address ?? "");
    assert.match(radio?.reasons.join() ?? "", new RegExp(`^AMF ${amf} lost \\d+ s ago$`));
    assert.match(degraded.record.reason ?? "", new RegExp(`^radio: AMF ${amf} lost \\d+ s ago$`));
    assert.equal(radio?.amfs[0]?.connected, false);
    gnb.amfUp[0] = true;
    const back = await untilState(id, "ready");
    assert.ok(back.ms <= 5_000, `${back.ms} ms`);
    assert.equal((await radioOf(id))?.state, "healthy");
  });

  it("tells the tenant of its radio's fault and recovery in signed CloudEvents, in order", async () => {
    await withCallbacks("radio-events", 1, {}, async ({ asTenant, created, receiver, secret }) => {
      const gnb = await simulator.gnb(created.plan?.namespace ?? "");
      gnb.f1Up = false;
      await untilState(created.id, "degraded", asTenant);
      gnb.f1Up = true;
      await untilState(created.id, "ready", asTenant);
      const { received } = receiver;
      const states = () => received.map((r) => r.data.state);
      await eventually(
        () => Promise.resolve(states().slice(-3).join() === "ready,degraded,ready" ? true : undefined),
        {
          timeoutMs: 30_000,
          what: `the radio's CloudEvents (got ${states().join(", ")})`,
        },
      );
      assert.match(received.at(-2)?.data.reason ?? "", /^radio: .*F1: the CU does not see the DU \d+ s ago/);
      assert.equal(received.at(-1)?.data.reason, null);
      receiver.assertSigned(secret);
    });
  });

  it("keeps an update that restarts the CU and DU updating until their new pods report healthy, never degraded on the way", async () => {
    await withCallbacks("radio-update", 1, {}, async ({ asTenant, created, receiver }) => {
      const namespace = created.plan?.namespace ?? "";
      const radioNow = async () =>
        (await api<{ radio?: Radio }>("GET", `/v1/ran-deployments/${created.id}`, undefined, asTenant)).body
          .radio;
      assert.equal((await radioNow())?.state, "healthy");
      const before = await podUids(namespace);
      // A new metrics period is a new CU and DU config: both restart.
      const updated = await api<{ state: string; restarts: string[] }>(
        "PATCH",
        `/v1/ran-deployments/${created.id}`,
        { telemetry: { periodMs: 500 } },
        { ...asTenant, "content-type": "application/merge-patch+json", prefer: "wait=60" },
      );
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(updated.body.state, "ready");
      assert.deepEqual(updated.body.restarts, ["cu", "du"]);
      const after = await podUids(namespace);
      assert.notEqual(after.get("du"), before.get("du"));
      // Ready only once the new pods reported: the radio the tenant sees is theirs.
      assert.equal((await radioNow())?.state, "healthy");
      const states = () => receiver.received.map((e) => e.data.state);
      await eventually(
        () => Promise.resolve(states().at(-1) === "ready" && states().length >= 3 ? true : undefined),
        {
          timeoutMs: 15_000,
          what: `the update's CloudEvents (got ${states().join(", ")})`,
        },
      );
      // From the first ready on: the update's steps, then ready once — never degraded in between.
      const sinceReady = states().slice(states().indexOf("ready"));
      assert.match(sinceReady.join(","), /^ready(,updating)+,ready$/, states().join(", "));
    });
  });

  it("restarts a DU that stops answering by the deployment's policy, and is ready once the new one reports", async () => {
    const request = cellsRequest("radio-restart", 1, {
      telemetry: { onRadioFailure: { action: "restart", afterSeconds: 10 } },
    });
    const created = await api("POST", "/v1/ran-deployments", request, { prefer: "wait=60" });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    const id = created.body.id;
    const namespace = created.body.plan?.namespace ?? "";
    await until(id, "the radio to be healthy", (r) => r.state === "healthy");
    const before = await podUids(namespace);
    await simulator.hangUntilRestart(namespace, "du");
    const degraded = await untilState(id, "degraded");
    assert.match(degraded.record.reason ?? "", /^radio: the DU stopped reporting its cells \d+ s ago$/);
    // Ten seconds into the fault, the workers restart the DU (a rollout: a new pod), not the CU.
    const restarting = await eventually(
      async () => {
        const d = (await api("GET", `/v1/ran-deployments/${id}`)).body;
        return /restart(ing|ed) the DU \(restart 1\)/.test(d.reason ?? "") ? d : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: "the policy to restart the DU" },
    );
    assert.equal(restarting.state, "degraded");
    const ready = await eventually(
      async () => {
        const d = (await api("GET", `/v1/ran-deployments/${id}`)).body;
        return d.state === "ready" ? d : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: "the restarted DU to report healthy" },
    );
    assert.equal(ready.reason, undefined);
    const after = await podUids(namespace);
    assert.notEqual(after.get("du"), before.get("du"), "the DU runs in a new pod");
    assert.equal(after.get("cu"), before.get("cu"), "the CU was left alone");
  });

  it("leaves a radio fault alone when the policy only reports it", async () => {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("radio-report", 1), {
      prefer: "wait=60",
    });
    const id = created.body.id;
    const namespace = created.body.plan?.namespace ?? "";
    await until(id, "the radio to be healthy", (r) => r.state === "healthy");
    const before = await podUids(namespace);
    const gnb = await simulator.gnb(namespace);
    gnb.amfUp[0] = false;
    await untilState(id, "degraded");
    // Well past the shortest restart delay a policy may set (10 s): nothing was restarted.
    const since = Date.now();
    await eventually(
      async () => {
        const d = (await api("GET", `/v1/ran-deployments/${id}`)).body;
        assert.equal(d.state, "degraded");
        assert.doesNotMatch(d.reason ?? "", /restart/);
        return Date.now() - since > 15_000 ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1_000, what: "15 s of the fault" },
    );
    assert.deepEqual(await podUids(namespace), before);
    gnb.amfUp[0] = true;
    await untilState(id, "ready");
  });

  it("tells the tenant when a KPI alert begins and stops firing on a cell, in signed CloudEvents in order", async () => {
    const telemetry = {
      alerts: [
        { name: "crowded", metric: "ues", above: 2, forSeconds: 2, cells: [1] },
        { name: "off-air", metric: "cellDown", forSeconds: 0 },
      ],
    };
    await withCallbacks("radio-alerts", 2, { telemetry }, async ({ asTenant, created, receiver, secret }) => {
      const id = created.id;
      const gnb = await simulator.gnb(created.plan?.namespace ?? "");
      const { received } = receiver;
      const alerts = () =>
        received
          .filter((e) => e.type === KPI_ALERT_EVENT)
          .map((e) => `${String(e.data.alert)}/${String(e.data.cell)} ${String(e.data.status)}`);
      const until = (what: string, check: () => boolean) =>
        eventually(() => Promise.resolve(check() ? true : undefined), {
          timeoutMs: 20_000,
          what: `${what} (got ${received.map((e) => (e.data.status as string | undefined) ?? e.data.state).join(", ")})`,
        });

      gnb.ues[0] = 5; // not watched by "crowded"
      gnb.ues[1] = 4;
      await until("crowded to fire on cell 1", () => alerts().includes("crowded/1 firing"));
      const firing = received.find((e) => e.type === KPI_ALERT_EVENT);
      assert.equal(firing?.data.value, 4);
      assert.equal(firing?.data.metric, "ues");
      assert.equal(firing?.data.above, 2);
      assert.equal(firing?.data.pci, created.plan?.cells[1]?.pci);
      const live = (
        await api<{ radio?: { alerts: { name: string; cell: number }[] } }>(
          "GET",
          `/v1/ran-deployments/${id}`,
          undefined,
          asTenant,
        )
      ).body;
      assert.deepEqual(
        live.radio?.alerts.map((a) => [a.name, a.cell]),
        [["crowded", 1]],
      );
      gnb.ues[1] = 0;
      await until("crowded to stop firing", () => alerts().includes("crowded/1 resolved"));

      gnb.f1Up = false; // the DU's cells go off the air
      await until("off-air to fire on both cells", () =>
        ["off-air/0 firing", "off-air/1 firing"].every((a) => alerts().includes(a)),
      );
      gnb.f1Up = true;
      const labels = () =>
        received.map((e) =>
          e.type === KPI_ALERT_EVENT
            ? `${String(e.data.alert)}/${String(e.data.cell)} ${String(e.data.status)}`
            : e.data.state,
        );
      await until(
        "off-air to stop firing and the deployment to be ready",
        () =>
          ["off-air/0 resolved", "off-air/1 resolved"].every((a) => alerts().includes(a)) &&
          labels().lastIndexOf("ready") > labels().indexOf("degraded"),
      );
      // In order: each alert fired before it stopped, and the radio's fault (F1, told at once) came
      // before the cells it took off the air (told once their last report aged out).
      assert.deepEqual(alerts().slice(0, 2), ["crowded/1 firing", "crowded/1 resolved"]);
      const order = labels();
      assert.ok(order.indexOf("degraded") < order.indexOf("off-air/0 firing"), order.join(", "));
      assert.ok(order.indexOf("off-air/0 firing") < order.indexOf("off-air/0 resolved"), order.join(", "));
      receiver.assertSigned(secret);
    });
  });

  it("names late fronthaul, a dropped F1 and a DU that stopped answering", async () => {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("radio-faults", 2), {
      prefer: "wait=60",
    });
    const id = created.body.id;
    await until(id, "the radio to be healthy", (r) => r.state === "healthy");
    const gnb = await simulator.gnb(created.body.plan?.namespace ?? "");

    gnb.lateShare[1] = 0.97;
    await until(id, "late fronthaul to show", (r) => r.reasons.includes("cell 1: 97% of UL packets late"));
    gnb.lateShare[1] = 0;
    await until(id, "the fronthaul to be on time", (r) => r.state === "healthy");

    gnb.f1Up = false;
    const f1 = await until(id, "F1 to be down", (r) => r.f1 === "down");
    assert.match(f1.radio.reasons.join("|"), /F1: the CU does not see the DU \d+ s ago/);
    gnb.f1Up = true;
    await until(id, "F1 to be up", (r) => r.state === "healthy");

    gnb.silent.add("du");
    const silent = await until(id, "the DU's silence to show", (r) =>
      r.reasons.some((reason) => /^the DU stopped reporting its cells \d+ s ago$/.test(reason)),
    );
    assert.equal(silent.radio.state, "degraded");
    gnb.silent.delete("du");
    // The collector closes a link silent for 10 periods and opens it again.
    await until(id, "the DU to report again", (r) => r.state === "healthy", 30_000);
  });
});
