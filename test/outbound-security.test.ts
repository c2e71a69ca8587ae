// Issue 16, item 1: a tenant's callback URL cannot make the API reach inside its own network. Every
// bypass of the security review is refused when it is asked for (422 naming the field and the reason,
// nothing written, on create and on update); an address the admin allowed is delivered to, but a
// redirect from it is not followed, and the tenant sees why on the deployment. (What a name resolves to
// is vetted again at each delivery: src/platform/outbound-http.test.ts, with a hostile resolver.)
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { cellsRequest, type DeploymentAnswer } from "./support/api-client.ts";
import { eventually } from "./support/eventually.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";

type Deployment = DeploymentAnswer & {
  revision: number;
  callbacks?: {
    delivered: number;
    pending: number;
    abandoned: number;
    lastError?: { message: string; at: string };
  };
};

interface Receiver {
  server: Server;
  port: number;
  hits: string[];
  answer: "redirect" | "accept";
}

async function startReceiver(redirectTo: () => string): Promise<Receiver> {
  const receiver: Receiver = { server: createServer(), port: 0, hits: [], answer: "accept" };
  receiver.server.on("request", (request, response) => {
    request.resume();
    request.on("end", () => {
      receiver.hits.push(request.url ?? "");
      if (receiver.answer === "redirect") response.writeHead(307, { location: redirectTo() }).end();
      else response.writeHead(204).end();
    });
  });
  receiver.server.listen(0, "127.0.0.1");
  await once(receiver.server, "listening");
  receiver.port = (receiver.server.address() as AddressInfo).port;
  return receiver;
}

