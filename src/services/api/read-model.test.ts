import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import type { DeploymentState } from "../../domain/deployment-states.ts";
import type { Logger } from "../../platform/logger.ts";
import { DeploymentReads, type DeploymentSource } from "./deployment-reads.ts";
import { ReadModel, type PageQuery } from "./read-model.ts";

function record(
  id: string,
  revision: number,
  extra: { tenant?: string; state?: DeploymentState; updatedAt?: Date } = {},
): DeploymentRecord {
  return {
    id,
    tenant: extra.tenant ?? "t1",
    name: `n-${id}`,
    spec: {} as DeploymentRecord["spec"],
    state: extra.state ?? "ready",
    revision,
    operationId: "op",
    createdAt: new Date(0),
    updatedAt: extra.updatedAt ?? new Date(revision),
  };
}

describe("ReadModel", () => {
  it("keeps the newest revision whatever order revisions arrive in", () => {
    const model = new ReadModel<DeploymentRecord>();
    assert.equal(model.apply(record("a", 2, { state: "ready" })), true);
    assert.equal(model.apply(record("a", 1, { state: "planned" })), false);
    assert.equal(model.apply(record("a", 2, { state: "failed" })), false);
    assert.equal(model.get("a")?.state, "ready");
    assert.equal(model.apply(record("a", 3, { state: "deleting" })), true);
    assert.equal(model.get("a")?.state, "deleting");
  });

  it("pages in id order per tenant and state, from any id on, as the database's listing does", () => {
    const model = new ReadModel<DeploymentRecord>();
    // Inserted out of order, two tenants, mixed states.
    const ids = Array.from({ length: 40 }, (_, i) => `id-${String(i).padStart(3, "0")}`);
    const shuffled = ids.map((_, i) => ids[(i * 17) % ids.length]!); // 17 and 40 are coprime
    for (const id of shuffled) {
      const n = Number(id.slice(3));
      model.apply(
        record(id, 1, { tenant: n % 2 === 0 ? "even" : "odd", state: n % 3 === 0 ? "failed" : "ready" }),
      );
    }
    const expected = (
      tenant: string | undefined,
      state: DeploymentState | undefined,
      after: string | undefined,
      limit: number,
    ) =>
      ids
        .filter((id) => {
          const n = Number(id.slice(3));
          return (
            (tenant === undefined || tenant === (n % 2 === 0 ? "even" : "odd")) &&
            (state === undefined || state === (n % 3 === 0 ? "failed" : "ready")) &&
            (after === undefined || id > after)
          );
        })
        .slice(0, limit);
    for (const tenant of [undefined, "even", "odd", "none"])
      for (const state of [undefined, "failed", "ready"] as const)
        for (const after of [undefined, "id-000", "id-017", "id-0175", "id-039", "zzz"])
          for (const limit of [1, 5, 50])
            assert.deepEqual(
              model.page({ tenant, state, after, limit }).map((r) => r.id),
              expected(tenant, state, after, limit),
              JSON.stringify({ tenant, state, after, limit }),
            );
  });

  it("counts records by state, each record at its newest revision, removed ones not at all", () => {
    const model = new ReadModel<DeploymentRecord>();
    model.apply(record("a", 1, { state: "planned" }));
    model.apply(record("a", 2, { state: "ready", tenant: "t1" }));
    model.apply(record("b", 1, { state: "ready", tenant: "t2" }));
    model.apply(record("c", 1, { state: "failed" }));
    model.remove("c");
    assert.deepEqual(model.countByState(), new Map([["ready", 2]]));
  });

  it("tells the tenant's records only to that tenant", () => {
    const model = new ReadModel<DeploymentRecord>();
    model.apply(record("a", 1, { tenant: "t1" }));
    assert.equal(model.get("a", "t2"), undefined);
    assert.equal(model.get("a", "t1")?.id, "a");
    assert.equal(model.get("a")?.id, "a");
  });

  it("forgets a removed record for good: a late revision of it does not bring it back", () => {
    const model = new ReadModel<DeploymentRecord>();
    model.apply(record("a", 1));
    model.apply(record("b", 1));
    model.remove("a");
    assert.equal(model.apply(record("a", 2)), false);
    assert.equal(model.get("a"), undefined);
    assert.deepEqual(
      model.page({ limit: 10 }).map((r) => r.id),
      ["b"],
    );
  });

  it("logs each newer revision for streams, and says when a position fell out of the log", () => {
    const model = new ReadModel<DeploymentRecord>();
    const start = model.head;
    model.apply(record("a", 1));
    model.apply(record("a", 1)); // not newer: not logged
    model.apply(record("b", 1));
    const changes = model.changesAfter(start);
    assert.deepEqual(
      changes?.records.map((r) => `${r.id}@${r.revision}`),
      ["a@1", "b@1"],
    );
    assert.deepEqual(model.changesAfter(changes.head)?.records, []);
    for (let i = 2; i < 5_000; i++) model.apply(record("a", i));
    assert.equal(model.changesAfter(start), undefined);
    assert.ok(model.changesAfter(model.head - 100) !== undefined);
  });

  it("wakes a waiter at the next change, and one that waits in vain after its timeout", async () => {
    const model = new ReadModel<DeploymentRecord>();
    const woken = model.nextChange(60_000);
    model.apply(record("a", 1));
    await woken; // would hang (and fail the run) without the wake-up
    const started = Date.now();
    await model.nextChange(20);
    assert.ok(Date.now() - started >= 15);
    const aborted = new AbortController();
    const waiting = model.nextChange(60_000, aborted.signal);
    aborted.abort();
    await waiting;
  });
});

