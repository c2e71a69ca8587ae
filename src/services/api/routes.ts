// The operators' HTTP API: RAN deployments (create, list, get, delete), operations, and the provider's
// RU pool. Every /v1 call is authenticated; operators act on their own deployments only.
import { setTimeout as delay } from "node:timers/promises";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import {
  DEPLOYMENT_STATES,
  TERMINAL_STATES,
  UPDATE_SETTLED_STATES,
  type DeploymentState,
} from "../../domain/deployment-states.ts";
import { RanaasError } from "../../domain/error-codes.ts";
import { validateRuPool } from "../../domain/ru-pool.ts";
import type { Store } from "../../store/store.ts";
import { principalOf, requireAdmin, visibleTenant } from "./authenticate.ts";
import type { DeploymentLifecycle } from "./deployment-lifecycle.ts";
import { deploymentView, operationView } from "./deployment-view.ts";
import { idempotent } from "./idempotency.ts";
import type { RateLimits } from "./rate-limit.ts";
import { fetchLiveStatus } from "./status-client.ts";

const MAX_WAIT_SECONDS = 60;

export interface RouteDeps {
  store: Store;
  lifecycle: DeploymentLifecycle;
  statusUrl: string;
  limits: RateLimits;
}

/** The request's correlation id (the caller's x-correlator or a fresh one; see service-app.ts). */
export function correlationIdOf(request: FastifyRequest): string {
  return request.id;
}

/** `Prefer: wait=N` (RFC 7240): seconds to hold the answer until the deployment settles. */
function preferredWaitSeconds(request: FastifyRequest): number {
  const prefer = request.headers.prefer;
  const match = typeof prefer === "string" ? /(?:^|[,;\s])wait=(\d+)/.exec(prefer) : null;
  return match === null ? 0 : Math.min(Number(match[1]), MAX_WAIT_SECONDS);
}

