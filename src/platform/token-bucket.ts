// Token buckets per caller: `rate` requests per second sustained, `burst` at once. Pure arithmetic on a
// clock the caller passes in; old buckets are forgotten once they are full again.
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}

  /** Takes a token for `key`; returns 0 when allowed, else the seconds until a token is free. */
  take(key: string, now: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      if (this.buckets.size > 10_000) this.forgetFull(now);
      return 0;
    }
    this.buckets.set(key, { tokens, at: now });
    return (1 - tokens) / this.rate;
  }

  private forgetFull(now: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + ((now - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(key);
  }
}
