// Informers kept running: each lists and watches into a local cache, is restarted with backoff after an
// error, and says honestly whether it is current. The caches of the status service and the orchestrator
// are built on it.
import type { Informer, KubernetesObject, ObjectCache } from "@kubernetes/client-node";
import type { Logger } from "../../platform/logger.ts";

export type CachingInformer<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

interface Watched {
  name: string;
  informer: CachingInformer<KubernetesObject>;
  synced: boolean;
  /** Errors seen so far; a start during which none occurred has a working watch. */
  errors: number;
  handlersAttached: boolean;
  lastError?: string;
  /** When the informer last stopped being current (ms since the epoch); since start when never synced. */
  staleSince: number;
}

export class InformerGroup {
  private readonly watched: Watched[];
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    informers: Record<string, CachingInformer<KubernetesObject>>,
    private readonly logger: Logger,
  ) {
    this.watched = Object.entries(informers).map(([name, informer]) => ({
      name,
      informer,
      synced: false,
      errors: 0,
      handlersAttached: false,
      staleSince: Date.now(),
    }));
  }

  async start(): Promise<void> {
    await Promise.all(this.watched.map((w) => this.run(w, 500)));
  }

  /** Undefined when every informer is synced and watching; else why the caches may be stale. */
  staleness(): string | undefined {
    const behind = this.watched.filter((w) => !w.synced);
    return behind.length === 0
      ? undefined
      : behind.map((w) => `${w.name}: ${w.lastError ?? "not synced yet"}`).join("; ");
  }

  /** Per informer: seconds it has not been current (0 when synced and watching). */
  stalenessSeconds(now = Date.now()): { informer: string; seconds: number }[] {
    return this.watched.map((w) => ({
      informer: w.name,
      seconds: w.synced ? 0 : (now - w.staleSince) / 1000,
    }));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    // A stopped cache is no longer current: whoever still reads it is told so.
    for (const w of this.watched) {
      if (w.synced) w.staleSince = Date.now();
      w.synced = false;
      w.lastError = "stopped";
    }
    for (const w of this.watched) void w.informer.stop();
  }

  private async run(w: Watched, backoffMs: number): Promise<void> {
    if (!w.handlersAttached) {
      w.handlersAttached = true;
      // The library's "connect" fires before it lists and watches, so it proves nothing: a start that
      // raised no error is what marks the cache as current.
      w.informer.on("error", (err: unknown) => {
        w.errors += 1;
        if (w.synced) w.staleSince = Date.now();
        w.synced = false;
        w.lastError = err instanceof Error ? err.message : String(err);
        this.logger.warn({ informer: w.name, err }, "informer failed; restarting");
        this.restartLater(w, backoffMs);
      });
    }
    const errorsBefore = w.errors;
    try {
      await w.informer.start();
      if (w.errors === errorsBefore) {
        w.synced = true;
        delete w.lastError;
      }
    } catch (err) {
      if (w.synced) w.staleSince = Date.now();
      w.synced = false;
      w.lastError = err instanceof Error ? err.message : String(err);
      this.restartLater(w, backoffMs);
    }
  }

  private restartLater(w: Watched, backoffMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(w, Math.min(backoffMs * 2, 10_000));
    }, backoffMs);
    this.timers.add(timer);
  }
}
