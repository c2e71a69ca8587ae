// The served OpenAPI document against the running API: the document served is the one the code builds,
// and every answer of every operation — successes and errors — has a documented status, content type and
// a body that validates against the documented schema.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { RANAAS_VERSION } from "../src/platform/version.ts";
import { cellsRequest } from "./support/api-client.ts";
import { startRanaas, type Ranaas } from "./support/ranaas.ts";

interface Documented {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

describe("API contract", { timeout: 300_000 }, () => {
  let ranaas: Ranaas;
  let doc: { paths: Record<string, Record<string, Documented>> };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validators = new Map<string, ValidateFunction>();
  const checked = new Set<string>();

  before(async () => {
    ranaas = await startRanaas({ "op-contract": "operator", provider: "admin" }, "ranaas_contract");
  });
  after(() => ranaas.stop());

  /** Calls the API and checks the answer against the document; returns status and body. */
  async function call(
    who: "op-contract" | "provider" | "nobody",
    method: string,
    docPath: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${ranaas.fleet.apiUrl}${path}`, {
      method,
      headers: {
        ...(who === "nobody" ? {} : { authorization: `Bearer ${ranaas.keys[who]}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    const operation = doc.paths[docPath]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${docPath} is documented`);
    const answer = operation.responses[String(response.status)];
    assert.ok(answer, `${method} ${docPath} answered ${response.status}, which is not documented: ${text}`);
    checked.add(`${method.toLowerCase()} ${docPath} ${response.status}`);
    const contentType = (response.headers.get("content-type") ?? "").split(";")[0] ?? "";
    if (answer.content === undefined) {
      assert.equal(text, "", `${method} ${docPath} ${response.status} has no documented body`);
      return { status: response.status, body: {} };
    }
    const media = answer.content[contentType];
    assert.ok(
      media,
      `${method} ${docPath} ${response.status} answered ${contentType}, documented: ${Object.keys(answer.content).join(", ")}`,
    );
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const key = `${method} ${docPath} ${response.status} ${contentType}`;
    let validate = validators.get(key);
    if (validate === undefined) {
      const pointer = [
        "paths",
        docPath,
        method.toLowerCase(),
        "responses",
        String(response.status),
        "content",
        contentType,
        "schema",
      ]
        .map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1"))
        .join("/");
      validate = ajv.getSchema(`doc#/${pointer}`);
      assert.ok(validate, `schema of ${key}`);
      validators.set(key, validate);
    }
    assert.ok(validate(parsed), `${key}: ${ajv.errorsText(validate.errors)}\n${text}`);
    return { status: response.status, body: parsed };
  }

  it("serves the document generated from its routes", async () => {
    const response = await fetch(`${ranaas.fleet.apiUrl}/openapi.json`);
    assert.equal(response.status, 200);
    const served = (await response.json()) as typeof doc & { info: { version: string } };
    assert.equal(served.info.version, RANAAS_VERSION);
    assert.ok(Object.keys(served.paths).length >= 14, "every path is there");
    doc = served;
    // Schemas refer to components as "#/components/…": they resolve inside the served document.
    ajv.addSchema(served, "doc");
  });

  it("answers every deployment operation as documented", async () => {
    const me = await call("op-contract", "GET", "/v1/me", "/v1/me");
    assert.equal(me.body.tenant, "op-contract");
    const created = await call(
      "op-contract",
      "POST",
      "/v1/ran-deployments",
      "/v1/ran-deployments",
      cellsRequest("contract-a", 2),
      { prefer: "wait=60" },
    );
    assert.equal(created.status, 201);
    const id = String(created.body.id);
    await call("op-contract", "GET", "/v1/ran-deployments/{id}", `/v1/ran-deployments/${id}`);
    await call("op-contract", "GET", "/v1/ran-deployments/{id}/kpis", `/v1/ran-deployments/${id}/kpis`);
    await call(
      "op-contract",
      "GET",
      "/v1/ran-deployments/{id}/kpis",
      `/v1/ran-deployments/${id}/kpis?windowSeconds=5`,
    );
    await call("op-contract", "GET", "/v1/ran-deployments", "/v1/ran-deployments?limit=1");
    await call(
      "op-contract",
      "GET",
      "/v1/operations/{id}",
      `/v1/operations/${String(created.body.operationId)}`,
    );
    const merge = { "content-type": "application/merge-patch+json", prefer: "wait=60" };
    const updated = await call(
      "op-contract",
      "PATCH",
      "/v1/ran-deployments/{id}",
      `/v1/ran-deployments/${id}`,
      { tac: 8 },
      merge,
    );
    assert.equal(updated.status, 200);
    const patched = await fetch(`${ranaas.fleet.apiUrl}/v1/ran-deployments/${id}`, {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${ranaas.keys["op-contract"]}`,
        "content-type": "application/merge-patch+json",
        prefer: "wait=60",
        "if-match": '"999"',
      },
      body: JSON.stringify({ tac: 8 }),
    });
    assert.equal(patched.status, 412);
    await call("op-contract", "GET", "/v1/capacity", "/v1/capacity");
    await call("provider", "GET", "/v1/capacity", "/v1/capacity");
    await call("op-contract", "DELETE", "/v1/ran-deployments/{id}", `/v1/ran-deployments/${id}`, undefined, {
      prefer: "wait=60",
    });
  });

  it("answers errors as documented problem documents", async () => {
    await call("nobody", "GET", "/v1/ran-deployments", "/v1/ran-deployments");
    await call("op-contract", "GET", "/v1/ran-deployments", "/v1/ran-deployments?limit=0");
    await call("op-contract", "GET", "/v1/ran-deployments/{id}", "/v1/ran-deployments/nope");
    await call("op-contract", "POST", "/v1/ran-deployments", "/v1/ran-deployments", "{not json");
    await call("op-contract", "POST", "/v1/ran-deployments", "/v1/ran-deployments", { name: "x" });
    await call(
      "op-contract",
      "POST",
      "/v1/ran-deployments",
      "/v1/ran-deployments",
      cellsRequest("too-big", 16),
    );
    await call(
      "op-contract",
      "POST",
      "/v1/ran-deployments",
      "/v1/ran-deployments",
      cellsRequest("nowhere", 1, { site: "mars" }),
    );
    await call("op-contract", "GET", "/v1/rus", "/v1/rus");
    await call("op-contract", "GET", "/v1/events", "/v1/events?since=yesterday");
  });

  it("answers the admin operations as documented", async () => {
    await call("provider", "GET", "/v1/rus", "/v1/rus");
    const ru = {
      id: "ru-contract-1",
      site: "site-1",
      node: "edge-site-1-1",
      bands: [78],
      maxBandwidthMHz: 100,
    };
    await call("provider", "POST", "/v1/rus", "/v1/rus", ru);
    await call("provider", "POST", "/v1/rus", "/v1/rus", { ...ru, bands: [] });
    await call("provider", "DELETE", "/v1/rus/{id}", "/v1/rus/ru-contract-1");
    await call("provider", "DELETE", "/v1/rus/{id}", "/v1/rus/ru-contract-1");
    await call("provider", "POST", "/v1/tenants", "/v1/tenants", {
      name: "contract-t",
      quotas: { cells: 4 },
    });
    await call("provider", "POST", "/v1/tenants", "/v1/tenants", { name: "contract-t" });
    await call("provider", "GET", "/v1/tenants", "/v1/tenants");
    await call("provider", "PUT", "/v1/tenants/{name}/quotas", "/v1/tenants/contract-t/quotas", { cells: 8 });
    await call("provider", "PUT", "/v1/tenants/{name}/quotas", "/v1/tenants/contract-t/quotas", {
      cells: -1,
    });
    await call("provider", "PUT", "/v1/tenants/{name}/capabilities", "/v1/tenants/contract-t/capabilities", {
      n3ServiceTypes: ["LoadBalancer"],
    });
    await call("provider", "PUT", "/v1/tenants/{name}/capabilities", "/v1/tenants/contract-t/capabilities", {
      n3ServiceTypes: ["ExternalName"],
    });
    await call("provider", "POST", "/v1/me/callback-secret", "/v1/me/callback-secret?graceSeconds=60");
    await call("provider", "POST", "/v1/me/callback-secret", "/v1/me/callback-secret?graceSeconds=-1");
    await call("provider", "POST", "/v1/tenants/{name}/keys", "/v1/tenants/contract-t/keys");
    await call("provider", "DELETE", "/v1/tenants/{name}", "/v1/tenants/contract-t");
    await call("provider", "DELETE", "/v1/tenants/{name}", "/v1/tenants/contract-t");
    await call("nobody", "GET", "/healthz", "/healthz");
    await call("nobody", "GET", "/readyz", "/readyz");
  });

  it("exercised a success of every JSON operation", () => {
    const json = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) =>
          Object.entries(op.responses).some(
            ([status, r]) => status.startsWith("2") && r.content?.["application/json"] !== undefined,
          ),
        )
        .map(([method]) => `${method} ${path}`),
    );
    assert.deepEqual(
      json.filter((op) => ![...checked].some((c) => c.startsWith(`${op} 2`))),
      [],
    );
  });
});
