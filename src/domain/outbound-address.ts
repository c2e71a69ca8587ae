// Where RANaaS may send a tenant's traffic (callbacks): only to addresses on the public internet, so a
// tenant cannot make the API reach inside its own network — loopback, the cloud's metadata service,
// private and carrier-grade NAT ranges, the cluster's Services and Pods — nor scan it. An admin
// allow-list opens chosen ranges (and ports) again, e.g. a webhook receiver on the provider's own
// network. Pure: the caller resolves names and checks each address it is about to connect to.
//
// Sources of the special-use ranges: the IANA IPv4 and IPv6 Special-Purpose Address Registries
// (RFC 6890 and its updates), RFC 6598 (carrier-grade NAT), RFC 6052 (NAT64), RFC 3056 (6to4).

/** An address range, optionally only on one port (an allow-list entry). */
export interface AddressRange {
  /** The network address: 4 bytes for IPv4, 16 for IPv6. */
  bytes: Uint8Array;
  prefix: number;
  port?: number;
  /** As written. */
  text: string;
}

/** What the admin opened again and closed besides the special-use ranges. */
export interface OutboundPolicy {
  /** Ranges (each optionally on one port) that may be reached although internal. */
  allow: readonly AddressRange[];
  /** More ranges to refuse: the cluster's Service and Pod CIDRs when they are public addresses. */
  deny: readonly AddressRange[];
}

export const NO_EXCEPTIONS: OutboundPolicy = { allow: [], deny: [] };

const SPECIAL_USE: readonly [range: string, what: string][] = [
  ["0.0.0.0/8", "an unspecified (this-network) address"],
  ["10.0.0.0/8", "a private address"],
  ["100.64.0.0/10", "a carrier-grade NAT address"],
  ["127.0.0.0/8", "a loopback address"],
  ["169.254.0.0/16", "a link-local address (where clouds serve instance metadata)"],
  ["172.16.0.0/12", "a private address"],
  ["192.0.0.0/24", "an IETF protocol assignment"],
  ["192.0.2.0/24", "a documentation address"],
  ["192.88.99.0/24", "a 6to4 relay anycast address"],
  ["192.168.0.0/16", "a private address"],
  ["198.18.0.0/15", "a benchmarking address"],
  ["198.51.100.0/24", "a documentation address"],
  ["203.0.113.0/24", "a documentation address"],
  ["224.0.0.0/4", "a multicast address"],
  ["240.0.0.0/4", "a reserved or broadcast address"],
  ["::/128", "the unspecified address"],
  ["::1/128", "a loopback address"],
  ["::ffff:0:0/96", "an IPv4-mapped address"],
  ["::/96", "an IPv4-compatible address"],
  ["64:ff9b::/96", "a NAT64 address"],
  ["64:ff9b:1::/48", "a local-use NAT64 address"],
  ["100::/64", "a discard-only address"],
  ["2001::/23", "an IETF protocol assignment (Teredo, ORCHID, benchmarking)"],
  ["2001:db8::/32", "a documentation address"],
  ["2002::/16", "a 6to4 address"],
  ["fc00::/7", "a unique-local (private) address"],
  ["fe80::/10", "a link-local address"],
  ["fec0::/10", "a site-local address"],
  ["ff00::/8", "a multicast address"],
];

const SPECIAL_RANGES = SPECIAL_USE.map(([text, what]) => ({ range: mustParseRange(text), what }));

/** Host names that only resolve inside: the machine itself, the cluster, link-local and private zones. */
const INTERNAL_SUFFIXES = [
  "cluster.local",
  "svc",
  "home.arpa",
  "localhost",
  "localdomain",
  "local",
  "internal",
  "intranet",
  "lan",
]; // the most specific first: the reason names the zone

/** An IPv4 address in dotted-quad form, or an IPv6 address, as bytes (undefined when it is neither). */
export function parseIp(text: string): Uint8Array | undefined {
  return text.includes(":") ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const zoneless = text.replace(/%.*$/, "");
  const halves = zoneless.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): number[] | undefined => {
    if (half === undefined || half === "") return [];
    const out: number[] = [];
    const pieces = half.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  for (const [i, group] of all.entries()) {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  }
  return bytes;
}

