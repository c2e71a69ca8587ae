// Operation records: one per change requested of a deployment (create, delete), with its own state.
import type { Collection, Db } from "mongodb";
import type { OperationRecord, OperationState } from "../domain/deployment-record.ts";

interface OperationDocument extends Omit<OperationRecord, "id"> {
  _id: string;
}

export class OperationsRepository {
  private readonly collection: Collection<OperationDocument>;

  constructor(db: Db) {
    this.collection = db.collection<OperationDocument>("operations");
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ deploymentId: 1 }, { name: "deployment" });
  }

  async create(record: OperationRecord): Promise<void> {
    const { id, ...rest } = record;
    await this.collection.insertOne({ _id: id, ...rest });
  }

  async remove(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }

  async get(id: string, tenant?: string): Promise<OperationRecord | undefined> {
    const doc = await this.collection.findOne({ _id: id }); // a lone `_id`: see DeploymentsRepository.get
    if (doc !== null && tenant !== undefined && doc.tenant !== tenant) return undefined;
    if (doc === null) return undefined;
    const { _id, ...rest } = doc;
    return { id: _id, ...rest };
  }

  /**
   * A pending operation whose command is being sent is running; any other is left as it is. Whether it
   * was pending (to be made pending again with `unstart` if the broker does not take the command).
   */
  async start(id: string): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: id, state: "pending" },
      { $set: { state: "running", updatedAt: new Date() } },
    );
    return result.modifiedCount === 1;
  }

  /** An operation `start` made running whose command the broker did not take: pending again. */
  async unstart(id: string): Promise<void> {
    await this.collection.updateOne(
      { _id: id, state: "running" },
      { $set: { state: "pending", updatedAt: new Date() } },
    );
  }

  async finish(id: string, state: OperationState, error?: OperationRecord["error"]): Promise<void> {
    await this.collection.updateOne(
      { _id: id, state: { $in: ["pending", "running"] } },
      { $set: { state, updatedAt: new Date(), ...(error === undefined ? {} : { error }) } },
    );
  }
}
