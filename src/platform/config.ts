// Reads the environment once, validates it and returns typed settings; nothing else reads process.env.
import { homedir } from "node:os";
import { join } from "node:path";
import { parseBackhaulNetworks, type BackhaulNetwork } from "../domain/backhaul.ts";
import { parseRanges, type OutboundPolicy } from "../domain/outbound-address.ts";
import { RAN_FLAVOURS, type ContainerImages, type RanFlavour } from "../domain/resource-definition.ts";
import { parseSecretKey, type SecretKey } from "./secret-box.ts";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export const RANAAS_SERVICES = ["api", "orchestrator", "worker", "status"] as const;
export type ServiceName = (typeof RANAAS_SERVICES)[number];

export interface RanaasConfig {
  /** MongoDB-wire connection string (FerretDB locally). */
  mongodbUri: string;
  /** Database name inside the MongoDB server. */
  mongodbDatabase: string;
  /** AMQP 0-9-1 URL of RabbitMQ (AMQP_URL): the default of every service's own. */
  amqpUrl: string;
  /**
   * Each service's AMQP URL (AMQP_URL_API, _ORCHESTRATOR, _WORKER, _STATUS; default AMQP_URL): each
   * service logs in as its own RabbitMQ user, with only the rights its part needs (SECURITY.md).
   */
  amqpUrls: Record<ServiceName, string>;
  /** Path of the kubeconfig; undefined means in-cluster or the client's default lookup. */
  kubeconfig: string | undefined;
  logLevel: LogLevel;
  /** Address every HTTP listener binds to. */
  httpHost: string;
  /** HTTP port per service (health, metrics and, for api and status, their APIs). */
  httpPorts: Record<ServiceName, number>;
  /** The RAN software deployments run: srsRAN or OCUDU (RANAAS_RAN_FLAVOUR, default srsran). */
  flavour: RanFlavour;
  /**
   * The images of the CU, DU and RU emulators (RANAAS_IMAGE_CU, _DU, _RU_EMULATOR): all three, or none.
   * There is no default: no published image runs on every CPU, so operators build their own
   * (docs/ran-images.md). Only the orchestrator needs them (`requireImages`).
   */
  images: ContainerImages | undefined;
  /** The provider's backhaul networks, one per zone (RANAAS_BACKHAUL_NETWORKS, a JSON list). */
  backhaulNetworks: BackhaulNetwork[];
  /** Host interface of the fronthaul network on the edge nodes. */
  fronthaulInterface: string;
  /** Where the operators' UPFs send N3 traffic from (NetworkPolicy). */
  upfCidrs: string[];
  /** How long a worker waits for a deployment's pods to be ready before it fails the provision. */
  provisionTimeoutMs: number;
  /**
   * How long a teardown may wait for Kubernetes to remove a deployment's namespace before the deployment
   * is failed with the reason (its reservations stay held while objects may remain). Namespace deletion
   * is asynchronous and, with many at once, takes well beyond a provision's deadline.
   */
  teardownTimeoutMs: number;
  /**
   * Commands one worker carries out at once. A command mostly waits on Kubernetes (pods becoming ready,
   * a namespace going away), so a worker overlaps several instead of idling through each wait.
   */
  workerConcurrency: number;
  /** How long the API waits for a busy orchestrator's answer (an absent one is not waited for). */
  planTimeoutMs: number;
  /** How often the API compares running deployments with what their definitions run (missed drift). */
  driftSweepMs: number;
  /** Where the API finds the status service. */
  statusUrl: string;
  /**
   * Where the status service opens every CU's and DU's remote-control websocket instead of the pod's
   * address, naming the pod in the path (`<via>/<namespace>/<cu|du>`): for simulated clusters, whose pods
   * run nothing (the test support's gNB telemetry simulator). Unset: each pod's own address.
   */
  telemetryVia: string | undefined;
  /** Whether the status service reads each CU's and DU's metrics (RANAAS_RADIO_TELEMETRY; the local stack's simulated pods run nothing). */
  radioTelemetry: boolean;
  /** Whether a deployment that drifted (objects deleted or changed behind RANaaS's back) is restored. */
  selfHeal: boolean;
  /**
   * The API's limits: request body size; requests per second (sustained and burst) per caller; per
   * tenant and API replica, open event streams and requests held by `Prefer: wait`; and how often a
   * long event stream checks that its key still works (RANAAS_STREAM_KEY_RECHECK_MS).
   */
  limits: {
    maxBodyBytes: number;
    ratePerSecond: number;
    rateBurst: number;
    streamsPerTenant: number;
    waitsPerTenant: number;
    keyRecheckMs: number;
  };
  /**
   * Where tenants' callbacks may go besides the public internet (RANAAS_CALLBACK_ALLOW: ranges, each
   * optionally with one port, e.g. `10.20.0.0/16,127.0.0.1/32:9000`) and which public ranges are the
   * cluster's own (RANAAS_CLUSTER_CIDRS: its Service and Pod CIDRs; private ones are refused anyway).
   */
  outbound: OutboundPolicy;
  /**
   * The proxies in front of the API that may name the client (RANAAS_TRUST_PROXY): their addresses or
   * CIDR ranges, comma-separated, or a number of hops. Unset: X-Forwarded-For is ignored, so rate limits
   * count the peer's address (behind an ingress, set this to the ingress's addresses).
   */
  trustProxy: string[] | number | undefined;
  /**
   * The keys callback secrets are sealed with: RANAAS_SECRETS_KEY (seals; 32 bytes, base64), then
   * RANAAS_SECRETS_PREVIOUS_KEYS (comma-separated; open what they sealed, after a key rotation). Empty
   * when unset: only the API and `ranaas tenant` need it.
   */
  secretsKeys: SecretKey[];
  /** An HTTP proxy callbacks tunnel through (RANAAS_CALLBACK_PROXY, e.g. http://egress:3128); none by default. */
  callbackProxy: string | undefined;
}

