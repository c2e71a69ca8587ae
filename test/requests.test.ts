// What the API does with requests besides provisioning them: idempotent retries, tenant quotas,
// capacity, the RU pool, and invalid requests — each on the whole running system.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { issueApiKey } from "../src/platform/api-keys.ts";
import { TenantsRepository } from "../src/store/tenants-repository.ts";
import { cellsRequest, type DeploymentAnswer as Deployment } from "./support/api-client.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";
import { uniqueName } from "./support/stack.ts";

describe("requests: idempotency, quotas, capacity, RU pool, validation", { timeout: 600_000 }, () => {
  const ranaas = ranaasForSuite({ "operator-a": "operator", provider: "admin" }, "ranaas_e2e", {}, 2);
  const api = apiAs(ranaas, "operator-a");
  const asAdmin = () => ({ authorization: `Bearer ${ranaas().keys.provider ?? ""}` });

  it("answers a retried create or delete with the first answer (Idempotency-Key)", async () => {
    const body = cellsRequest("retried", 1, { site: "site-1" });
    const key = { "idempotency-key": uniqueName("create"), prefer: "wait=30" };
    const first = await api("POST", "/v1/ran-deployments", body, key);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const again = await api("POST", "/v1/ran-deployments", body, key);
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id, "no second deployment");
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    const other = await api<{ code: string }>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("retried-2", 1),
      key,
    );
    assert.equal(other.status, 422);
    assert.equal(other.body.code, "idempotency-key-reused");
    const list = await api<{ items: Deployment[] }>("GET", "/v1/ran-deployments?limit=500");
    assert.equal(list.body.items.filter((d) => d.name.startsWith("retried")).length, 1);

    const deleteKey = { "idempotency-key": uniqueName("delete") };
    const deleted = await api("DELETE", `/v1/ran-deployments/${first.body.id}`, undefined, deleteKey);
    const deletedAgain = await api("DELETE", `/v1/ran-deployments/${first.body.id}`, undefined, deleteKey);
    assert.equal(deleted.status, 202);
    assert.deepEqual(deletedAgain.body, deleted.body);
    assert.equal(deletedAgain.headers.get("idempotent-replayed"), "true");
  });

  it("refuses what a tenant's quota does not allow, with the quota and the use", async () => {
    const issued = issueApiKey();
    await new TenantsRepository(ranaas().db).create("small-operator", "operator", issued.record, {
      deployments: 1,
      cells: 2,
    });
    const asSmall = { authorization: `Bearer ${issued.key}`, prefer: "wait=30" };
    const first = await api("POST", "/v1/ran-deployments", cellsRequest("quota-1", 2), asSmall);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await api<{ code: string; detail: string }>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("quota-2", 1),
      asSmall,
    );
    assert.equal(second.status, 409);
    assert.equal(second.body.code, "quota-exceeded");
    assert.equal(
      second.body.detail,
      "tenant small-operator: quota of 1 deployments: 1 in use, this request needs 1 more",
    );
    await api("DELETE", `/v1/ran-deployments/${first.body.id}`, undefined, { ...asSmall, prefer: "wait=60" });
    const tooManyCells = await api<{ code: string; detail: string }>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("quota-3", 3),
      asSmall,
    );
    assert.equal(tooManyCells.body.code, "quota-exceeded");
    assert.match(tooManyCells.body.detail, /quota of 2 cells: 0 in use, this request needs 3 more/);
    const fits = await api("POST", "/v1/ran-deployments", cellsRequest("quota-4", 1), asSmall);
    assert.equal(fits.status, 201, "room again once the first is deleted");
  });

  it("reports free capacity per site, and an operator's quota left", async () => {
    type SiteCapacity = {
      site: string;
      freeRus: number;
      bands: { band: number; freeRus: number }[];
      edge: { nodes: number };
    };
    const admin = await api<{ sites: SiteCapacity[]; central: { nodes: number } }>(
      "GET",
      "/v1/capacity",
      undefined,
      asAdmin(),
    );
    assert.equal(admin.status, 200, JSON.stringify(admin.body));
    assert.deepEqual(
      admin.body.sites.map((s) => s.site),
      ["site-1", "site-2", "site-3"],
    );
    assert.equal(admin.body.central.nodes, 2);
    const pool = await api<{ items: { site: string; allocatedTo: string | null }[] }>(
      "GET",
      "/v1/rus",
      undefined,
      asAdmin(),
    );
    for (const site of admin.body.sites) {
      const free = pool.body.items.filter((ru) => ru.site === site.site && ru.allocatedTo === null).length;
      assert.equal(site.freeRus, free, `free RUs at ${site.site}`);
      assert.equal(site.bands.find((b) => b.band === 78)?.freeRus ?? 0, free);
      assert.equal(site.edge.nodes, 2);
    }
    const operator = await api<{ quota: { remaining: { deployments: number | null } } }>(
      "GET",
      "/v1/capacity",
    );
    assert.equal(operator.status, 200);
    assert.equal(operator.body.quota.remaining.deployments, null, "no quota, no limit");
  });

  it("manages the RU pool: lists holders, adds RUs, refuses to remove one in use", async () => {
    assert.equal((await api("GET", "/v1/rus")).status, 403, "operators may not see the pool");
    const pool = await api<{ items: { id: string; allocatedTo: string | null }[] }>(
      "GET",
      "/v1/rus",
      undefined,
      asAdmin(),
    );
    assert.equal(pool.status, 200);
    const held = pool.body.items.find((ru) => ru.allocatedTo !== null);
    assert.ok(held, "some RU is held by the deployments above");
    assert.equal((await api("DELETE", `/v1/rus/${held.id}`, undefined, asAdmin())).status, 409);
    const extra = {
      id: "ru-extra-1",
      site: "site-3",
      node: "edge-site-3-1",
      bands: [78],
      maxBandwidthMHz: 100,
    };
    const added = await api("POST", "/v1/rus", extra, asAdmin());
    assert.equal(added.status, 201);
    const invalid = { id: "Bad Id", site: "s", node: "n", bands: [], maxBandwidthMHz: 1 };
    const bad = await api<{ problems: { path: string }[] }>("POST", "/v1/rus", invalid, asAdmin());
    assert.equal(bad.status, 422);
    assert.equal((await api("DELETE", "/v1/rus/ru-extra-1", undefined, asAdmin())).status, 204);
    assert.equal((await api("DELETE", "/v1/rus/ru-extra-1", undefined, asAdmin())).status, 404);
  });

  it("takes a bodiless DELETE sent with Content-Type: application/json, and answers 405 with Allow", async () => {
    const created = await api("POST", "/v1/ran-deployments", cellsRequest(uniqueName("json-delete"), 1));
    assert.equal(created.status, 202, JSON.stringify(created.body));
    // Many client wrappers send the JSON content type on every request, with no body.
    const deleted = await api("DELETE", `/v1/ran-deployments/${created.body.id}`, undefined, {
      "content-type": "application/json",
    });
    assert.equal(deleted.status, 202, JSON.stringify(deleted.body));
    const empty = await api<{ code: string }>("POST", "/v1/ran-deployments", "", {
      "content-type": "application/json",
    });
    assert.deepEqual([empty.status, empty.body.code], [400, "invalid-json"], "a create still needs its body");
    const wrong = await api<{ code: string }>("PUT", `/v1/ran-deployments/${created.body.id}`, {});
    assert.deepEqual([wrong.status, wrong.body.code], [405, "method-not-allowed"]);
    assert.equal(wrong.headers.get("allow"), "DELETE, GET, HEAD, PATCH");
    const unknown = await api<{ code: string }>("GET", "/v1/no-such-thing");
    assert.deepEqual([unknown.status, unknown.body.code], [404, "not-found"]);
  });

  it("answers invalid requests with 400/422 naming the field, never 5xx", async () => {
    const cases: [string, unknown, number][] = [
      ["malformed JSON", '{"name": ', 400],
      ["not an object", "[1,2,3]", 422],
      ["wrong types", { ...cellsRequest("x", 1), tac: "seven" }, 422],
      ["radio it cannot do", { ...cellsRequest("x", 1), cells: [{ band: 3, bandwidthMHz: 100 }] }, 422],
      ["unknown field", { ...cellsRequest("x", 1), colour: "red" }, 422],
    ];
    for (const [what, body, status] of cases) {
      const answer = await api<{ code: string; problems?: { path: string }[] }>(
        "POST",
        "/v1/ran-deployments",
        body,
      );
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.headers.get("content-type"), "application/problem+json; charset=utf-8");
    }
    const named = await api<{ problems: { path: string; message: string }[] }>(
      "POST",
      "/v1/ran-deployments",
      { ...cellsRequest("x", 1), tac: "seven" },
    );
    assert.deepEqual(named.body.problems, [{ path: "/tac", message: "must be a whole number" }]);
    const twoAmfs = await api<{ code: string; problems: { path: string; message: string }[] }>(
      "POST",
      "/v1/ran-deployments",
      { ...cellsRequest("two-amfs", 1), amf: [{ address: "10.0.0.5" }, { address: "10.0.0.6" }] },
    );
    assert.equal(twoAmfs.status, 422);
    assert.deepEqual(
      twoAmfs.body.problems.map((p) => p.path),
      ["/amf/1"],
    );
    assert.match(
      twoAmfs.body.problems[0]?.message ?? "",
      /^PLMN \d+ is already served by \/amf\/0 \(10\.0\.0\.5:38412\); 10\.0\.0\.6:38412 cannot serve it too/,
    );
    const listed = await api<{ items: { name: string }[] }>("GET", "/v1/ran-deployments?limit=200");
    assert.ok(!listed.body.items.some((d) => d.name === "two-amfs"), "nothing stored for a refused request");
    assert.equal((await api("GET", "/v1/ran-deployments?limit=0")).status, 422);
    assert.equal((await api("GET", "/v1/nothing-here")).status, 404);
  });
});
