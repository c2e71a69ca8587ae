// The database is real: the official mongodb driver against FerretDB — inserts, a unique-index
// violation (E11000) and conditional findOneAndUpdate, the operations RANaaS's atomicity rests on.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MongoClient, MongoServerError, type Collection } from "mongodb";
import { stackConfig, uniqueName } from "./support/stack.ts";

interface Allocation {
  key: string;
  deploymentId: string;
  revision: number;
}

describe("MongoDB-wire database (FerretDB)", () => {
  let client: MongoClient;
  let allocations: Collection<Allocation>;
  const database = uniqueName("ranaas_test").replaceAll("-", "_");

  before(async () => {
    client = new MongoClient(stackConfig().mongodbUri, { serverSelectionTimeoutMS: 3000 });
    await client.connect();
    allocations = client.db(database).collection<Allocation>("allocations");
    await allocations.createIndex({ key: 1 }, { unique: true });
  });

  after(async () => {
    await client.db(database).dropDatabase();
    await client.close();
  });

  it("inserts a document and reads it back", async () => {
    const inserted = await allocations.insertOne({ key: "ru:site-1/ru-1", deploymentId: "d-1", revision: 1 });
    assert.ok(inserted.acknowledged);
    const found = await allocations.findOne({ key: "ru:site-1/ru-1" });
    assert.equal(found?.deploymentId, "d-1");
  });

  it("refuses a second document with the same unique key with E11000", async () => {
    await assert.rejects(
      allocations.insertOne({ key: "ru:site-1/ru-1", deploymentId: "d-2", revision: 1 }),
      (err: unknown) => err instanceof MongoServerError && err.code === 11000,
    );
    assert.equal(await allocations.countDocuments({ key: "ru:site-1/ru-1" }), 1);
  });

  it("updates with findOneAndUpdate only when the condition holds", async () => {
    const updated = await allocations.findOneAndUpdate(
      { key: "ru:site-1/ru-1", revision: 1 },
      { $set: { deploymentId: "d-3" }, $inc: { revision: 1 } },
      { returnDocument: "after" },
    );
    assert.equal(updated?.deploymentId, "d-3");
    assert.equal(updated?.revision, 2);

    const stale = await allocations.findOneAndUpdate(
      { key: "ru:site-1/ru-1", revision: 1 },
      { $set: { deploymentId: "d-4" } },
      { returnDocument: "after" },
    );
    assert.equal(stale, null);
    assert.equal((await allocations.findOne({ key: "ru:site-1/ru-1" }))?.deploymentId, "d-3");
  });
});
