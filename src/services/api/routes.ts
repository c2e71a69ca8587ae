// The operators' HTTP API: RAN deployments (create, list, get, delete), operations, and the provider's
// RU pool. Every /v1 call is authenticated; operators act on their own deployments only.
import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import {
  DELETE_SETTLED_STATES,
  DEPLOYMENT_STATES,
  STATE,
  TERMINAL_STATES,
  UPDATE_SETTLED_STATES,
  type DeploymentState,
} from "../../domain/deployment-states.ts";
import { RanaasError, type ErrorCode } from "../../domain/error-codes.ts";
import { RadioUnitSchema, validateRuPool } from "../../domain/ru-pool.ts";
import type { Store } from "../../store/store.ts";
import { principalOf, requireAdmin, requireCapabilities, visibleTenant } from "./authenticate.ts";
import type { DeploymentLifecycle } from "./deployment-lifecycle.ts";
import type { DeploymentReads } from "./deployment-reads.ts";
import type { KeyCache } from "./key-cache.ts";
import { operationView } from "./deployment-view.ts";
import { viewOf, withLiveJson, type HeldDeployment } from "./held-deployment.ts";
import { IdempotencyKeyHeader, idempotent } from "./idempotency.ts";
import * as S from "./api-schemas.ts";
import type { RanaasConfig } from "../../platform/config.ts";
import type { Slots } from "../../platform/slots.ts";
import { defineRoute } from "./route-contract.ts";

const MAX_WAIT_SECONDS = 60;

export interface RouteDeps {
  store: Store;
  /** Deployments as the routes read them: this replica's read model, or the database. */
  reads: DeploymentReads;
  /** Where requests' keys are looked up (the key cache); the database when absent. */
  keys?: Pick<KeyCache, "byKeyId">;
  lifecycle: DeploymentLifecycle;
  /** A deployment's live status: this replica's copy, or the status service asked (status-client.ts). */
  liveStatus: (deploymentId: string) => Promise<unknown>;
  /** The cells' KPIs over the last `windowSeconds` from the status service (undefined: no radio observed). */
  kpis?: (deploymentId: string, windowSeconds: number) => Promise<unknown>;
  limits: RanaasConfig["limits"];
}

/** What each tenant holds at once on this API replica: open event streams, and answers held by `Prefer: wait`. */
export interface TenantHolds {
  streams: Slots;
  waits: Slots;
}

/** The request's correlation id (the caller's x-correlator or a fresh one; see service-app.ts). */
export function correlationIdOf(request: FastifyRequest): string {
  return request.id;
}

/** `Prefer: wait=N` (RFC 7240): seconds to hold the answer until the deployment settles. */
function preferredWaitSeconds(prefer: string | undefined): number {
  const match = prefer === undefined ? null : /(?:^|[,;\s])wait=(\d+)/.exec(prefer);
  return match === null ? 0 : Math.min(Number(match[1]), MAX_WAIT_SECONDS);
}

const PREFER = Type.Optional(
  Type.String({
    maxLength: 1024,
    description: "`wait=N` (RFC 7240): hold the answer up to N seconds (≤ 60) until the deployment settles",
    examples: ["wait=30"],
  }),
);
const CORRELATOR = Type.Optional(
  Type.String({
    description:
      "a correlation id to follow this request through every service's logs, echoed back (one of up to 128 letters, digits, '_', '.', '-'; anything else is replaced by a fresh one)",
  }),
);
const DEPLOYMENT_ERRORS: ErrorCode[] = ["unauthorized", "not-found", "unavailable", "internal"];
const PLACEMENT_ERRORS: ErrorCode[] = [
  "insufficient-rus",
  "insufficient-compute",
  "insufficient-core-network",
  "identity-conflict",
  "quota-exceeded",
];
const IDEMPOTENCY_ERRORS: ErrorCode[] = ["idempotency-key-reused", "idempotency-in-progress"];

/**
 * The record once it settled, held up to the `Prefer: wait` seconds: only while the tenant has a wait
 * left on this replica (RANAAS_WAITS_PER_TENANT); past that, answered at once, as a preference may be.
 */
async function settledIfWaited(
  request: FastifyRequest,
  holds: TenantHolds,
  reads: DeploymentReads,
  record: DeploymentRecord,
  settled: readonly DeploymentState[],
): Promise<DeploymentRecord | HeldDeployment> {
  const seconds = preferredWaitSeconds(request.headers.prefer as string | undefined);
  if (seconds === 0) return record;
  const tenant = principalOf(request).tenant;
  const release = holds.waits.take(tenant);
  if (release === undefined) {
    request.log.info(
      { tenant },
      "Prefer: wait not honoured: the tenant holds its most waits on this replica",
    );
    return record;
  }
  try {
    return await waitUntilSettled(reads, record, seconds, settled);
  } finally {
    release();
  }
}

