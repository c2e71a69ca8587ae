// What the status service sends on the status feed (bus/status-feed.ts): each deployment whose objects
// changed has its status computed again once the events of the moment are in, and sent when it differs
// from what was last sent. The snapshot (`GET /status?statuses=true`) is what was sent, with the number of
// the last message: an API replica seeded from it and given what follows knows every status.
import type { StatusChange } from "../../bus/status-feed.ts";
import type { DeploymentStatus } from "../../domain/live-status.ts";

export interface StatusSource {
  /** The deployment's status now; phase `absent` when it has no objects. */
  statusOf(deploymentId: string): DeploymentStatus;
  staleness(): string | undefined;
}

export class StatusBroadcast {
  /** What was last sent per deployment (its JSON, to compare), absent ones left out. */
  private readonly sent = new Map<string, { status: DeploymentStatus; json: string }>();
  private readonly dirty = new Set<string>();
  private flushing: NodeJS.Immediate | undefined;

  constructor(
    private readonly source: StatusSource,
    private readonly publisher: {
      readonly writer: string;
      readonly lastSeq: number;
      publish(change: StatusChange): unknown;
    },
  ) {}

  /** A deployment's objects changed: its status is looked at once the events of this moment are in. */
  changed(deploymentId: string): void {
    this.dirty.add(deploymentId);
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** Sends every changed status now. */
  flush(): void {
    if (this.flushing !== undefined) clearImmediate(this.flushing);
    this.flushing = undefined;
    for (const id of this.dirty) {
      const status = this.source.statusOf(id);
      const last = this.sent.get(id);
      if (status.phase === "absent") {
        if (last === undefined) continue;
        this.sent.delete(id);
        this.publisher.publish({ kind: "status", deploymentId: id, status: null });
        continue;
      }
      const json = JSON.stringify(status);
      if (last?.json === json) continue;
      this.sent.set(id, { status, json });
      this.publisher.publish({ kind: "status", deploymentId: id, status });
    }
    this.dirty.clear();
  }

  /** Every status sent, as of the feed's last number. */
  snapshot(): { writer: string; seq: number; statuses: DeploymentStatus[]; stale?: string } {
    const stale = this.source.staleness();
    return {
      writer: this.publisher.writer,
      seq: this.publisher.lastSeq,
      statuses: [...this.sent.values()].map((s) => s.status),
      ...(stale === undefined ? {} : { stale }),
    };
  }

  stop(): void {
    if (this.flushing !== undefined) clearImmediate(this.flushing);
    this.flushing = undefined;
  }
}
