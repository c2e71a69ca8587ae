// Runs RANaaS services as separate processes against the local stack, as they run in production, each
// on its own free port and all sharing a database made for the test run. Lets tests stop, kill and
// restart them.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { ServiceName } from "../../src/platform/config.ts";
import { eventually } from "./eventually.ts";
import { undoOnInterrupt } from "./interrupt.ts";
import { simulatedImageEnv, stackConfig } from "./stack.ts";

/**
 * How a service process is started: from the sources through tsx, or with RANAAS_SERVICES_BUILT=1 from
 * the build (`npm run build`), as the image runs them — what the benchmarks measure (tsx alone adds
 * some 80 MiB to each process).
 */
const serviceCommand =
  process.env.RANAAS_SERVICES_BUILT === "1"
    ? [fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url))]
    : ["--import", "tsx", fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url))];

/** The Node.js options each service runs with in the Helm chart (`<service>.nodeOptions`): the same here. */
const chartNodeOptions = parse(
  readFileSync(new URL("../../deploy/helm/ranaas/values.yaml", import.meta.url), "utf8"),
) as Record<ServiceName, { nodeOptions?: string }>;

function nodeOptionsOf(service: ServiceName): string[] {
  return (chartNodeOptions[service].nodeOptions ?? "").split(" ").filter((option) => option !== "");
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  assert.ok(address !== null && typeof address === "object");
  return address.port;
}

/** The JSON log lines a service wrote with message `msg`, in order (other output is skipped). */
export function logEntries<T extends object>(service: ServiceProcess, msg: string): (T & { msg: string })[] {
  return service
    .output()
    .split("\n")
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as T & { msg?: string };
        return entry.msg === msg ? [entry as T & { msg: string }] : [];
      } catch {
        return [];
      }
    });
}

/** Service processes started by this process and still running. */
const live = new Set<ChildProcess>();
let reaping = false;

/**
 * Ends the services this process started when it ends: an interrupted test or benchmark run (SIGINT,
 * SIGTERM, SIGHUP, or the test runner ending a file) must not leave services behind that go on consuming
 * the shared queues of the next run. They get SIGTERM and stop on their own; then the signal takes its
 * usual course.
 */
function reapServicesOnExit(): void {
  if (reaping) return;
  reaping = true;
  const reap = () => {
    for (const child of live) child.kill("SIGTERM");
  };
  process.on("exit", reap);
  undoOnInterrupt(reap);
}

export interface ServiceProcess {
  service: ServiceName;
  url: string;
  child: ChildProcess;
  output: () => string;
}

export class ServiceFleet {
  private readonly env: NodeJS.ProcessEnv;
  readonly processes: ServiceProcess[] = [];

  constructor(
    readonly database: string,
    private readonly ports: Record<ServiceName, number>,
    extraEnv: NodeJS.ProcessEnv = {},
  ) {
    const config = stackConfig();
    this.env = {
      ...process.env,
      ...simulatedImageEnv(),
      MONGODB_URI: config.mongodbUri,
      AMQP_URL: config.amqpUrl,
      KUBECONFIG: config.kubeconfig ?? "",
      RANAAS_MONGODB_DATABASE: database,
      RANAAS_API_PORT: String(ports.api),
      RANAAS_ORCHESTRATOR_PORT: String(ports.orchestrator),
      RANAAS_STATUS_PORT: String(ports.status),
      RANAAS_LOG_LEVEL: "info",
      // Simulated pods run no gNB: no traffic to their addresses (tests that want the radio's reports
      // point the status service at the gNB telemetry simulator).
      RANAAS_RADIO_TELEMETRY: "false",
      ...extraEnv,
    };
  }

  static async create(database: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ServiceFleet> {
    const ports = {
      api: await freePort(),
      orchestrator: await freePort(),
      worker: 0,
      status: await freePort(),
    };
    return new ServiceFleet(database, ports, extraEnv);
  }

  get orchestratorUrl(): string {
    return `http://127.0.0.1:${this.ports.orchestrator}`;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  /** Starts one service process and waits until its /readyz answers 200. */
  /**
   * Starts a service and waits until it is ready (`/readyz`), or with `until: "alive"` only until it
   * runs (`/healthz`): for a service started while one of its dependencies is away on purpose.
   */
  async start(
    service: ServiceName,
    extraEnv: NodeJS.ProcessEnv = {},
    until: "ready" | "alive" = "ready",
  ): Promise<ServiceProcess> {
    // A second replica of a service is given its own port (RANAAS_<SERVICE>_PORT in `extraEnv`).
    const ownPort = extraEnv[`RANAAS_${service.toUpperCase()}_PORT`];
    const port =
      ownPort !== undefined ? Number(ownPort) : service === "worker" ? await freePort() : this.ports[service];
    let output = "";
    const child = spawn(process.execPath, [...nodeOptionsOf(service), ...serviceCommand, "serve", service], {
      env: { ...this.env, RANAAS_WORKER_PORT: String(port), ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // RANAAS_TEST_LOGS=<dir> keeps every service's output in a file there, for looking into a failure.
    const logDir = process.env.RANAAS_TEST_LOGS;
    const logFile =
      logDir === undefined || logDir === ""
        ? undefined
        : `${logDir}/${this.database}-${service}-${child.pid}.log`;
    if (logFile !== undefined) mkdirSync(dirname(logFile), { recursive: true });
    const capture = (chunk: Buffer) => {
      output += chunk.toString();
      if (logFile !== undefined) appendFileSync(logFile, chunk);
    };
    child.stdout?.on("data", capture);
    child.stderr?.on("data", capture);
    reapServicesOnExit();
    live.add(child);
    child.once("exit", () => live.delete(child));
    const handle: ServiceProcess = { service, url: `http://127.0.0.1:${port}`, child, output: () => output };
    this.processes.push(handle);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}: ${output}`);
        const response = await fetch(`${handle.url}/${until === "ready" ? "readyz" : "healthz"}`);
        return response.ok ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `${service} to be ${until}` },
    );
    return handle;
  }

  async stop(handle: ServiceProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (handle.child.exitCode !== null || handle.child.signalCode !== null) return;
    const exited = once(handle.child, "exit");
    handle.child.kill(signal);
    await exited;
  }

  /** The processes of a service that have not exited (nor been killed). */
  running(service: ServiceName): ServiceProcess[] {
    return this.processes.filter(
      (p) => p.service === service && p.child.exitCode === null && p.child.signalCode === null,
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => this.stop(p)));
  }
}

/** A sample of a service's metric (the first series whose labels include `label`), 0 when absent. */
export async function metricSample(url: string, name: string, label = ""): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}
