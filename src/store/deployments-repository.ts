// Deployment records in MongoDB. Names are unique per tenant among live deployments (a sparse unique
// index on `activeName`, which is removed when a deployment is deleted); state changes are conditional
// updates so concurrent writers cannot skip a state. Listing goes through a small companion document per
// record (`deployment_listing`: id, tenant, state), so a page is chosen without reading whole records.
import type { Collection, Db, Filter } from "mongodb";
import type { DeploymentRecord } from "../domain/deployment-record.ts";
import { STATE, type DeploymentState } from "../domain/deployment-states.ts";
import { isDuplicateKey } from "./mongo-errors.ts";

interface DeploymentDocument extends Omit<DeploymentRecord, "id"> {
  _id: string;
  activeName?: string;
}

/** What a list filters and orders by, kept next to each record. */
interface ListingDocument {
  _id: string;
  tenant: string;
  state: DeploymentState;
  /** The record's revision the state is of: an older write never overwrites a newer one. */
  revision: number;
}

/**
 * The claim that moved a record on from revision N (`<id>:<N>`), with what the move made it: the
 * record's history of states, for watchers who looked less often than it changed.
 */
interface RevisionClaim {
  _id: string;
  at: Date;
  state?: DeploymentState;
  reasonCode?: string;
}

/** A state a deployment was in at a revision, from its history. */
export interface DeploymentTransition {
  revision: number;
  state: DeploymentState;
  reasonCode?: string;
  at: Date;
}

/** The most transitions `transitionsBetween` reads back (a watcher that missed more sees the latest). */
const MAX_TRANSITIONS_READ = 20;

/** When a claim on a revision the record never reached is given up as abandoned. */
const ABANDONED_CLAIM_MS = 90_000;

/** How many records a list reads at once. */
const LIST_READS_AT_ONCE = 8;

export class NameTakenError extends Error {
  constructor(public readonly deploymentName: string) {
    super(`a deployment named "${deploymentName}" already exists`);
    this.name = "NameTakenError";
  }
}

export interface ListQuery {
  tenant?: string | undefined;
  state?: DeploymentState | undefined;
  /** Return records after this id (ids are time-ordered). */
  after?: string | undefined;
  limit: number;
}

export class DeploymentsRepository {
  private readonly collection: Collection<DeploymentDocument>;
  private readonly revisions: Collection<RevisionClaim>;
  private readonly listing: Collection<ListingDocument>;

  constructor(db: Db) {
    this.collection = db.collection<DeploymentDocument>("deployments");
    this.revisions = db.collection<RevisionClaim>("deployment_revisions");
    this.listing = db.collection<ListingDocument>("deployment_listing");
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex(
      { tenant: 1, activeName: 1 },
      { unique: true, sparse: true, name: "tenant_active_name" },
    );
    await this.collection.createIndex({ tenant: 1, state: 1 }, { name: "tenant_state" });
    // What `list` asks (a tenant's records in `_id` order from a key on) and `inStates` (one state):
    // index range scans on MongoDB. (FerretDB 1.x sorts and filters ranges itself whatever the index.)
    await this.collection.createIndex({ tenant: 1, _id: 1 }, { name: "tenant_id" });
    await this.collection.createIndex({ state: 1 }, { name: "state" });
    await this.collection.createIndex({ updatedAt: 1 }, { name: "updated_at" });
    await this.collection.createIndex({ dispatchPending: 1 }, { name: "dispatch_pending", sparse: true });
    await this.listing.createIndex({ tenant: 1, _id: 1 }, { name: "tenant_id" });
    await this.listing.createIndex({ tenant: 1, state: 1, _id: 1 }, { name: "tenant_state_id" });
    await this.listing.createIndex({ state: 1, _id: 1 }, { name: "state_id" });
    await this.fillListing();
  }

