// What an interrupted test or benchmark run (SIGINT, SIGTERM, SIGHUP) must still undo before it ends:
// services it started, cluster objects it added (load nodes). Each cleanup registers itself while it is
// owed and unregisters once done; on a signal every one still owed runs (at most 30 s in all), then the
// signal takes its usual course.

type Cleanup = () => unknown;

const owed = new Set<Cleanup>();
let listening = false;

const DEADLINE_MS = 30_000;

async function runOwed(): Promise<void> {
  const all = [...owed];
  owed.clear();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, DEADLINE_MS)));
  await Promise.race([Promise.allSettled(all.map((cleanup) => Promise.resolve().then(cleanup))), deadline]);
  clearTimeout(timer);
}

/** Runs `cleanup` if the run is interrupted before the returned function is called (which forgets it). */
export function undoOnInterrupt(cleanup: Cleanup): () => void {
  if (!listening) {
    listening = true;
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
      process.once(signal, () => {
        void runOwed().finally(() => process.kill(process.pid, signal));
      });
  }
  owed.add(cleanup);
  return () => owed.delete(cleanup);
}
