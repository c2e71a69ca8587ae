// Tenants, their API keys (hashes only) and their callback signing secrets (sealed: platform/secret-box.ts).
import type { Collection, Db } from "mongodb";
import { SecretBox } from "../platform/secret-box.ts";
import type {
  ApiKeyRecord,
  TenantCapabilities,
  TenantQuotas,
  TenantRecord,
  TenantRole,
} from "../domain/tenant.ts";
import { isDuplicateKey } from "./mongo-errors.ts";

/** A callback signing secret as stored: sealed; an old one signs alongside its successor until `retiresAt`. */
interface StoredSecret {
  sealed: string;
  createdAt: Date;
  retiresAt?: Date;
}

interface TenantDocument extends Omit<TenantRecord, "name"> {
  _id: string;
  /** Newest first. */
  callbackSecrets?: StoredSecret[];
  /** Before secrets were sealed: the secret in plain text (sealed by `resealSecrets`). */
  callbackSecret?: string;
}

export class TenantExistsError extends Error {
  constructor(public readonly tenant: string) {
    super(`tenant ${tenant} already exists`);
    this.name = "TenantExistsError";
  }
}

const GENERATION_ID = "tenants";

export class TenantsRepository {
  private readonly collection: Collection<TenantDocument>;
  private readonly generations: Collection<{ _id: string; n: number }>;
  private readonly changeListeners: (() => void)[] = [];