  /** Adds the listing entries records lack (records written before the listing existed). */
  private async fillListing(): Promise<void> {
    if ((await this.listing.estimatedDocumentCount()) >= (await this.collection.estimatedDocumentCount()))
      return;
    const docs = await this.collection
      .find({}, { projection: { tenant: 1, state: 1, revision: 1 } })
      .toArray();
    if (docs.length === 0) return;
    // Only entries that are missing: one a transition wrote meanwhile is newer than what was read here.
    await this.listing.bulkWrite(
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

  async create(record: DeploymentRecord): Promise<void> {
    const { id, ...rest } = record;
    // The listing entry first: one left without its record (a crash, a taken name) is skipped by `list`.
    await this.listing.insertOne({
      _id: id,
      tenant: record.tenant,
      state: record.state,
      revision: record.revision,
    });
    try {
      await this.collection.insertOne({ _id: id, ...rest, activeName: record.name });
    } catch (err) {
      await this.listing.deleteOne({ _id: id });
      if (isDuplicateKey(err)) throw new NameTakenError(record.name);
      throw err;
    }
  }

  /** Removes a record outright (a create the orchestrator refused at once leaves nothing behind). */
  async remove(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
    await this.listing.deleteOne({ _id: id });
    await this.revisions.deleteMany({ _id: { $regex: `^${id}:` } });
  }

  async get(id: string, tenant?: string): Promise<DeploymentRecord | undefined> {
    // By `_id` alone, the tenant checked here: the cheapest query on every FerretDB backend (on SQLite
    // a lone `_id` equality is the only filter pushed down to the database at all).
    const doc = await this.collection.findOne({ _id: id });
    if (doc === null || (tenant !== undefined && doc.tenant !== tenant)) return undefined;
    return toRecord(doc);
  }

  /**
   * A page of records in id order. The page is chosen from the listing entries — small, so choosing it
   * is cheap even where the database sorts by reading every match (FerretDB 1.x) — and its records are
   * then read by id. A record whose entry is stale (a writer died between the two writes) is checked
   * against the query here and skipped; the page is filled from the entries after it.
   */
  async list(query: ListQuery): Promise<DeploymentRecord[]> {
    const page: DeploymentRecord[] = [];
    let after = query.after;
    for (;;) {
      const wanted = query.limit - page.length;
      const filter: Filter<ListingDocument> = {};
      if (query.tenant !== undefined) filter.tenant = query.tenant;
      if (query.state !== undefined) filter.state = query.state;
      if (after !== undefined) filter._id = { $gt: after };
      const entries = await this.listing.find(filter).sort({ _id: 1 }).limit(wanted).toArray();
      for (let i = 0; i < entries.length; i += LIST_READS_AT_ONCE) {
        const read = await Promise.all(
          entries.slice(i, i + LIST_READS_AT_ONCE).map((e) => this.get(e._id, query.tenant)),
        );
        for (const record of read)
          if (record !== undefined && (query.state === undefined || record.state === query.state))
            page.push(record);
      }
      const last = entries.at(-1);
      if (entries.length < wanted || page.length >= query.limit || last === undefined) return page;
      after = last._id;
    }
  }

  /** Records changed at or after `since`, oldest change first (what a watcher has not seen yet). */
  async changedSince(since: Date, tenant?: string, limit = 500): Promise<DeploymentRecord[]> {
    const filter: Filter<DeploymentDocument> = { updatedAt: { $gte: since } };
    if (tenant !== undefined) filter.tenant = tenant;
    const docs = await this.collection.find(filter).sort({ updatedAt: 1 }).limit(limit).toArray();
    return docs.map(toRecord);
  }

  /** Claims moving a record on from a revision: false when another writer holds that claim. */
  private async claim(claimed: RevisionClaim): Promise<boolean> {
    try {
      await this.revisions.insertOne(claimed);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Gives up a claim on a revision the record is still at (the caller has just read it there), once
   * it is older than any update could take (the client's socket timeout is 60 s): the writer that made
   * it failed before its update. Whether the claim is gone.
   */
  private async clearAbandonedClaim(claim: string): Promise<boolean> {
    const found = await this.revisions.findOne({ _id: claim });
    if (found === null) return true;
    if (Date.now() - found.at.getTime() < ABANDONED_CLAIM_MS) return false;
    return (await this.revisions.deleteOne({ _id: claim, at: found.at })).deletedCount === 1;
  }

  /**
   * The states the deployment went through after revision `after` and before revision `before`, oldest
   * first (at most the last 20): what a watcher that saw `after` and now sees `before` missed.
   */
  async transitionsBetween(id: string, after: number, before: number): Promise<DeploymentTransition[]> {
    const revisions: number[] = [];
    for (let r = Math.max(after + 1, before - MAX_TRANSITIONS_READ); r < before; r++) revisions.push(r);
    // One `_id` equality each: the query every FerretDB backend serves from an index.
    const claims = await Promise.all(revisions.map((r) => this.revisions.findOne({ _id: `${id}:${r - 1}` })));
    return claims.flatMap((claim, i) =>
      claim?.state === undefined
        ? [] // a claim written before claims said what they made the record
        : [
            {
              revision: revisions[i] ?? 0,
              state: claim.state,
              ...(claim.reasonCode === undefined ? {} : { reasonCode: claim.reasonCode }),
              at: claim.at,
            },
          ],
    );
  }

  /** How many deployments are in each state (states with none are left out). */
  async countByState(): Promise<Map<DeploymentState, number>> {
    const rows = await this.collection
      .aggregate<{ _id: DeploymentState; n: number }>([{ $group: { _id: "$state", n: { $sum: 1 } } }])
      .toArray();
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  /** Records in any of the states, across tenants (the orchestrator's view of what holds resources). */
  async inStates(states: readonly DeploymentState[]): Promise<DeploymentRecord[]> {
    // One equality per state rather than `$in`: FerretDB pushes a plain equality down to PostgreSQL
    // (~15 ms at 5,000 records) and filters `$in` itself after reading every record (~1.4 s).
    const found = await Promise.all(states.map((state) => this.collection.find({ state }).toArray()));
    return found.flat().map(toRecord);
  }

  /** Records whose command may not have reached the broker (see `DeploymentRecord.dispatchPending`). */
  async undispatched(): Promise<DeploymentRecord[]> {
    const docs = await this.collection.find({ dispatchPending: true }).toArray(); // an equality: pushed down
    return docs.map(toRecord);
  }

  /**
   * Notes that the broker took the command of `revision`. A record moved on meanwhile is left alone: the
   * move cleared the mark, or set it for a command of its own.
   */
  async dispatched(id: string, revision: number): Promise<void> {
    await this.collection.updateOne({ _id: id, revision }, { $unset: { dispatchPending: "" } });
  }

  /**
   * Moves a deployment to a new state if it is in one of `from` (and, when given, at `revision`):
   * bumps the revision and returns the updated record, or undefined when the condition did not hold.
   *
   * Linearizable without transactions: FerretDB's findOneAndUpdate reads and writes in two steps, so
   * two concurrent conditional updates can both "win". A unique `<id>:<revision>` claim in
   * `deployment_revisions` decides instead — only one writer can move a deployment on from revision N.
   */
  async transition(
    id: string,
    from: readonly DeploymentState[],
    changes: Partial<
      Pick<
        DeploymentRecord,
        | "state"
        | "reason"
        | "reasonCode"
        | "definition"
        | "connection"
        | "operationId"
        | "spec"
        | "dispatchPending"
        | "retries"
        | "retryAt"
      >
    >,
    revision?: number,
  ): Promise<DeploymentRecord | undefined> {
    let current = await this.collection.findOne({ _id: id });
    if (current === null || !from.includes(current.state)) return undefined;
    if (revision !== undefined && current.revision !== revision) return undefined;
    const claim = `${id}:${current.revision}`;
    const reasonCode = "reasonCode" in changes ? changes.reasonCode : current.reasonCode;
    const claimed: RevisionClaim = {
      _id: claim,
      at: new Date(),
      state: changes.state ?? current.state,
      ...(reasonCode === undefined ? {} : { reasonCode }),
    };
    if (!(await this.claim(claimed))) {
      // Another writer moved it on from this revision — unless that writer's update never happened
      // (the database went away between its two writes): its claim is then given up and made again.
      current = await this.collection.findOne({ _id: id, revision: current.revision });
      if (current === null || !from.includes(current.state)) return undefined;
      if (!(await this.clearAbandonedClaim(claim)) || !(await this.claim(claimed))) return undefined;
    }
    const set: Record<string, unknown> = { updatedAt: new Date(), revision: current.revision + 1 };
    const unset: Record<string, ""> = {};
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) unset[key] = "";
      else set[key] = value;
    }
    if (changes.state === STATE.deleted) unset.activeName = "";
    // A move that decides no command of its own means the last one was taken (or no longer matters).
    if (changes.dispatchPending === undefined) unset.dispatchPending = "";
    // The claim above makes this writer the only one moving on from this revision; the revision in the
    // filter only guards against a claim given up as abandoned while this update was still on its way.
    let doc: DeploymentDocument | null;
    try {
      doc = await this.collection.findOneAndUpdate(
        { _id: id, revision: current.revision },
        { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
        { returnDocument: "after" },
      );
    } catch (err) {
      // Give the claim back, so the record is not held at this revision (best effort: the database
      // may be away — then the next writer gives it up once it is old).
      await this.revisions.deleteOne({ _id: claim, at: claimed.at }).catch(() => undefined);
      throw err;
    }
    if (doc === null) {
      // Moved on after this writer's claim was given up as abandoned: the claim says nothing true.
      await this.revisions.deleteOne({ _id: claim, at: claimed.at });
      return undefined;
    }
    if (changes.state !== undefined && changes.state !== current.state)
      await this.listing.updateOne(
        { _id: id, revision: { $lt: doc.revision } },
        { $set: { state: doc.state, revision: doc.revision } },
      );
    return toRecord(doc);
  }
}

function toRecord(doc: DeploymentDocument): DeploymentRecord {
  const { _id, activeName, ...rest } = doc; // activeName only serves the unique index
  return { id: _id, ...rest };
}
