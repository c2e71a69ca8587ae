// The API's OpenAPI 3.1 document, built from the same schemas the code validates and answers with. Every
// route the API serves is listed here once; a test compares this table with the routes registered.
import type { TSchema } from "@sinclair/typebox";
import { ERROR_CODES, type ErrorCode } from "../../domain/error-codes.ts";
import { RanDeploymentSpecSchema } from "../../domain/ran-deployment-spec.ts";
import { RadioUnitSchema } from "../../domain/ru-pool.ts";
import * as S from "./api-schemas.ts";

type Method = "get" | "post" | "put" | "patch" | "delete";
type Access = "public" | "tenant" | "admin";

interface ResponseDoc {
  description: string;
  schema?: string | TSchema | object;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface OperationDoc {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  parameters?: {
    name: string;
    in: "path" | "query" | "header";
    description: string;
    schema: TSchema | object;
  }[];
  body?: { schema: string | TSchema | object; contentType?: string; example?: unknown };
  responses: Record<number, ResponseDoc>;
  errors: ErrorCode[];
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const idParam = {
  name: "id",
  in: "path" as const,
  description: "deployment id",
  schema: { type: "string" },
};
const preferWait = {
  name: "Prefer",
  in: "header" as const,
  description: "`wait=N` (RFC 7240): hold the answer up to N seconds (≤ 60) until the deployment settles",
  schema: { type: "string", examples: ["wait=30"] },
};
const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header" as const,
  description: "a retry with the same key and body gets the first answer again instead of a second change",
  schema: { type: "string", maxLength: 255 },
};
const correlator = {
  name: "x-correlator",
  in: "header" as const,
  description: "a correlation id to follow this request through every service's logs (echoed back)",
  schema: { type: "string", pattern: "^[\\w.-]{1,128}$" },
};

export const EXAMPLE_REQUEST = {
  name: "campus",
  amf: [{ address: "10.0.0.5", port: 38412 }],
  plmn: "00101",
  tac: 7,
  slices: [{ sst: 1 }],
  cells: [
    { band: 78, bandwidthMHz: 20 },
    { band: 78, bandwidthMHz: 20 },
  ],
};

const DEPLOYMENT_ERRORS: ErrorCode[] = ["unauthorized", "not-found", "unavailable", "internal"];

export const OPERATIONS: OperationDoc[] = [
  {
    method: "post",
    path: "/v1/ran-deployments",
    operationId: "createDeployment",
    summary: "Request a RAN deployment",
    description:
      "Validates the request, plans it at once (RUs, identities, compute) and queues the provisioning. " +
      "Answers 202 while it provisions (201 when `Prefer: wait` saw it ready). A request that cannot be " +
      "placed is refused with 409 and says what is missing; nothing is kept.",
    tag: "Deployments",
    access: "tenant",
    parameters: [preferWait, idempotencyKey, correlator],
    body: { schema: "RanDeploymentSpec", example: EXAMPLE_REQUEST },
    responses: {
      201: {
        description: "ready (with `Prefer: wait`)",
        schema: "Deployment",
        headers: { Location: "the deployment" },
      },
      202: {
        description: "accepted, provisioning",
        schema: "Deployment",
        headers: { Location: "the deployment" },
      },
    },
    errors: [
      "invalid-json",
      "invalid-request",
      "unauthorized",
      "name-taken",
      "insufficient-rus",
      "insufficient-compute",
      "insufficient-core-network",
      "identity-conflict",
      "quota-exceeded",
      "unknown-site",
      "idempotency-key-reused",
      "idempotency-in-progress",
      "unavailable",
      "internal",
    ],
  },
  {
    method: "get",
    path: "/v1/ran-deployments",
    operationId: "listDeployments",
    summary: "List RAN deployments (an operator sees its own, an admin all)",
    tag: "Deployments",
    access: "tenant",
    parameters: [
      {
        name: "limit",
        in: "query",
        description: "page size, 1–500 (default 50)",
        schema: { type: "integer" },
      },
      {
        name: "after",
        in: "query",
        description: "the last id of the previous page",
        schema: { type: "string" },
      },
      {
        name: "state",
        in: "query",
        description: "only deployments in this state",
        schema: { type: "string" },
      },
    ],
    responses: {
      200: { description: "a page of deployments (without live status)", schema: "DeploymentList" },
    },
    errors: ["invalid-request", "unauthorized", "unavailable", "internal"],
  },
  {
    method: "get",
    path: "/v1/ran-deployments/{id}",
    operationId: "getDeployment",
    summary: "A deployment with its plan, connection details and live status",
    tag: "Deployments",
    access: "tenant",
    parameters: [idParam],
    responses: {
      200: { description: "the deployment", schema: "Deployment", headers: { ETag: '"<revision>"' } },
    },
    errors: DEPLOYMENT_ERRORS,
  },
  {
    method: "patch",
    path: "/v1/ran-deployments/{id}",
    operationId: "updateDeployment",
    summary: "Update or scale with a JSON merge patch (RFC 7386)",
    description:
      "Only the components whose configuration changes are restarted (listed in `restarts`). Send " +
      '`If-Match: "<revision>"` to refuse the change if someone else changed the deployment first.',
    tag: "Deployments",
    access: "tenant",
    parameters: [
      idParam,
      {
        name: "If-Match",
        in: "header",
        description: 'the ETag read before, "<revision>"',
        schema: { type: "string" },
      },
      preferWait,
      idempotencyKey,
    ],
    body: {
      schema: { type: "object" },
      contentType: "application/merge-patch+json",
      example: { cells: [{ band: 78, bandwidthMHz: 40 }] },
    },
    responses: {
      200: { description: "updated (with `Prefer: wait`)", schema: "Deployment" },
      202: { description: "the update is under way", schema: "Deployment" },
    },
    errors: [
      "invalid-json",
      "invalid-request",
      "precondition-failed",
      "not-ready",
      "insufficient-rus",
      "insufficient-compute",
      "insufficient-core-network",
      "identity-conflict",
      "quota-exceeded",
      "idempotency-key-reused",
      "idempotency-in-progress",
      ...DEPLOYMENT_ERRORS,
    ],
  },
  {
    method: "delete",
    path: "/v1/ran-deployments/{id}",
    operationId: "deleteDeployment",
    summary: "Tear a deployment down and release its RUs and identities (idempotent)",
    tag: "Deployments",
    access: "tenant",
    parameters: [idParam, preferWait, idempotencyKey],
    responses: { 202: { description: "deleting (or deleted)", schema: "Deployment" } },
    errors: DEPLOYMENT_ERRORS,
  },
  {
    method: "get",
    path: "/v1/ran-deployments/{id}/events",
    operationId: "watchDeployment",
    summary: "Live updates of one deployment (server-sent events)",
    description:
      "`event: deployment` with the whole deployment (incl. live status) whenever its state, revision or a " +
      "component's health changes; before it, `event: transition` ({id, name, revision, state, reasonCode?, at}) " +
      "for each state it passed through since the last event; `event: unavailable` while the database is away. " +
      "Ends after deletion.",
    tag: "Deployments",
    access: "tenant",
    parameters: [idParam],
    responses: {
      200: { description: "an event stream", contentType: "text/event-stream", schema: { type: "string" } },
    },
    errors: DEPLOYMENT_ERRORS,
  },
  {
    method: "get",
    path: "/v1/events",
    operationId: "watchDeployments",
    summary: "Live state changes of every deployment the key may see (server-sent events)",
    description:
      "`event: deployment` with the deployment whenever its state or revision changes; before it, " +
      "`event: transition` ({id, name, revision, state, reasonCode?, at}) for each state it passed through " +
      "since the last event; `event: unavailable` while the database is away.",
    tag: "Deployments",
    access: "tenant",
    parameters: [
      {
        name: "since",
        in: "query",
        description: "also send what changed since this time (ISO 8601), e.g. just before a list was read",
        schema: { type: "string", format: "date-time" },
      },
    ],
    responses: {
      200: { description: "an event stream", contentType: "text/event-stream", schema: { type: "string" } },
    },
    errors: ["invalid-request", "unauthorized", "internal"],
  },
  {
    method: "get",
    path: "/v1/operations/{id}",
    operationId: "getOperation",
    summary: "An operation (create, update, delete) and how it went",
    tag: "Deployments",
    access: "tenant",
    parameters: [{ ...idParam, description: "operation id" }],
    responses: { 200: { description: "the operation", schema: "Operation" } },
    errors: DEPLOYMENT_ERRORS,
  },
  {
    method: "get",
    path: "/v1/capacity",
    operationId: "getCapacity",
    summary: "Free RUs and compute per site (and, for an operator, what is left of its quota)",
    tag: "Capacity",
    access: "tenant",
    responses: { 200: { description: "capacity", schema: "Capacity" } },
    errors: ["unauthorized", "unavailable", "internal"],
  },
  {
    method: "get",
    path: "/v1/me",
    operationId: "whoAmI",
    summary: "The tenant and role the API key belongs to",
    tag: "Tenants",
    access: "tenant",
    responses: { 200: { description: "the caller", schema: "Me" } },
    errors: ["unauthorized", "unavailable", "internal"],
  },
  {
    method: "get",
    path: "/v1/rus",
    operationId: "listRadioUnits",
    summary: "The RU pool and which deployment holds each RU",
    tag: "Radio units",
    access: "admin",
    responses: { 200: { description: "the pool", schema: "RadioUnitList" } },
    errors: ["unauthorized", "forbidden", "unavailable", "internal"],
  },
  {
    method: "post",
    path: "/v1/rus",
    operationId: "putRadioUnits",
    summary: "Add or replace RUs (one object or a list)",
    tag: "Radio units",
    access: "admin",
    body: {
      schema: { oneOf: [ref("RadioUnit"), { type: "array", items: ref("RadioUnit") }] },
      example: { id: "ru-1-1-5", site: "site-1", node: "edge-site-1-1", bands: [78], maxBandwidthMHz: 100 },
    },
    responses: {
      201: {
        description: "stored",
        schema: { type: "object", properties: { items: { type: "array", items: ref("RadioUnit") } } },
      },
    },
    errors: ["invalid-json", "invalid-request", "unauthorized", "forbidden", "unavailable", "internal"],
  },
  {
    method: "delete",
    path: "/v1/rus/{id}",
    operationId: "deleteRadioUnit",
    summary: "Remove an RU no deployment uses",
    tag: "Radio units",
    access: "admin",
    parameters: [{ ...idParam, description: "RU id" }],
    responses: { 204: { description: "removed" } },
    errors: ["unauthorized", "forbidden", "not-found", "identity-conflict", "unavailable", "internal"],
  },
  {
    method: "get",
    path: "/v1/tenants",
    operationId: "listTenants",
    summary: "Tenants and their key ids",
    tag: "Tenants",
    access: "admin",
    responses: {
      200: {
        description: "tenants",
        schema: { type: "object", properties: { items: { type: "array", items: ref("Tenant") } } },
      },
    },
    errors: ["unauthorized", "forbidden", "unavailable", "internal"],
  },
  {
    method: "post",
    path: "/v1/tenants",
    operationId: "createTenant",
    summary: "Create a tenant; its first API key is in the answer, once",
    tag: "Tenants",
    access: "admin",
    body: { schema: "TenantCreate", example: { name: "core-a", quotas: { deployments: 5, cells: 16 } } },
    responses: { 201: { description: "created", schema: "TenantCreated" } },
    errors: [
      "invalid-json",
      "invalid-request",
      "unauthorized",
      "forbidden",
      "tenant-exists",
      "unavailable",
      "internal",
    ],
  },
  {
    method: "put",
    path: "/v1/tenants/{name}/quotas",
    operationId: "setTenantQuotas",
    summary: "Set a tenant's quotas (absent = unlimited)",
    tag: "Tenants",
    access: "admin",
    parameters: [{ name: "name", in: "path", description: "tenant", schema: { type: "string" } }],
    body: {
      schema: {
        type: "object",
        properties: {
          deployments: { type: "integer" },
          cells: { type: "integer" },
          cpuMillis: { type: "integer" },
        },
      },
      example: { cells: 8 },
    },
    responses: { 200: { description: "the quotas and current usage", schema: "QuotasAnswer" } },
    errors: [
      "invalid-json",
      "invalid-request",
      "unauthorized",
      "forbidden",
      "not-found",
      "unavailable",
      "internal",
    ],
  },
  {
    method: "post",
    path: "/v1/tenants/{name}/keys",
    operationId: "rotateTenantKey",
    summary: "Issue a new API key for a tenant (the old ones are revoked)",
    tag: "Tenants",
    access: "admin",
    parameters: [{ name: "name", in: "path", description: "tenant", schema: { type: "string" } }],
    responses: { 201: { description: "the new key, shown once", schema: "NewKey" } },
    errors: ["unauthorized", "forbidden", "not-found", "unavailable", "internal"],
  },
  {
    method: "delete",
    path: "/v1/tenants/{name}",
    operationId: "deleteTenant",
    summary: "Delete a tenant that holds no deployments",
    tag: "Tenants",
    access: "admin",
    parameters: [{ name: "name", in: "path", description: "tenant", schema: { type: "string" } }],
    responses: { 204: { description: "deleted" } },
    errors: ["unauthorized", "forbidden", "not-found", "tenant-in-use", "unavailable", "internal"],
  },
  {
    method: "get",
    path: "/healthz",
    operationId: "liveness",
    summary: "The process runs",
    tag: "Operations",
    access: "public",
    responses: { 200: { description: "alive", schema: "Health" } },
    errors: [],
  },
  {
    method: "get",
    path: "/readyz",
    operationId: "readiness",
    summary: "Every dependency (database, indexes, RabbitMQ) answers",
    tag: "Operations",
    access: "public",
    responses: {
      200: { description: "ready", schema: "Health" },
      503: { description: "not ready, with the failing checks", schema: "Health" },
    },
    errors: [],
  },
  {
    method: "get",
    path: "/metrics",
    operationId: "metrics",
    summary: "Prometheus metrics",
    tag: "Operations",
    access: "public",
    responses: {
      200: { description: "Prometheus text format", contentType: "text/plain", schema: { type: "string" } },
    },
    errors: [],
  },
];

export const SCHEMAS: Record<string, TSchema> = {
  RanDeploymentSpec: RanDeploymentSpecSchema,
  Deployment: S.DeploymentSchema,
  DeploymentList: S.DeploymentListSchema,
  Operation: S.OperationSchema,
  Capacity: S.CapacitySchema,
  RadioUnit: RadioUnitSchema,
  RadioUnitList: S.RadioUnitListSchema,
  Tenant: S.TenantSchema,
  TenantCreate: S.TenantCreateSchema,
  TenantCreated: S.TenantCreatedSchema,
  QuotasAnswer: S.QuotasAnswerSchema,
  NewKey: S.NewKeySchema,
  Me: S.MeSchema,
  Health: S.HealthSchema,
  Problem: S.ProblemSchema,
};

const schemaOf = (schema: string | TSchema | object) => (typeof schema === "string" ? ref(schema) : schema);

function errorTable(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, e]) => `| \`${code}\` | ${e.status} | ${e.retryable ? "yes" : "no"} | ${e.title} |`,
  );
  return ["| code | status | retry helps | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/**
 * Errors no operation answers, because they concern a method a path does not have: listed in the
 * document's error table (a 405 names the path's methods in `Allow`).
 */
