import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig, redactUrl } from "./config.ts";

describe("loadConfig", () => {
  it("defaults every setting to the local stack on loopback", () => {
    const config = loadConfig({});
    assert.equal(config.mongodbUri, "mongodb://127.0.0.1:27017/");
    assert.equal(config.amqpUrl, "amqp://guest:guest@127.0.0.1:5672");
    assert.equal(config.httpHost, "127.0.0.1");
    assert.equal(config.kubeconfig, undefined);
    assert.deepEqual(config.httpPorts, { api: 8080, orchestrator: 8081, worker: 8082, status: 8083 });
  });

  it("reads the connection settings that `ranaas stack env` prints", () => {
    const config = loadConfig({
      MONGODB_URI: "mongodb://127.0.0.1:28000/",
      AMQP_URL: "amqp://u:p@127.0.0.1:5673",
      KUBECONFIG: "/tmp/kubeconfig",
      RANAAS_API_PORT: "9000",
    });
    assert.equal(config.mongodbUri, "mongodb://127.0.0.1:28000/");
    assert.equal(config.amqpUrl, "amqp://u:p@127.0.0.1:5673");
    assert.equal(config.kubeconfig, "/tmp/kubeconfig");
    assert.equal(config.httpPorts.api, 9000);
  });

  it("reports every problem at once, naming the variable, without leaking passwords", () => {
    assert.throws(
      () =>
        loadConfig({ RANAAS_API_PORT: "70000", AMQP_URL: "http://u:secret@host", RANAAS_LOG_LEVEL: "loud" }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 3);
        assert.match(err.message, /RANAAS_API_PORT: "70000" is not a TCP port/);
        assert.match(err.message, /AMQP_URL: expected a amqp or amqps URL/);
        assert.doesNotMatch(err.message, /secret/);
        assert.match(err.message, /RANAAS_LOG_LEVEL/);
        return true;
      },
    );
  });
});

describe("redactUrl", () => {
  it("hides the password and keeps the rest", () => {
    assert.equal(redactUrl("amqp://guest:guest@127.0.0.1:5672"), "amqp://guest:***@127.0.0.1:5672");
    assert.equal(redactUrl("mongodb://127.0.0.1:27017/"), "mongodb://127.0.0.1:27017/");
  });
});
