// Where the API's routes read deployments: the replica's read model (read-model.ts) while it is known to
// be complete, the database otherwise. The model is seeded from the database once the replica's feed
// queue is bound, then kept current by the change feed (bus/change-feed.ts). It is trusted only while
//
// - the seed (or a catch-up) has finished,
// - the replica hears its own heartbeat through the feed (its queue is bound and flowing), and
// - no writer's numbering showed a gap that is not re-read yet.
//
// Whenever one of these fails, reads go to the database until a catch-up has re-read every record changed
// since the last moment nothing could have been missed (less a margin for clocks and messages in flight).
// A writer that goes silent may have died between writing a record and sending it: its records are re-read
// too. A record the model does not hold (written through another replica a moment ago) is read from the
// database, so a replica never answers 404 for what exists. A record only ever moves to a newer revision.
import { setTimeout as delay } from "node:timers/promises";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import type { DeploymentState } from "../../domain/deployment-states.ts";
import type { FeedChange, FeedMessage } from "../../bus/change-feed.ts";
import type { HealthCheck } from "../../platform/health.ts";
import type { Logger } from "../../platform/logger.ts";
import { backoffMs } from "../../platform/backoff.ts";
import { hold, type HeldDeployment } from "./held-deployment.ts";
import { ReadModel, type PageQuery } from "./read-model.ts";

export interface DeploymentSource {
  /** One record from the database. */
  get(id: string): Promise<DeploymentRecord | undefined>;
  /** Every record changed at or after `since` (all of them when undefined), in any order. */
  changedSince(since: Date | undefined): AsyncIterable<DeploymentRecord>;
  /** A page from the database's listing. */
  list(query: PageQuery): Promise<DeploymentRecord[]>;
  /** Every record in one of `states`. */
  inStates(states: readonly DeploymentState[]): Promise<DeploymentRecord[]>;
}

export interface DeploymentReadsOptions {
  /** This replica's writer id on the feed (its own heartbeats prove the feed flows). */
  writer: string;
  /** How long without a writer's heartbeat before it counts as gone (3 heartbeats). */
  silenceMs: number;
  /** Taken off every catch-up's start: writers' clocks and messages still on their way. */
  marginMs: number;
  now?: () => number;
  /** Told of each thing that made the model re-read the database (for metrics). */
  onGap?: (cause: GapCause) => void;
  /** Called once the model is seeded (the seed allocated far more than the model keeps). */
  onSeeded?: () => void;
}

/**
 * Why the model re-read: a writer skipped a number, a writer went silent, or this replica's own feed
 * stopped (its queue was bound again, or its own heartbeat was not heard for a while).
 */
export type GapCause = "skipped" | "silent" | "feed";

const CATCH_UP_RETRY = { firstMs: 200, maxMs: 5_000 };

export class DeploymentReads {
  readonly model = new ReadModel<HeldDeployment>();
  private readonly now: () => number;
  /** Each writer heard: the last number it sent, and when it was last heard (local clock). */
  private readonly writers = new Map<string, { seq: number; heardAt: number }>();
  private seeded = false;
  /** When the feed queue was last bound: any writer first heard after it may have sent before. */
  private boundAt: number | undefined;
  private ownHeardAt = Number.NEGATIVE_INFINITY;
  /** Re-read every record changed since this (ms); undefined when nothing is pending. */
  private pendingSince: number | undefined;
  private catchingUp: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly source: DeploymentSource,
    private readonly logger: Logger,
    private readonly options: DeploymentReadsOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Whether the model may answer: seeded, nothing pending, and the feed heard within `silenceMs`. */
  get synced(): boolean {
    return (
      this.seeded &&
      this.pendingSince === undefined &&
      this.catchingUp === undefined &&
      this.now() - this.ownHeardAt < this.options.silenceMs
    );
  }

  /** Ready once the model has been seeded from the database (a replica answers from it from then on). */
  readonly seededHealth: HealthCheck = {
    name: "read-model",
    check: () => (this.seeded ? Promise.resolve() : Promise.reject(new Error("read model not seeded yet"))),
  };

  /** The record if `tenant` may see it (any tenant when undefined). */
  async get(id: string, tenant?: string): Promise<HeldDeployment | undefined> {
    if (this.synced) {
      const held = this.model.get(id);
      if (held !== undefined) return tenant === undefined || held.tenant === tenant ? held : undefined;
    }
    const read = await this.source.get(id);
    if (read === undefined) return undefined;
    // The newest of what was read and what the feed brought meanwhile.
    const newest = this.keep(read) ?? this.model.get(id) ?? hold(read);
    return tenant === undefined || newest.tenant === tenant ? newest : undefined;
  }

  async list(query: PageQuery): Promise<HeldDeployment[]> {
    return this.synced ? this.model.page(query) : (await this.source.list(query)).map(hold);
  }

