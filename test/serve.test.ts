// `ranaas serve all` against the real stack: every service answers /healthz, becomes ready once its
// dependencies answer, and exits cleanly on SIGTERM.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { RANAAS_SERVICES, type ServiceName } from "../src/platform/config.ts";
import { eventually } from "./support/eventually.ts";
import { freePort } from "./support/services.ts";
import { stackConfig } from "./support/stack.ts";

const cli = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

describe("ranaas serve all", () => {
  let child: ChildProcess;
  const ports = {} as Record<ServiceName, number>;
  let output = "";

  before(async () => {
    for (const service of RANAAS_SERVICES) ports[service] = await freePort();
    const config = stackConfig();
    child = spawn(process.execPath, ["--import", "tsx", cli, "serve", "all"], {
      env: {
        ...process.env,
        MONGODB_URI: config.mongodbUri,
        AMQP_URL: config.amqpUrl,
        KUBECONFIG: config.kubeconfig ?? "",
        RANAAS_API_PORT: String(ports.api),
        RANAAS_ORCHESTRATOR_PORT: String(ports.orchestrator),
        RANAAS_WORKER_PORT: String(ports.worker),
        RANAAS_STATUS_PORT: String(ports.status),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  });

  after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("answers /healthz and /readyz on every service once its dependencies answer", async () => {
    for (const service of RANAAS_SERVICES) {
      const url = `http://127.0.0.1:${ports[service]}`;
      const ready = await eventually(
        async () => {
          const response = await fetch(`${url}/readyz`);
          return response.ok
            ? ((await response.json()) as { ready: boolean; checks: { name: string }[] })
            : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200, what: `${service} to be ready (output so far: ${output})` },
      );
      assert.equal(ready.ready, true);
      assert.ok(ready.checks.length > 0, `${service} checks no dependency`);
      const health = await fetch(`${url}/healthz`);
      assert.deepEqual(await health.json(), { status: "ok", service });
    }
  });

  it("logs JSON lines and exits 0 on SIGTERM", async () => {
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 0, output);
    const lines = output.split("\n").filter((line) => line.startsWith("{"));
    assert.ok(lines.length > 0, "no JSON log lines");
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
  });
});
