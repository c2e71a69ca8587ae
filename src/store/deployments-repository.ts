// Deployment records in MongoDB. Names are unique per tenant among live deployments (a sparse unique
// index on `activeName`, which is removed when a deployment is deleted); state changes are conditional
// updates decided by a revision claim (revision-claims.ts), so concurrent writers cannot skip a state.
// Lists choose their page from the listing (deployment-listing.ts).
//
// The parts of a record no query looks into (the request, the plan, the connection details) are stored as
// JSON text, not as nested documents: FerretDB converts every nested field between BSON and its backend's
// JSON one by one, and reading 5,000 records took ~9 times as long nested (docs/adr/0010). Records stored
// nested by an older version are read as they are, and written as text at their next change.
import { setTimeout as delay } from "node:timers/promises";
import type { Collection, Db, Filter } from "mongodb";
import type { DeploymentRecord } from "../domain/deployment-record.ts";
import { STATE, type DeploymentState } from "../domain/deployment-states.ts";
import { RanaasError } from "../domain/error-codes.ts";
import { DeploymentListing, type ListQuery } from "./deployment-listing.ts";
import { isDuplicateKey } from "./mongo-errors.ts";
import { RevisionClaims, type Claim, type DeploymentTransition } from "./revision-claims.ts";

export type { ListQuery } from "./deployment-listing.ts";
export type { DeploymentTransition } from "./revision-claims.ts";

/** The record's parts stored as JSON text. */
const TEXT_FIELDS = ["spec", "pendingSpec", "definition", "connection"] as const;
type TextField = (typeof TEXT_FIELDS)[number];

/** A record as stored: `_id` for `id`, and the text fields as JSON text (or nested, written by an older version). */
export type DeploymentDocument = Omit<DeploymentRecord, "id" | TextField> & {
  _id: string;
  activeName?: string;
} & { [K in TextField]?: DeploymentRecord[K] | string };

/** Records a re-read of the read model takes from the database at once. */
const CHANGED_BATCH = 100;

export class NameTakenError extends Error {
  constructor(public readonly deploymentName: string) {
    super(`a deployment named "${deploymentName}" already exists`);
    this.name = "NameTakenError";
  }
}

/** How long a move waits by default for another writer to finish moving the record on from the same revision. */
const CONTENDED_WAIT_MS = 5_000;

/**
 * Another writer held the record's revision for longer than a move may wait: it is still moving the
 * record on, or it died between its claim and its update (then the claim is given up once it is old).
 * Retryable: the caller tries again later.
 */
export class RecordBusyError extends RanaasError {
  constructor(id: string) {
    super("unavailable", `deployment ${id} is being changed by another writer; try again shortly`);
    this.name = "RecordBusyError";
  }
}

/** A record written (created or moved to a new revision) or removed outright. */
export type DeploymentChange = { kind: "upsert"; record: DeploymentRecord } | { kind: "removed"; id: string };

export class DeploymentsRepository {
  private readonly collection: Collection<DeploymentDocument>;
  private readonly observers: ((change: DeploymentChange) => void)[] = [];
  private readonly claims: RevisionClaims;
  private readonly listing: DeploymentListing;

  constructor(
    db: Db,
    private readonly options: { contendedWaitMs?: number } = {},
  ) {
    this.collection = db.collection<DeploymentDocument>("deployments");
    this.claims = new RevisionClaims(db);
    this.listing = new DeploymentListing(db);
  }

  /** Told of every change this repository writes, once it is written (the API's change feed). */
  observe(observer: (change: DeploymentChange) => void): void {
    this.observers.push(observer);
  }

  private changed(change: DeploymentChange): void {
    for (const observer of this.observers) observer(change);
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
    await this.listing.ensureIndexes();
    await this.listing.fill(await this.collection.estimatedDocumentCount(), () =>
      this.collection.find({}, { projection: { tenant: 1, state: 1, revision: 1 } }).toArray(),
    );
  }

  async create(record: DeploymentRecord): Promise<void> {
    const { id, ...rest } = record;
    // The listing entry first: one left without its record (a crash, a taken name) is skipped by `list`.
    await this.listing.add(record);
    try {
      await this.collection.insertOne({ _id: id, ...asText(rest), activeName: record.name });
    } catch (err) {
      await this.listing.remove(id);
      if (isDuplicateKey(err)) throw new NameTakenError(record.name);
      throw err;
    }
    this.changed({ kind: "upsert", record });
  }

  /** Removes a record outright (a create the orchestrator refused at once leaves nothing behind). */
  async remove(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
    this.changed({ kind: "removed", id }); // before anything else may fail: the record is gone
    await this.listing.remove(id);
    await this.claims.forget(id);
  }

  async get(id: string, tenant?: string): Promise<DeploymentRecord | undefined> {
    // By `_id` alone, the tenant checked here: the cheapest query on every FerretDB backend (on SQLite
    // a lone `_id` equality is the only filter pushed down to the database at all).
    const doc = await this.collection.findOne({ _id: id });
    if (doc === null || (tenant !== undefined && doc.tenant !== tenant)) return undefined;
    return toRecord(doc);
  }

  /** A page of records in id order (see DeploymentListing.page). */
  list(query: ListQuery): Promise<DeploymentRecord[]> {
    return this.listing.page(query, (id, tenant) => this.get(id, tenant));
  }

  /** Records changed at or after `since`, oldest change first (what a watcher has not seen yet). */
  async changedSince(since: Date, tenant?: string, limit = 500): Promise<DeploymentRecord[]> {
    const filter: Filter<DeploymentDocument> = { updatedAt: { $gte: since } };
    if (tenant !== undefined) filter.tenant = tenant;
    const docs = await this.collection.find(filter).sort({ updatedAt: 1 }).limit(limit).toArray();
    return docs.map(toRecord);
  }

