// What an operator of RANaaS itself sees: Prometheus metrics on every service that move with real work,
// and one correlation id that follows a request from the API through the orchestrator and a worker.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, cellsRequest } from "./support/api-client.ts";
import { startRanaas, type Ranaas } from "./support/ranaas.ts";
import type { ServiceName } from "../src/platform/config.ts";

/** The value of the sample of `name` whose labels include `labels`, in Prometheus text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found = new Map([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found.get(k) === v)) return Number(match[3]);
  }
  return undefined;
}

describe("observability", { timeout: 300_000 }, () => {
  let ranaas: Ranaas;
  const correlator = `obs-${Date.now().toString(36)}`;
  const metricsOf = async (service: ServiceName) => {
    const process = ranaas.fleet.processes.find((p) => p.service === service);
    assert.ok(process);
    const response = await fetch(`${process.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/plain/);
    return response.text();
  };

  before(async () => {
    ranaas = await startRanaas({ "op-obs": "operator" }, "ranaas_obs");
    const created = await call(
      ranaas.fleet.apiUrl,
      "POST",
      "/v1/ran-deployments",
      cellsRequest("obs-one", 1),
      {
        authorization: `Bearer ${ranaas.keys["op-obs"]}`,
        "x-correlator": correlator,
        prefer: "wait=60",
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get("x-correlator"), correlator);
  });
  after(() => ranaas.stop());

  it("counts API requests by route and status, and deployments by state", async () => {
    const api = await metricsOf("api");
    assert.ok(
      (sample(api, "ranaas_http_request_duration_seconds_count", {
        method: "POST",
        route: "/v1/ran-deployments",
        status: "201",
      }) ?? 0) >= 1,
    );
    assert.equal(sample(api, "ranaas_deployments", { state: "ready" }), 1);
    assert.equal(sample(api, "ranaas_deployments", { state: "failed" }), 0);
    assert.match(api, /process_resident_memory_bytes\{service="api"\} \d+/);
  });

  it("times plans and provisions by outcome, and shows queue depth and consumers", async () => {
    const orchestrator = await metricsOf("orchestrator");
    assert.equal(sample(orchestrator, "ranaas_plan_duration_seconds_count", { outcome: "placed" }), 1);
    assert.equal(
      sample(orchestrator, "ranaas_queue_consumers", { queue: "ranaas.work" }),
      1,
      "one worker runs",
    );
    assert.equal(sample(orchestrator, "ranaas_queue_messages", { queue: "ranaas.work" }), 0);
    const worker = await metricsOf("worker");
    assert.equal(
      sample(worker, "ranaas_provision_duration_seconds_count", { command: "provision", outcome: "ready" }),
      1,
    );
    assert.ok(
      (sample(worker, "ranaas_provision_duration_seconds_sum", { command: "provision", outcome: "ready" }) ??
        0) > 0,
    );
  });

  it("reports informer staleness as zero while the informers watch", async () => {
    const status = await metricsOf("status");
    assert.equal(sample(status, "ranaas_informer_staleness_seconds", { informer: "deployments" }), 0);
    assert.equal(sample(status, "ranaas_informer_staleness_seconds", { informer: "pods" }), 0);
  });

  it("logs one correlation id in the API, the orchestrator and the worker, as JSON", () => {
    for (const service of ["api", "orchestrator", "worker"] as const) {
      const lines =
        ranaas.fleet.processes
          .find((p) => p.service === service)
          ?.output()
          .split("\n") ?? [];
      const tagged = lines
        .filter((l) => l.includes(correlator))
        .map((l) => JSON.parse(l) as { correlationId?: string; msg: string });
      assert.ok(tagged.length > 0, `${service} logged the request`);
      assert.ok(
        tagged.every((entry) => entry.correlationId === correlator),
        `${service}: ${tagged.map((e) => e.msg).join(", ")}`,
      );
    }
  });
});
