// Each API replica's copy of every deployment's live status, so a get answers from memory instead of
// asking the status service each time. The status service sends every change of a deployment's status
// and a heartbeat every second on the status feed (bus/status-feed.ts); this replica consumes it from its
// own queue and, each time that queue is (again) bound, seeds the copy from the status service's
// snapshot (`GET /status?statuses=true`: the statuses as of the snapshot's feed number) and applies what
// comes after that number.
//
// The copy answers only while it is known to be complete:
// - seeded, from one writer (a status service process), whose numbers it has seen without a gap;
// - that writer heard on the feed since the seed (the queue flows: a snapshot alone proves nothing of
//   what comes after it), and within `silenceMs`.
// Otherwise the caller asks the status service as before, and the copy is seeded again: on a gap, on its
// queue being bound again, and when its writer went silent (a restarted status service is a new writer).
import { alertKey, type DeploymentStatus, type RadioHealth } from "../../domain/live-status.ts";
import type { StatusFeedMessage } from "../../bus/status-feed.ts";
import { backoffMs } from "../../platform/backoff.ts";
import type { Logger } from "../../platform/logger.ts";

export interface StatusSnapshot {
  writer: string;
  /** The feed number the statuses are as of. */
  seq: number;
  statuses: DeploymentStatus[];
  /** Why the status service's cache may be stale, when it may be. */
  stale?: string;
  /** When the status service took the snapshot (ms). */
  observedAt: number;
}

export interface LiveStatusMirrorOptions {
  /** The status service's snapshot; rejects when it cannot be had. */
  fetchSnapshot: () => Promise<StatusSnapshot>;
  logger: Logger;
  /** How long without a message from the writer before the copy is not trusted (3 heartbeats). */
  silenceMs: number;
  now?: () => number;
  /** Told each time the copy is seeded again, and why (for metrics). */
  onReseed?: (cause: ReseedCause) => void;
  /** Told when a deployment's radio state or firing KPI alerts changed, and of every radio a seed brings. */
  onRadioState?: (deploymentId: string) => void;
}

export type ReseedCause = "bound" | "gap" | "silent";

/** Messages kept while a seed is under way; past this, the seed is taken again. */
const BUFFER_MAX = 50_000;
const SEED_RETRY = { firstMs: 200, maxMs: 5_000 };

export class LiveStatusMirror {
  private readonly statuses = new Map<string, DeploymentStatus>();
  private readonly now: () => number;
  private writer: string | undefined;
  private seq = 0;
  private heardAt = Number.NEGATIVE_INFINITY;
  /** The writer's clock at its last message or the snapshot: the answers' `observedAt`. */
  private observedAt = 0;
  private stale: string | undefined;
  private seeded = false;
  /** Whether a message of the seed's writer came over the feed since the seed. */
  private confirmed = false;
  /** Messages that came while a seed was under way (applied after it, past its number). */
  private buffer: StatusFeedMessage[] = [];
  private seeding: Promise<void> | undefined;
  private seedAgain = false;
  private readonly silenceCheck: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: LiveStatusMirrorOptions) {
    this.now = options.now ?? Date.now;
    this.silenceCheck = setInterval(() => this.checkSilence(), options.silenceMs);
    this.silenceCheck.unref();
  }

  /** Whether the copy may answer now. */
  get trusted(): boolean {
    return this.seeded && this.confirmed && this.now() - this.heardAt <= this.options.silenceMs;
  }

  /** Seeds again when the writer went silent (a restarted status service is a new writer); run every `silenceMs`. */
  checkSilence(): void {
    if (this.seeded && this.now() - this.heardAt > this.options.silenceMs) this.reseed("silent");
  }

  /**
   * What the status service would answer for `deploymentId` (as services/api/status-client.ts reads it),
   * or undefined while the copy is not trusted.
   */
  answer(deploymentId: string): unknown {
    if (!this.trusted) return undefined;
    const stale = this.stale === undefined ? { stale: false } : { stale: true, staleReason: this.stale };
    const status = this.statuses.get(deploymentId);
    if (status === undefined) return { phase: "absent", stale: stale.stale };
    return { ...status, ...stale, observedAt: new Date(this.observedAt).toISOString() };
  }

  /** The replica's feed queue is bound (again): what was sent while it was not must be read again. */
  onReady(): void {
    this.reseed("bound");
  }

  onMessage(message: StatusFeedMessage): void {
    if (!this.seeded) {
      if (this.seeding === undefined) return; // not bound yet: the seed after binding covers it
      this.buffer.push(message);
      if (this.buffer.length > BUFFER_MAX) this.reseed("gap");
      return;
    }
    if (message.writer !== this.writer) return; // another status service process: trusted only once seeded from
    this.heardAt = this.now();
    this.confirmed = true;
    // What the writer said of its cache, and when: never from a message older than the snapshot or the
    // last one (both on the writer's clock).
    const newer = message.sentAt >= this.observedAt;
    if (newer) this.observedAt = message.sentAt;
    if (message.kind === "heartbeat") {
      if (newer) this.stale = message.stale;
      if (message.seq > this.seq) this.reseed("gap"); // a change sent that never came
      return;
    }
    if (message.seq <= this.seq) return; // already in the snapshot
    if (message.seq !== this.seq + 1) {
      this.reseed("gap");
      return;
    }
    this.seq = message.seq;
    const before = radioTurn(this.statuses.get(message.deploymentId)?.radio);
    if (message.status === null) this.statuses.delete(message.deploymentId);
    else this.statuses.set(message.deploymentId, message.status);
    if (radioTurn(message.status?.radio) !== before) this.options.onRadioState?.(message.deploymentId);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.silenceCheck);
  }

  /** Takes a new snapshot (once at a time: a cause that comes meanwhile takes it again after). */
  private reseed(cause: ReseedCause): void {
    this.options.onReseed?.(cause);
    this.seeded = false;
    this.confirmed = false;
    this.buffer = [];
    if (this.seeding !== undefined) {
      this.seedAgain = true;
      return;
    }
    this.seeding = this.seed().finally(() => {
      this.seeding = undefined;
    });
  }

  private async seed(): Promise<void> {
    for (let attempt = 0; !this.stopped;) {
      this.seedAgain = false;
      let snapshot: StatusSnapshot;
      try {
        snapshot = await this.options.fetchSnapshot();
      } catch (err) {
        attempt++;
        if (attempt === 1 || attempt % 10 === 0)
          this.options.logger.warn(
            { err, attempt },
            "could not seed live status; asking per request meanwhile",
          );
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, SEED_RETRY)).unref());
        continue;
      }
      if (this.seedAgain) {
        this.buffer = [];
        continue;
      }
      this.statuses.clear();
      for (const status of snapshot.statuses) this.statuses.set(status.deploymentId, status);
      for (const status of snapshot.statuses)
        if (status.radio !== undefined) this.options.onRadioState?.(status.deploymentId);
      this.writer = snapshot.writer;
      this.seq = snapshot.seq;
      this.stale = snapshot.stale;
      this.observedAt = snapshot.observedAt;
      this.heardAt = this.now();
      this.seeded = true;
      const buffered = this.buffer;
      this.buffer = [];
      for (const message of buffered) {
        this.onMessage(message);
        if (!this.seeded) break; // a gap: seeded again below
      }
      if (this.seeded) return;
    }
  }
}

/** What of a radio the controller acts on: its state, and which KPI alerts fire on which cells. */
function radioTurn(radio: RadioHealth | undefined): string {
  if (radio === undefined) return "";
  return [radio.state, ...(radio.alerts ?? []).map(alertKey)].join(" ");
}