  /**
   * Every record changed at or after `since` (every record when undefined), in no order: what a replica's
   * read model re-reads. Unsorted and unlimited, as FerretDB would read and sort them all anyway; read in
   * batches, so a replica seeding 5,000 records never holds them all twice.
   */
  async *changedAtOrAfter(since: Date | undefined): AsyncGenerator<DeploymentRecord> {
    const cursor = this.collection
      .find(since === undefined ? {} : { updatedAt: { $gte: since } })
      .batchSize(CHANGED_BATCH);
    for await (const doc of cursor) yield toRecord(doc);
  }

  /** The states the deployment went through between two revisions (see RevisionClaims.between). */
  transitionsBetween(id: string, after: number, before: number): Promise<DeploymentTransition[]> {
    return this.claims.between(id, after, before);
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
   * move cleared the mark, or set it for a command of its own. The revision is held while the mark is
   * cleared: FerretDB writes a whole document back, so an update beside a move could undo the move.
   */
  async dispatched(id: string, revision: number): Promise<void> {
    const hold = await this.claims.hold(id, revision);
    if (hold === undefined) return; // another writer is moving it on, and its move decides the mark
    try {
      await this.collection.updateOne({ _id: id, revision }, { $unset: { dispatchPending: "" } });
    } finally {
      await this.claims.giveBack(hold);
    }
  }

  /**
   * Moves a deployment to a new state if it is in one of `from` (and, when given, at `revision`):
   * bumps the revision and returns the updated record, or undefined when the condition did not hold.
   *
   * Linearizable without transactions: FerretDB's findOneAndUpdate reads and writes in two steps, so
   * two concurrent conditional updates can both "win". A unique `<id>:<revision>` claim in
   * `deployment_revisions` decides instead — only one writer can move a deployment on from revision N.
   * A writer that finds the revision claimed waits for that move and looks again; `RecordBusyError` when
   * the claim outlasts the wait (its writer is slow, or died and its claim is not old enough to give up).
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
        | "pendingSpec"
        | "updateFrom"
        | "radioRestarts"
        | "radioPods"
        | "alerts"
      >
    >,
    revision?: number,
  ): Promise<DeploymentRecord | undefined> {
    const deadline = Date.now() + (this.options.contendedWaitMs ?? CONTENDED_WAIT_MS);
    let current: DeploymentDocument | null;
    let claim: Claim | undefined;
    for (let pauseMs = 10; ; pauseMs = Math.min(2 * pauseMs, 250)) {
      current = await this.collection.findOne({ _id: id });
      if (current === null || !from.includes(current.state)) return undefined;
      if (revision !== undefined && current.revision !== revision) return undefined;
      const at = current.revision;
      const reasonCode = "reasonCode" in changes ? changes.reasonCode : current.reasonCode;
      // Another writer may be moving it on from this revision — unless that writer's update never
      // happened (the database went away between its two writes): its claim is then given up.
      claim = await this.claims.claim(
        id,
        at,
        { state: changes.state ?? current.state, reasonCode },
        async () => {
          const again = await this.collection.findOne({ _id: id, revision: at });
          return again !== null && from.includes(again.state);
        },
      );
      if (claim !== undefined) break;
      // Held: once the other writer's move (or hold) is over, look again — the record may still be in
      // `from`, and a move asked for without a revision is still to be made. Never given up silently.
      if (Date.now() >= deadline) throw new RecordBusyError(id);
      await delay(pauseMs);
    }
    const at = current.revision;
    const set: Record<string, unknown> = { updatedAt: new Date(), revision: current.revision + 1 };
    const unset: Record<string, ""> = {};
    for (const [key, value] of Object.entries(asText(changes))) {
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
        { _id: id, revision: at },
        { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
        { returnDocument: "after" },
      );
    } catch (err) {
      // Give the claim back, so the record is not held at this revision (best effort: the database
      // may be away — then the next writer gives it up once it is old).
      await this.claims.giveBack(claim).catch(() => undefined);
      throw err;
    }
    if (doc === null) {
      // Moved on after this writer's claim was given up as abandoned: the claim says nothing true.
      await this.claims.giveBack(claim);
      return undefined;
    }
    const record = toRecord(doc);
    this.changed({ kind: "upsert", record }); // before anything else may fail: the record is written
    if (changes.state !== undefined && changes.state !== current.state)
      await this.listing.follow(id, doc.state, doc.revision);
    return record;
  }
}

/** `fields` with the text fields among them as JSON text (an undefined one stays undefined: it is unset). */
function asText<T extends Partial<Pick<DeploymentRecord, TextField>>>(
  fields: T,
): Omit<T, TextField> & { [K in TextField]?: string } {
  const stored: Record<string, unknown> = { ...fields };
  for (const field of TEXT_FIELDS)
    if (fields[field] !== undefined) stored[field] = JSON.stringify(fields[field]);
  return stored as Omit<T, TextField> & { [K in TextField]?: string };
}

/** The record a stored document holds, in either layout. */
export function toRecord(doc: DeploymentDocument): DeploymentRecord {
  const { _id, activeName, ...rest } = doc; // activeName only serves the unique index
  const record: Record<string, unknown> = { id: _id, ...rest };
  for (const field of TEXT_FIELDS) {
    const value = doc[field];
    if (typeof value === "string") record[field] = JSON.parse(value);
  }
  return record as unknown as DeploymentRecord;
}