async function waitUntilSettled(
  store: Store,
  record: DeploymentRecord,
  seconds: number,
  settled: readonly DeploymentState[],
): Promise<DeploymentRecord> {
  const deadline = Date.now() + seconds * 1000;
  let current = record;
  while (!settled.includes(current.state) && Date.now() < deadline) {
    await delay(100);
    current = (await store.deployments.get(record.id)) ?? current;
  }
  return current;
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { store, lifecycle } = deps;

  app.post("/v1/ran-deployments", async (request, reply) => {
    const correlationId = correlationIdOf(request);
    return idempotent(store.idempotency, request, reply, async () => {
      let record = await lifecycle.create(principalOf(request).tenant, request.body, correlationId);
      const wait = preferredWaitSeconds(request);
      if (wait > 0) record = await waitUntilSettled(store, record, wait, TERMINAL_STATES);
      return {
        status: record.state === "ready" ? 201 : 202,
        body: deploymentView(record),
        location: `/v1/ran-deployments/${record.id}`,
      };
    });
  });

  app.get("/v1/ran-deployments", async (request) => {
    const query = request.query as Record<string, string | undefined>;
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new RanaasError("invalid-request", "limit must be a whole number from 1 to 500", {
        problems: [{ path: "limit", message: "must be 1–500" }],
      });
    }
    const state = query.state as DeploymentState | undefined;
    if (state !== undefined && !DEPLOYMENT_STATES.includes(state)) {
      throw new RanaasError("invalid-request", `state must be one of ${DEPLOYMENT_STATES.join(", ")}`, {
        problems: [{ path: "state", message: `must be one of ${DEPLOYMENT_STATES.join(", ")}` }],
      });
    }
    const items = await store.deployments.list({
      tenant: visibleTenant(request),
      state,
      after: query.after,
      limit: limit + 1,
    });
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => deploymentView(r)),
      next:
        items.length > limit && last !== undefined
          ? `/v1/ran-deployments?limit=${limit}&after=${last.id}${state === undefined ? "" : `&state=${state}`}`
          : null,
    };
  });

  app.get("/v1/ran-deployments/:id", async (request, reply) => {
    const { id } = request.params as { id: string };
    const record = await store.deployments.get(id, visibleTenant(request));
    if (record === undefined) throw new RanaasError("not-found", `no RAN deployment ${id}`);
    void reply.header("etag", `"${record.revision}"`);
    return deploymentView(record, await fetchLiveStatus(deps.statusUrl, id));
  });

  // JSON merge patch of the request (RFC 7386); If-Match: "<revision>" prevents lost updates.
  app.addContentTypeParser("application/merge-patch+json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, JSON.parse(String(body)) as unknown);
    } catch {
      done(Object.assign(new Error("the body is not valid JSON"), { statusCode: 400 }), undefined);
    }
  });

  app.patch("/v1/ran-deployments/:id", async (request, reply) => {
    const { id } = request.params as { id: string };
    const ifMatch = request.headers["if-match"];
    let revision: number | undefined;
    if (typeof ifMatch === "string" && ifMatch !== "*") {
      const match = /^(?:W\/)?"(\d+)"$/.exec(ifMatch.trim());
      if (match === null)
        throw new RanaasError(
          "precondition-failed",
          `If-Match ${ifMatch} is not an ETag of this API ("<revision>")`,
        );
      revision = Number(match[1]);
    }
    return idempotent(store.idempotency, request, reply, async () => {
      const { record, restarts } = await lifecycle.update(
        visibleTenant(request),
        id,
        request.body,
        revision,
        correlationIdOf(request),
      );
      let current = record;
      const wait = preferredWaitSeconds(request);
      if (wait > 0) current = await waitUntilSettled(store, record, wait, UPDATE_SETTLED_STATES);
      return {
        status: current.state === "ready" ? 200 : 202,
        body: { ...deploymentView(current), restarts },
      };
    });
  });

  app.delete("/v1/ran-deployments/:id", async (request, reply) => {
    const { id } = request.params as { id: string };
    return idempotent(store.idempotency, request, reply, async () => {
      let record = await lifecycle.delete(visibleTenant(request), id, correlationIdOf(request));
      const wait = preferredWaitSeconds(request);
      if (wait > 0) record = await waitUntilSettled(store, record, wait, ["deleted", "failed"]);
      return { status: 202, body: deploymentView(record) };
    });
  });

  app.get("/v1/operations/:id", async (request) => {
    const { id } = request.params as { id: string };
    const op = await store.operations.get(id, visibleTenant(request));
    if (op === undefined) throw new RanaasError("not-found", `no operation ${id}`);
    return operationView(op);
  });

  // What could still be had, per site; an operator also sees its quota and what is left of it.
  app.get("/v1/capacity", async (request) => {
    const principal = principalOf(request);
    const capacity = await lifecycle.capacity(correlationIdOf(request));
    if (principal.role === "admin") return capacity;
    const [tenant, usage] = await Promise.all([
      store.tenants.get(principal.tenant),
      store.allocations.usageOf(principal.tenant),
    ]);
    const quotas = tenant?.quotas ?? {};
    const left = (limit: number | undefined, used: number) =>
      limit === undefined ? null : Math.max(limit - used, 0);
    return {
      ...capacity,
      quota: {
        limits: quotas,
        usage,
        remaining: {
          deployments: left(quotas.deployments, usage.deployments),
          cells: left(quotas.cells, usage.cells),
          cpuMillis: left(quotas.cpuMillis, usage.cpuMillis),
        },
      },
    };
  });

  // The provider's RU pool: admins only.
  app.get("/v1/rus", async (request) => {
    requireAdmin(request);
    const [rus, view] = await Promise.all([store.rus.list(), store.allocations.view()]);
    return { items: rus.map((ru) => ({ ...ru, allocatedTo: view.ruHolders.get(ru.id) ?? null })) };
  });

  app.post("/v1/rus", async (request, reply) => {
    requireAdmin(request);
    const validated = validateRuPool({ rus: Array.isArray(request.body) ? request.body : [request.body] });
    if (!validated.ok) {
      throw new RanaasError("invalid-request", "not a valid radio unit", {
        problems: validated.problems.map((p) => ({ ...p, path: p.path.replace(/^\/rus\/\d+/, "") || "/" })),
      });
    }
    await store.rus.upsert(validated.pool.rus);
    return reply.code(201).send({ items: validated.pool.rus });
  });

  app.delete("/v1/rus/:id", async (request, reply) => {
    requireAdmin(request);
    const { id } = request.params as { id: string };
    const holder = (await store.allocations.view()).ruHolders.get(id);
    if (holder !== undefined)
      throw new RanaasError("identity-conflict", `RU ${id} is in use by deployment ${holder}`);
    if (!(await store.rus.delete(id))) throw new RanaasError("not-found", `no RU ${id}`);
    return reply.code(204).send();
  });
}
