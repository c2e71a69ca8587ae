// Claims on deployment revisions (`deployment_revisions`): only the writer that claims `<id>:<N>` may move
// a deployment on from revision N — linearizable state changes without transactions, which FerretDB
// lacks. Each claim also says what the move made the record, so the claims are its history of states,
// for watchers who looked less often than it changed.
import type { Collection, Db } from "mongodb";
import type { DeploymentState } from "../domain/deployment-states.ts";
import { isDuplicateKey } from "./mongo-errors.ts";

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

/** The most transitions `between` reads back (a watcher that missed more sees the latest). */
const MAX_TRANSITIONS_READ = 20;

/** When a claim on a revision the record never reached is given up as abandoned. */
const ABANDONED_CLAIM_MS = 90_000;

/** A claim made, to give back if the move it was for did not happen. */
export interface Claim {
  id: string;
  at: Date;
}

export class RevisionClaims {
  private readonly claims: Collection<RevisionClaim>;

  constructor(db: Db) {
    this.claims = db.collection<RevisionClaim>("deployment_revisions");
  }

  /**
   * Claims moving deployment `id` on from `revision` to `state`: the claim, or undefined when another
   * writer holds it. `stillAt` re-reads whether the record is still at that revision (and may move):
   * then a claim older than any update could take is given up as abandoned (its writer failed between
   * claim and update — the client's socket timeout is 60 s) and made again.
   */
  async claim(
    id: string,
    revision: number,
    made: { state: DeploymentState; reasonCode?: string | undefined },
    stillAt: () => Promise<boolean>,
  ): Promise<Claim | undefined> {
    const claim: RevisionClaim = {
      _id: `${id}:${revision}`,
      at: new Date(),
      state: made.state,
      ...(made.reasonCode === undefined ? {} : { reasonCode: made.reasonCode }),
    };
    if (await this.insert(claim)) return { id: claim._id, at: claim.at };
    if (!(await stillAt()) || !(await this.clearAbandoned(claim._id)) || !(await this.insert(claim)))
      return undefined;
    return { id: claim._id, at: claim.at };
  }

  /**
   * Holds revision `revision` of deployment `id` without moving it on: no writer can claim a move from
   * it until the hold is given back (or, its holder gone, given up as abandoned). Undefined when another
   * writer holds it — that writer is moving the record on. Not part of the record's history.
   */
  async hold(id: string, revision: number): Promise<Claim | undefined> {
    const claim: RevisionClaim = { _id: `${id}:${revision}`, at: new Date() };
    return (await this.insert(claim)) ? { id: claim._id, at: claim.at } : undefined;
  }

  /** Gives a claim back: the move it was for did not happen. */
  async giveBack(claim: Claim): Promise<void> {
    await this.claims.deleteOne({ _id: claim.id, at: claim.at });
  }

  /** Forgets every claim of a deployment (one removed outright). */
  async forget(id: string): Promise<void> {
    await this.claims.deleteMany({ _id: { $regex: `^${id}:` } });
  }

  /**
   * The states the deployment went through after revision `after` and before revision `before`, oldest
   * first (at most the last 20): what a watcher that saw `after` and now sees `before` missed.
   */
  async between(id: string, after: number, before: number): Promise<DeploymentTransition[]> {
    const revisions: number[] = [];
    for (let r = Math.max(after + 1, before - MAX_TRANSITIONS_READ); r < before; r++) revisions.push(r);
    // One `_id` equality each: the query every FerretDB backend serves from an index.
    const claims = await Promise.all(revisions.map((r) => this.claims.findOne({ _id: `${id}:${r - 1}` })));
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

  private async insert(claim: RevisionClaim): Promise<boolean> {
    try {
      await this.claims.insertOne(claim);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Gives up a claim once it is older than any update could take. Whether the claim is gone. */
  private async clearAbandoned(claim: string): Promise<boolean> {
    const found = await this.claims.findOne({ _id: claim });
    if (found === null) return true;
    if (Date.now() - found.at.getTime() < ABANDONED_CLAIM_MS) return false;
    return (await this.claims.deleteOne({ _id: claim, at: found.at })).deletedCount === 1;
  }
}
