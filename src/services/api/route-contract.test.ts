// Requests the route schemas refuse never reach a handler: each is a 422 naming the field, in the
// caller's terms (a body field by its JSON pointer, a query parameter by name, a header as header:Name).
// The store here only knows one API key: a handler that ran would fail on it and answer 5xx instead.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { issueApiKey } from "../../platform/api-keys.ts";
import { createLogger } from "../../platform/logger.ts";
import { createMetricsRegistry } from "../../platform/metrics.ts";
import { buildServiceApp } from "../../platform/service-app.ts";
import { EXAMPLE_REQUEST } from "./api-schemas.ts";
import { registerApi } from "./register-api.ts";
import type { RouteDeps } from "./routes.ts";

const issued = issueApiKey();
const tenant = { name: "t1", role: "admin", keys: [issued.record], quotas: {}, createdAt: new Date() };

async function apiWithOneKey() {
  const app = buildServiceApp({
    service: "api",
    logger: createLogger("silent"),
    metrics: createMetricsRegistry("api"),
    readiness: [],
  });
  registerApi(app, {
    store: {
      tenants: { byKeyId: (id: string) => Promise.resolve(id === issued.record.id ? tenant : undefined) },
    },
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
  return app;
}

describe("Route schemas", async () => {
  const app = await apiWithOneKey();
  after(() => app.close());

  async function refused(
    method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT",
    url: string,
    options: { headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<{ path: string; message: string }[]> {
    const answer = await app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${issued.key}`,
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
    });
    const body = answer.json<{ code: string; problems?: { path: string; message: string }[] }>();
    assert.equal(answer.statusCode, 422, `${method} ${url}: ${answer.body}`);
    assert.equal(body.code, "invalid-request");
    return body.problems ?? [];
  }

  it("refuses a query outside its schema, naming the parameter", async () => {
    assert.deepEqual(await refused("GET", "/v1/ran-deployments?limit=0"), [
      { path: "limit", message: "must be between 1 and 500" },
    ]);
    assert.deepEqual(await refused("GET", "/v1/ran-deployments?limit=1e9"), [
      { path: "limit", message: "must be between 1 and 500" },
    ]);
    assert.deepEqual(await refused("GET", "/v1/ran-deployments?limit=two"), [
      { path: "limit", message: "must be a whole number" },
    ]);
    const [state] = await refused("GET", "/v1/ran-deployments?state=sleeping");
    assert.equal(state?.path, "state");
    assert.match(state?.message ?? "", /must be one of "requested", "planned"/);
    assert.equal((await refused("GET", "/v1/events?since=yesterday"))[0]?.path, "since");
  });

  it("refuses malformed headers, naming them", async () => {
    const [ifMatch] = await refused("PATCH", "/v1/ran-deployments/x", {
      headers: { "if-match": "<script>", "content-type": "application/merge-patch+json" },
      body: { tac: 8 },
    });
    assert.equal(ifMatch?.path, "header:If-Match");
    const [key] = await refused("DELETE", "/v1/ran-deployments/x", {
      headers: { "idempotency-key": "a\tb" },
    });
    assert.equal(key?.path, "header:Idempotency-Key");
  });

  it("refuses a body outside its schema, naming each field", async () => {
    const problems = await refused("POST", "/v1/ran-deployments", {
      body: { ...EXAMPLE_REQUEST, tac: "7", colour: "blue", amf: { address: "00" } },
    });
    assert.deepEqual(problems.map((p) => p.path).sort(), ["/amf/address", "/colour", "/tac"]);
    assert.deepEqual(
      await refused("POST", "/v1/ran-deployments", { body: { ...EXAMPLE_REQUEST, amf: null } }),
      [{ path: "/amf", message: "must be one of a list, an object" }],
    );
    assert.deepEqual(
      (await refused("PATCH", "/v1/ran-deployments/x", { body: { plmn: null, colour: 1 } }))
        .map((p) => p.path)
        .sort(),
      ["/colour", "/plmn"],
    );
    assert.deepEqual(
      (await refused("PUT", "/v1/tenants/t2/quotas", { body: { cells: -1 } })).map((p) => p.path),
      ["/cells"],
    );
  });
});
