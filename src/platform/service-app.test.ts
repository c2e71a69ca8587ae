import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { createLogger } from "./logger.ts";
import { buildServiceApp } from "./service-app.ts";

function appWith(dependencyUp: boolean) {
  return buildServiceApp({
    service: "worker",
    logger: createLogger("silent"),
    metrics: new Registry(),
    readiness: [
      {
        name: "rabbitmq",
        check: () => (dependencyUp ? Promise.resolve() : Promise.reject(new Error("not connected"))),
      },
    ],
  });
}

describe("service app", () => {
  it("answers /healthz while the process runs, whatever its dependencies do", async () => {
    const response = await appWith(false).inject({ method: "GET", url: "/healthz" });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: "ok", service: "worker" });
  });

  it("answers /readyz 503 with the failing dependency and its reason", async () => {
    const response = await appWith(false).inject({ method: "GET", url: "/readyz" });
    assert.equal(response.statusCode, 503);
    const body = response.json<{
      ready: boolean;
      checks: { name: string; ok: boolean; message: string }[];
    }>();
    assert.equal(body.ready, false);
    assert.equal(body.checks[0]?.name, "rabbitmq");
    assert.equal(body.checks[0]?.message, "not connected");
  });

  it("answers /readyz 200 when every dependency answers", async () => {
    const response = await appWith(true).inject({ method: "GET", url: "/readyz" });
    assert.equal(response.statusCode, 200);
  });

  it("serves Prometheus metrics", async () => {
    const response = await appWith(true).inject({ method: "GET", url: "/metrics" });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers["content-type"]), /text\/plain/);
  });
  it("takes the client's address from X-Forwarded-For only when the proxy in front is trusted", async () => {
    const clientOf = async (
      trustProxy: readonly string[] | number | undefined,
      peer: string,
      forwarded: string,
    ) => {
      const app = buildServiceApp({
        service: "api",
        logger: createLogger("silent"),
        metrics: new Registry(),
        readiness: [],
        trustProxy,
      });
      app.get("/whoami", (request) => ({ ip: request.ip }));
      const response = await app.inject({
        method: "GET",
        url: "/whoami",
        remoteAddress: peer,
        headers: { "x-forwarded-for": forwarded },
      });
      return response.json<{ ip: string }>().ip;
    };
    assert.equal(await clientOf(undefined, "10.0.0.9", "203.0.113.7"), "10.0.0.9", "not trusted by default");
    assert.equal(await clientOf(["10.0.0.0/8"], "10.0.0.9", "203.0.113.7"), "203.0.113.7");
    assert.equal(
      await clientOf(["10.0.0.0/8"], "198.51.100.4", "203.0.113.7"),
      "198.51.100.4",
      "not from a stranger",
    );
    assert.equal(await clientOf(1, "10.0.0.9", "1.2.3.4, 203.0.113.7"), "203.0.113.7", "one hop");
  });
});
