// Follows one deployment's server-sent events until it reaches one of the wanted states, reconnecting
// when the stream drops (an API restart, a proxy timeout) until the deadline.
import { setTimeout as delay } from "node:timers/promises";
import type { DeploymentView, RanaasClient } from "../../api-client/api-client.ts";
import { ApiError, UnreachableError } from "../../api-client/api-client.ts";
import { CommandFailure, EXIT } from "./session.ts";

export async function followDeployment(
  client: RanaasClient,
  id: string,
  until: readonly string[],
  timeoutMs: number,
  onView: (view: DeploymentView) => void,
): Promise<DeploymentView> {
  const deadline = AbortSignal.timeout(timeoutMs);
  let last: DeploymentView | undefined;
  while (!deadline.aborted) {
    try {
      for await (const event of client.events(id, deadline)) {
        if (event.event !== "deployment") continue;
        last = JSON.parse(event.data) as DeploymentView;
        onView(last);
        if (until.includes(last.state)) return last;
      }
    } catch (err) {
      if (err instanceof ApiError && err.status !== 503) throw err;
      if (!(err instanceof ApiError || err instanceof UnreachableError) && !deadline.aborted) throw err;
    }
    if (last !== undefined && until.includes(last.state)) return last;
    await delay(500, undefined, { signal: deadline }).catch(() => undefined);
  }
  const seconds = Math.round(timeoutMs / 1000);
  throw new CommandFailure(
    `${last?.name ?? id} is still ${last?.state ?? "unknown"} after ${seconds}s (it carries on; see 'ranaas get ${id}')`,
    EXIT.timedOut,
  );
}

/** "90s", "10m", "1h" or a number of seconds, as milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) throw new Error(`"${text}" is not a duration such as 90s, 10m or 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"] ?? 1000;
  return Number(match[1]) * unit;
}
