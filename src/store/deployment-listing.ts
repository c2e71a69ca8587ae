// The listing of deployments (`deployment_listing`): a small entry per record (id, tenant, state and the
// revision the state is of), so a page is chosen without reading whole records — FerretDB 1.x sorts by
// reading every match, which for whole records at 5,000 deployments took seconds. Entries are written
// before their record (an orphan is skipped) and follow its state (never overwritten by an older one).
import type { Collection, Db, Filter } from "mongodb";
import type { DeploymentRecord } from "../domain/deployment-record.ts";
import type { DeploymentState } from "../domain/deployment-states.ts";

interface ListingDocument {
  _id: string;
  tenant: string;
  state: DeploymentState;
  /** The record's revision the state is of: an older write never overwrites a newer one. */
  revision: number;
}

export interface ListQuery {
  tenant?: string | undefined;
  state?: DeploymentState | undefined;
  /** Return records after this id (ids are time-ordered). */
  after?: string | undefined;
  limit: number;
}

/** How many records a list reads at once. */
const LIST_READS_AT_ONCE = 8;

export class DeploymentListing {
  private readonly entries: Collection<ListingDocument>;

  constructor(db: Db) {
    this.entries = db.collection<ListingDocument>("deployment_listing");
  }

  async ensureIndexes(): Promise<void> {
    await this.entries.createIndex({ tenant: 1, _id: 1 }, { name: "tenant_id" });
    await this.entries.createIndex({ tenant: 1, state: 1, _id: 1 }, { name: "tenant_state_id" });
    await this.entries.createIndex({ state: 1, _id: 1 }, { name: "state_id" });
  }

  /**
   * Adds the entries records lack (records written before the listing existed); `records` reads them
   * when the listing has fewer entries than there are records.
   */
  async fill(
    recordCount: number,
    records: () => Promise<{ _id: string; tenant: string; state: DeploymentState; revision: number }[]>,
  ): Promise<void> {
    if ((await this.entries.estimatedDocumentCount()) >= recordCount) return;
    const docs = await records();
    if (docs.length === 0) return;
    // Only entries that are missing: one a transition wrote meanwhile is newer than what was read here.
    await this.entries.bulkWrite(
      docs.map((d) => ({
        updateOne: {
          filter: { _id: d._id },
          update: { $setOnInsert: { tenant: d.tenant, state: d.state, revision: d.revision } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  async add(record: Pick<DeploymentRecord, "id" | "tenant" | "state" | "revision">): Promise<void> {
    await this.entries.insertOne({
      _id: record.id,
      tenant: record.tenant,
      state: record.state,
      revision: record.revision,
    });
  }

  async remove(id: string): Promise<void> {
    await this.entries.deleteOne({ _id: id });
  }

  /** Follows a record's state change, unless a newer one was written already. */
  async follow(id: string, state: DeploymentState, revision: number): Promise<void> {
    await this.entries.updateOne({ _id: id, revision: { $lt: revision } }, { $set: { state, revision } });
  }

  /**
   * A page of records in id order: chosen from the entries, then read by id (`read`). A record whose
   * entry is stale (a writer died between the two writes) is checked against the query here and
   * skipped; the page is filled from the entries after it.
   */
  async page(
    query: ListQuery,
    read: (id: string, tenant: string | undefined) => Promise<DeploymentRecord | undefined>,
  ): Promise<DeploymentRecord[]> {
    const page: DeploymentRecord[] = [];
    let after = query.after;
    for (;;) {
      const wanted = query.limit - page.length;
      const filter: Filter<ListingDocument> = {};
      if (query.tenant !== undefined) filter.tenant = query.tenant;
      if (query.state !== undefined) filter.state = query.state;
      if (after !== undefined) filter._id = { $gt: after };
      const entries = await this.entries.find(filter).sort({ _id: 1 }).limit(wanted).toArray();
      for (let i = 0; i < entries.length; i += LIST_READS_AT_ONCE) {
        const found = await Promise.all(
          entries.slice(i, i + LIST_READS_AT_ONCE).map((e) => read(e._id, query.tenant)),
        );
        for (const record of found)
          if (record !== undefined && (query.state === undefined || record.state === query.state))
            page.push(record);
      }
      const last = entries.at(-1);
      if (entries.length < wanted || page.length >= query.limit || last === undefined) return page;
      after = last._id;
    }
  }
}
