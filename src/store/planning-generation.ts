// A counter of changes to what the orchestrator plans from (reservations, the RU pool), bumped by every
// writer. The active orchestrator keeps that state in memory and re-reads it only when the counter moved
// by someone else: a standby taking over, or an operator changing the RU pool.
import type { Collection, Db } from "mongodb";

interface GenerationDocument {
  _id: "planning";
  value: number;
}

export class PlanningGeneration {
  private readonly collection: Collection<GenerationDocument>;

  constructor(db: Db) {
    this.collection = db.collection<GenerationDocument>("planning_generation");
  }

  async current(): Promise<number> {
    return (await this.collection.findOne({ _id: "planning" }))?.value ?? 0;
  }

  /** Records a change; returns the new value. */
  async bump(): Promise<number> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: "planning" },
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: "after" },
    );
    return doc?.value ?? 0;
  }
}
