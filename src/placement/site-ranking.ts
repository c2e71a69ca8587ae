// Sites ranked by how many free RUs of some kinds they have (most first, then by name), kept current as
// RUs are held and given back, so the best site for a request is found without counting every site's
// RUs. Counts move by one at a time; sites with equal counts share a bucket kept sorted by name. No I/O.

import { toggleSorted } from "../domain/sorted-list.ts";

export class SiteRanking {
  private readonly countOf = new Map<string, number>();
  /** count → the sites with that count, sorted by name. */
  private readonly buckets = new Map<number, string[]>();
  /** No site has more than this. */
  private max = 0;

  /** `counts`: each site's count now. */
  constructor(counts: Iterable<readonly [string, number]>) {
    for (const [site, count] of counts) this.place(site, count);
  }

  count(site: string): number {
    return this.countOf.get(site) ?? 0;
  }

  /** The site's count moved by `delta`. */
  adjust(site: string, delta: number): void {
    const before = this.countOf.get(site);
    if (before !== undefined) {
      const bucket = this.buckets.get(before);
      if (bucket !== undefined) {
        toggleSorted(bucket, site, -1);
        if (bucket.length === 0) this.buckets.delete(before);
      }
    }
    this.place(site, (before ?? 0) + delta);
    while (this.max > 0 && !this.buckets.has(this.max)) this.max--;
  }

  /** Every site, most first and then by name; lazily, so taking the first costs nothing more. */
  *bestFirst(): Generator<{ site: string; count: number }> {
    for (let count = this.max; count >= 0; count--) {
      for (const site of this.buckets.get(count) ?? []) yield { site, count };
    }
  }

  private place(site: string, count: number): void {
    this.countOf.set(site, count);
    let bucket = this.buckets.get(count);
    if (bucket === undefined) this.buckets.set(count, (bucket = []));
    toggleSorted(bucket, site, +1);
    if (count > this.max) this.max = count;
  }
}
