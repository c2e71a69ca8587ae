// The provider's fixed pool of radio units.
import type { Collection, Db } from "mongodb";
import type { RadioUnit } from "../placement/inventory.ts";

export type RadioUnitRecord = Omit<RadioUnit, "allocatedTo">;

interface RadioUnitDocument extends Omit<RadioUnitRecord, "id"> {
  _id: string;
}

export class RadioUnitsRepository {
  private readonly collection: Collection<RadioUnitDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RadioUnitDocument>("rus");
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ site: 1 }, { name: "site" });
  }

  async list(): Promise<RadioUnitRecord[]> {
    const docs = await this.collection.find({}).sort({ _id: 1 }).toArray();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  async get(id: string): Promise<RadioUnitRecord | undefined> {
    const doc = await this.collection.findOne({ _id: id });
    if (doc === null) return undefined;
    const { _id, ...rest } = doc;
    return { id: _id, ...rest };
  }

  /** Adds or replaces RUs by id; returns how many were new. */
  async upsert(rus: readonly RadioUnitRecord[]): Promise<number> {
    if (rus.length === 0) return 0;
    const result = await this.collection.bulkWrite(
      rus.map(({ id, ...rest }) => ({
        replaceOne: { filter: { _id: id }, replacement: rest, upsert: true },
      })),
    );
    return result.upsertedCount;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.collection.deleteOne({ _id: id })).deletedCount === 1;
  }
}