  /** How many deployments are in each state, from the model while it is trusted (a scrape reads nothing). */
  countByState(database: () => Promise<Map<DeploymentState, number>>): Promise<Map<DeploymentState, number>> {
    return this.synced ? Promise.resolve(this.model.countByState()) : database();
  }

  async inStates(states: readonly DeploymentState[]): Promise<HeldDeployment[]> {
    return this.synced ? this.model.inStates(states) : (await this.source.inStates(states)).map(hold);
  }

  /**
   * Resolves at the next change the model learns of (while it is trusted), or after `timeoutMs`: what a
   * caller waiting for a deployment to move waits on before it looks again.
   */
  nextChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.synced) return this.model.nextChange(timeoutMs, signal);
    // A plain wait, whose abort listener goes with it (a stream waits on one signal over and over).
    return delay(timeoutMs, undefined, { signal }).catch(() => undefined);
  }

  /** A change written by this replica (known at once, before the feed brings it back), or the feed's. */
  wrote(change: FeedChange): void {
    if (change.kind === "upsert") this.keep(change.record);
    else this.model.remove(change.id);
  }

  /** Holds `record` unless the model holds its revision or a newer one; what it now holds of it, if newer. */
  private keep(record: DeploymentRecord): HeldDeployment | undefined {
    if ((this.model.get(record.id)?.revision ?? 0) >= record.revision) return undefined;
    const held = hold(record);
    return this.model.apply(held) ? held : undefined;
  }

  /** The feed queue is bound (at start, and after each reconnection): re-read what it did not carry. */
  onFeedReady(): void {
    const since = this.seeded ? this.lastCertain() : undefined;
    this.boundAt = this.now();
    if (this.seeded) this.options.onGap?.("feed");
    this.catchUp(since);
  }

  onFeedMessage(message: FeedMessage): void {
    const now = this.now();
    if (message.kind !== "heartbeat") this.wrote(message);
    if (message.writer === this.options.writer && message.kind === "heartbeat") {
      // Heard again after a silence: the queue may have lost messages meanwhile.
      const silentSince = this.ownHeardAt;
      this.ownHeardAt = now;
      if (this.seeded && Number.isFinite(silentSince) && now - silentSince >= this.options.silenceMs) {
        this.options.onGap?.("feed");
        this.catchUp(silentSince);
      }
    }
    const known = this.writers.get(message.writer);
    // A change carries the next number, a heartbeat the last one sent.
    const expected = (known?.seq ?? 0) + (message.kind === "heartbeat" ? 0 : 1);
    if (message.seq > expected && (known !== undefined || this.boundAt !== undefined)) {
      this.logger.info(
        { writer: message.writer, expected, got: message.seq },
        "the change feed skipped changes; re-reading them from the database",
      );
      this.options.onGap?.("skipped");
      this.catchUp(known?.heardAt ?? this.boundAt);
    }
    this.writers.set(message.writer, { seq: Math.max(message.seq, known?.seq ?? 0), heardAt: now });
  }

  /** Forgets writers not heard for `silenceMs` and re-reads what they may have written unsent. Call every second. */
  checkWriters(): void {
    const now = this.now();
    for (const [writer, { heardAt }] of this.writers) {
      if (writer === this.options.writer || now - heardAt < this.options.silenceMs) continue;
      this.writers.delete(writer);
      this.logger.info({ writer }, "a writer on the change feed went silent; re-reading its changes");
      this.options.onGap?.("silent");
      this.catchUp(heardAt);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** Until when nothing can have been missed: the feed was heard then. */
  private lastCertain(): number {
    return Number.isFinite(this.ownHeardAt) ? this.ownHeardAt : (this.boundAt ?? 0);
  }

  /** Re-reads every record changed since `since` (ms; everything when undefined), until it succeeds. */
  private catchUp(since: number | undefined): void {
    const from = since === undefined ? Number.NEGATIVE_INFINITY : since - this.options.marginMs;
    this.pendingSince = this.pendingSince === undefined ? from : Math.min(this.pendingSince, from);
    this.catchingUp ??= this.runCatchUps().finally(() => {
      this.catchingUp = undefined;
    });
  }

  private async runCatchUps(): Promise<void> {
    let failures = 0;
    while (this.pendingSince !== undefined && !this.stopped) {
      const since = this.pendingSince;
      this.pendingSince = undefined;
      try {
        const records = this.source.changedSince(Number.isFinite(since) ? new Date(since) : undefined);
        for await (const record of records) this.keep(record);
        if (!Number.isFinite(since) && !this.seeded) {
          this.seeded = true;
          this.options.onSeeded?.();
        }
        failures = 0;
      } catch (err) {
        // Asked again, from no later than before; reads go to the database meanwhile.
        this.pendingSince = this.pendingSince === undefined ? since : Math.min(this.pendingSince, since);
        failures++;
        this.logger.warn({ err }, "re-reading deployments for the read model failed; trying again");
        await new Promise((resolve) => setTimeout(resolve, backoffMs(failures, CATCH_UP_RETRY)));
      }
    }
  }
}