  constructor(
    db: Db,
    /** Seals and opens callback secrets; without a key, tenants can be read and made without one. */
    private readonly box = new SecretBox([]),
  ) {
    this.collection = db.collection<TenantDocument>("tenants");
    this.generations = db.collection<{ _id: string; n: number }>("tenants_generation");
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ "keys.id": 1 }, { name: "key_id" });
  }

  async create(
    name: string,
    role: TenantRole,
    key: ApiKeyRecord,
    quotas: TenantQuotas = {},
    callbackSecret?: string,
    capabilities: TenantCapabilities = {},
  ): Promise<TenantRecord> {
    const record: TenantRecord = { name, role, keys: [key], quotas, capabilities, createdAt: new Date() };
    const secrets: StoredSecret[] =
      callbackSecret === undefined
        ? []
        : [{ sealed: this.box.seal(callbackSecret), createdAt: record.createdAt }];
    try {
      await this.collection.insertOne({
        _id: name,
        role,
        keys: [key],
        quotas,
        capabilities,
        callbackSecrets: secrets,
        createdAt: record.createdAt,
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new TenantExistsError(name);
      throw err;
    }
    return record;
  }

  async byKeyId(keyId: string): Promise<TenantRecord | undefined> {
    const doc = await this.collection.findOne({ "keys.id": keyId });
    return doc === null ? undefined : toRecord(doc);
  }

  async get(name: string): Promise<TenantRecord | undefined> {
    const doc = await this.collection.findOne({ _id: name });
    return doc === null ? undefined : toRecord(doc);
  }

  async list(): Promise<TenantRecord[]> {
    return (await this.collection.find({}).sort({ _id: 1 }).toArray()).map(toRecord);
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.collection.countDocuments({ role: "admin" })) > 0;
  }

  /** Replaces all of a tenant's keys with one new key (the old ones stop working at once). */
  async rotateKey(name: string, key: ApiKeyRecord): Promise<boolean> {
    const done =
      (await this.collection.updateOne({ _id: name }, { $set: { keys: [key] } })).matchedCount === 1;
    await this.bumpGeneration();
    return done;
  }

  async setCapabilities(name: string, capabilities: TenantCapabilities): Promise<boolean> {
    const done =
      (await this.collection.updateOne({ _id: name }, { $set: { capabilities } })).matchedCount === 1;
    await this.bumpGeneration();
    return done;
  }

  async setQuotas(name: string, quotas: TenantQuotas): Promise<boolean> {
    return (await this.collection.updateOne({ _id: name }, { $set: { quotas } })).matchedCount === 1;
  }

  /** The secrets the tenant's callbacks are signed with now: the newest first, then those not yet retired. */
  async signingSecrets(name: string, now = new Date()): Promise<string[]> {
    const doc = await this.collection.findOne(
      { _id: name },
      { projection: { callbackSecrets: 1, callbackSecret: 1 } },
    );
    if (doc === null) return [];
    return [
      ...(doc.callbackSecrets ?? [])
        .filter((s) => s.retiresAt === undefined || s.retiresAt > now)
        .map((s) => this.box.open(s.sealed)),
      ...(doc.callbackSecret === undefined ? [] : [doc.callbackSecret]),
    ];
  }

  /**
   * Makes `secret` the tenant's signing secret; the ones in use go on signing beside it for `graceMs`
   * (so receivers can switch over), then retire. False when there is no such tenant.
   */
  async rotateCallbackSecret(
    name: string,
    secret: string,
    graceMs: number,
    now = new Date(),
  ): Promise<boolean> {
    const doc = await this.collection.findOne({ _id: name });
    if (doc === null) return false;
    const retiresAt = new Date(now.getTime() + graceMs);
    const previous = [
      ...(doc.callbackSecrets ?? []),
      ...(doc.callbackSecret === undefined
        ? []
        : [{ sealed: this.box.seal(doc.callbackSecret), createdAt: doc.createdAt }]),
    ]
      .map((s) => ({
        ...s,
        retiresAt: s.retiresAt !== undefined && s.retiresAt < retiresAt ? s.retiresAt : retiresAt,
      }))
      .filter((s) => s.retiresAt > now);
    const callbackSecrets = [{ sealed: this.box.seal(secret), createdAt: now }, ...previous];
    const result = await this.collection.updateOne(
      { _id: name },
      { $set: { callbackSecrets }, $unset: { callbackSecret: "" } },
    );
    return result.matchedCount === 1;
  }

  /**
   * Seals again what is stored in plain text (by an older RANaaS) or under a previous key, with the
   * current key; drops retired secrets. Returns how many tenants changed.
   */
  async resealSecrets(now = new Date()): Promise<number> {
    let changed = 0;
    const docs = await this.collection
      .find({}, { projection: { callbackSecrets: 1, callbackSecret: 1, createdAt: 1 } })
      .toArray();
    for (const doc of docs) {
      const stored = doc.callbackSecrets ?? [];
      const live = stored.filter((s) => s.retiresAt === undefined || s.retiresAt > now);
      if (
        doc.callbackSecret === undefined &&
        live.length === stored.length &&
        !live.some((s) => this.box.needsResealing(s.sealed))
      )
        continue;
      const callbackSecrets = [
        ...live.map((s) =>
          this.box.needsResealing(s.sealed) ? { ...s, sealed: this.box.seal(this.box.open(s.sealed)) } : s,
        ),
        ...(doc.callbackSecret === undefined
          ? []
          : [{ sealed: this.box.seal(doc.callbackSecret), createdAt: doc.createdAt }]),
      ];
      await this.collection.updateOne(
        { _id: doc._id },
        { $set: { callbackSecrets }, $unset: { callbackSecret: "" } },
      );
      changed++;
    }
    return changed;
  }

  async delete(name: string): Promise<boolean> {
    const done = (await this.collection.deleteOne({ _id: name })).deletedCount === 1;
    await this.bumpGeneration();
    return done;
  }

  /**
   * A counter moved after every change of what a key lets its holder do (a rotated key, changed
   * capabilities, a deleted tenant), by the API and the command line alike: the API's key cache
   * (services/api/key-cache.ts) forgets what it knew when it moves.
   */
  async generation(): Promise<number> {
    return (await this.generations.findOne({ _id: GENERATION_ID }))?.n ?? 0;
  }

  /** Told of each change of what a key allows made through this repository (before the generation moves). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private async bumpGeneration(): Promise<void> {
    for (const listener of this.changeListeners) listener();
    await this.generations.updateOne({ _id: GENERATION_ID }, { $inc: { n: 1 } }, { upsert: true });
  }
}

function toRecord(doc: TenantDocument): TenantRecord {
  const { _id, callbackSecrets, callbackSecret, ...rest } = doc;
  return { name: _id, ...rest, quotas: rest.quotas ?? {}, capabilities: rest.capabilities ?? {} };
}
