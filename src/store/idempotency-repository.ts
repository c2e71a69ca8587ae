// Answers remembered per tenant and Idempotency-Key, so a retried request gets the first answer.
import type { Collection, Db } from "mongodb";
import { isDuplicateKey } from "./mongo-errors.ts";

export interface RememberedAnswer {
  status: number;
  body: unknown;
  location?: string | undefined;
}

interface IdempotencyDocument {
  _id: string;
  /** What the first request was (method, path, body digest); a different request with the key is refused. */
  fingerprint: string;
  answer?: RememberedAnswer;
  createdAt: Date;
}

export type Claim =
  | { kind: "claimed" }
  | { kind: "replay"; answer: RememberedAnswer }
  | { kind: "in-progress" }
  | { kind: "mismatch" };

/**
 * A key's record id: tenant and key joined by a space, which neither contains (tenant names are DNS
 * labels, keys visible ASCII). Not NUL: PostgreSQL, under FerretDB, refuses it inside JSON strings.
 */
function idOf(tenant: string, key: string): string {
  return `${tenant} ${key}`;
}

export class IdempotencyRepository {
  private readonly collection: Collection<IdempotencyDocument>;

  constructor(db: Db) {
    this.collection = db.collection<IdempotencyDocument>("idempotency");
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ createdAt: 1 }, { name: "created" });
  }

  /** Claims the key for this request, or says what an earlier request with the key left. */
  async claim(tenant: string, key: string, fingerprint: string): Promise<Claim> {
    const _id = idOf(tenant, key);
    try {
      await this.collection.insertOne({ _id, fingerprint, createdAt: new Date() });
      return { kind: "claimed" };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const existing = await this.collection.findOne({ _id });
    if (existing === null) return this.claim(tenant, key, fingerprint); // released meanwhile
    if (existing.fingerprint !== fingerprint) return { kind: "mismatch" };
    return existing.answer === undefined
      ? { kind: "in-progress" }
      : { kind: "replay", answer: existing.answer };
  }

  async remember(tenant: string, key: string, answer: RememberedAnswer): Promise<void> {
    await this.collection.updateOne({ _id: idOf(tenant, key) }, { $set: { answer } });
  }

  /** Gives the key back when the request failed in a way a retry may fix (nothing to remember). */
  async release(tenant: string, key: string): Promise<void> {
    await this.collection.deleteOne({ _id: idOf(tenant, key), answer: { $exists: false } });
  }
}
