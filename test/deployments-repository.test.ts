// Deployments on the real database: list pages in id order per tenant and state, chosen from the
// listing entries, with entries a dead writer left stale or orphaned skipped, and entries made for
// records written before the listing existed; and each record's history of states.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MongoClient, type Db } from "mongodb";
import type { DeploymentRecord } from "../src/domain/deployment-record.ts";
import type { NormalizedSpec } from "../src/domain/validate-spec.ts";
import { uuidV7 } from "../src/platform/uuid-v7.ts";
import { DeploymentsRepository, RecordBusyError } from "../src/store/deployments-repository.ts";
import { eventually } from "./support/eventually.ts";
import { lockCollectionRows } from "./support/postgres-row-lock.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";

function record(tenant: string, name: string): DeploymentRecord {
  const now = new Date();
  return {
    id: uuidV7(),
    tenant,
    name,
    spec: { name } as unknown as NormalizedSpec,
    state: "requested",
    revision: 1,
    operationId: uuidV7(),
    createdAt: now,
    updatedAt: now,
  };
}

describe("deployments repository", () => {
  let client: MongoClient;
  let db: Db;
  let repository: DeploymentsRepository;
  const database = uniqueName("ranaas_test").replaceAll("-", "_");
  const names = (records: DeploymentRecord[]) => records.map((r) => r.name);

  before(async () => {
    client = new MongoClient(stackConfig().mongodbUri, { serverSelectionTimeoutMS: 3000 });
    await client.connect();
    db = client.db(database);
    repository = new DeploymentsRepository(db, { contendedWaitMs: 1_000 });
    await repository.ensureIndexes();
  });

  after(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it("pages a tenant's deployments in id order, and by state", async () => {
    for (const name of ["a-1", "a-2", "a-3", "a-4"]) await repository.create(record("a", name));
    await repository.create(record("b", "b-1"));
    const first = await repository.list({ tenant: "a", limit: 3 });
    assert.deepEqual(names(first), ["a-1", "a-2", "a-3"]);
    const rest = await repository.list({ tenant: "a", after: first.at(-1)?.id, limit: 3 });
    assert.deepEqual(names(rest), ["a-4"]);
    assert.deepEqual(names(await repository.list({ limit: 10 })), ["a-1", "a-2", "a-3", "a-4", "b-1"]);

    const second = first[1] as DeploymentRecord;
    await repository.transition(second.id, ["requested"], { state: "planned" });
    assert.deepEqual(names(await repository.list({ tenant: "a", state: "planned", limit: 10 })), ["a-2"]);
    assert.deepEqual(names(await repository.list({ tenant: "a", state: "requested", limit: 10 })), [
      "a-1",
      "a-3",
      "a-4",
    ]);
  });

  it("skips entries without their record or with a stale state, and still fills the page", async () => {
    const listing = db.collection<{ _id: string; tenant: string; state: string; revision: number }>(
      "deployment_listing",
    );
    const [one, two] = await repository.list({ tenant: "a", limit: 2 });
    assert.ok(one !== undefined && two !== undefined);
    // An entry whose record never got written, between the first two records in id order.
    await listing.insertOne({ _id: `${one.id}-orphan`, tenant: "a", state: "requested", revision: 1 });
    // An entry that says `requested` of a record that moved on (its writer died before updating it).
    await listing.updateOne({ _id: two.id }, { $set: { state: "requested" } });
    assert.deepEqual(names(await repository.list({ tenant: "a", limit: 2 })), ["a-1", "a-2"]);
    assert.deepEqual(names(await repository.list({ tenant: "a", state: "requested", limit: 2 })), [
      "a-1",
      "a-3",
    ]);
  });

  it("makes the entries records written before the listing existed lack", async () => {
    const listing = db.collection("deployment_listing");
    await listing.deleteMany({});
    assert.deepEqual(await repository.list({ limit: 10 }), []);
    await repository.ensureIndexes();
    assert.deepEqual(names(await repository.list({ limit: 10 })), ["a-1", "a-2", "a-3", "a-4", "b-1"]);
  });

  it("keeps the states a deployment went through, for watchers that looked less often", async () => {
    const r = record("layout", "l-1");
    await repository.create(r);
    await repository.transition(r.id, ["requested"], { state: "planned" }); // revision 2
    await repository.transition(r.id, ["planned"], { state: "provisioning" }); // 3
    await repository.transition(r.id, ["provisioning"], { state: "ready" }); // 4
    await repository.transition(r.id, ["ready"], { state: "degraded", reasonCode: "drift" }); // 5
    await repository.transition(r.id, ["degraded"], { state: "ready", reasonCode: undefined }); // 6
    const passed = await repository.transitionsBetween(r.id, 2, 6);
    assert.deepEqual(
      passed.map((t) => [t.revision, t.state, t.reasonCode]),
      [
        [3, "provisioning", undefined],
        [4, "ready", undefined],
        [5, "degraded", "drift"],
      ],
    );
    assert.ok(passed.every((t) => t.at instanceof Date));
    assert.deepEqual(await repository.transitionsBetween(r.id, 5, 6), []);
  });

  it("gives up a claim whose writer never moved the record, once it is old, and no sooner", async () => {
    const r = record("layout", "l-2");
    await repository.create(r);
    const claims = db.collection<{ _id: string; at: Date }>("deployment_revisions");
    // A writer claimed revision 1, then the database went away before its update: a move waits for it,
    // then says the record is busy (retryable) — it does not give up the move silently.
    await claims.insertOne({ _id: `${r.id}:1`, at: new Date() });
    await assert.rejects(repository.transition(r.id, ["requested"], { state: "planned" }), RecordBusyError);
    assert.equal((await repository.get(r.id))?.state, "requested");
    await claims.updateOne({ _id: `${r.id}:1` }, { $set: { at: new Date(Date.now() - 120_000) } });
    const moved = await repository.transition(r.id, ["requested"], { state: "planned" });
    assert.deepEqual([moved?.state, moved?.revision], ["planned", 2]);
    assert.deepEqual(
      (await repository.transitionsBetween(r.id, 1, 3)).map((t) => t.state),
      ["planned"],
    );
  });

  it("never loses a move to the mark of a dispatched command written beside it (FerretDB writes whole documents)", async () => {
    // The controller marks a command taken by the broker while a worker's first report moves the record
    // on. FerretDB reads a document, then writes it back whole: a mark that read the record before the
    // move and wrote it after undid the move (CI saw a deployment stay `provisioning`, its ready report
    // lost). The rows are held locked so that both writes read first and write in that order.
    const r = { ...record("race", "race-1"), state: "planned" as const, dispatchPending: true as const };
    await repository.create(r);
    const lock = await lockCollectionRows(database, "deployments");
    let move: Promise<DeploymentRecord | undefined> | undefined;
    let mark: Promise<void> | undefined;
    try {
      move = repository.transition(r.id, ["planned"], { state: "provisioning" });
      await eventually(async () => ((await lock.waiting()) >= 1 ? true : undefined), {
        timeoutMs: 10_000,
        what: "the move to wait for the lock",
      });
      let marked = false;
      mark = repository.dispatched(r.id, 1).then(() => void (marked = true));
      // The mark either sees the move under way and leaves the record to it, or waits to write.
      await eventually(async () => (marked || (await lock.waiting()) >= 2 ? true : undefined), {
        timeoutMs: 10_000,
        what: "the mark to be done or to wait for the lock",
      });
    } finally {
      await lock.release();
    }
    assert.equal((await move)?.state, "provisioning");
    await mark;
    const stored = await repository.get(r.id);
    assert.deepEqual(
      [stored?.state, stored?.revision, stored?.dispatchPending],
      ["provisioning", 2, undefined],
    );

    // A move whose revision another writer holds for a moment is made once that writer is done.
    const claims = db.collection<{ _id: string; at: Date }>("deployment_revisions");
    await claims.insertOne({ _id: `${r.id}:2`, at: new Date() });
    const later = repository.transition(r.id, ["provisioning"], { state: "ready" });
    await claims.deleteOne({ _id: `${r.id}:2` });
    const ready = await later;
    assert.deepEqual([ready?.state, ready?.revision], ["ready", 3]);
  });

  it("stores the request, plan and connection as JSON text, and reads records stored nested by an older version", async () => {
    const connection = { n2: { address: "10.0.0.1" } } as unknown as DeploymentRecord["connection"];
    const written: DeploymentRecord = { ...record("text", "t-1"), connection };
    await repository.create(written);
    const raw = db.collection<{ _id: string } & Record<string, unknown>>("deployments");
    const stored = await raw.findOne({ _id: written.id });
    assert.equal(typeof stored?.spec, "string");
    assert.equal(typeof stored?.connection, "string");
    assert.deepEqual(await repository.get(written.id), written);

    // An older version's record: its parts nested. Read as they are; written as text at its next change.
    const older = record("text", "t-2");
    const { id, ...rest } = older;
    await raw.insertOne({ _id: id, ...rest, activeName: older.name });
    assert.deepEqual(await repository.get(id), older);
    const moved = await repository.transition(id, ["requested"], {
      state: "planned",
      connection: { n2: { address: "10.0.0.2" } } as unknown as DeploymentRecord["connection"],
    });
    assert.deepEqual(moved?.spec, older.spec);
    const again = await raw.findOne({ _id: id });
    assert.equal(typeof again?.connection, "string");
    assert.equal(typeof again?.spec, "object", "a part not changed stays as it was stored");
    assert.deepEqual(await repository.get(id), moved);
  });
});
