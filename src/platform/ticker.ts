// One loop for the periodic work of every service (the API's reconciler, callback delivery, index
// creation until it succeeds): runs the work, waits, runs it again — never two rounds at once — until
// stopped. A round that throws is reported and the loop goes on, after a delay that may grow with the
// failures in a row (platform/backoff.ts).

export interface Ticker {
  /** Stops the loop: no round starts after this (one under way finishes). */
  stop(): void;
}

export interface TickerOptions {
  /** The pause between rounds; with a function, from the number of failed rounds in a row (0 after a success). */
  delayMs: number | ((failures: number) => number);
  /** Whether the first round runs at once (else after the first pause). */
  immediately?: boolean;
  /** Told of a round that threw. */
  onError: (err: unknown, failures: number) => void;
}

/** `work` returns "done" to end the loop itself (e.g. indexes created). */
export function startTicker(work: () => Promise<void | "done">, options: TickerOptions): Ticker {
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const pause = () => (typeof options.delayMs === "number" ? options.delayMs : options.delayMs(failures));
  const round = async (): Promise<void> => {
    try {
      if ((await work()) === "done") return;
      failures = 0;
    } catch (err) {
      failures++;
      options.onError(err, failures);
    }
    if (!stopped) timer = setTimeout(() => void round(), pause());
  };
  if (options.immediately === true) void round();
  else timer = setTimeout(() => void round(), pause());
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
