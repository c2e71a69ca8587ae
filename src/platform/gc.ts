// A full garbage collection on demand, where the process runs with --expose-gc (the API does, see the
// chart's api.nodeOptions); nothing otherwise.

/** Collects garbage now if the process allows it; whether it did. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return false;
  gc();
  return true;
}
