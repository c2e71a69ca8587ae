// `ranaas top` against a running RANaaS on the local stack whose status service reads the radio from the
// gNB telemetry SIMULATOR: the caller's deployments cell by cell with the latest KPIs and the radio's
// state, as JSON and as a table, once and with --watch until interrupted.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, cellsRequest, type DeploymentAnswer } from "./support/api-client.ts";
import { runCli, startCli } from "./support/cli.ts";
import { eventually } from "./support/eventually.ts";
import { GnbTelemetrySimulator, type SimulatedGnb } from "./support/gnb-telemetry-simulator.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { startRanaas, type Ranaas } from "./support/ranaas.ts";

interface Top {
  at: string;
  deployments: {
    id: string;
    name: string;
    state: string;
    radio: { state: string; reasons: string[] } | null;
    cells: { index: number; pci: number; active: boolean | null; kpis: Record<string, number> }[];
  }[];
}

describe("ranaas top", { timeout: 300_000 }, () => {
  let simulator: GnbTelemetrySimulator;
  let ranaas: Ranaas;
  let env: NodeJS.ProcessEnv;
  let deployment: DeploymentAnswer;
  let gnb: SimulatedGnb;

  const create = async (tenant: string, name: string, cells: number) => {
    const created = await call<DeploymentAnswer>(
      ranaas.fleet.apiUrl,
      "POST",
      "/v1/ran-deployments",
      cellsRequest(name, cells),
      { authorization: `Bearer ${ranaas.keys[tenant]}`, prefer: "wait=60" },
    );
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    return created.body;
  };

  before(async () => {
    simulator = await GnbTelemetrySimulator.start(adminKubeConfig());
    ranaas = await startRanaas({ "op-top": "operator", "op-other": "operator" }, "ranaas_top", {
      RANAAS_RADIO_TELEMETRY: "true",
      RANAAS_TELEMETRY_VIA: simulator.url,
    });
    const { RANAAS_CONFIG: _c, ...rest } = process.env;
    env = { ...rest, RANAAS_URL: ranaas.fleet.apiUrl, RANAAS_API_KEY: ranaas.keys["op-top"] };
    deployment = await create("op-top", "top-radio", 2);
    await create("op-other", "not-mine", 1);
    gnb = await simulator.gnb(deployment.plan?.namespace ?? "");
    gnb.ues[0] = 2; // bitrates are reported per UE
  });

  after(async () => {
    await ranaas?.stop();
    await simulator?.stop();
  });

  const top = async (...args: string[]) => {
    const result = await runCli(["top", ...args], env);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };

  it("prints the caller's deployments cell by cell with the latest KPIs as JSON", async () => {
    let last = "";
    const answer = await eventually(
      async () => {
        last = await top("--json");
        const parsed = JSON.parse(last) as Top;
        const cell = parsed.deployments[0]?.cells[0];
        return parsed.deployments[0]?.radio?.state === "healthy" && (cell?.kpis.dlBitrate ?? 0) > 0
          ? parsed
          : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 1000, what: "top to show the radio's KPIs", lastSeen: () => last },
    );
    assert.deepEqual(
      answer.deployments.map((d) => d.name),
      ["top-radio"],
      "only the caller's own deployments",
    );
    const [shown] = answer.deployments;
    assert.equal(shown?.id, deployment.id);
    assert.deepEqual(
      shown?.cells.map((c) => [c.index, c.pci, c.active]),
      deployment.plan?.cells.map((c, i) => [i, c.pci, true]),
    );
    const kpis = shown?.cells[0]?.kpis ?? {};
    assert.ok((kpis.ues ?? 0) > 0, JSON.stringify(kpis));
    assert.ok((kpis.dlPrbUsage ?? 0) > 0, JSON.stringify(kpis));
    assert.equal(kpis.ulLate, 0);
    assert.equal(shown?.cells[1]?.kpis.dlBitrate ?? 0, 0, "no UE on cell 1, no bitrate");
  });

  it("prints a table, and the radio's reasons once it is not healthy", async () => {
    const table = await top();
    assert.match(
      table,
      /^NAME\s+STATE\s+RADIO\s+CELL\s+PCI\s+ACTIVE\s+UES\s+DL-BIT\/S\s+UL-BIT\/S\s+DL-PRB\s+UL-PRB\s+CQI\s+UL-LATE\n/,
    );
    assert.match(
      table,
      /\ntop-radio\s+ready\s+healthy\s+0\s+\d+\s+yes\s+[\d.]+\s+[\d.]+[kM]\s+[\d.]+k\s+[\d.]+%/,
    );
    assert.match(table, /\ntop-radio\s+ready\s+healthy\s+1\s+\d+\s+yes\s+/);

    gnb.amfUp[0] = false;
    try {
      let last = "";
      await eventually(
        async () => {
          last = await top();
          return /\ntop-radio: AMF 10\.0\.0\.5 lost \d+ s ago$/.test(last.trimEnd()) ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1000, what: "top to show the AMF lost", lastSeen: () => last },
      );
      assert.match(last, /\ntop-radio\s+\S+\s+degraded\s+0\s+/);
    } finally {
      gnb.amfUp[0] = true;
    }
  });

  it("refreshes with --watch until interrupted, one JSON object per line", async () => {
    const watch = startCli(["top", "--watch", "1", "--json"], env);
    try {
      await eventually(() => Promise.resolve(watch.stdout().split("\n").length > 2 ? true : undefined), {
        timeoutMs: 30_000,
        what: "two refreshes",
        lastSeen: () => watch.stdout(),
      });
    } finally {
      watch.child.kill("SIGINT");
    }
    const result = await watch.result;
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    const times = lines.map((line) => (JSON.parse(line) as Top).at);
    assert.ok(times.length >= 2 && new Set(times).size === times.length, times.join(", "));
    for (const line of lines)
      assert.deepEqual(
        (JSON.parse(line) as Top).deployments.map((d) => d.name),
        ["top-radio"],
      );

    const bad = await runCli(["top", "--watch", "0"], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /must be a number of seconds above 0/);
  });
});
