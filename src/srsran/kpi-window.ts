// A deployment's recent KPIs per cell, in bounded memory: the reports of each period are folded into
// buckets of `bucketMs` (means of what was reported in them), and only the last `buckets` are kept —
// 15 minutes at 10 s by default, about 4 KB a cell whatever the period. Pure: the tracker adds samples
// with the time they arrived.

import { KPI_NAMES, type KpiName } from "../domain/live-status.ts";

/** The KPIs kept per cell, in this order in each bucket (domain/live-status.ts). */
export { KPI_NAMES, type KpiName };
export type KpiSample = Partial<Record<KpiName, number>>;

export interface KpiBucket {
  /** The bucket's start (ms since the epoch). */
  at: number;
  /** Per cell (by index in the plan), the mean of each KPI reported in the bucket (absent: none was). */
  cells: KpiSample[];
}

const WIDTH = KPI_NAMES.length;

export class KpiWindow {
  /** Per bucket slot: sums and counts per cell and KPI. */
  private readonly sums: Float64Array;
  private readonly counts: Uint16Array;
  private readonly starts: Float64Array;
  private newest = -1;

  constructor(
    private readonly cells: number,
    readonly bucketMs = 10_000,
    readonly buckets = 90,
  ) {
    this.sums = new Float64Array(buckets * cells * WIDTH);
    this.counts = new Uint16Array(buckets * cells * WIDTH);
    this.starts = new Float64Array(buckets).fill(Number.NaN);
  }

  /** The KPIs of each cell (by plan index) reported at `now`. */
  add(now: number, samples: readonly KpiSample[]): void {
    const start = now - (now % this.bucketMs);
    const slot = Math.floor(start / this.bucketMs) % this.buckets;
    if (this.starts[slot] !== start) {
      if (this.newest >= 0 && start < this.starts[this.newest]!) return; // older than what is kept
      this.starts[slot] = start;
      const from = slot * this.cells * WIDTH;
      this.sums.fill(0, from, from + this.cells * WIDTH);
      this.counts.fill(0, from, from + this.cells * WIDTH);
    }
    this.newest = slot;
    samples.forEach((sample, cell) => {
      if (cell >= this.cells) return;
      KPI_NAMES.forEach((name, k) => {
        const value = sample[name];
        if (value === undefined || !Number.isFinite(value)) return;
        const i = (slot * this.cells + cell) * WIDTH + k;
        this.sums[i] = this.sums[i]! + value;
        this.counts[i] = Math.min(this.counts[i]! + 1, 65_535);
      });
    });
  }

  /** The buckets that overlap the `windowMs` before `now`, oldest first. */
  query(now: number, windowMs: number): KpiBucket[] {
    const buckets: KpiBucket[] = [];
    for (let slot = 0; slot < this.buckets; slot++) {
      const at = this.starts[slot]!;
      if (Number.isNaN(at) || at <= now - windowMs - this.bucketMs || at > now) continue;
      const cells: KpiSample[] = [];
      for (let cell = 0; cell < this.cells; cell++) {
        const sample: KpiSample = {};
        KPI_NAMES.forEach((name, k) => {
          const i = (slot * this.cells + cell) * WIDTH + k;
          if (this.counts[i]! > 0) sample[name] = this.sums[i]! / this.counts[i]!;
        });
        cells.push(sample);
      }
      buckets.push({ at, cells });
    }
    return buckets.sort((a, b) => a.at - b.at);
  }
}