export class InvalidConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "InvalidConfigError";
  }
}

const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const DEFAULT_PORTS: Record<ServiceName, number> = {
  api: 8080,
  orchestrator: 8081,
  worker: 8082,
  status: 8083,
};

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = process.env): RanaasConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string): string => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? fallback : value;
  };
  const port = (name: string, fallback: number): number => {
    const raw = text(name, String(fallback));
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      problems.push(`${name}: "${raw}" is not a TCP port (1-65535)`);
    }
    return value;
  };
  const url = (name: string, fallback: string, schemes: string[]): string => {
    const raw = text(name, fallback);
    const scheme = /^([a-z+]+):\/\//.exec(raw)?.[1];
    if (scheme === undefined || !schemes.includes(scheme)) {
      problems.push(`${name}: expected a ${schemes.join(" or ")} URL, got "${redactUrl(raw)}"`);
    }
    return raw;
  };
  const optionalUrl = (name: string, schemes: string[]): string | undefined =>
    text(name, "") === "" ? undefined : url(name, "", schemes).replace(/\/+$/, "");

  const logLevel = text("RANAAS_LOG_LEVEL", "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`RANAAS_LOG_LEVEL: "${logLevel}" is not one of ${LOG_LEVELS.join(", ")}`);
  }
  const milliseconds = (name: string, fallback: number): number => {
    const raw = text(name, String(fallback));
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      problems.push(`${name}: "${raw}" is not a positive number of milliseconds`);
    return value;
  };
  const positive = (name: string, fallback: number): number => {
    const raw = text(name, String(fallback));
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      problems.push(`${name}: "${raw}" is not a positive whole number`);
    return value;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = text(name, String(fallback)).toLowerCase();
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    problems.push(`${name}: "${raw}" is not true or false`);
    return fallback;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = text(name, fallback);
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name}: "${raw}" is not one of ${allowed.join(", ")}`);
    return fallback;
  };
  const images = (): ContainerImages | undefined => {
    const given = {
      cu: text(IMAGE_ENV.cu, ""),
      du: text(IMAGE_ENV.du, ""),
      ruEmulator: text(IMAGE_ENV.ruEmulator, ""),
    };
    const missing = (Object.keys(given) as (keyof ContainerImages)[]).filter((k) => given[k] === "");
    if (missing.length === 3) return undefined;
    for (const k of missing)
      problems.push(`${IMAGE_ENV[k]}: not set, but the other images are: set all three`);
    return given;
  };
  const backhaulNetworks = (): BackhaulNetwork[] => {
    const parsed = parseBackhaulNetworks(text("RANAAS_BACKHAUL_NETWORKS", "[]"));
    if (parsed.ok) return parsed.networks;
    for (const p of parsed.problems) problems.push(`RANAAS_BACKHAUL_NETWORKS${p.path}: ${p.message}`);
    return [];
  };
  const ranges = (name: string) => {
    const parsed = parseRanges(text(name, ""));
    for (const error of parsed.errors) problems.push(`${name}: ${error}`);
    return parsed.ranges;
  };
  const trustedProxies = (): string[] | number | undefined => {
    const raw = text("RANAAS_TRUST_PROXY", "");
    if (raw === "") return undefined;
    if (/^\d+$/.test(raw)) {
      const hops = Number(raw);
      if (hops >= 1 && hops <= 10) return hops;
      problems.push(`RANAAS_TRUST_PROXY: "${raw}" hops: expected 1-10`);
      return undefined;
    }
    const proxies = ranges("RANAAS_TRUST_PROXY");
    if (proxies.some((p) => p.port !== undefined)) problems.push("RANAAS_TRUST_PROXY: ranges without ports");
    return proxies.map((p) => p.text);
  };
  const secretsKeys = (): SecretKey[] => {
    const current = text("RANAAS_SECRETS_KEY", "");
    const previous = text("RANAAS_SECRETS_PREVIOUS_KEYS", "")
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k !== "");
    if (current === "") {
      if (previous.length > 0) problems.push("RANAAS_SECRETS_PREVIOUS_KEYS: set RANAAS_SECRETS_KEY too");
      return [];
    }
    const keys: SecretKey[] = [];
    for (const [i, raw] of [current, ...previous].entries()) {
      const parsed = parseSecretKey(raw);
      const name = i === 0 ? "RANAAS_SECRETS_KEY" : `RANAAS_SECRETS_PREVIOUS_KEYS[${i - 1}]`;
      if (typeof parsed === "string") problems.push(`${name}: ${parsed}`);
      else keys.push(parsed);
    }
    return keys;
  };
  const kubeconfig = env.KUBECONFIG?.trim();
  const amqpUrl = url("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672", ["amqp", "amqps"]);
  const statusPort = port("RANAAS_STATUS_PORT", DEFAULT_PORTS.status);
  const config: RanaasConfig = {
    mongodbUri: url("MONGODB_URI", "mongodb://127.0.0.1:27017/", ["mongodb", "mongodb+srv"]),
    mongodbDatabase: text("RANAAS_MONGODB_DATABASE", "ranaas"),
    amqpUrl,
    amqpUrls: Object.fromEntries(
      RANAAS_SERVICES.map((service) => [
        service,
        text(`AMQP_URL_${service.toUpperCase()}`, "") === ""
          ? amqpUrl
          : url(`AMQP_URL_${service.toUpperCase()}`, amqpUrl, ["amqp", "amqps"]),
      ]),
    ) as Record<ServiceName, string>,
    kubeconfig: kubeconfig === undefined || kubeconfig === "" ? undefined : kubeconfig,
    logLevel,
    httpHost: text("RANAAS_HTTP_HOST", "127.0.0.1"),
    httpPorts: {
      api: port("RANAAS_API_PORT", DEFAULT_PORTS.api),
      orchestrator: port("RANAAS_ORCHESTRATOR_PORT", DEFAULT_PORTS.orchestrator),
      worker: port("RANAAS_WORKER_PORT", DEFAULT_PORTS.worker),
      status: statusPort,
    },
    flavour: oneOf("RANAAS_RAN_FLAVOUR", RAN_FLAVOURS, "srsran"),
    images: images(),
    backhaulNetworks: backhaulNetworks(),
    fronthaulInterface: text("RANAAS_FRONTHAUL_INTERFACE", "ens1f0"),
    upfCidrs: text("RANAAS_UPF_CIDRS", "0.0.0.0/0")
      .split(",")
      .map((c) => c.trim())
      .filter((c) => c !== ""),
    provisionTimeoutMs: milliseconds("RANAAS_PROVISION_TIMEOUT_MS", 120_000),
    teardownTimeoutMs: milliseconds("RANAAS_TEARDOWN_TIMEOUT_MS", 600_000),
    workerConcurrency: positive("RANAAS_WORKER_CONCURRENCY", 4),
    planTimeoutMs: milliseconds("RANAAS_PLAN_TIMEOUT_MS", 30_000),
    driftSweepMs: milliseconds("RANAAS_DRIFT_SWEEP_MS", 30_000),
    statusUrl: url("RANAAS_STATUS_URL", `http://127.0.0.1:${statusPort}`, ["http", "https"]),
    telemetryVia: optionalUrl("RANAAS_TELEMETRY_VIA", ["ws", "wss"]),
    radioTelemetry: flag("RANAAS_RADIO_TELEMETRY", true),
    selfHeal: flag("RANAAS_SELF_HEAL", true),
    limits: {
      maxBodyBytes: positive("RANAAS_MAX_BODY_BYTES", 256 * 1024),
      ratePerSecond: positive("RANAAS_RATE_LIMIT_PER_SECOND", 50),
      rateBurst: positive("RANAAS_RATE_LIMIT_BURST", 200),
      streamsPerTenant: positive("RANAAS_STREAMS_PER_TENANT", 20),
      waitsPerTenant: positive("RANAAS_WAITS_PER_TENANT", 50),
      keyRecheckMs: milliseconds("RANAAS_STREAM_KEY_RECHECK_MS", 5_000),
    },
    outbound: { allow: ranges("RANAAS_CALLBACK_ALLOW"), deny: ranges("RANAAS_CLUSTER_CIDRS") },
    trustProxy: trustedProxies(),
    secretsKeys: secretsKeys(),
    callbackProxy:
      text("RANAAS_CALLBACK_PROXY", "") === "" ? undefined : url("RANAAS_CALLBACK_PROXY", "", ["http"]),
  };
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return config;
}

