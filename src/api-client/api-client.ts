// A client of the RANaaS HTTP API for the CLI (and anything else written in TypeScript): JSON in and
// out, problem documents turned into ApiError, a dead or unreachable endpoint into UnreachableError.
import type { KpiName } from "../srsran/kpi-window.ts";
import { readEvents, type ServerSentEvent } from "./sse.ts";

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  problems?: { path: string; message: string }[];
  [key: string]: unknown;
}

/** The API answered with an error (a problem document). */
export class ApiError extends Error {
  constructor(public readonly problem: Problem) {
    super(
      [problem.detail ?? problem.title ?? `HTTP ${problem.status}`]
        .concat((problem.problems ?? []).map((p) => `  ${p.path}: ${p.message}`))
        .join("\n"),
    );
    this.name = "ApiError";
  }

  get status(): number {
    return this.problem.status;
  }
}

/** The API could not be reached at all (refused, timed out, DNS). */
export class UnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot reach the RANaaS API at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "UnreachableError";
  }
}

export interface ClientResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** What the API answers for a deployment (the parts clients read). */
export interface DeploymentView {
  id: string;
  name: string;
  state: string;
  /** The radio's own health, from its CU's and DU's reports (absent when RANaaS does not read them). */
  radio?: {
    state: string;
    since: string;
    reasons: string[];
    f1: string;
    amfs: { address: string; connected: boolean | null }[];
    cells: { index: number; pci: number; active: boolean | null }[];
  };
  reason?: string;
  reasonCode?: string;
  /** When RANaaS tries again to bring back a deployment whose update or heal failed. */
  retryAt?: string;
  spec: Record<string, unknown> & { cells: unknown[] };
  plan: null | {
    gnbId: number;
    gnbIdBits: number;
    site: string;
    namespace: string;
    cu: { node: string };
    du: { node: string; gnbDuId: number };
    cells: {
      index: number;
      ruId: string;
      ruNode: string;
      pci: number;
      nci: string;
      nrCgi: string;
      band: number;
      duplex: string;
      dlArfcn: number;
      bandwidthMHz: number;
    }[];
  };
  connection: null | {
    network?: "pod" | "backhaul" | "host";
    n2: { sourceAddress: string; amfSeesOutsideCluster?: string; amf: { address: string; port: number }[] };
    n3: { address: string; port: number; serviceType: string };
  };
  status?: {
    phase?: string;
    stale?: boolean;
    message?: string;
    components?: { name: string; ready: boolean; restarts: number; node?: string; message?: string }[];
  };
  /** What became of the callbacks (one deployment's GET only, when it has a callback URL). */
  callbacks?: {
    delivered: number;
    pending: number;
    abandoned: number;
    lastError?: { message: string; at: string };
  };
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** A deployment's KPIs per cell over the last seconds (GET /v1/ran-deployments/{id}/kpis). */
export interface DeploymentKpis {
  deploymentId: string;
  bucketSeconds: number;
  /** The planned cells, in the order of each bucket's `cells` (empty while no radio is observed). */
  cells: { index: number; pci: number }[];
  /** Oldest first: each bucket's start and each cell's means over it (absent: nothing reported). */
  buckets: { at: string; cells: Partial<Record<KpiName, number>>[] }[];
}

export class RanaasClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ClientResponse<T>> {
    const response = await this.send(
      method,
      path,
      options,
      AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs),
    );
    const text = await response.text();
    const body = text === "" ? undefined : (JSON.parse(text) as unknown);
    if (!response.ok) {
      const problem =
        typeof body === "object" && body !== null ? (body as Problem) : { status: response.status };
      throw new ApiError({ ...problem, status: response.status });
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  me(): Promise<{ tenant: string; role: "admin" | "operator" }> {
    return this.request<{ tenant: string; role: "admin" | "operator" }>("GET", "/v1/me").then((r) => r.body);
  }

  async createDeployment(spec: unknown, idempotencyKey?: string): Promise<DeploymentView> {
    const headers: Record<string, string> =
      idempotencyKey === undefined ? {} : { "idempotency-key": idempotencyKey };
    return (await this.request<DeploymentView>("POST", "/v1/ran-deployments", { body: spec, headers })).body;
  }

  /** The deployment and its revision (for If-Match). */
  async getDeployment(id: string): Promise<DeploymentView> {
    return (await this.request<DeploymentView>("GET", `/v1/ran-deployments/${encodeURIComponent(id)}`)).body;
  }

  /** Every deployment the key may see, following the pages. */
  async listDeployments(state?: string): Promise<DeploymentView[]> {
    const items: DeploymentView[] = [];
    let next: string | null =
      `/v1/ran-deployments?limit=500${state === undefined ? "" : `&state=${encodeURIComponent(state)}`}`;
    while (next !== null) {
      const page: { items: DeploymentView[]; next: string | null } = (
        await this.request<{ items: DeploymentView[]; next: string | null }>("GET", next)
      ).body;
      items.push(...page.items);
      next = page.next;
    }
    return items;
  }

  /** A JSON merge patch of the request; with `revision`, only if nobody changed it meanwhile. */
  async updateDeployment(id: string, patch: unknown, revision?: number): Promise<DeploymentView> {
    const headers: Record<string, string> = revision === undefined ? {} : { "if-match": `"${revision}"` };
    return (
      await this.request<DeploymentView>("PATCH", `/v1/ran-deployments/${encodeURIComponent(id)}`, {
        body: patch,
        contentType: "application/merge-patch+json",
        headers,
      })
    ).body;
  }

  async deleteDeployment(id: string): Promise<DeploymentView> {
    return (await this.request<DeploymentView>("DELETE", `/v1/ran-deployments/${encodeURIComponent(id)}`))
      .body;
  }

  /** The cells' KPIs over the last `windowSeconds` (10–900), in 10 s buckets. */
  async kpis(id: string, windowSeconds: number): Promise<DeploymentKpis> {
    const path = `/v1/ran-deployments/${encodeURIComponent(id)}/kpis?windowSeconds=${windowSeconds}`;
    return (await this.request<DeploymentKpis>("GET", path)).body;
  }

  async capacity(): Promise<Record<string, unknown>> {
    return (await this.request<Record<string, unknown>>("GET", "/v1/capacity")).body;
  }

  async rus(): Promise<{ items: Record<string, unknown>[] }> {
    return (await this.request<{ items: Record<string, unknown>[] }>("GET", "/v1/rus")).body;
  }

  /** Server-sent events of one deployment (`id`) or of all the key may see; ends when `signal` aborts. */
  async *events(id: string | undefined, signal: AbortSignal): AsyncGenerator<ServerSentEvent> {
    const path = id === undefined ? "/v1/events" : `/v1/ran-deployments/${encodeURIComponent(id)}/events`;
    const response = await this.send("GET", path, { headers: { accept: "text/event-stream" } }, signal);
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as Problem;
      throw new ApiError({ ...body, status: response.status });
    }
    if (response.body === null) return;
    try {
      yield* readEvents(response.body);
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    signal: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.apiKey}`,
      accept: "application/json",
      ...options.headers,
    };
    if (options.body !== undefined) headers["content-type"] = options.contentType ?? "application/json";
    try {
      return await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal,
      });
    } catch (err) {
      if (signal.aborted && signal.reason instanceof Error && signal.reason.name === "AbortError") throw err;
      throw new UnreachableError(
        this.baseUrl,
        err instanceof Error && err.cause !== undefined ? err.cause : err,
      );
    }
  }
}
