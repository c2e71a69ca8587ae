// Outbound requests against real HTTP servers on 127.0.0.1, with a resolver that answers as a hostile
// DNS server would (names the tests choose, resolving to loopback).
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { NO_EXCEPTIONS, parseRanges, type OutboundPolicy } from "../domain/outbound-address.ts";
import { OutboundRefusedError, postOutbound, type Resolver } from "./outbound-http.ts";

interface Receiver {
  port: number;
  requests: { url: string; host: string; body: string }[];
  close: () => Promise<void>;
}

async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const requests: Receiver["requests"] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      requests.push({ url: req.url ?? "", host: req.headers.host ?? "", body });
      answer(req, res);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function allowing(ranges: string): OutboundPolicy {
  return { allow: parseRanges(ranges).ranges, deny: [] };
}

/** A resolver answering from a table, counting what it was asked. */
function resolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (hostname: string) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined) return Promise.reject(new Error(`ENOTFOUND ${hostname}`));
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));
  };
  return Object.assign(resolve, { asked });
}

const OPTIONS = { timeoutMs: 2_000, maxResponseBytes: 1024 };

describe("outbound requests to tenant-named URLs", () => {
  const receivers: Receiver[] = [];
  after(async () => {
    for (const r of receivers) await r.close();
  });
  const started = async (answer: (req: IncomingMessage, res: ServerResponse) => void) => {
    const r = await receiver(answer);
    receivers.push(r);
    return r;
  };
  const ok = (_req: IncomingMessage, res: ServerResponse) => res.writeHead(204).end();

  it("refuses a public-looking name that resolves inside, after DNS, without connecting", async () => {
    const target = await started(ok);
    const resolve = resolver({ "hooks.example.com": ["127.0.0.1"] });
    await assert.rejects(
      postOutbound(`http://hooks.example.com:${target.port}/x`, {}, "{}", {
        ...OPTIONS,
        policy: NO_EXCEPTIONS,
        resolve,
      }),
      (err: unknown) =>
        err instanceof OutboundRefusedError &&
        /hooks\.example\.com resolves to 127\.0\.0\.1 is a loopback address/.test(err.message),
    );
    assert.equal(target.requests.length, 0);
  });

  it("refuses a name when any of its addresses is internal (no picking the good one)", async () => {
    const resolve = resolver({ "mixed.example.com": ["93.184.215.14", "169.254.169.254"] });
    await assert.rejects(
      postOutbound("http://mixed.example.com/", {}, "{}", { ...OPTIONS, policy: NO_EXCEPTIONS, resolve }),
      /refused: mixed\.example\.com resolves to 169\.254\.169\.254 is a link-local address/,
    );
  });

  it("refuses literal addresses in any notation before resolving anything", async () => {
    const resolve = resolver({});
    for (const url of [
      "http://0x7f.1:9/",
      "http://2130706433:9/",
      "http://[::1]:9/",
      "http://kubernetes.default.svc/",
    ])
      await assert.rejects(
        postOutbound(url, {}, "{}", { ...OPTIONS, policy: NO_EXCEPTIONS, resolve }),
        OutboundRefusedError,
        url,
      );
    assert.deepEqual(resolve.asked, []);
  });

  it("connects to the vetted address itself, resolving once, with the name in Host", async () => {
    const target = await started(ok);
    const resolve = resolver({ "hooks.example.com": ["127.0.0.1"] });
    const answer = await postOutbound(
      `http://hooks.example.com:${target.port}/ran-events`,
      { "content-type": "application/json" },
      '{"a":1}',
      { ...OPTIONS, policy: allowing(`127.0.0.1/32:${target.port}`), resolve },
    );
    assert.equal(answer.status, 204);
    assert.deepEqual(resolve.asked, ["hooks.example.com"]);
    assert.deepEqual(target.requests, [
      { url: "/ran-events", host: `hooks.example.com:${target.port}`, body: '{"a":1}' },
    ]);
  });

  it("does not follow a redirect, even to an allowed target", async () => {
    const elsewhere = await started(ok);
    const redirecting = await started((_req, res) =>
      res.writeHead(307, { location: `http://127.0.0.1:${elsewhere.port}/inside` }).end(),
    );
    await assert.rejects(
      postOutbound(`http://127.0.0.1:${redirecting.port}/`, {}, "{}", {
        ...OPTIONS,
        policy: allowing("127.0.0.1/32"),
      }),
      /answered 307 \(to http:\/\/127\.0\.0\.1:\d+\/inside\): redirects are not followed/,
    );
    assert.equal(redirecting.requests.length, 1);
    assert.equal(elsewhere.requests.length, 0);
  });

  it("fails an answer over the size cap, and one that does not come in time", async () => {
    const chatty = await started((_req, res) => res.writeHead(200).end("x".repeat(10_000)));
    const silent = await started(() => undefined);
    const policy = allowing("127.0.0.1/32");
    await assert.rejects(
      postOutbound(`http://127.0.0.1:${chatty.port}/`, {}, "{}", { ...OPTIONS, policy }),
      /answered with more than 1024 bytes/,
    );
    await assert.rejects(
      postOutbound(`http://127.0.0.1:${silent.port}/`, {}, "{}", { ...OPTIONS, timeoutMs: 200, policy }),
      /no answer within 200 ms/,
    );
  });
  it("tunnels through an egress proxy to the vetted address, never asking the proxy to resolve", async () => {
    const target = await started(ok);
    const tunnels: { authority: string; auth: string }[] = [];
    const proxy = createServer();
    proxy.on("connect", (req: IncomingMessage, client: Socket) => {
      tunnels.push({ authority: req.url ?? "", auth: req.headers["proxy-authorization"] ?? "" });
      const [host = "", port = "0"] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
    });
    proxy.listen(0, "127.0.0.1");
    await once(proxy, "listening");
    const proxyUrl = new URL(`http://egress:s3cret@127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    try {
      const resolve = resolver({ "hooks.example.com": ["127.0.0.1"], "evil.example.com": ["10.1.2.3"] });
      const policy = allowing(`127.0.0.1/32:${target.port}`);
      const answer = await postOutbound(`http://hooks.example.com:${target.port}/via-proxy`, {}, "{}", {
        ...OPTIONS,
        policy,
        resolve,
        proxy: proxyUrl,
      });
      assert.equal(answer.status, 204);
      assert.deepEqual(tunnels, [
        {
          authority: `127.0.0.1:${target.port}`,
          auth: `Basic ${Buffer.from("egress:s3cret").toString("base64")}`,
        },
      ]);
      assert.deepEqual(target.requests.at(-1), {
        url: "/via-proxy",
        host: `hooks.example.com:${target.port}`,
        body: "{}",
      });
      await assert.rejects(
        postOutbound("http://evil.example.com/", {}, "{}", { ...OPTIONS, policy, resolve, proxy: proxyUrl }),
        /refused: evil\.example\.com resolves to 10\.1\.2\.3 is a private address/,
      );
      assert.equal(tunnels.length, 1, "a refused target never reaches the proxy");
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
  });
});
