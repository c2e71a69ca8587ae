import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TenantRecord } from "../../domain/tenant.ts";
import { createLogger } from "../../platform/logger.ts";
import { KeyCache, type KeySource } from "./key-cache.ts";

/** The tenants as the database has them, counting the lookups it answers. */
class Tenants implements KeySource {
  readonly byKey = new Map<string, TenantRecord>();
  n = 0;
  lookups = 0;
  away = false;

  byKeyId(keyId: string): Promise<TenantRecord | undefined> {
    this.lookups++;
    if (this.away) return Promise.reject(new Error("database away"));
    return Promise.resolve(this.byKey.get(keyId));
  }

  generation(): Promise<number> {
    return this.away ? Promise.reject(new Error("database away")) : Promise.resolve(this.n);
  }
}

const tenant = (name: string, keyId: string) =>
  ({
    name,
    role: "operator",
    keys: [{ id: keyId, hash: "h", createdAt: new Date(0) }],
  }) as unknown as TenantRecord;

function setUp() {
  let now = 0;
  const tenants = new Tenants();
  const cache = new KeyCache(tenants, createLogger("silent"), {
    pollMs: 250,
    trustMs: 1000,
    maxAgeMs: 60_000,
    maxEntries: 3,
    now: () => now,
  });
  return { tenants, cache, advance: (ms: number) => (now += ms) };
}

describe("KeyCache", () => {
  it("answers a known key from memory while the generation is current", async () => {
    const { tenants, cache } = setUp();
    tenants.byKey.set("k1", tenant("a", "k1"));
    await cache.check();
    assert.equal((await cache.byKeyId("k1"))?.name, "a");
    assert.equal((await cache.byKeyId("k1"))?.name, "a");
    assert.equal(tenants.lookups, 1);
  });

  it("forgets everything once the generation moves (a rotated key stops at the next look)", async () => {
    const { tenants, cache } = setUp();
    tenants.byKey.set("k1", tenant("a", "k1"));
    await cache.check();
    await cache.byKeyId("k1");
    tenants.byKey.delete("k1"); // rotated
    tenants.n++;
    await cache.check();
    assert.equal(await cache.byKeyId("k1"), undefined);
  });

  it("forgets at once a change this replica made, before the generation is read again", async () => {
    const { tenants, cache } = setUp();
    tenants.byKey.set("k1", tenant("a", "k1"));
    await cache.check();
    await cache.byKeyId("k1");
    tenants.byKey.delete("k1");
    cache.forget();
    assert.equal(await cache.byKeyId("k1"), undefined);
  });

  it("never caches an unknown key", async () => {
    const { tenants, cache } = setUp();
    await cache.check();
    await cache.byKeyId("nope");
    await cache.byKeyId("nope");
    assert.equal(tenants.lookups, 2);
  });

  it("is not used once the generation has not been read for trustMs, nor an entry past maxAgeMs", async () => {
    const { tenants, cache, advance } = setUp();
    tenants.byKey.set("k1", tenant("a", "k1"));
    await cache.check();
    await cache.byKeyId("k1");
    advance(1000); // no look at the generation since
    await cache.byKeyId("k1");
    assert.equal(tenants.lookups, 2, "looked up again");
    tenants.away = true;
    await assert.rejects(cache.check());
    await assert.rejects(cache.byKeyId("k1"), /database away/, "no answer from memory while it cannot look");
    tenants.away = false;
    await cache.check();
    await cache.byKeyId("k1");
    const lookups = tenants.lookups;
    await cache.byKeyId("k1");
    assert.equal(tenants.lookups, lookups);
    advance(60_000);
    await cache.check();
    await cache.byKeyId("k1");
    assert.equal(tenants.lookups, lookups + 1, "read again after maxAgeMs");
  });

  it("keeps what was read during a change of generation out of the cache", async () => {
    const { tenants, cache } = setUp();
    tenants.byKey.set("k1", tenant("a", "k1"));
    await cache.check();
    const reading = cache.byKeyId("k1");
    tenants.n++;
    await cache.check(); // the generation moved while the key was read
    await reading;
    await cache.byKeyId("k1");
    assert.equal(tenants.lookups, 2);
  });

  it("holds at most maxEntries keys", async () => {
    const { tenants, cache } = setUp();
    for (const k of ["k1", "k2", "k3", "k4"]) tenants.byKey.set(k, tenant(k, k));
    await cache.check();
    for (const k of ["k1", "k2", "k3", "k4"]) await cache.byKeyId(k);
    const lookups = tenants.lookups;
    await cache.byKeyId("k4"); // kept (the cache was emptied to make room)
    assert.equal(tenants.lookups, lookups);
    await cache.byKeyId("k1");
    assert.equal(tenants.lookups, lookups + 1);
  });
});
