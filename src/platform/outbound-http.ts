// Requests to URLs a tenant named (callbacks), made so they cannot reach inside: the name is resolved
// once, every address it resolves to is vetted (domain/outbound-address.ts), and the connection goes to
// the vetted address — no second lookup a DNS rebinding could answer differently. Redirects are not
// followed (a 3xx is a failure), the whole exchange has a deadline and the answer a size cap, and no
// connection is kept or reused. With an egress proxy, the connection is a CONNECT tunnel to the vetted
// address and port (the proxy resolves nothing), so the proxy can log and police egress too.
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction, Socket } from "node:net";
import tls from "node:tls";
import {
  addressRefusal,
  callbackUrlRefusal,
  parseIp,
  urlPort,
  type OutboundPolicy,
} from "../domain/outbound-address.ts";

/** Resolves a host name to every address it has. */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export interface OutboundOptions {
  policy: OutboundPolicy;
  timeoutMs: number;
  /** The most an answer's body may have; a longer one fails the request. */
  maxResponseBytes: number;
  resolve?: Resolver;
  /** An HTTP proxy every request tunnels through (CONNECT), e.g. http://user:pass@egress:3128. */
  proxy?: URL | undefined;
}

/** The request was not made: its target may not be reached. */
export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefusedError";
  }
}

/** Picks the address to connect to, refusing the URL when any address it resolves to may not be reached. */
async function vettedAddress(
  url: URL,
  options: OutboundOptions,
): Promise<{ address: string; family: 4 | 6 }> {
  const refusal = callbackUrlRefusal(url.href, options.policy);
  if (refusal !== undefined) throw new OutboundRefusedError(`refused: the URL ${refusal}`);
  const port = urlPort(url);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  if (parseIp(host) !== undefined) return { address: host, family: host.includes(":") ? 6 : 4 };
  let addresses: { address: string; family: number }[];
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch (err) {
    throw new Error(`${host} does not resolve: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  if (addresses.length === 0) throw new Error(`${host} does not resolve`);
  for (const { address } of addresses) {
    const why = addressRefusal(address, port, options.policy);
    if (why !== undefined) throw new OutboundRefusedError(`refused: ${host} resolves to ${why}`);
  }
  const first = addresses[0] as { address: string; family: number };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** Opens a CONNECT tunnel through the proxy to the address and port. */
function tunnel(proxy: URL, address: string, port: number, signal: AbortSignal): Promise<Socket> {
  const authority = `${address.includes(":") ? `[${address}]` : address}:${port}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.username !== "")
    headers["proxy-authorization"] =
      `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64")}`;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ""),
      port: proxy.port === "" ? 80 : Number(proxy.port),
      method: "CONNECT",
      path: authority,
      headers,
      agent: false,
      signal,
    });
    req.on("connect", (res, socket) => {
      if (res.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(new Error(`the egress proxy answered ${res.statusCode} to CONNECT ${authority}`));
    });
    req.on("error", (err) => reject(new Error(`the egress proxy: ${err.message}`, { cause: err })));
    req.end();
  });
}

/**
 * POSTs `body` to `url` and returns the answer's status. Throws OutboundRefusedError when the target
 * may not be reached, and an Error for anything else that went wrong (no answer in time, a redirect, an
 * answer over the cap).
 */
export async function postOutbound(
  urlText: string,
  headers: Record<string, string>,
  body: string,
  options: OutboundOptions,
): Promise<{ status: number }> {
  const url = new URL(urlText);
  const signal = AbortSignal.timeout(options.timeoutMs);
  const target = await vettedAddress(url, options);
  // Every lookup of this connection answers the vetted address (Node asks only for names, not literals).
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all === true) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  const secure = url.protocol === "https:";
  const request = secure ? https.request : http.request;
  let connection: { createConnection: () => Socket } | { lookup: LookupFunction; agent: false };
  if (options.proxy === undefined) connection = { lookup: pinned, agent: false };
  else {
    const socket = await tunnel(options.proxy, target.address, urlPort(url), signal).catch((err: unknown) => {
      throw signal.aborted ? new Error(`no answer within ${options.timeoutMs} ms`) : err;
    });
    const servername = url.hostname.startsWith("[") ? undefined : url.hostname;
    connection = {
      createConnection: () =>
        secure ? tls.connect({ socket, ...(servername ? { servername } : {}) }) : socket,
    };
  }
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        ...connection,
        signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.destroy();
          const location = res.headers.location;
          reject(
            new Error(
              `answered ${status}${location === undefined ? "" : ` (to ${location})`}: redirects are not followed`,
            ),
          );
          return;
        }
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > options.maxResponseBytes) {
            res.destroy();
            reject(new Error(`answered with more than ${options.maxResponseBytes} bytes`));
          }
        });
        res.on("end", () => resolve({ status }));
        res.on("error", reject);
      },
    );
    req.on("error", (err) =>
      reject(signal.aborted ? new Error(`no answer within ${options.timeoutMs} ms`) : err),
    );
    req.end(body);
  });
}