/** A database as the reads see it: records by id, and each re-read it was asked for. */
class FakeSource implements DeploymentSource {
  readonly rows = new Map<string, DeploymentRecord>();
  readonly asked: (number | "all")[] = [];
  gets = 0;
  failNext = 0;

  put(r: DeploymentRecord): void {
    this.rows.set(r.id, r);
  }

  get(id: string): Promise<DeploymentRecord | undefined> {
    this.gets++;
    return Promise.resolve(this.rows.get(id));
  }

  async *changedSince(since: Date | undefined): AsyncGenerator<DeploymentRecord> {
    this.asked.push(since === undefined ? "all" : since.getTime());
    await Promise.resolve();
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("database away");
    }
    yield* [...this.rows.values()].filter((r) => since === undefined || r.updatedAt >= since);
  }

  inStates(states: readonly DeploymentState[]): Promise<DeploymentRecord[]> {
    return Promise.resolve([...this.rows.values()].filter((r) => states.includes(r.state)));
  }

  list(query: PageQuery): Promise<DeploymentRecord[]> {
    const model = new ReadModel<DeploymentRecord>();
    for (const r of this.rows.values()) model.apply(r);
    return Promise.resolve(model.page(query));
  }
}

const SELF = "self";
const MARGIN = 30_000;

function setUp() {
  let now = 1_000_000;
  const source = new FakeSource();
  const reads = new DeploymentReads(source, silentLogger, {
    writer: SELF,
    silenceMs: 3000,
    marginMs: MARGIN,
    now: () => now,
  });
  const heartbeat = (writer: string, seq: number) =>
    reads.onFeedMessage({ writer, seq, sentAt: now, kind: "heartbeat" });
  const upsert = (writer: string, seq: number, r: DeploymentRecord) =>
    reads.onFeedMessage({ writer, seq, sentAt: now, kind: "upsert", record: r });
  return {
    source,
    reads,
    heartbeat,
    upsert,
    advance: (ms: number) => (now += ms),
    at: () => now,
  };
}

/** Until the reads' catch-ups have run (they are asynchronous). */
async function settle(reads: DeploymentReads): Promise<void> {
  for (let i = 0; i < 100 && !reads.synced; i++) await new Promise((resolve) => setTimeout(resolve, 1));
}

const silentLogger = { info() {}, warn() {} } as unknown as Logger;

