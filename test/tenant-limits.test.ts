// What one tenant may hold at once on an API replica, on the real API with its real database: open
// event streams are capped (429 beyond, a slot back when one closes), `Prefer: wait` holds only as many
// answers as allowed (the rest are answered at once, as a preference may be), and a long stream ends
// with `event: revoked` once its key is rotated or its tenant deleted.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MongoClient } from "mongodb";
import { readEvents, type ServerSentEvent } from "../src/api-client/sse.ts";
import { call, cellsRequest } from "./support/api-client.ts";
import { runCli } from "./support/cli.ts";
import { eventually } from "./support/eventually.ts";
import { ServiceFleet } from "./support/services.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";

const STREAMS = 2;

describe("per-tenant holds on an API replica", () => {
  const database = uniqueName("ranaas_holds").replaceAll("-", "_");
  const cliEnv = { ...process.env, MONGODB_URI: stackConfig().mongodbUri, RANAAS_MONGODB_DATABASE: database };
  const keys: Record<string, string> = {};
  const open: AbortController[] = [];
  let fleet: ServiceFleet;

  const createTenant = async (name: string) => {
    const result = await runCli(["tenant", "create", name, "--quiet"], cliEnv);
    assert.equal(result.code, 0, result.stderr);
    keys[name] = result.stdout.trim();
  };
  const openStream = async (tenant: string) => {
    const controller = new AbortController();
    open.push(controller);
    const response = await fetch(`${fleet.apiUrl}/v1/events`, {
      headers: { authorization: `Bearer ${keys[tenant]}` },
      signal: controller.signal,
    });
    return { response, controller };
  };
  /** Every event until the stream ends (or `ms` pass: then the stream did not end). */
  const eventsUntilEnd = async (
    body: ReadableStream<Uint8Array>,
    controller: AbortController,
    ms: number,
  ) => {
    const events: ServerSentEvent[] = [];
    const timer = setTimeout(() => controller.abort(), ms);
    try {
      for await (const event of readEvents(body)) events.push(event);
      return { events, ended: true };
    } catch (err) {
      if (!controller.signal.aborted) throw err;
      return { events, ended: false };
    } finally {
      clearTimeout(timer);
    }
  };
  const create = (tenant: string, name: string, waitSeconds: number) =>
    call(fleet.apiUrl, "POST", "/v1/ran-deployments", cellsRequest(name, 1), {
      authorization: `Bearer ${keys[tenant]}`,
      prefer: `wait=${waitSeconds}`,
    });

  before(async () => {
    for (const name of ["operator-a", "operator-b", "operator-c", "operator-d"]) await createTenant(name);
    // Only the API runs: creates stay `requested` (no orchestrator), so a `Prefer: wait` holds until its end.
    fleet = await ServiceFleet.create(database, {
      RANAAS_PLAN_TIMEOUT_MS: "300",
      RANAAS_STREAMS_PER_TENANT: String(STREAMS),
      RANAAS_WAITS_PER_TENANT: "1",
      RANAAS_STREAM_KEY_RECHECK_MS: "300",
    });
    await fleet.start("api");
  });

  after(async () => {
    for (const controller of open) controller.abort();
    await fleet.stopAll();
    const mongo = new MongoClient(stackConfig().mongodbUri);
    await mongo.db(database).dropDatabase();
    await mongo.close();
  });

  it("caps a tenant's open event streams, not another tenant's, and frees a slot when one closes", async () => {
    const streams = [await openStream("operator-a"), await openStream("operator-a")];
    for (const s of streams) assert.equal(s.response.status, 200);
    const refused = await openStream("operator-a");
    assert.equal(refused.response.status, 429);
    assert.equal(refused.response.headers.get("retry-after"), "5");
    const problem = (await refused.response.json()) as { code: string; detail: string };
    assert.equal(problem.code, "rate-limited");
    assert.match(problem.detail, /tenant operator-a has 2 event streams open on this API replica/);
    assert.equal((await openStream("operator-b")).response.status, 200, "B has slots of its own");

    streams[0]?.controller.abort();
    const reopened = await eventually(
      async () => {
        const attempt = await openStream("operator-a");
        return attempt.response.status === 200 ? attempt : undefined;
      },
      { timeoutMs: 10_000, what: "a slot of A's to be free once one of its streams closed" },
    );
    assert.equal(reopened.response.status, 200);
  });

  it("ends a stream with `revoked` once its key is rotated, and once its tenant is deleted", async () => {
    for (const [tenant, revoke] of [
      ["operator-c", ["tenant", "rotate-key", "operator-c", "--quiet"]],
      ["operator-d", ["tenant", "delete", "operator-d"]],
    ] as const) {
      const { response, controller } = await openStream(tenant);
      assert.equal(response.status, 200);
      assert.ok(response.body);
      const reading = eventsUntilEnd(response.body, controller, 20_000);
      const revoked = await runCli([...revoke], cliEnv);
      assert.equal(revoked.code, 0, revoked.stderr);
      const { events, ended } = await reading;
      assert.ok(ended, `${tenant}'s stream ended by itself`);
      assert.deepEqual(
        events.map((e) => e.event),
        ["revoked"],
      );
      assert.match(events[0]?.data ?? "", /no longer works/);
    }
    // The old key opens nothing either (the API's key cache looks at the tenants' generation every 250 ms).
    await eventually(
      async () =>
        (
          await call(fleet.apiUrl, "GET", "/v1/events", undefined, {
            authorization: `Bearer ${keys["operator-c"]}`,
          })
        ).status === 401
          ? true
          : undefined,
      { timeoutMs: 2000, intervalMs: 50, what: "the rotated key to open nothing" },
    );
  });

  it("holds one `Prefer: wait` answer per tenant and answers the rest at once", async () => {
    // Both ask to be held 20 s: one is (its deployment never settles here), the other is answered at once.
    let finished = 0;
    const asked = Date.now();
    const asks = [create("operator-a", "held-1", 20), create("operator-a", "held-2", 20)].map((p) =>
      p.then((answer) => ({ answer, order: ++finished })),
    );
    const first = await Promise.race(asks);
    assert.equal(first.answer.status, 202, JSON.stringify(first.answer.body));
    assert.equal(finished, 1, "the other is still held");
    assert.ok(Date.now() - asked < 15_000, "the one not held was answered long before the held one's 20 s");
    // Another tenant's wait is held: it has its own.
    const started = Date.now();
    const ofB = await create("operator-b", "held-b", 2);
    assert.equal(ofB.status, 202);
    assert.ok(Date.now() - started >= 2000, "B's answer was held for its wait");
    const held = await Promise.all(asks);
    assert.deepEqual(
      held.map((h) => h.answer.status),
      [202, 202],
    );
    // Once the held answer went, A's next wait is held again.
    const again = Date.now();
    assert.equal((await create("operator-a", "held-3", 2)).status, 202);
    assert.ok(Date.now() - again >= 2000, "A's next wait was held");
  });
});