/** The variables that name the RAN images. */
export const IMAGE_ENV: Record<keyof ContainerImages, string> = {
  cu: "RANAAS_IMAGE_CU",
  du: "RANAAS_IMAGE_DU",
  ruEmulator: "RANAAS_IMAGE_RU_EMULATOR",
};

/** The RAN images, for the service that renders deployments; a clear refusal to start without them. */
export function requireImages(config: RanaasConfig): ContainerImages {
  if (config.images !== undefined) return config.images;
  throw new InvalidConfigError([
    `${Object.values(IMAGE_ENV).join(", ")}: not set. Set them to the ${config.flavour === "ocudu" ? "OCUDU" : "srsRAN"} ` +
      "images you built and pushed for your nodes (docs/ran-images.md says what they must hold); " +
      "no published image runs on every CPU, so there is no default",
  ]);
}

/** Hides the password of a URL so it can be logged or shown. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]+)@/, "//$1:***@");
}

/** What the CLI client reads from its environment (the saved login is the fallback). */
export interface ClientSettings {
  /** Where the saved login lives: RANAAS_CONFIG, else $XDG_CONFIG_HOME/ranaas/config.json. */
  configFile: string;
  /** RANAAS_URL and RANAAS_API_KEY override the saved login (scripts, CI). */
  url: string | undefined;
  apiKey: string | undefined;
}

export function clientSettings(env: Env = process.env, home = homedir()): ClientSettings {
  const set = (name: string): string | undefined => (env[name] === "" ? undefined : env[name]);
  return {
    configFile:
      set("RANAAS_CONFIG") ?? join(set("XDG_CONFIG_HOME") ?? join(home, ".config"), "ranaas", "config.json"),
    url: set("RANAAS_URL"),
    apiKey: set("RANAAS_API_KEY"),
  };
}
