// Asks the status service for a deployment's live status; an unreachable status service is reported as
// stale status rather than failing the request. Over node:http(s) with kept connections: every get of a
// deployment asks, and the global fetch costs several times the CPU per call of a plain request.
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { DeploymentStatus } from "../../domain/live-status.ts";
import type { StatusSnapshot } from "./live-status-mirror.ts";

const agents = {
  "http:": new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  "https:": new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

/** GETs `url` and parses its JSON body; rejects when it cannot be had within `timeoutMs`. */
function getJson(url: URL, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const https = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        agent: agents[https ? "https:" : "http:"],
        timeout: timeoutMs,
        headers: { accept: "application/json" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = {};
          try {
            body = text === "" ? {} : JSON.parse(text);
          } catch {
            // not JSON: an answer without a body to read
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** Per deployment id, each component's desired replicas, as the status service sees the cluster. */
export type LiveReplicas = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * Every deployment's components at once (the periodic drift sweep), or undefined when the status
 * service cannot say (unreachable, or its cache is stale).
 */
export async function fetchAllLiveReplicas(
  statusUrl: string,
  timeoutMs = 5000,
): Promise<LiveReplicas | undefined> {
  try {
    const { status, body } = await getJson(new URL(`${statusUrl}/status`), timeoutMs);
    const answer = body as { stale?: unknown; deployments?: Record<string, Record<string, number>> };
    if (status !== 200 || answer.stale !== false || typeof answer.deployments !== "object") return undefined;
    return new Map(
      Object.entries(answer.deployments).map(([id, components]) => [id, new Map(Object.entries(components))]),
    );
  } catch {
    return undefined;
  }
}

export async function fetchLiveStatus(
  statusUrl: string,
  deploymentId: string,
  timeoutMs = 1000,
): Promise<unknown> {
  try {
    const { status, body } = await getJson(
      new URL(`${statusUrl}/status/${encodeURIComponent(deploymentId)}`),
      timeoutMs,
    );
    // Absent: the status service has none of its objects — as of a cache that may itself be stale.
    if (status === 404) return { phase: "absent", stale: (body as { stale?: unknown }).stale === true };
    if (status < 200 || status >= 300) return { stale: true, message: `status service answered ${status}` };
    return body;
  } catch (err) {
    return {
      stale: true,
      message: `status service unreachable: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** The status service's snapshot of every status sent on the status feed (a replica's seed); rejects when it cannot be had. */
export async function fetchStatusSnapshot(statusUrl: string, timeoutMs = 10_000): Promise<StatusSnapshot> {
  const { status, body } = await getJson(new URL(`${statusUrl}/status?statuses=true`), timeoutMs);
  const answer = body as Partial<{
    writer: string;
    seq: number;
    statuses: DeploymentStatus[];
    stale: string;
    observedAt: string;
  }>;
  if (
    status !== 200 ||
    typeof answer.writer !== "string" ||
    typeof answer.seq !== "number" ||
    !Array.isArray(answer.statuses)
  )
    throw new Error(`the status service answered ${status} without a snapshot`);
  return {
    writer: answer.writer,
    seq: answer.seq,
    statuses: answer.statuses,
    ...(typeof answer.stale === "string" ? { stale: answer.stale } : {}),
    observedAt: typeof answer.observedAt === "string" ? Date.parse(answer.observedAt) : Date.now(),
  };
}

/** A deployment's cells' KPIs from the status service; undefined when it observes no radio for it. */
export async function fetchKpis(
  statusUrl: string,
  deploymentId: string,
  windowSeconds: number,
  timeoutMs = 5_000,
): Promise<unknown> {
  const url = new URL(`/status/${encodeURIComponent(deploymentId)}/kpis`, statusUrl);
  url.searchParams.set("windowSeconds", String(windowSeconds));
  const answer = await getJson(url, timeoutMs);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`the status service answered ${answer.status}`);
  return answer.body;
}
