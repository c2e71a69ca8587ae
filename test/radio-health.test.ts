// The radio's own health on the local stack: the status service subscribes to each CU's and DU's
// remote-control websocket — here the gNB telemetry SIMULATOR's (test/support/gnb-telemetry-simulator.ts),
// since simulated nodes run nothing — and a get answers what the radio says, not what the pods say.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { cellsRequest } from "./support/api-client.ts";
import { eventually } from "./support/eventually.ts";
import { GnbTelemetrySimulator } from "./support/gnb-telemetry-simulator.ts";
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
after(() => simulator.stop());

describe("the radio's health from its CU's and DU's reports", () => {
  const ranaas = ranaasForSuite({ op: "operator" }, "ranaas_radio", {
    RANAAS_RADIO_TELEMETRY: "true",
    RANAAS_TELEMETRY_VIA: simulator.url,
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
  });

  it("says within 5 s that an AMF was lost, and since when; healthy again once it is back", async () => {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("radio-amf", 1), {
      prefer: "wait=60",
    });
    const id = created.body.id;
    await until(id, "the radio to be healthy", (r) => r.state === "healthy");
    const gnb = await simulator.gnb(created.body.plan?.namespace ?? "");
    gnb.amfUp[0] = false;
    const lost = await until(id, "the AMF's loss to show", (r) => r.state === "degraded");
    assert.ok(lost.ms <= 5_000, `${lost.ms} ms`);
    const amf = lost.radio.amfs[0]?.address ?? "";
    assert.match(
      lost.radio.reasons.join(),
      new RegExp(`^AMF ${amf.replaceAll(".", "\\.")} lost \\d+ s ago$`),
    );
    assert.equal(lost.radio.amfs[0]?.connected, false);
    gnb.amfUp[0] = true;
    const back = await until(id, "the AMF to be back", (r) => r.state === "healthy");
    assert.ok(back.ms <= 5_000, `${back.ms} ms`);
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