/**
 * Reads a range: `10.96.0.0/12`, `fd00::/8`, a single address (`192.0.2.10`), and for an allow-list
 * entry optionally one port after the range (`127.0.0.1/32:9000`, `[::1]:9000`, `[fd00::/8]:443`).
 */
export function parseRange(text: string): AddressRange | { error: string } {
  const trimmed = text.trim();
  let body = trimmed;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed !== null) {
    body = bracketed[1] ?? "";
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (!trimmed.includes("::") && /^[0-9.]+(\/\d+)?:\d+$/.test(trimmed)) {
    const at = trimmed.lastIndexOf(":");
    body = trimmed.slice(0, at);
    port = Number(trimmed.slice(at + 1));
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535))
    return { error: `"${text}": the port must be 1-65535` };
  const [address = "", prefixText, ...rest] = body.split("/");
  const bytes = parseIp(address);
  if (bytes === undefined || rest.length > 0)
    return { error: `"${text}" is not an IP address or CIDR range (e.g. 10.96.0.0/12, fd00::/8)` };
  const max = bytes.length * 8;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))
    return { error: `"${text}": bad prefix length` };
  if (!(prefix >= 0 && prefix <= max)) return { error: `"${text}": the prefix length must be 0-${max}` };
  return { bytes, prefix, text: trimmed, ...(port === undefined ? {} : { port }) };
}

function mustParseRange(text: string): AddressRange {
  const range = parseRange(text);
  if ("error" in range) throw new Error(range.error);
  return range;
}

function inRange(address: Uint8Array, range: AddressRange): boolean {
  if (address.length !== range.bytes.length) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((address[i] ?? 0) & mask) !== ((range.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * Why RANaaS may not connect to `address` on `port`, or undefined when it may: a special-use or denied
 * address is refused unless an allow-list entry covers it (and its port, when the entry names one).
 */
export function addressRefusal(address: string, port: number, policy: OutboundPolicy): string | undefined {
  const bytes = parseIp(address);
  if (bytes === undefined) return `${address} is not an IP address`;
  if (
    policy.allow.some((range) => inRange(bytes, range) && (range.port === undefined || range.port === port))
  )
    return undefined;
  const special = SPECIAL_RANGES.find(({ range }) => inRange(bytes, range));
  if (special !== undefined) return `${address} is ${special.what}`;
  const denied = policy.deny.find((range) => inRange(bytes, range));
  if (denied !== undefined) return `${address} is inside the cluster (${denied.text})`;
  return undefined;
}

/** The port a URL connects to. */
export function urlPort(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/**
 * Why a callback URL is refused when it is asked for, or undefined: not http(s), credentials in it, an
 * address in any notation that may not be reached (the URL parser reads `2130706433`, `0x7f.1` and
 * `[::ffff:7f00:1]` as the addresses they are), or a name that only resolves inside. A public name is
 * checked again, address by address, each time it is resolved to deliver.
 */
export function callbackUrlRefusal(text: string, policy: OutboundPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http or https URL";
  if (url.username !== "" || url.password !== "")
    return "must not carry credentials (callbacks are signed with the tenant's callback secret)";
  const host = url.hostname;
  const port = urlPort(url);
  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  if (parseIp(literal) !== undefined) {
    const refusal = addressRefusal(literal, port, policy);
    return refusal === undefined ? undefined : `must reach a public address: ${refusal}`;
  }
  const name = host.replace(/\.$/, "").toLowerCase();
  if (!name.includes("."))
    return `must name a public host: "${name}" is a single-label name, resolved inside only`;
  const suffix = INTERNAL_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix !== undefined) return `must name a public host: "${name}" is an internal name (.${suffix})`;
  if (/^[0-9.]+$/.test(name)) return `must name a public host: "${name}" is not a valid address`;
  return undefined;
}

/** Reads a comma-separated list of ranges (configuration), with the entries it could not read. */
export function parseRanges(text: string): { ranges: AddressRange[]; errors: string[] } {
  const ranges: AddressRange[] = [];
  const errors: string[] = [];
  for (const entry of text
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "")) {
    const range = parseRange(entry);
    if ("error" in range) errors.push(range.error);
    else ranges.push(range);
  }
  return { ranges, errors };
}
