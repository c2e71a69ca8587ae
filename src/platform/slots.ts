// At most `limit` of something held at once per key, in this process: a tenant's open event streams or
// requests held by `Prefer: wait` on one API replica.
export class Slots {
  private readonly held = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Takes a slot for `key`: its release (idempotent), or undefined when `key` holds `limit` already. */
  take(key: string): (() => void) | undefined {
    const count = this.held.get(key) ?? 0;
    if (count >= this.limit) return undefined;
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left === 0) this.held.delete(key);
      else this.held.set(key, left);
    };
  }

  heldBy(key: string): number {
    return this.held.get(key) ?? 0;
  }
}