export const PATH_ERRORS: ErrorCode[] = ["method-not-allowed"];

/** The operation's own errors, and those every /v1 call (and every call with a body) can meet. */
export function errorsOf(op: OperationDoc): ErrorCode[] {
  const common: ErrorCode[] = op.access === "public" ? [] : ["bad-request", "rate-limited"];
  const body: ErrorCode[] =
    op.body === undefined ? [] : ["invalid-json", "payload-too-large", "unsupported-media-type"];
  return [...new Set([...op.errors, ...common, ...body])];
}

function operationObject(op: OperationDoc): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.headers === undefined
        ? {}
        : {
            headers: Object.fromEntries(
              Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: "string" } }]),
            ),
          }),
      ...(r.schema === undefined
        ? {}
        : { content: { [r.contentType ?? "application/json"]: { schema: schemaOf(r.schema) } } }),
    };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorsOf(op)) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      ...(status === 429
        ? { headers: { "Retry-After": { description: "seconds to wait", schema: { type: "integer" } } } }
        : {}),
      description: codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].title}`).join("; "),
      content: {
        "application/problem+json": {
          schema: ref("Problem"),
          examples: Object.fromEntries(
            codes.map((c) => [
              c,
              {
                value: {
                  type: `https://ranaas.dev/problems/${c}`,
                  title: ERROR_CODES[c].title,
                  status,
                  code: c,
                  detail: ERROR_CODES[c].title,
                  retryable: ERROR_CODES[c].retryable,
                },
              },
            ]),
          ),
        },
      },
    };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    tags: [op.tag],
    security: op.access === "public" ? [] : [{ apiKey: [] }],
    ...(op.access === "admin" ? { "x-ranaas-access": "admin" } : {}),
    ...(op.parameters === undefined
      ? {}
      : { parameters: op.parameters.map((p) => ({ ...p, required: p.in === "path" })) }),
    ...(op.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: {
              [op.body.contentType ?? "application/json"]: {
                schema: schemaOf(op.body.schema),
                ...(op.body.example === undefined ? {} : { example: op.body.example }),
              },
            },
          },
        }),
    responses,
  };
}

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  return {
    openapi: "3.1.0",
    info: {
      title: "RANaaS API",
      version,
      description:
        "Core-network operators ask for 5G radio access; RANaaS plans it, provisions srsRAN CU, DU and RU " +
        "emulators on Kubernetes and answers with what the core needs (N2 source, N3 address, cell " +
        "identities).\n\nAuthenticate with `Authorization: Bearer <API key>`. Errors are " +
        "`application/problem+json` with a stable `code`:\n\n" +
        errorTable(),
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "Deployments", description: "RAN deployments: request, watch, update, delete" },
      { name: "Capacity", description: "what can still be had" },
      { name: "Radio units", description: "the provider's RU pool (admins)" },
      { name: "Tenants", description: "tenants, quotas and API keys (admins)" },
      { name: "Operations", description: "health and metrics of the service" },
    ],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "rns_<id>_<secret>" } },
    },
  };
}
