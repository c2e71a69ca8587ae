// One backoff for every retry RANaaS schedules: the first delay, doubling on each further attempt, up to
// a ceiling.

export interface Backoff {
  firstMs: number;
  maxMs: number;
}

/** The delay before attempt `attempt` + 1, after `attempt` (1, 2, …) attempts have failed. */
export function backoffMs(attempt: number, { firstMs, maxMs }: Backoff): number {
  return Math.min(firstMs * 2 ** Math.max(0, attempt - 1), maxMs);
}
