// Core networking: how the CU reaches the operator's core. `pod` (the default): N2 and N3 use the pod
// network, for a core inside the cluster (or one that accepts the node's address after SNAT). `backhaul`:
// the CU gets a second interface on the provider's backhaul network of the zone its node is in (a Multus
// macvlan attachment), with an address RANaaS allocates from that network's pool; N2 and N3 bind there,
// so the AMF and UPF see exactly that address. `host`: the CU runs in its node's network namespace, so N2
// and N3 use the node's own address (no SNAT); its ports (N3 2152, F1-C 38472, F1-U, metrics) are then
// the node's, so one host-network CU per node.
import type { Problem } from "./problem.ts";

export const CORE_NETWORK_MODES = ["pod", "backhaul", "host"] as const;
export type CoreNetworkMode = (typeof CORE_NETWORK_MODES)[number];

/** A provider's backhaul network in one zone (installation config RANAAS_BACKHAUL_NETWORKS). */
export interface BackhaulNetwork {
  /** The topology.kubernetes.io/zone of the nodes attached to it (the CU's node decides). */
  zone: string;
  /** The nodes' host interface on it (the macvlan master). */
  interface: string;
  /** IPv4 CIDR of the network; RANaaS allocates CU addresses from it. */
  cidr: string;
  /** Router on it towards the core; with `routes`, traffic to those prefixes leaves through it. */
  gateway?: string | undefined;
  /** The core's prefixes (AMFs, UPFs) reached through the gateway. */
  routes: string[];
  /** First and last address RANaaS may give out (default: the whole CIDR less network, broadcast, gateway). */
  rangeStart?: string | undefined;
  rangeEnd?: string | undefined;
}

/** The core network a deployment was planned with. */
export type PlannedCoreNetwork =
  | { mode: "pod" }
  /** The CU uses its node's network: N2 and N3 are the node's address. */
  | { mode: "host" }
  | {
      mode: "backhaul";
      zone: string;
      interface: string;
      /** The CU's address on the backhaul network: N2's source and N3's address. */
      address: string;
      prefixLength: number;
      gateway?: string | undefined;
      routes: string[];
    };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function ipv4ToNumber(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

function parseCidr(cidr: string): { base: number; prefix: number } | undefined {
  const [ip, len] = cidr.split("/");
  const prefix = Number(len);
  if (ip === undefined || !IPV4.test(ip) || !Number.isInteger(prefix) || prefix < 8 || prefix > 30)
    return undefined;
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(ipv4ToNumber(ip) / size) * size, prefix };
}

/** The addresses RANaaS may give out on the network, lowest first. */
export function assignableAddresses(network: BackhaulNetwork): {
  prefix: number;
  first: number;
  last: number;
} {
  const parsed = parseCidr(network.cidr);
  if (parsed === undefined) throw new Error(`invalid backhaul CIDR ${network.cidr}`);
  const size = 2 ** (32 - parsed.prefix);
  const first = network.rangeStart === undefined ? parsed.base + 1 : ipv4ToNumber(network.rangeStart);
  const last = network.rangeEnd === undefined ? parsed.base + size - 2 : ipv4ToNumber(network.rangeEnd);
  return { prefix: parsed.prefix, first, last };
}

/** The lowest address of the network not in `used` (nor the gateway), or undefined when all are taken. */
export function firstFreeAddress(network: BackhaulNetwork, used: ReadonlySet<string>): string | undefined {
  const { first, last } = assignableAddresses(network);
  for (let n = first; n <= last; n++) {
    const ip = numberToIpv4(n);
    if (ip !== network.gateway && !used.has(ip)) return ip;
  }
  return undefined;
}

const isRoute = (r: unknown): boolean =>
  typeof r === "string" && (r === "0.0.0.0/0" || parseCidr(r) !== undefined);

/** Validates RANAAS_BACKHAUL_NETWORKS (a JSON list); each problem names the entry and field. */
export function parseBackhaulNetworks(
  raw: string,
): { ok: true; networks: BackhaulNetwork[] } | { ok: false; problems: Problem[] } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return { ok: false, problems: [{ path: "", message: `not JSON: ${(err as Error).message}` }] };
  }
  if (!Array.isArray(value)) return { ok: false, problems: [{ path: "", message: "must be a JSON list" }] };
  const problems: Problem[] = [];
  const networks: BackhaulNetwork[] = [];
  const zones = new Set<string>();
  value.forEach((entry: unknown, i) => {
    const at = (field: string) => `/${i}${field === "" ? "" : `/${field}`}`;
    if (typeof entry !== "object" || entry === null) {
      problems.push({ path: at(""), message: "must be an object" });
      return;
    }
    const e = entry as Record<string, unknown>;
    const text = (field: string) => (typeof e[field] === "string" ? e[field] : undefined);
    const zone = text("zone");
    const iface = text("interface");
    const cidr = text("cidr");
    if (zone === undefined || zone === "") problems.push({ path: at("zone"), message: "is required" });
    else if (zones.has(zone))
      problems.push({ path: at("zone"), message: `zone ${zone} has a backhaul network already` });
    else zones.add(zone);
    if (iface === undefined || !/^[A-Za-z0-9._-]{1,15}$/.test(iface))
      problems.push({ path: at("interface"), message: "must be a host interface name (1-15 characters)" });
    const parsed = cidr === undefined ? undefined : parseCidr(cidr);
    if (parsed === undefined)
      problems.push({ path: at("cidr"), message: "must be an IPv4 CIDR with a prefix of /8 to /30" });
    const inside = (field: string) => {
      const ip = text(field);
      if (ip === undefined) return;
      if (!IPV4.test(ip)) problems.push({ path: at(field), message: "must be an IPv4 address" });
      else if (parsed !== undefined) {
        const n = ipv4ToNumber(ip);
        if (n < parsed.base || n >= parsed.base + 2 ** (32 - parsed.prefix))
          problems.push({ path: at(field), message: `${ip} is not in ${cidr}` });
      }
    };
    for (const field of ["gateway", "rangeStart", "rangeEnd"]) inside(field);
    const routes = e.routes ?? [];
    if (!Array.isArray(routes) || !routes.every(isRoute))
      problems.push({ path: at("routes"), message: "must be a list of IPv4 CIDRs" });
    else if (routes.length > 0 && text("gateway") === undefined)
      problems.push({ path: at("routes"), message: "needs a gateway to route through" });
    if (zone !== undefined && iface !== undefined && cidr !== undefined)
      networks.push({
        zone,
        interface: iface,
        cidr,
        gateway: text("gateway"),
        routes: routes as string[],
        rangeStart: text("rangeStart"),
        rangeEnd: text("rangeEnd"),
      });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, networks };
}
