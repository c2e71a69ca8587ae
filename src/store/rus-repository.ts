// The provider's fixed pool of radio units. Every change bumps the planning generation, so the
// orchestrator's in-memory copy is read again.
import type { Collection, Db } from "mongodb";
import type { RadioUnit } from "../placement/inventory.ts";
import { PlanningGeneration } from "./planning-generation.ts";

export type RadioUnitRecord = Omit<RadioUnit, "allocatedTo">;

interface RadioUnitDocument extends Omit<RadioUnitRecord, "id"> {
  _id: string;
}

export class RadioUnitsRepository {
  private readonly collection: Collection<RadioUnitDocument>;
  private readonly generation: PlanningGeneration;

  constructor(db: Db) {
    this.collection = db.collection<RadioUnitDocument>("rus");
    this.generation = new PlanningGeneration(db);
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
    await this.generation.bump();
    return result.upsertedCount;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = (await this.collection.deleteOne({ _id: id })).deletedCount === 1;
    await this.generation.bump();
    return deleted;
  }

  /** Makes the pool exactly these RUs. */
  async replaceAll(rus: readonly RadioUnitRecord[]): Promise<void> {
    await this.collection.deleteMany({});
    await this.upsert(rus);
    await this.generation.bump();
  }
}
