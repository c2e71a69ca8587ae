// The API's OpenAPI 3.1 document, generated from the routes as registered (route-contract.ts): each
// route's own schemas for parameters, headers, body and answers, and its error codes. The service
// shell's probes (/healthz, /readyz, /metrics) are described here, as the shell registers them for
// every service.
import { Type, type TSchema } from "@sinclair/typebox";
import { ERROR_CODES, type ErrorCode } from "../../domain/error-codes.ts";
import { RanDeploymentSpecSchema } from "../../domain/ran-deployment-spec.ts";
import { RadioUnitSchema } from "../../domain/ru-pool.ts";
import * as S from "./api-schemas.ts";
import { headerName, type RouteContract } from "./route-contract.ts";

/** Schemas the document names as components; wherever one of them appears it is a $ref. */
export const SCHEMAS: Record<string, TSchema> = {
  RanDeploymentSpec: RanDeploymentSpecSchema,
  RanDeploymentRequest: S.RanDeploymentRequestSchema,
  RanDeploymentPatch: S.RanDeploymentPatchSchema,
  Deployment: S.DeploymentSchema,
  DeploymentList: S.DeploymentListSchema,
  Operation: S.OperationSchema,
  Capacity: S.CapacitySchema,
  RadioUnit: RadioUnitSchema,
  RadioUnitList: S.RadioUnitListSchema,
  Tenant: S.TenantSchema,
  TenantCreate: S.TenantCreateSchema,
  TenantCreated: S.TenantCreatedSchema,
  Quotas: S.QuotasSchema,
  Capabilities: S.CapabilitiesSchema,
  QuotasAnswer: S.QuotasAnswerSchema,
  NewKey: S.NewKeySchema,
  CallbackSecret: S.CallbackSecretSchema,
  Me: S.MeSchema,
  Health: S.HealthSchema,
  TransitionEvent: S.TransitionEventSchema,
  UnavailableEvent: S.UnavailableEventSchema,
  RevokedEvent: S.RevokedEventSchema,
  Problem: S.ProblemSchema,
  StateChangedCallback: S.StateChangedCallbackSchema,
  KpiAlertCallback: S.KpiAlertCallbackSchema,
};

/** What RANaaS POSTs to a deployment's callbackUrl (OpenAPI 3.1 webhooks). */
const WEBHOOKS: Record<string, { schema: TSchema; summary: string }> = {
  "ran-deployment.state-changed": {
    schema: S.StateChangedCallbackSchema,
    summary: "A deployment's state changed",
  },
  "ran-deployment.kpi-alert": {
    schema: S.KpiAlertCallbackSchema,
    summary: "A KPI alert of a deployment began or stopped firing on a cell",
  },
};

const COMPONENT_NAMES = new Map<unknown, string>(
  Object.entries(SCHEMAS).map(([name, schema]) => [schema, name]),
);

/** A plain JSON copy of a schema in which every component other than `self` is a $ref. */
function withRefs(schema: unknown, self?: unknown): unknown {
  const component = COMPONENT_NAMES.get(schema);
  if (component !== undefined && schema !== self) return { $ref: `#/components/schemas/${component}` };
  if (Array.isArray(schema)) return schema.map((item) => withRefs(item));
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withRefs(value)]));
}

/** Routes every service's HTTP shell serves (platform/service-app.ts). */
export const SHELL_ROUTES: RouteContract[] = [
  {
    method: "GET",
    url: "/healthz",
    operationId: "liveness",
    summary: "The process runs",
    tag: "Operations",
    access: "public",
    responses: { 200: { description: "alive", schema: S.HealthSchema } },
    errors: [],
  },
  {
    method: "GET",
    url: "/readyz",
    operationId: "readiness",
    summary: "Every dependency (database, indexes, RabbitMQ) answers",
    tag: "Operations",
    access: "public",
    responses: {
      200: { description: "ready", schema: S.HealthSchema },
      503: { description: "not ready, with the failing checks", schema: S.HealthSchema },
    },
    errors: [],
  },
  {
    method: "GET",
    url: "/metrics",
    operationId: "metrics",
    summary: "Prometheus metrics",
    tag: "Operations",
    access: "public",
    responses: {
      200: { description: "Prometheus text format", contentType: "text/plain", schema: Type.String() },
    },
    errors: [],
  },
];

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
export function errorsOf(op: RouteContract): ErrorCode[] {
  const common: ErrorCode[] = op.access === "public" ? [] : ["bad-request", "rate-limited"];
  const body: ErrorCode[] =
    op.body === undefined ? [] : ["invalid-json", "payload-too-large", "unsupported-media-type"];
  const validated: ErrorCode[] = [op.body, op.querystring, op.headers, op.params].some(
    (part) => part !== undefined,
  )
    ? ["invalid-request"]
    : [];
  return [...new Set([...op.errors, ...common, ...body, ...validated])];
}

function operationObject(op: RouteContract): Record<string, unknown> {
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
        : { content: { [r.contentType ?? "application/json"]: { schema: withRefs(r.schema) } } }),
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
          schema: { $ref: "#/components/schemas/Problem" },
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
    ...(parametersOf(op).length === 0 ? {} : { parameters: parametersOf(op) }),
    ...(op.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: {
              [op.body.contentType ?? "application/json"]: {
                schema: withRefs(op.body.schema),
                ...(op.body.example === undefined ? {} : { example: op.body.example }),
              },
            },
          },
        }),
    responses,
  };
}

/** The document for these routes (those registered by registerApi) and the shell's. */
export function openApiDocument(version: string, routes: readonly RouteContract[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of [...routes, ...SHELL_ROUTES])
    (paths[openApiPath(op.url)] ??= {})[op.method.toLowerCase()] = operationObject(op);
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
    webhooks: Object.fromEntries(
      Object.entries(WEBHOOKS).map(([name, { schema, summary }]) => [
        name,
        {
          post: {
            summary,
            description:
              'Signed with the tenant\'s callback secret: `RANaaS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. ' +
              "Retried with backoff until the receiver answers 2xx; events of one deployment arrive in order.",
            requestBody: {
              required: true,
              content: { "application/cloudevents+json": { schema: withRefs(schema) } },
            },
            responses: { "2XX": { description: "received" } },
          },
        },
      ]),
    ),
    components: {
      schemas: Object.fromEntries(
        Object.entries(SCHEMAS).map(([name, schema]) => [name, withRefs(schema, schema)]),
      ),
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "rns_<id>_<secret>" } },
    },
  };
}

/** /v1/ran-deployments/:id → /v1/ran-deployments/{id} */
export function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, "{$1}");
}

/** Path, query and header parameters, each from its property in the route's schema. */
function parametersOf(op: RouteContract): Record<string, unknown>[] {
  const parts = [
    ["path", op.params],
    ["query", op.querystring],
    ["header", op.headers],
  ] as const;
  return parts.flatMap(([place, schema]) => {
    if (schema === undefined) return [];
    const required = new Set(schema.required ?? []);
    return Object.entries(schema.properties).map(([name, property]) => {
      const { description, examples, ...rest } = withRefs(property) as Record<string, unknown>;
      return {
        name: place === "header" ? headerName(name) : name,
        in: place,
        required: place === "path" || required.has(name),
        ...(description === undefined ? {} : { description }),
        schema: rest,
        ...(Array.isArray(examples) && examples.length > 0 ? { example: examples[0] as unknown } : {}),
      };
    });
  });
}
