// Each API replica answers reads from its read model, kept current by the change feed every replica
// publishes on (services/api/deployment-reads.ts), on the real database and broker with two replicas:
// what one replica wrote is never a 404 on the other, a change the feed did not carry (a writer whose
// numbering skips one, a writer that dies between writing and sending) is re-read, and from the moment a
// replica can know of the miss it serves nothing older than the database. The missed changes come from
// a writer this test plays: it writes records as a replica does and speaks the feed's messages itself.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MongoClient } from "mongodb";
import { Connection } from "rabbitmq-client";
import { readEvents } from "../src/api-client/sse.ts";
import type { FeedMessage } from "../src/bus/change-feed.ts";
import { CHANGES_EXCHANGE } from "../src/bus/topology.ts";
import { createLogger } from "../src/platform/logger.ts";
import { openStore, type Store } from "../src/store/store.ts";
import { call, cellsRequest, type DeploymentAnswer } from "./support/api-client.ts";
import { runCli } from "./support/cli.ts";
import { eventually } from "./support/eventually.ts";
import { freePort, metricSample, ServiceFleet, type ServiceProcess } from "./support/services.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";

type Deployment = DeploymentAnswer & { revision: number };

describe("read models kept by the change feed, two API replicas", () => {
  const config = stackConfig();
  const database = uniqueName("ranaas_reads").replaceAll("-", "_");
  const cliEnv = { ...process.env, MONGODB_URI: config.mongodbUri, RANAAS_MONGODB_DATABASE: database };
  const mongo = new MongoClient(config.mongodbUri);
  const amqp = new Connection({ url: config.amqpUrls.api, retryLow: 100, retryHigh: 500 });
  const feed = amqp.createPublisher({ confirm: true });
  let store: Store;
  let fleet: ServiceFleet;
  let replicas: ServiceProcess[] = [];
  let key = "";
  /** The highest revision each replica has answered per deployment: answers never go back. */
  const highest = new Map<string, number>();

  const get = async (replica: ServiceProcess, id: string): Promise<Deployment> => {
    const answer = await call<Deployment>(replica.url, "GET", `/v1/ran-deployments/${id}`, undefined, {
      authorization: `Bearer ${key}`,
    });
    assert.equal(answer.status, 200, `${replica.url}: ${JSON.stringify(answer.body)}`);
    const seen = `${replica.url} ${id}`;
    assert.ok(
      answer.body.revision >= (highest.get(seen) ?? 0),
      `${replica.url} answered revision ${answer.body.revision} after ${highest.get(seen)}`,
    );
    highest.set(seen, answer.body.revision);
    return answer.body;
  };
  /** A sample of the replica's metrics (labels other than `label` ignored), 0 when absent. */
  const metric = (replica: ServiceProcess, name: string, label = ""): Promise<number> =>
    metricSample(replica.url, name, label);
  const gaps = (replica: ServiceProcess, cause: string) =>
    metric(replica, "ranaas_read_model_gaps_total", `cause="${cause}"`);
  const trusted = async (replica: ServiceProcess) =>
    (await metric(replica, "ranaas_read_model_trusted")) === 1;
  /** The test's writer on the feed, as a replica speaks: `seq` counts the changes it claims it sent. */
  const writer = "00000000-0000-7000-8000-00000000beef";
  const heartbeat = (seq: number) =>
    feed.send({ exchange: CHANGES_EXCHANGE, routingKey: database }, {
      writer,
      seq,
      sentAt: Date.now(),
      kind: "heartbeat",
    } satisfies FeedMessage);
  /** A change of the record in the database that no feed message carries (as a replica's lost send). */
  const changeUnsent = async (id: string, reason: string): Promise<number> => {
    const current = await store.deployments.get(id);
    const moved = await store.deployments.transition(id, [current!.state], { reason });
    assert.ok(moved !== undefined);
    return moved.revision;
  };
  const create = async (name: string): Promise<Deployment> => {
    const created = await call<Deployment>(
      replicas[0]!.url,
      "POST",
      "/v1/ran-deployments",
      cellsRequest(name, 1),
      {
        authorization: `Bearer ${key}`,
      },
    );
    assert.equal(created.status, 202, JSON.stringify(created.body));
    return created.body;
  };

  before(async () => {
    amqp.on("error", () => {});
    const made = await runCli(["tenant", "create", "reader", "--quiet"], cliEnv);
    assert.equal(made.code, 0, made.stderr);
    key = made.stdout.trim();
    store = openStore(mongo.db(database), createLogger("silent", "test"));
    // Only the API runs: creates stay `requested` (no orchestrator answers).
    fleet = await ServiceFleet.create(database, { RANAAS_PLAN_TIMEOUT_MS: "300" });
    replicas = [
      await fleet.start("api"),
      await fleet.start("api", { RANAAS_API_PORT: String(await freePort()) }),
    ];
    for (const replica of replicas)
      await eventually(async () => ((await trusted(replica)) ? true : undefined), {
        timeoutMs: 30_000,
        what: `${replica.url} to trust its read model`,
      });
  });

  after(async () => {
    try {
      await fleet.stopAll();
    } finally {
      store.stop();
      await feed.close();
      await amqp.close();
      await mongo.db(database).dropDatabase();
      await mongo.close();
    }
  });

  it("a record written through one replica is at once readable, listed and streamed on the other", async () => {
    const [a, b] = [replicas[0]!, replicas[1]!];
    const stream = new AbortController();
    const deadline = setTimeout(() => stream.abort(), 10_000); // then the loop below fails
    const events = await fetch(`${b.url}/v1/events`, {
      headers: { authorization: `Bearer ${key}` },
      signal: stream.signal,
    });
    try {
      const created = await create(uniqueName("both"));
      assert.equal((await get(b, created.id)).name, created.name, "never a 404 on the other replica");
      const listed = await eventually(
        async () => {
          const page = await call<{ items: Deployment[] }>(
            b.url,
            "GET",
            "/v1/ran-deployments?limit=500",
            undefined,
            {
              authorization: `Bearer ${key}`,
            },
          );
          return page.body.items.find((d) => d.id === created.id);
        },
        { timeoutMs: 5000, what: "the other replica to list it" },
      );
      assert.equal(listed.name, created.name);
      for await (const event of readEvents(events.body!)) {
        if (event.event === "deployment" && (JSON.parse(event.data) as Deployment).id === created.id) break;
      }
      assert.ok((await get(a, created.id)).revision >= 1);
    } finally {
      clearTimeout(deadline);
      stream.abort();
    }
  });

  it("a change a writer's numbering skipped is re-read: once a replica can know, it serves nothing older", async () => {
    const record = await create(uniqueName("skipped"));
    await heartbeat(0); // the writer is known, having sent nothing
    for (const replica of replicas) assert.equal((await get(replica, record.id)).revision, record.revision);
    const before = await Promise.all(replicas.map((r) => gaps(r, "skipped")));
    const revision = await changeUnsent(record.id, "changed by a writer whose message was lost");
    await heartbeat(1); // it says it sent change 1, which no replica received
    for (const [i, replica] of replicas.entries()) {
      await eventually(async () => ((await gaps(replica, "skipped")) > before[i]! ? true : undefined), {
        timeoutMs: 10_000,
        what: `${replica.url} to notice the skipped change`,
      });
      // From the moment it noticed: the database's revision, whether it has re-read yet or not.
      assert.equal((await get(replica, record.id)).revision, revision);
    }
    for (const replica of replicas)
      await eventually(async () => ((await trusted(replica)) ? true : undefined), {
        timeoutMs: 10_000,
        what: `${replica.url} to trust its model again`,
      });
    for (const replica of replicas) assert.equal((await get(replica, record.id)).revision, revision);
  });

  it("a writer that dies between writing a record and sending it: its change is re-read once it is silent", async () => {
    const record = await create(uniqueName("silent"));
    await heartbeat(1);
    for (const replica of replicas) assert.equal((await get(replica, record.id)).revision, record.revision);
    const before = await Promise.all(replicas.map((r) => gaps(r, "silent")));
    const revision = await changeUnsent(record.id, "changed by a writer that then died");
    // No more heartbeats from the writer: it is gone.
    for (const [i, replica] of replicas.entries()) {
      await eventually(async () => ((await gaps(replica, "silent")) > before[i]! ? true : undefined), {
        timeoutMs: 15_000,
        what: `${replica.url} to notice the writer's silence`,
      });
      assert.equal((await get(replica, record.id)).revision, revision);
    }
  });
});
