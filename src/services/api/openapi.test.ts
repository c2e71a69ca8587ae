// The OpenAPI document is generated from the routes registerApi registers: every /v1 route carries a
// contract, every error code is documented under its status, the schemas compile, and the schemas
// refuse what the server refuses.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import type { FastifyInstance } from "fastify";
import { ERROR_CODES } from "../../domain/error-codes.ts";
import { validateSpec } from "../../domain/validate-spec.ts";
import { createLogger } from "../../platform/logger.ts";
import { createMetricsRegistry } from "../../platform/metrics.ts";
import { buildServiceApp } from "../../platform/service-app.ts";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import { EXAMPLE_REQUEST } from "./api-schemas.ts";
import { kpiAlertEvent, stateChangedEvent } from "./state-events.ts";
import { errorsOf, openApiPath, PATH_ERRORS, SHELL_ROUTES } from "./openapi.ts";
import { registerApi } from "./register-api.ts";
import type { RouteContract } from "./route-contract.ts";
import type { RouteDeps } from "./routes.ts";

const UNDOCUMENTED = [/^\/docs/, /^\/ui/, /^\/$/, /^\/openapi\.json$/];

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: unknown[] }>>;
  components: { schemas: Record<string, unknown> };
}

/** The API as registered (handlers are not called: registering needs no live dependencies). */
async function api(): Promise<{ app: FastifyInstance; routes: string[]; contracts: RouteContract[] }> {
  const app = buildServiceApp({
    service: "api",
    logger: createLogger("silent"),
    metrics: createMetricsRegistry("api"),
    readiness: [],
  });
  const routes: string[] = [];
  const contracts: RouteContract[] = [];
  app.addHook("onRoute", (route) => {
    const contract = (route.config as { contract?: RouteContract } | undefined)?.contract;
    if (contract !== undefined && contract.method === route.method) contracts.push(contract);
    for (const method of [route.method].flat())
      if (method !== "HEAD" && !UNDOCUMENTED.some((r) => r.test(route.url)))
        routes.push(`${method.toLowerCase()} ${openApiPath(route.url)}`);
  });
  registerApi(app, {
    store: { tenants: {} },
    liveStatus: () => Promise.resolve(undefined),
    limits: {
      ratePerSecond: 1000,
      rateBurst: 1000,
      streamsPerTenant: 5,
      waitsPerTenant: 5,
      keyRecheckMs: 5000,
    },
  } as unknown as RouteDeps);
  await app.ready();
  return { app, routes, contracts };
}

describe("OpenAPI document", async () => {
  const { app, routes, contracts } = await api();
  const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json<Doc>();
  await app.close();

  it("is OpenAPI 3.1 and documents every route the API serves, and no route it does not", () => {
    assert.equal(doc.openapi, "3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    const shell = SHELL_ROUTES.map((r) => `${r.method.toLowerCase()} ${r.url}`);
    assert.deepEqual(
      routes.filter((r) => !documented.includes(r) && !shell.includes(r)),
      [],
      "served without a contract",
    );
    assert.deepEqual(
      documented.filter((r) => !routes.includes(r) && !shell.includes(r)),
      [],
      "documented but not served",
    );
    assert.equal(contracts.length, 21, "the /v1 routes of routes.ts, tenant-routes.ts and watch-routes.ts");
  });

  it("documents every error code at least once, under its own status", () => {
    const all = [...contracts, ...SHELL_ROUTES];
    const used = new Set([...all.flatMap(errorsOf), ...PATH_ERRORS]);
    assert.deepEqual(
      Object.keys(ERROR_CODES).filter((c) => !used.has(c as keyof typeof ERROR_CODES)),
      [],
    );
    for (const op of all)
      for (const code of errorsOf(op))
        assert.ok(
          doc.paths[openApiPath(op.url)]?.[op.method.toLowerCase()]?.responses[
            String(ERROR_CODES[code].status)
          ],
          `${op.operationId} documents ${code}`,
        );
  });

  it("gives unique operation ids and resolvable, compilable schemas", () => {
    const ids = contracts.map((op) => op.operationId);
    assert.equal(new Set(ids).size, ids.length);
    const text = JSON.stringify(doc);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g))
      assert.ok(name !== undefined && name in doc.components.schemas, `$ref to ${name}`);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(doc, "openapi");
    for (const name of Object.keys(doc.components.schemas))
      assert.ok(ajv.getSchema(`openapi#/components/schemas/${name}`), `${name} compiles`);
  });

  it("documents the callbacks as webhooks whose schemas the events RANaaS sends fit", () => {
    const webhooks = (doc as unknown as { webhooks: Record<string, { post: { requestBody: unknown } }> })
      .webhooks;
    assert.deepEqual(Object.keys(webhooks).sort(), [
      "ran-deployment.kpi-alert",
      "ran-deployment.state-changed",
    ]);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(doc, "openapi");
    const fits = (name: string, event: unknown) => {
      const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
      assert.ok(validate, name);
      assert.ok(validate(event), `${name}: ${JSON.stringify(validate.errors)}`);
    };
    const record = {
      id: "0190a5c4-7e1d-7000-8000-000000000001",
      tenant: "t",
      name: "cells",
      spec: { telemetry: { alerts: [{ name: "busy", metric: "dlPrbUsage", above: 0.8 }] } },
      state: "ready",
      revision: 3,
      operationId: "op",
      connection: {
        network: "pod",
        n2: { sourceAddress: "10.244.0.6", amf: [{ address: "10.0.0.5", port: 38412, plmns: ["00101"] }] },
        n3: { address: "10.244.0.6", port: 2152, serviceType: "ClusterIP" },
        gnbId: 1,
        gnbIdBits: 22,
        cells: [],
      },
      createdAt: new Date(0),
      updatedAt: new Date(0),
    } as unknown as DeploymentRecord;
    fits("StateChangedCallback", stateChangedEvent(record, "ev-1", new Date()));
    const alert = { name: "busy", cell: 0, since: new Date(0).toISOString(), value: 0.9 };
    fits("KpiAlertCallback", kpiAlertEvent(record, alert, "firing", "ev-2", new Date()));
  });

  it("has a request example the API's own validation accepts", () => {
    assert.equal(validateSpec(EXAMPLE_REQUEST).ok, true);
  });

  it("documents the parameters and headers the routes validate", () => {
    const list = doc.paths["/v1/ran-deployments"]?.get?.parameters as { name: string; schema: object }[];
    assert.deepEqual(list.find((p) => p.name === "limit")?.schema, {
      type: "integer",
      minimum: 1,
      maximum: 500,
      default: 50,
    });
    const patch = doc.paths["/v1/ran-deployments/{id}"]?.patch?.parameters as { name: string }[];
    assert.deepEqual(
      patch.map((p) => p.name),
      ["id", "If-Match", "Prefer", "Idempotency-Key"],
    );
  });
});

describe("Route schemas", async () => {
  const { app } = await api();
  after(() => app.close());

  it("are checked after authentication: a bad query without a key is 401, not 422", async () => {
    const answer = await app.inject({ method: "GET", url: "/v1/ran-deployments?limit=0" });
    assert.equal(answer.statusCode, 401);
  });
});
