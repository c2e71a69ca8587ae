// A set of positive integer ids that also answers "the lowest id not in it" without counting up from 1
// each time (a gNB ID is the lowest free one: with 50,000 deployments that count was 50,000 lookups per
// plan). The cursor only moves back when an id below it is freed, so a run of allocations is amortised O(1).

export class LowestFreeIds implements ReadonlySet<number> {
  private readonly ids = new Set<number>();
  /** Every id from 1 below it is in the set. */
  private cursor = 1;

  constructor(ids: Iterable<number> = []) {
    for (const id of ids) this.add(id);
  }

  add(id: number): this {
    this.ids.add(id);
    while (this.ids.has(this.cursor)) this.cursor++;
    return this;
  }

  delete(id: number): boolean {
    const had = this.ids.delete(id);
    if (had && id >= 1 && id < this.cursor) this.cursor = id;
    return had;
  }

  /** The lowest id from 1 up that is not in the set. */
  lowestFree(): number {
    return this.cursor;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }

  forEach(callback: (value: number, key: number, set: ReadonlySet<number>) => void, thisArg?: unknown): void {
    for (const id of this.ids) callback.call(thisArg, id, id, this);
  }

  entries(): SetIterator<[number, number]> {
    return this.ids.entries();
  }

  keys(): SetIterator<number> {
    return this.ids.keys();
  }

  values(): SetIterator<number> {
    return this.ids.values();
  }

  [Symbol.iterator](): SetIterator<number> {
    return this.ids[Symbol.iterator]();
  }
}
