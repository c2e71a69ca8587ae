// The served OpenAPI document must describe exactly the routes the API registers, every error code it
// can answer with, and examples that its own validation accepts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { ERROR_CODES } from "../../domain/error-codes.ts";
import { validateSpec } from "../../domain/validate-spec.ts";
import { createLogger } from "../../platform/logger.ts";
import { buildServiceApp } from "../../platform/service-app.ts";
import { createMetricsRegistry } from "../../platform/metrics.ts";
import { errorsOf, EXAMPLE_REQUEST, OPERATIONS, openApiDocument, PATH_ERRORS } from "./openapi.ts";
import { registerApi } from "./register-api.ts";
import type { RouteDeps } from "./routes.ts";

const UNDOCUMENTED = [/^\/docs/, /^\/ui/, /^\/$/, /^\/openapi\.json$/];

/** The routes registered by registerApi, and a check for any route (also the shell's /healthz etc.). */
async function registeredRoutes(): Promise<{
  added: Set<string>;
  has: (method: string, path: string) => boolean;
}> {
  const app = buildServiceApp({
    service: "api",
    logger: createLogger("silent"),
    metrics: createMetricsRegistry("api"),
    readiness: [],
  });
  const routes = new Set<string>();
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (method === "HEAD" || UNDOCUMENTED.some((r) => r.test(route.url))) continue;
      routes.add(`${method.toLowerCase()} ${route.url.replace(/:(\w+)/g, "{$1}")}`);
    }
  });
  // Handlers are not called here; registering needs no live dependencies.
  registerApi(app, {
    store: { tenants: {} },
    statusUrl: "",
    limits: { ratePerSecond: 1, rateBurst: 1 },
  } as unknown as RouteDeps);
  await app.ready();
  const documented = new Set(
    OPERATIONS.filter((op) =>
      app.hasRoute({ method: op.method.toUpperCase(), url: op.path.replace(/\{(\w+)\}/g, ":$1") }),
    ).map((op) => `${op.method} ${op.path}`),
  );
  await app.close();
  return { added: routes, has: (method, path) => documented.has(`${method} ${path}`) };
}

describe("OpenAPI document", () => {
  const doc = openApiDocument("0.0.0") as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown> };
  };

  it("documents every route the API serves, and no route it does not", async () => {
    const served = await registeredRoutes();
    const documented = new Set(OPERATIONS.map((op) => `${op.method} ${op.path}`));
    assert.deepEqual(
      [...served.added].filter((r) => !documented.has(r)),
      [],
      "served but not documented",
    );
    assert.deepEqual(
      OPERATIONS.filter((op) => !served.has(op.method, op.path)).map((op) => `${op.method} ${op.path}`),
      [],
      "documented but not served",
    );
  });

  it("documents every error code at least once, under its own status", () => {
    const used = new Set([...OPERATIONS.flatMap(errorsOf), ...PATH_ERRORS]);
    assert.deepEqual(
      Object.keys(ERROR_CODES).filter((c) => !used.has(c as keyof typeof ERROR_CODES)),
      [],
    );
    for (const op of OPERATIONS)
      for (const code of errorsOf(op))
        assert.ok(doc.paths[op.path]?.[op.method]?.responses[String(ERROR_CODES[code].status)]);
  });

  it("gives unique operation ids and resolvable, compilable schemas", () => {
    const ids = OPERATIONS.map((op) => op.operationId);
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

  it("has a request example the API's own validation accepts", () => {
    assert.equal(validateSpec(EXAMPLE_REQUEST).ok, true);
  });
});
