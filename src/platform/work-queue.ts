// A keyed work queue, as Kubernetes controllers have (client-go's workqueue): keys, not events, are
// queued, so a burst of events about one deployment is one round of work; a key is worked on by one
// round at a time, and one added while it is worked on is queued again once that round ends; a round
// that fails is queued again later, after a delay that grows with the key's failures in a row
// (platform/backoff.ts) and is forgotten once a round succeeds. `exclusive` lets other work on a key
// (a report being applied) take its turn with the rounds.
import { backoffMs, type Backoff } from "./backoff.ts";

export interface WorkQueueOptions {
  /** How many keys are worked on at once (each key by one round at most). */
  concurrency: number;
  /** The delay before a failed key is tried again, from its failures in a row. */
  backoff: Backoff;
  /** Told of a round that threw (its key is queued again after the backoff). */
  onError: (key: string, err: unknown, failures: number) => void;
}

export class KeyedWorkQueue {
  /** Keys waiting for a round, first in first out, each once. */
  private readonly waiting = new Set<string>();
  /** Keys being worked on now. */
  private readonly processing = new Set<string>();
  /** Keys added while being worked on: queued again when their round ends. */
  private readonly dirty = new Set<string>();
  /** Failures in a row, per key. */
  private readonly failures = new Map<string, number>();
  /** Keys that failed (`addRateLimited`) during their own round: not forgotten when it ends. */
  private readonly failedInRound = new Set<string>();
  /** Keys to be added later, with when. */
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  /** The tail of each key's line of exclusive work. */
  private readonly tails = new Map<string, Promise<void>>();
  private active = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly options: WorkQueueOptions,
  ) {}

  /** Keys waiting for a round now (not counting those added for later). */
  get depth(): number {
    return this.waiting.size;
  }

  /** Queues a key for a round as soon as a slot is free (once, however often it is added meanwhile). */
  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.pump();
  }

  /** Queues a key after `delayMs`; of several delays pending for one key, the earliest wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref(); // a key waiting for later does not keep the process alive
    this.delayed.set(key, { at, timer });
  }

  /** Queues a key that failed, after the backoff for its failures in a row. */
  addRateLimited(key: string): void {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    if (this.processing.has(key)) this.failedInRound.add(key);
    this.addAfter(key, backoffMs(failures, this.options.backoff));
  }

  /** A key's failures in a row (0 when its last round succeeded). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /**
   * Runs `fn` holding the key: after the rounds and exclusive work on it that came first, and before
   * those that come later. The turn is taken when this is called, so calls made in an order run in it.
   */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const run = before.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  /** Resolves once no key is waiting or being worked on (keys added for later do not count). */
  idle(): Promise<void> {
    if (this.active === 0 && this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts nothing more and drops what waits; resolves once the rounds under way have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.waiting.clear();
    this.dirty.clear();
    await this.idle();
  }

  private pump(): void {
    while (!this.stopped && this.active < this.options.concurrency) {
      const next = this.waiting.values().next();
      if (next.done === true) break;
      const key = next.value;
      this.waiting.delete(key);
      this.processing.add(key);
      this.active++;
      void this.round(key);
    }
    if (this.active === 0 && this.waiting.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async round(key: string): Promise<void> {
    try {
      await this.exclusive(key, () => this.work(key));
      if (!this.failedInRound.has(key)) this.failures.delete(key);
    } catch (err) {
      this.addRateLimited(key);
      this.options.onError(key, err, this.failuresOf(key));
    } finally {
      this.failedInRound.delete(key);
      this.processing.delete(key);
      this.active--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }
}
