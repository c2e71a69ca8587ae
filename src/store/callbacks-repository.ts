// The callback outbox: one document per state change to deliver to a deployment's callbackUrl. Ids are
// time-ordered, so per deployment the oldest undelivered event goes first; a lease keeps two API
// replicas from sending the same event at once.
import type { Collection, Db } from "mongodb";

export interface CallbackEvent {
  id: string;
  deploymentId: string;
  tenant: string;
  url: string;
  /** The CloudEvent, serialized exactly as it is sent and signed. */
  body: string;
  attempts: number;
  nextAttemptAt: Date;
  state: "pending" | "delivered" | "abandoned";
  lastError?: string | undefined;
  /** When the last attempt ended. */
  lastAttemptAt?: Date | undefined;
  leaseUntil?: Date | undefined;
}

/** What became of a deployment's callbacks. */
export interface CallbackSummary {
  delivered: number;
  pending: number;
  abandoned: number;
  lastError?: { message: string; at: Date };
}

interface CallbackDocument extends Omit<CallbackEvent, "id"> {
  _id: string;
}

export class CallbacksRepository {
  private readonly collection: Collection<CallbackDocument>;

  constructor(db: Db) {
    this.collection = db.collection<CallbackDocument>("callbacks");
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ state: 1, deploymentId: 1 }, { name: "state_deployment" });
    await this.collection.createIndex({ deploymentId: 1 }, { name: "deployment" });
    await this.collection.createIndex({ state: 1, tenant: 1 }, { name: "state_tenant" });
  }

  /** The tenants with events to deliver. */
  async tenantsWithPending(): Promise<string[]> {
    return this.collection.distinct("tenant", { state: "pending" });
  }

  async enqueue(event: CallbackEvent): Promise<void> {
    const { id, ...rest } = event;
    await this.collection.insertOne({ _id: id, ...rest });
  }

  async discard(deploymentId: string): Promise<void> {
    await this.collection.deleteMany({ deploymentId, state: "pending" });
  }

  /**
   * Of one tenant's deployments, up to `limit` whose oldest pending event is due and not leased (nor
   * `busy`: being delivered here), each such event leased to the caller. Only the tenant's own backlog
   * (its oldest 1,000 pending events) is looked at: another tenant's never hides it.
   */
  async claimDue(
    tenant: string,
    now: Date,
    leaseMs: number,
    limit: number,
    busy: ReadonlySet<string> = new Set(),
  ): Promise<CallbackEvent[]> {
    if (limit <= 0) return [];
    const pending = await this.collection
      .find({ state: "pending", tenant })
      .sort({ _id: 1 })
      .limit(1000)
      .toArray();
    const heads = new Map<string, CallbackDocument>();
    for (const doc of pending) if (!heads.has(doc.deploymentId)) heads.set(doc.deploymentId, doc);
    const claimed: CallbackEvent[] = [];
    for (const head of heads.values()) {
      if (claimed.length >= limit) break;
      if (busy.has(head.deploymentId)) continue;
      if (head.nextAttemptAt > now || (head.leaseUntil !== undefined && head.leaseUntil > now)) continue;
      const doc = await this.collection.findOneAndUpdate(
        {
          _id: head._id,
          state: "pending",
          $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lte: now } }],
        },
        { $set: { leaseUntil: new Date(now.getTime() + leaseMs) } },
        { returnDocument: "after" },
      );
      if (doc !== null) {
        const { _id, ...rest } = doc;
        claimed.push({ id: _id, ...rest });
      }
    }
    return claimed;
  }

  async delivered(id: string): Promise<void> {
    await this.collection.updateOne(
      { _id: id },
      {
        $set: { state: "delivered", lastAttemptAt: new Date() },
        $unset: { leaseUntil: "" },
        $inc: { attempts: 1 },
      },
    );
  }

  /** What became of a deployment's callbacks (undefined: it has none), and why the newest undelivered one failed. */
  async summary(deploymentId: string): Promise<CallbackSummary | undefined> {
    const docs = await this.collection
      .find({ deploymentId }, { projection: { state: 1, lastError: 1, lastAttemptAt: 1 } })
      .toArray();
    if (docs.length === 0) return undefined;
    const summary: CallbackSummary = { delivered: 0, pending: 0, abandoned: 0 };
    for (const doc of docs) {
      summary[doc.state]++;
      // The reason an event not delivered (yet) failed last; the newest of them.
      const at = doc.lastAttemptAt;
      if (doc.state === "delivered" || doc.lastError === undefined || at === undefined) continue;
      if (summary.lastError === undefined || at >= summary.lastError.at)
        summary.lastError = { message: doc.lastError, at };
    }
    return summary;
  }

  async failed(id: string, error: string, nextAttemptAt: Date | undefined): Promise<void> {
    await this.collection.updateOne(
      { _id: id },
      {
        $set: {
          lastError: error,
          lastAttemptAt: new Date(),
          ...(nextAttemptAt === undefined ? { state: "abandoned" as const } : { nextAttemptAt }),
        },
        $unset: { leaseUntil: "" },
        $inc: { attempts: 1 },
      },
    );
  }
}
