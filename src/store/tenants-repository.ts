// Tenants and their API keys (hashes only).
import type { Collection, Db } from "mongodb";
import type {
  ApiKeyRecord,
  TenantCapabilities,
  TenantQuotas,
  TenantRecord,
  TenantRole,
} from "../domain/tenant.ts";
import { isDuplicateKey } from "./mongo-errors.ts";

interface TenantDocument extends Omit<TenantRecord, "name"> {
  _id: string;
}

export class TenantExistsError extends Error {
  constructor(public readonly tenant: string) {
    super(`tenant ${tenant} already exists`);
    this.name = "TenantExistsError";
  }
}

export class TenantsRepository {
  private readonly collection: Collection<TenantDocument>;

  constructor(db: Db) {
    this.collection = db.collection<TenantDocument>("tenants");
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
    const record: TenantRecord = {
      name,
      role,
      keys: [key],
      quotas,
      capabilities,
      callbackSecret,
      createdAt: new Date(),
    };
    try {
      await this.collection.insertOne({
        _id: name,
        role,
        keys: [key],
        quotas,
        capabilities,
        ...(callbackSecret === undefined ? {} : { callbackSecret }),
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
    return (await this.collection.updateOne({ _id: name }, { $set: { keys: [key] } })).matchedCount === 1;
  }

  async setCapabilities(name: string, capabilities: TenantCapabilities): Promise<boolean> {
    return (await this.collection.updateOne({ _id: name }, { $set: { capabilities } })).matchedCount === 1;
  }

  async setQuotas(name: string, quotas: TenantQuotas): Promise<boolean> {
    return (await this.collection.updateOne({ _id: name }, { $set: { quotas } })).matchedCount === 1;
  }

  async delete(name: string): Promise<boolean> {
    return (await this.collection.deleteOne({ _id: name })).deletedCount === 1;
  }
}

function toRecord(doc: TenantDocument): TenantRecord {
  const { _id, ...rest } = doc;
  return { name: _id, ...rest, quotas: rest.quotas ?? {}, capabilities: rest.capabilities ?? {} };
}
