// Polls a condition until it holds or a deadline passes: tests wait for the world this way, never by sleeping.
import { setTimeout as delay } from "node:timers/promises";

export interface EventuallyOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Says what was awaited, for the failure message. */
  what: string;
  /** Says what was last seen, for the failure message. */
  lastSeen?: () => string;
}

/** Resolves with the first non-undefined value of probe(); rejects with the last error after the deadline. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  options: EventuallyOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const seen = options.lastSeen === undefined ? "" : `; last seen: ${options.lastSeen()}`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${seen}`, {
        cause: lastError,
      });
    }
    await delay(options.intervalMs ?? 100);
  }
}
