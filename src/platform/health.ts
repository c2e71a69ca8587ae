// Liveness and readiness: a service registers named checks of its dependencies; /readyz runs them all.
export interface HealthCheck {
  /** Short name shown in /readyz, e.g. "mongodb". */
  name: string;
  /** Resolves when the dependency is usable; rejects (or throws) with the reason when it is not. */
  check: () => Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  message?: string;
  durationMs: number;
}

export interface ReadinessReport {
  ready: boolean;
  checks: CheckResult[];
}

/** Runs every check concurrently, each bounded by timeoutMs so a hung dependency reads as not ready. */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  timeoutMs = 2000,
): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map((c) => runOne(c, timeoutMs)));
  return { ready: results.every((r) => r.ok), checks: results };
}

async function runOne(healthCheck: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([healthCheck.check(), timeout]);
    return { name: healthCheck.name, ok: true, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      name: healthCheck.name,
      ok: false,
      message,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
  }
}