describe("DeploymentReads", () => {
  it("reads the database until seeded and hearing its own feed, then the model", async () => {
    const { source, reads, heartbeat } = setUp();
    source.put(record("a", 1));
    assert.equal((await reads.get("a"))?.revision, 1);
    assert.equal(source.gets, 1);
    reads.onFeedReady();
    heartbeat(SELF, 0);
    await settle(reads);
    assert.equal(reads.synced, true);
    assert.deepEqual(source.asked, ["all"]);
    source.put(record("b", 1));
    assert.equal((await reads.get("a"))?.revision, 1);
    assert.equal(source.gets, 1, "a held record is answered from memory");
    // One the model does not hold yet (written through another replica a moment ago) is no 404.
    assert.equal((await reads.get("b"))?.revision, 1);
    assert.equal(source.gets, 2);
  });

  it("a skipped number from a writer: reads go to the database until what it wrote since it was last heard is re-read", async () => {
    const { source, reads, heartbeat, upsert, advance, at } = setUp();
    source.put(record("a", 1));
    reads.onFeedReady();
    heartbeat(SELF, 0);
    await settle(reads);
    upsert("other", 1, record("a", 2));
    const lastHeard = at();
    advance(500);
    // The writer's change 2 never arrives; the database has it.
    source.put(record("a", 3, { updatedAt: new Date(at()) }));
    heartbeat(SELF, 0);
    upsert("other", 3, record("b", 1));
    assert.equal(reads.synced, false);
    const b = await reads.list({ limit: 10 });
    assert.deepEqual(
      b.map((r) => `${r.id}@${r.revision}`),
      ["a@3"],
      "listed from the database",
    );
    await settle(reads);
    assert.equal(reads.synced, true);
    assert.equal(source.asked.at(-1), lastHeard - MARGIN);
    assert.equal(reads.model.get("a")?.revision, 3, "re-read, not only read on demand");
  });

  it("a writer that goes silent may have died between writing and sending: its changes are re-read", async () => {
    const { source, reads, heartbeat, advance, at } = setUp();
    reads.onFeedReady();
    heartbeat(SELF, 0);
    await settle(reads);
    heartbeat("other", 4);
    const lastHeard = at();
    source.put(record("a", 7, { updatedAt: new Date(at()) })); // written, never sent
    for (let i = 0; i < 4; i++) {
      advance(1000);
      heartbeat(SELF, 0);
      reads.checkWriters();
    }
    await settle(reads);
    assert.equal(source.asked.at(-1), lastHeard - MARGIN);
    assert.equal(reads.model.get("a")?.revision, 7);
  });

  it("not hearing its own heartbeat, it serves from the database, and catches up once heard again", async () => {
    const { source, reads, heartbeat, advance, at } = setUp();
    source.put(record("a", 1));
    reads.onFeedReady();
    heartbeat(SELF, 0);
    await settle(reads);
    const lastHeard = at();
    advance(3000);
    assert.equal(reads.synced, false);
    source.put(record("a", 2));
    assert.equal((await reads.get("a"))?.revision, 2);
    assert.equal((await reads.list({ limit: 10 }))[0]?.revision, 2);
    advance(1000);
    heartbeat(SELF, 0);
    await settle(reads);
    assert.equal(reads.synced, true);
    assert.equal(source.asked.at(-1), lastHeard - MARGIN);
  });

  it("a re-read that fails is tried again, from no later a time, while reads go to the database", async () => {
    const { source, reads, heartbeat } = setUp();
    source.failNext = 2;
    source.put(record("a", 1));
    reads.onFeedReady();
    heartbeat(SELF, 0);
    assert.equal(reads.synced, false);
    for (let i = 0; i < 200 && !reads.synced; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(reads.synced, true);
    assert.deepEqual(source.asked, ["all", "all", "all"]);
    assert.equal(reads.model.get("a")?.revision, 1);
    reads.stop();
  });
});

describe("waiting for a change while the model is not trusted", () => {
  it("waits out its time and leaves no listener on the stream's signal", async () => {
    const reads = new DeploymentReads(new FakeSource(), silentLogger, {
      writer: SELF,
      silenceMs: 3000,
      marginMs: MARGIN,
    });
    const signal = new AbortController().signal;
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<AbortSignal["addEventListener"]>) => {
      added.push(args[1]);
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<AbortSignal["removeEventListener"]>) => {
      removed.push(args[1]);
      remove(...args);
    };
    for (let i = 0; i < 3; i++) await reads.nextChange(5, signal);
    assert.equal(added.length, 3);
    assert.deepEqual(removed, added);
  });
});
