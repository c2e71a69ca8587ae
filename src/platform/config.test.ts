import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidConfigError, loadConfig, redactUrl, requireImages } from "./config.ts";

describe("loadConfig", () => {
  it("has no default RAN images, and the orchestrator's refusal says what to set", () => {
    const config = loadConfig({});
    assert.equal(config.images, undefined);
    assert.equal(config.flavour, "srsran");
    assert.throws(
      () => requireImages(config),
      (err: unknown) =>
        err instanceof InvalidConfigError &&
        /RANAAS_IMAGE_CU, RANAAS_IMAGE_DU, RANAAS_IMAGE_RU_EMULATOR: not set.*docs\/ran-images\.md/.test(
          err.message,
        ),
    );
    const ocudu = loadConfig({
      RANAAS_RAN_FLAVOUR: "ocudu",
      RANAAS_IMAGE_CU: "registry.example/ocudu:26.04",
      RANAAS_IMAGE_DU: "registry.example/ocudu:26.04",
      RANAAS_IMAGE_RU_EMULATOR: "registry.example/ocudu:26.04",
    });
    assert.equal(ocudu.flavour, "ocudu");
    assert.deepEqual(requireImages(ocudu), {
      cu: "registry.example/ocudu:26.04",
      du: "registry.example/ocudu:26.04",
      ruEmulator: "registry.example/ocudu:26.04",
    });
  });

  it("reads where callbacks may go, and refuses a range or proxy it cannot use, naming the variable", () => {
    const config = loadConfig({
      RANAAS_CALLBACK_ALLOW: "10.20.0.0/16, 127.0.0.1/32:9000",
      RANAAS_CLUSTER_CIDRS: "203.0.114.0/24",
      RANAAS_CALLBACK_PROXY: "http://egress:3128",
    });
    assert.deepEqual(
      config.outbound.allow.map((r) => [r.text, r.port]),
      [
        ["10.20.0.0/16", undefined],
        ["127.0.0.1/32:9000", 9000],
      ],
    );
    assert.deepEqual(
      config.outbound.deny.map((r) => r.text),
      ["203.0.114.0/24"],
    );
    assert.equal(config.callbackProxy, "http://egress:3128");
    assert.equal(config.trustProxy, undefined, "X-Forwarded-For is ignored unless proxies are named");
    assert.deepEqual(loadConfig({ RANAAS_TRUST_PROXY: "10.0.0.0/8, 192.0.2.7" }).trustProxy, [
      "10.0.0.0/8",
      "192.0.2.7",
    ]);
    assert.equal(loadConfig({ RANAAS_TRUST_PROXY: "2" }).trustProxy, 2);
    assert.equal(loadConfig({}).callbackProxy, undefined);
    assert.throws(
      () =>
        loadConfig({
          RANAAS_CALLBACK_ALLOW: "10.0.0.0/33",
          RANAAS_CLUSTER_CIDRS: "svc.cluster.local",
          RANAAS_CALLBACK_PROXY: "socks5://egress:1080",
          RANAAS_TRUST_PROXY: "ingress.local",
        }),
      (err: unknown) =>
        err instanceof InvalidConfigError &&
        err.problems.includes('RANAAS_CALLBACK_ALLOW: "10.0.0.0/33": the prefix length must be 0-32') &&
        err.problems.some((p) => p.startsWith('RANAAS_CLUSTER_CIDRS: "svc.cluster.local" is not an IP')) &&
        err.problems.some((p) => p.startsWith("RANAAS_CALLBACK_PROXY: expected a http URL")) &&
        err.problems.some((p) => p.startsWith('RANAAS_TRUST_PROXY: "ingress.local" is not an IP')),
    );
  });

  it("refuses an unknown flavour and a partial set of images, naming each variable", () => {
    assert.throws(
      () => loadConfig({ RANAAS_RAN_FLAVOUR: "oai", RANAAS_IMAGE_CU: "r/cu:1" }),
      (err: unknown) =>
        err instanceof InvalidConfigError &&
        err.problems.includes('RANAAS_RAN_FLAVOUR: "oai" is not one of srsran, ocudu') &&
        err.problems.includes("RANAAS_IMAGE_DU: not set, but the other images are: set all three") &&
        err.problems.includes("RANAAS_IMAGE_RU_EMULATOR: not set, but the other images are: set all three"),
    );
  });

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

  it("gives each service its own AMQP URL, AMQP_URL where it has none", () => {
    const config = loadConfig({
      AMQP_URL: "amqp://admin:p@127.0.0.1:5672",
      AMQP_URL_WORKER: "amqp://ranaas-worker:w@127.0.0.1:5672",
    });
    assert.deepEqual(config.amqpUrls, {
      api: "amqp://admin:p@127.0.0.1:5672",
      orchestrator: "amqp://admin:p@127.0.0.1:5672",
      worker: "amqp://ranaas-worker:w@127.0.0.1:5672",
      status: "amqp://admin:p@127.0.0.1:5672",
    });
    assert.throws(
      () => loadConfig({ AMQP_URL_STATUS: "http://x" }),
      /AMQP_URL_STATUS: expected a amqp or amqps URL/,
    );
  });

  it("reports every problem at once, naming the variable, without leaking passwords", () => {
    assert.throws(
      () =>
        loadConfig({ RANAAS_API_PORT: "70000", AMQP_URL: "http://u:secret@host", RANAAS_LOG_LEVEL: "loud" }),
      (err: unknown) => {
        assert.ok(err instanceof InvalidConfigError);
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
