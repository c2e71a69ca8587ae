// The tenants behind API keys, kept in memory so a request is not a database query before it is anything
// else (it was most of what a read cost). A key stays trustworthy because the cache follows the tenants'
// generation (TenantsRepository.generation), which every change of what a key allows moves — a rotated
// key, changed capabilities, a deleted tenant, by the API or the command line — and which the cache
// reads every `pollMs`: everything it knew is forgotten when it moves. While the generation cannot be
// read (the database is away) the cache is not used at all, so it never answers for longer than
// `trustMs` without having looked; an entry is also read again after `maxAgeMs` whatever happened.
// Unknown keys are never cached: each is a database query, as before.
import type { TenantRecord } from "../../domain/tenant.ts";
import { startTicker, type Ticker } from "../../platform/ticker.ts";
import type { Logger } from "../../platform/logger.ts";

export interface KeySource {
  byKeyId(keyId: string): Promise<TenantRecord | undefined>;
  generation(): Promise<number>;
}

export interface KeyCacheOptions {
  pollMs: number;
  trustMs: number;
  maxAgeMs: number;
  /** Entries kept at most (all are dropped beyond: a flood of keys cannot grow the cache). */
  maxEntries: number;
  now?: () => number;
}

export const KEY_CACHE_DEFAULTS: KeyCacheOptions = {
  pollMs: 250,
  trustMs: 1000,
  maxAgeMs: 60_000,
  maxEntries: 10_000,
};

export class KeyCache {
  private readonly entries = new Map<string, { tenant: TenantRecord; at: number }>();
  private generation: number | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private poller: Ticker | undefined;

  constructor(
    private readonly source: KeySource,
    private readonly logger: Logger,
    private readonly options: KeyCacheOptions = KEY_CACHE_DEFAULTS,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Starts following the generation. */
  start(): void {
    this.poller = startTicker(() => this.check(), {
      delayMs: this.options.pollMs,
      immediately: true,
      onError: (err, failures) => {
        if (failures === 1)
          this.logger.warn({ err }, "cannot read the tenants' generation; keys are checked in the database");
      },
    });
  }

  stop(): void {
    this.poller?.stop();
  }

  /** Forgets every key (a change this replica made: known at once, before the generation is read). */
  forget(): void {
    this.entries.clear();
    this.generation = undefined; // and what is read until the next look is not kept
  }

  /** Reads the generation once; forgets everything when it moved. */
  async check(): Promise<void> {
    const generation = await this.source.generation();
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    this.checkedAt = this.now();
  }

  async byKeyId(keyId: string): Promise<TenantRecord | undefined> {
    const now = this.now();
    const trusted = now - this.checkedAt < this.options.trustMs;
    const held = this.entries.get(keyId);
    if (trusted && held !== undefined && now - held.at < this.options.maxAgeMs) return held.tenant;
    const generation = this.generation;
    const tenant = await this.source.byKeyId(keyId);
    // Kept only if no change was seen while it was read (it may be from before the change).
    if (tenant !== undefined && trusted && generation === this.generation) {
      if (this.entries.size >= this.options.maxEntries) this.entries.clear();
      this.entries.set(keyId, { tenant, at: now });
    }
    return tenant;
  }
}
