// Each API replica keeps a copy of every deployment's live status, kept current by the status service's
// feed (bus/status-feed.ts, services/api/live-status-mirror.ts): a get answers the status the status
// service sees without asking it, never an old status as current when the status service is gone, and
// the copy is trusted again once seeded from a restarted status service (a new writer on the feed).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cellsRequest } from "./support/api-client.ts";
import { eventually } from "./support/eventually.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";
import { metricSample } from "./support/services.ts";

type Status = {
  phase?: string;
  stale?: boolean;
  observedAt?: string;
  components?: { name: string; ready: boolean }[];
};

describe("live status from the status service's feed", () => {
  const ranaas = ranaasForSuite({ op: "operator" }, "ranaas_live");
  const api = apiAs(ranaas, "op");
  const apiMetric = (name: string, label = "") => metricSample(ranaas().fleet.apiUrl, name, label);
  const trusted = async () => (await apiMetric("ranaas_live_status_trusted")) === 1;
  const statusOf = async (id: string) =>
    (await api<{ status?: Status }>("GET", `/v1/ran-deployments/${id}`)).body.status ?? {};
  /** Every time the API's copy was seeded, whatever the cause. */
  const seeds = async () => {
    const text = await (await fetch(`${ranaas().fleet.apiUrl}/metrics`)).text();
    return text
      .split("\n")
      .filter((l) => l.startsWith("ranaas_live_status_reseeds_total{"))
      .reduce((n, l) => n + Number(l.split(" ").at(-1)), 0);
  };
  const withoutTime = ({ observedAt: _, ...rest }: Status & Record<string, unknown>) => rest;

  it("answers a get's live status from the replica's copy, and asks the status service while the copy cannot be trusted", async () => {
    await eventually(async () => ((await trusted()) ? true : undefined), {
      timeoutMs: 30_000,
      what: "the API to trust its copy of the live status",
    });
    const seedsBefore = await seeds();
    const created = await api("POST", "/v1/ran-deployments", cellsRequest("live", 1), { prefer: "wait=60" });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    // The status moved from nothing to running while the copy was trusted: it came over the feed, and
    // equals what the status service answers (but for when each looked).
    const status = ranaas().fleet.processes.find((p) => p.service === "status");
    assert.ok(status !== undefined);
    const fromService = await eventually(
      async () => {
        const [mine, theirs] = await Promise.all([
          statusOf(id),
          fetch(`${status.url}/status/${id}`).then(
            (r) => r.json() as Promise<Status & Record<string, unknown>>,
          ),
        ]);
        return JSON.stringify(withoutTime(mine)) === JSON.stringify(withoutTime(theirs)) ? theirs : undefined;
      },
      { timeoutMs: 15_000, what: "the API's copy to answer what the status service sees" },
    );
    assert.equal(fromService.phase, "running");
    assert.ok(fromService.components?.every((c) => c.ready));
    assert.equal(await seeds(), seedsBefore, "no seed was needed: the changes came over the feed");

    // The status service stops: the copy is no longer trusted, and a get says the status cannot be had
    // rather than answering the last one as current.
    await ranaas().fleet.stop(status);
    await eventually(async () => ((await trusted()) ? undefined : true), {
      timeoutMs: 15_000,
      what: "the API to stop trusting its copy once the status service is silent",
    });
    assert.equal((await statusOf(id)).stale, true);

    // A new status service process (a new writer on the feed): the copy is seeded from it and answers again.
    await ranaas().fleet.start("status");
    await eventually(async () => ((await trusted()) ? true : undefined), {
      timeoutMs: 30_000,
      what: "the API to trust its copy again, seeded from the new status service",
    });
    const again = await eventually(
      async () => {
        const s = await statusOf(id);
        return s.stale === false && s.phase === "running" ? s : undefined;
      },
      { timeoutMs: 15_000, what: "the get to answer the live status again" },
    );
    assert.ok(again.components?.every((c) => c.ready));
    assert.ok(
      (await apiMetric("ranaas_live_status_reseeds_total", 'cause="silent"')) >= 1,
      "seeded again because its writer went silent",
    );
    const deleted = await api("DELETE", `/v1/ran-deployments/${id}`, undefined, { prefer: "wait=60" });
    assert.deepEqual([deleted.status, deleted.body.state], [202, "deleted"], JSON.stringify(deleted.body));
  });
});
