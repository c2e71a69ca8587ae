// Issue 16, item 4: callback delivery is fair between tenants. One tenant whose receiver never answers
// holds only its own slots (at most CALLBACK_CONCURRENCY.perTenant deliveries at once), and another
// tenant's events go out, in order, while those are still hanging, not after the slowest of a round.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { MongoClient } from "mongodb";
import { CALLBACK_CONCURRENCY } from "../src/services/api/callback-dispatcher.ts";
import { call, cellsRequest } from "./support/api-client.ts";
import { runCli } from "./support/cli.ts";
import { eventually } from "./support/eventually.ts";
import { ServiceFleet } from "./support/services.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

describe("callbacks are fair between tenants", { timeout: 180_000 }, () => {
  const database = uniqueName("ranaas_fair").replaceAll("-", "_");
  const cliEnv = { ...process.env, MONGODB_URI: stackConfig().mongodbUri, RANAAS_MONGODB_DATABASE: database };
  const keys: Record<string, string> = {};
  let fleet: ServiceFleet;
  // The slow tenant's receiver takes every request and never answers (the API gives up after 5 s).
  const slow = { open: 0, most: 0, firstGaveUpAt: undefined as number | undefined };
  // The fast tenant's receiver answers at once; it notes which events came, and when.
  const fast: { at: number; state: string; subject: string }[] = [];
  let slowReceiver: Awaited<ReturnType<typeof listen>>;
  let fastReceiver: Awaited<ReturnType<typeof listen>>;

  const as = (tenant: string, method: string, path: string, body?: unknown) =>
    call(fleet.apiUrl, method, path, body, { authorization: `Bearer ${keys[tenant]}` });

  before(async () => {
    slowReceiver = await listen((request) => {
      slow.open++;
      slow.most = Math.max(slow.most, slow.open);
      request.resume();
      request.socket.once("close", () => {
        slow.open--;
        slow.firstGaveUpAt ??= Date.now();
      });
    });
    fastReceiver = await listen((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const event = JSON.parse(body) as { subject: string; data: { state: string } };
        fast.push({ at: Date.now(), state: event.data.state, subject: event.subject });
        response.writeHead(204).end();
      });
    });
    for (const name of ["slow-core", "fast-core"]) {
      const result = await runCli(["tenant", "create", name, "--quiet"], cliEnv);
      assert.equal(result.code, 0, result.stderr);
      keys[name] = result.stdout.trim();
    }
    // Only the API runs (no orchestrator): each create is one `requested` event, each delete one more.
    fleet = await ServiceFleet.create(database, {
      RANAAS_PLAN_TIMEOUT_MS: "300",
      RANAAS_CALLBACK_ALLOW: "127.0.0.1/32",
    });
    await fleet.start("api");
  });

  after(async () => {
    await fleet.stopAll();
    for (const receiver of [slowReceiver, fastReceiver]) {
      receiver.server.closeAllConnections();
      receiver.server.close();
    }
    const mongo = new MongoClient(stackConfig().mongodbUri);
    await mongo.db(database).dropDatabase();
    await mongo.close();
  });

  it("delivers another tenant's events while one tenant's receiver hangs, which holds only its own slots", async () => {
    const hanging = 3 * CALLBACK_CONCURRENCY.perTenant;
    for (let i = 0; i < hanging; i++) {
      const created = await as("slow-core", "POST", "/v1/ran-deployments", {
        ...cellsRequest(`slow-${i}`, 1),
        callbackUrl: slowReceiver.url,
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
    }
    await eventually(() => Promise.resolve(slow.open === CALLBACK_CONCURRENCY.perTenant ? true : undefined), {
      timeoutMs: 10_000,
      what: "the slow tenant's receiver to hold its share of deliveries",
    });

    const created = await as("fast-core", "POST", "/v1/ran-deployments", {
      ...cellsRequest("fast", 1),
      callbackUrl: fastReceiver.url,
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const id = String(created.body.id);
    await eventually(() => Promise.resolve(fast.length >= 1 ? true : undefined), {
      timeoutMs: 10_000,
      what: "the fast tenant's first event",
    });
    assert.equal((await as("fast-core", "DELETE", `/v1/ran-deployments/${id}`)).status, 202);
    await eventually(() => Promise.resolve(fast.length >= 2 ? true : undefined), {
      timeoutMs: 10_000,
      what: "the fast tenant's second event",
    });

    assert.equal(slow.most, CALLBACK_CONCURRENCY.perTenant, "the hanging tenant never had more under way");
    assert.ok(
      slow.firstGaveUpAt === undefined || slow.firstGaveUpAt > (fast[1]?.at ?? Infinity),
      "both of the fast tenant's events came while the slow tenant's first deliveries were still hanging",
    );
    assert.deepEqual(
      fast.map((e) => e.subject),
      [id, id],
    );
    assert.equal(fast[0]?.state, "requested");
    assert.match(fast[1]?.state ?? "", /^delet/);
  });
});