/** Looks again at each change the replica learns of, and at least every 100 ms (for the database's). */
async function waitUntilSettled(
  reads: DeploymentReads,
  record: DeploymentRecord,
  seconds: number,
  settled: readonly DeploymentState[],
): Promise<DeploymentRecord | HeldDeployment> {
  const deadline = Date.now() + seconds * 1000;
  let current: DeploymentRecord | HeldDeployment = record;
  while (!settled.includes(current.state) && Date.now() < deadline) {
    await reads.nextChange(Math.min(100, Math.max(deadline - Date.now(), 0)));
    current = (await reads.get(record.id)) ?? current;
  }
  return current;
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps, holds: TenantHolds): void {
  const { store, lifecycle, reads } = deps;

  defineRoute(
    app,
    {
      method: "POST",
      url: "/v1/ran-deployments",
      operationId: "createDeployment",
      summary: "Request a RAN deployment",
      description:
        "Validates the request, plans it at once (RUs, identities, compute) and queues the provisioning. " +
        "Answers 202 while it provisions (201 when `Prefer: wait` saw it ready). A request that cannot be " +
        "placed is refused with 409 and says what is missing; nothing is kept.",
      tag: "Deployments",
      access: "tenant",
      headers: Type.Object({
        prefer: PREFER,
        "idempotency-key": IdempotencyKeyHeader,
        "x-correlator": CORRELATOR,
      }),
      body: { schema: S.RanDeploymentRequestSchema, example: S.EXAMPLE_REQUEST },
      responses: {
        201: {
          description: "ready (with `Prefer: wait`)",
          schema: S.DeploymentSchema,
          headers: { Location: "the deployment" },
        },
        202: {
          description: "accepted, provisioning",
          schema: S.DeploymentSchema,
          headers: { Location: "the deployment" },
        },
      },
      errors: [
        "unauthorized",
        "forbidden",
        "name-taken",
        ...PLACEMENT_ERRORS,
        "unknown-site",
        ...IDEMPOTENCY_ERRORS,
        "unavailable",
        "internal",
      ],
    },
    async (request, reply) =>
      idempotent(store.idempotency, request, reply, async () => {
        requireCapabilities(request, request.body);
        const created = await lifecycle.create(
          principalOf(request).tenant,
          request.body,
          correlationIdOf(request),
        );
        const record = await settledIfWaited(request, holds, reads, created, TERMINAL_STATES);
        return {
          status: record.state === STATE.ready ? 201 : 202,
          body: viewOf(record),
          location: `/v1/ran-deployments/${record.id}`,
        };
      }),
  );

  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/ran-deployments",
      operationId: "listDeployments",
      summary: "List RAN deployments (an operator sees its own, an admin all)",
      tag: "Deployments",
      access: "tenant",
      querystring: Type.Object(
        {
          limit: Type.Integer({
            minimum: 1,
            maximum: 500,
            default: 50,
            description: "page size, 1–500 (default 50)",
          }),
          after: Type.Optional(
            Type.String({ maxLength: 128, description: "the last id of the previous page" }),
          ),
          state: Type.Optional(
            Type.Union(
              DEPLOYMENT_STATES.map((s) => Type.Literal(s)),
              { description: "only deployments in this state" },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      responses: {
        200: { description: "a page of deployments (without live status)", schema: S.DeploymentListSchema },
      },
      errors: ["unauthorized", "unavailable", "internal"],
    },
    async (request, reply) => {
      const { limit, state, after } = request.query;
      const items = await reads.list({
        tenant: visibleTenant(request),
        state,
        after,
        limit: limit + 1,
      });
      const page = items.slice(0, limit);
      const last = page.at(-1);
      const next =
        items.length > limit && last !== undefined
          ? `/v1/ran-deployments?limit=${limit}&after=${last.id}${state === undefined ? "" : `&state=${state}`}`
          : null;
      // Each held record's view is JSON already.
      return reply
        .type("application/json; charset=utf-8")
        .send(`{"items":[${page.map((r) => r.viewJson).join(",")}],"next":${JSON.stringify(next)}}`);
    },
  );

  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/ran-deployments/:id",
      operationId: "getDeployment",
      summary: "A deployment with its plan, connection details and live status",
      tag: "Deployments",
      access: "tenant",
      params: S.DeploymentIdParams,
      responses: {
        200: { description: "the deployment", schema: S.DeploymentSchema, headers: { ETag: '"<revision>"' } },
      },
      errors: DEPLOYMENT_ERRORS,
    },
    async (request, reply) => {
      const { id } = request.params;
      const record = await reads.get(id, visibleTenant(request));
      if (record === undefined) throw new RanaasError("not-found", `no RAN deployment ${id}`);
      void reply.header("etag", `"${record.revision}"`);
      const [status, callbacks] = await Promise.all([
        deps.liveStatus(id),
        record.hasCallback ? store.callbacks.summary(id) : undefined,
      ]);
      return reply
        .type("application/json; charset=utf-8")
        .send(withLiveJson(record.viewJson, status, callbacks));
    },
  );

  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/ran-deployments/:id/kpis",
      operationId: "getDeploymentKpis",
      summary: "The radio's KPIs per cell over the last minutes",
      description:
        "What the deployment's DU reported per cell (UEs, DL/UL bitrate, PRB usage, CQI, MCS, BLER, UL packets " +
        "on time and late from the RU), as means over 10 s buckets, up to 15 minutes back. Empty while " +
        "RANaaS observes no radio for the deployment.",
      tag: "Deployments",
      access: "tenant",
      params: S.DeploymentIdParams,
      querystring: Type.Object(
        {
          windowSeconds: Type.Optional(
            Type.Integer({
              minimum: 10,
              maximum: 900,
              default: 900,
              description: "how far back, in seconds",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      responses: { 200: { description: "the cells' KPIs", schema: S.KpisSchema } },
      errors: DEPLOYMENT_ERRORS,
    },
    async (request) => {
      const { id } = request.params;
      const record = await reads.get(id, visibleTenant(request));
      if (record === undefined) throw new RanaasError("not-found", `no RAN deployment ${id}`);
      const windowSeconds = request.query.windowSeconds ?? 900;
      let kpis: unknown;
      try {
        kpis = await deps.kpis?.(id, windowSeconds);
      } catch {
        throw new RanaasError("unavailable", "the status service is not answering; try again shortly");
      }
      return (
        kpis ?? {
          deploymentId: id,
          bucketSeconds: 10,
          cells: [],
          buckets: [],
        }
      );
    },
  );

  // JSON merge patch of the request (RFC 7386); If-Match: "<revision>" prevents lost updates.
  // Parsed as POST bodies are: `__proto__` and `constructor.prototype` keys are refused (400), not merged.
  app.addContentTypeParser(
    "application/merge-patch+json",
    { parseAs: "string" },
    app.getDefaultJsonParser("error", "error"),
  );

  defineRoute(
    app,
    {
      method: "PATCH",
      url: "/v1/ran-deployments/:id",
      operationId: "updateDeployment",
      summary: "Update or scale with a JSON merge patch (RFC 7386)",
      description:
        "Only the components whose configuration changes are restarted (listed in `restarts`). Send " +
        '`If-Match: "<revision>"` to refuse the change if someone else changed the deployment first.',
      tag: "Deployments",
      access: "tenant",
      params: S.DeploymentIdParams,
      headers: Type.Object({
        "if-match": Type.Optional(
          Type.String({
            pattern: '^\\s*((\\*|(W/)?"[0-9]{1,15}"))?\\s*$',
            description: 'the ETag read before, "<revision>" (or *; empty is no condition)',
          }),
        ),
        prefer: PREFER,
        "idempotency-key": IdempotencyKeyHeader,
      }),
      body: {
        schema: S.RanDeploymentPatchSchema,
        contentType: "application/merge-patch+json",
        example: { cells: [{ band: 78, bandwidthMHz: 40 }] },
      },
      responses: {
        200: { description: "updated (with `Prefer: wait`)", schema: S.DeploymentSchema },
        202: {
          description:
            "the update is under way, or waits to be planned (`pendingSpec`) while no orchestrator answers",
          schema: S.DeploymentSchema,
        },
      },
      errors: [
        "forbidden",
        "precondition-failed",
        "not-ready",
        ...PLACEMENT_ERRORS,
        ...IDEMPOTENCY_ERRORS,
        ...DEPLOYMENT_ERRORS,
      ],
    },
    async (request, reply) => {
      const { id } = request.params;
      const ifMatch = request.headers["if-match"]?.trim();
      const revision =
        ifMatch === undefined || ifMatch === "" || ifMatch === "*"
          ? undefined
          : Number(/"(\d+)"/.exec(ifMatch)?.[1]);
      return idempotent(store.idempotency, request, reply, async () => {
        requireCapabilities(request, request.body);
        const { record, restarts } = await lifecycle.update(
          visibleTenant(request),
          id,
          request.body,
          revision,
          correlationIdOf(request),
        );
        const current = await settledIfWaited(request, holds, reads, record, UPDATE_SETTLED_STATES);
        return {
          status: current.state === STATE.ready ? 200 : 202,
          body: { ...viewOf(current), restarts },
        };
      });
    },
  );

  defineRoute(
    app,
    {
      method: "DELETE",
      url: "/v1/ran-deployments/:id",
      operationId: "deleteDeployment",
      summary: "Tear a deployment down and release its RUs and identities (idempotent)",
      tag: "Deployments",
      access: "tenant",
      params: S.DeploymentIdParams,
      headers: Type.Object({ prefer: PREFER, "idempotency-key": IdempotencyKeyHeader }),
      responses: { 202: { description: "deleting (or deleted)", schema: S.DeploymentSchema } },
      errors: [...IDEMPOTENCY_ERRORS, ...DEPLOYMENT_ERRORS],
    },
    async (request, reply) => {
      const { id } = request.params;
      return idempotent(store.idempotency, request, reply, async () => {
        const deleting = await lifecycle.delete(visibleTenant(request), id, correlationIdOf(request));
        const record = await settledIfWaited(request, holds, reads, deleting, DELETE_SETTLED_STATES);
        return { status: 202, body: viewOf(record) };
      });
    },
  );

  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/operations/:id",
      operationId: "getOperation",
      summary: "An operation (create, update, delete) and how it went",
      tag: "Deployments",
      access: "tenant",
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: "operation id" }) }),
      responses: { 200: { description: "the operation", schema: S.OperationSchema } },
      errors: DEPLOYMENT_ERRORS,
    },
    async (request) => {
      const { id } = request.params;
      const op = await store.operations.get(id, visibleTenant(request));
      if (op === undefined) throw new RanaasError("not-found", `no operation ${id}`);
      return operationView(op);
    },
  );

  // What could still be had, per site; an operator also sees its quota and what is left of it.
  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/capacity",
      operationId: "getCapacity",
      summary: "Free RUs and compute per site (and, for an operator, what is left of its quota)",
      tag: "Capacity",
      access: "tenant",
      responses: { 200: { description: "capacity", schema: S.CapacitySchema } },
      errors: ["unauthorized", "unavailable", "internal"],
    },
    async (request) => {
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
    },
  );

  // The provider's RU pool: admins only.
  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/rus",
      operationId: "listRadioUnits",
      summary: "The RU pool and which deployment holds each RU",
      tag: "Radio units",
      access: "admin",
      responses: { 200: { description: "the pool", schema: S.RadioUnitListSchema } },
      errors: ["unauthorized", "forbidden", "unavailable", "internal"],
    },
    async (request) => {
      requireAdmin(request);
      const [rus, view] = await Promise.all([store.rus.list(), store.allocations.view()]);
      return { items: rus.map((ru) => ({ ...ru, allocatedTo: view.ruHolders.get(ru.id) ?? null })) };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      url: "/v1/rus",
      operationId: "putRadioUnits",
      summary: "Add or replace RUs (one object or a list)",
      description:
        "Each RU is checked as a whole (an O-RU's VLANs, eAxC ids, compression and windows against what srsRAN starts with); every problem of every RU is answered at once (422 with `problems[]`).",
      tag: "Radio units",
      access: "admin",
      body: {
        schema: Type.Union([RadioUnitSchema, Type.Array(RadioUnitSchema, { minItems: 1, maxItems: 10_000 })]),
        example: { id: "ru-1-1-5", site: "site-1", node: "edge-site-1-1", bands: [78], maxBandwidthMHz: 100 },
      },
      responses: {
        201: { description: "stored", schema: Type.Object({ items: Type.Array(RadioUnitSchema) }) },
      },
      errors: ["unauthorized", "forbidden", "unavailable", "internal"],
    },
    async (request, reply) => {
      requireAdmin(request);
      const validated = validateRuPool({ rus: Array.isArray(request.body) ? request.body : [request.body] });
      if (!validated.ok) {
        throw new RanaasError("invalid-request", "not a valid radio unit", {
          problems: validated.problems.map((p) => ({ ...p, path: p.path.replace(/^\/rus\/\d+/, "") || "/" })),
        });
      }
      await store.rus.upsert(validated.pool.rus);
      return reply.code(201).send({ items: validated.pool.rus });
    },
  );

  defineRoute(
    app,
    {
      method: "DELETE",
      url: "/v1/rus/:id",
      operationId: "deleteRadioUnit",
      summary: "Remove an RU no deployment uses",
      tag: "Radio units",
      access: "admin",
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: "RU id" }) }),
      responses: { 204: { description: "removed" } },
      errors: ["unauthorized", "forbidden", "not-found", "identity-conflict", "unavailable", "internal"],
    },
    async (request, reply) => {
      requireAdmin(request);
      const { id } = request.params;
      const holder = (await store.allocations.view()).ruHolders.get(id);
      if (holder !== undefined)
        throw new RanaasError("identity-conflict", `RU ${id} is in use by deployment ${holder}`);
      if (!(await store.rus.delete(id))) throw new RanaasError("not-found", `no RU ${id}`);
      return reply.code(204).send();
    },
  );
}