describe("callbacks cannot reach inside (SSRF)", { timeout: 300_000 }, () => {
  let allowed: Receiver | undefined;
  let inside: Receiver | undefined;
  // The admin allows one loopback port, the allowed receiver's; everything else on loopback stays inside.
  const env: NodeJS.ProcessEnv = {};
  before(async () => {
    inside = await startReceiver(() => "");
    allowed = await startReceiver(() => `http://127.0.0.1:${inside?.port ?? 0}/stolen`);
    env.RANAAS_CALLBACK_ALLOW = `127.0.0.1/32:${allowed.port}`;
  });
  after(() => {
    for (const r of [allowed, inside]) r?.server.closeAllConnections();
    for (const r of [allowed, inside]) r?.server.close();
  });
  const ranaas = ranaasForSuite({ "operator-a": "operator", "operator-b": "operator" }, "ranaas_ssrf", env);
  const api = apiAs(ranaas, "operator-a");
  const apiB = apiAs(ranaas, "operator-b");

  /** Every bypass the review found, with what the refusal must say. */
  const bypasses = (): [url: string, reason: RegExp][] => [
    [`http://127.0.0.1:${inside?.port ?? 0}/hook`, /loopback/],
    ["http://169.254.169.254/latest/meta-data/iam/security-credentials/", /link-local/],
    ["https://kubernetes.default.svc/api/v1/secrets", /internal name \(\.svc\)/],
    ["http://ranaas-status:8083/v1/status", /single-label/],
    ["http://[::1]:8083/", /loopback/],
    [`http://2130706433:${inside?.port ?? 0}/`, /loopback/],
    [`http://0x7f.1:${inside?.port ?? 0}/`, /loopback/],
    ["http://cu-n3.ran-other-tenant.svc.cluster.local:2152/", /internal name \(\.cluster\.local\)/],
    ["http://localhost:8080/", /single-label/],
    ["http://10.96.0.1/", /private/],
    ["http://100.64.0.1/", /carrier-grade NAT/],
    ["http://[fd00::1]/", /unique-local/],
    ["http://[::ffff:127.0.0.1]/", /IPv4-mapped/],
  ];

  it("refuses every bypass when a deployment is created, naming the field and why, and writes nothing", async () => {
    for (const [url, reason] of bypasses()) {
      const answer = await api<{ code: string; problems: { path: string; message: string }[] }>(
        "POST",
        "/v1/ran-deployments",
        cellsRequest("hooked", 1, { callbackUrl: url }),
      );
      assert.equal(answer.status, 422, `${url}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, "invalid-request");
      const problem = answer.body.problems.find((p) => p.path === "/callbackUrl");
      assert.ok(problem, `${url}: ${JSON.stringify(answer.body)}`);
      assert.match(problem.message, reason, url);
    }
    const listed = await api<{ items: unknown[] }>("GET", "/v1/ran-deployments");
    assert.deepEqual(listed.body.items, [], "nothing was written");
    assert.deepEqual(inside?.hits, [], "nothing reached the inside receiver");
  });

  it("delivers to an address the admin allowed, fails a redirect from it without following, and shows why", async () => {
    assert.ok(allowed !== undefined && inside !== undefined);
    allowed.answer = "redirect";
    const created = await api<Deployment>(
      "POST",
      "/v1/ran-deployments",
      cellsRequest("allowed-hook", 1, { callbackUrl: `http://127.0.0.1:${allowed.port}/ran-events` }),
      { prefer: "wait=30" },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    try {
      const failing = await eventually(
        async () => {
          const got = await api<Deployment>("GET", `/v1/ran-deployments/${id}`);
          return got.body.callbacks?.lastError === undefined ? undefined : got.body;
        },
        { timeoutMs: 30_000, what: "the redirect's failure on the deployment" },
      );
      assert.match(
        failing.callbacks?.lastError?.message ?? "",
        /^answered 307 \(to http:\/\/127\.0\.0\.1:\d+\/stolen\): redirects are not followed$/,
      );
      assert.equal(failing.callbacks?.delivered, 0);
      assert.ok(allowed.hits.length >= 1, "the allowed receiver was asked");
      assert.deepEqual(inside.hits, [], "the redirect was not followed");
      const other = await apiB("GET", `/v1/ran-deployments/${id}`);
      assert.equal(other.status, 404, "another tenant does not see it");

      allowed.answer = "accept"; // the receiver is fixed: the retries deliver everything, in order
      const delivered = await eventually(
        async () => {
          const got = await api<Deployment>("GET", `/v1/ran-deployments/${id}`);
          const callbacks = got.body.callbacks;
          return callbacks !== undefined && callbacks.pending === 0 && callbacks.delivered >= 4
            ? callbacks
            : undefined;
        },
        { timeoutMs: 60_000, what: "the callbacks delivered once the receiver accepts them" },
      );
      assert.equal(delivered.lastError, undefined, "no failure left once everything is delivered");
      assert.deepEqual(inside.hits, []);
    } finally {
      await api("DELETE", `/v1/ran-deployments/${id}`, undefined, { prefer: "wait=60" });
    }
  });

  it("refuses a bypass in an update too, leaving the deployment as it was", async () => {
    const created = await api<Deployment>("POST", "/v1/ran-deployments", cellsRequest("patched-hook", 1), {
      prefer: "wait=30",
    });
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    const id = created.body.id;
    try {
      for (const [url, reason] of bypasses().slice(0, 4)) {
        const answer = await api<{ problems: { path: string; message: string }[] }>(
          "PATCH",
          `/v1/ran-deployments/${id}`,
          { callbackUrl: url },
          { "content-type": "application/merge-patch+json" },
        );
        assert.equal(answer.status, 422, `${url}: ${JSON.stringify(answer.body)}`);
        assert.match(answer.body.problems.find((p) => p.path === "/callbackUrl")?.message ?? "", reason);
      }
      const after = await api<Deployment>("GET", `/v1/ran-deployments/${id}`);
      assert.equal(after.body.revision, created.body.revision, "unchanged");
      assert.equal(after.body.state, "ready");
    } finally {
      await api("DELETE", `/v1/ran-deployments/${id}`, undefined, { prefer: "wait=60" });
    }
  });
});
