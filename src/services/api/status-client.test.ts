import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { fetchAllLiveReplicas, fetchLiveStatus } from "./status-client.ts";

describe("status client", () => {
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const server = createServer((req, res) => {
    const route = routes.get(req.url ?? "");
    if (route === undefined) res.writeHead(599).end();
    else route(req, res);
  });
  let url = "";
  const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

  before(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it("answers the status service's status of a deployment", async () => {
    routes.set("/status/a%2Fb", json(200, { phase: "running", stale: false }));
    assert.deepEqual(await fetchLiveStatus(url, "a/b"), { phase: "running", stale: false });
  });

  it("says absent for a deployment the status service has nothing of, stale as it says", async () => {
    routes.set("/status/gone", json(404, { stale: true }));
    assert.deepEqual(await fetchLiveStatus(url, "gone"), { phase: "absent", stale: true });
    routes.set("/status/gone2", json(404, {}));
    assert.deepEqual(await fetchLiveStatus(url, "gone2"), { phase: "absent", stale: false });
  });

  it("reports stale status, not a failure, when the status service errs, hangs or is away", async () => {
    routes.set("/status/err", json(500, { detail: "boom" }));
    assert.deepEqual(await fetchLiveStatus(url, "err"), {
      stale: true,
      message: "status service answered 500",
    });
    routes.set("/status/slow", () => undefined); // never answers
    const slow = (await fetchLiveStatus(url, "slow", 100)) as { stale: boolean; message: string };
    assert.equal(slow.stale, true);
    assert.match(slow.message, /unreachable: no answer within 100 ms/);
    const away = (await fetchLiveStatus("http://127.0.0.1:1", "x")) as { stale: boolean; message: string };
    assert.equal(away.stale, true);
    assert.match(away.message, /unreachable/);
  });

  it("reads every deployment's components at once, and nothing when the answer is stale or broken", async () => {
    routes.set("/status", json(200, { stale: false, deployments: { d1: { cu: 1, du: 0 } } }));
    const all = await fetchAllLiveReplicas(url);
    assert.equal(all?.get("d1")?.get("cu"), 1);
    assert.equal(all?.get("d1")?.get("du"), 0);
    routes.set("/status", json(200, { stale: true, deployments: {} }));
    assert.equal(await fetchAllLiveReplicas(url), undefined);
    routes.set("/status", (_req, res) => res.writeHead(200).end("not json"));
    assert.equal(await fetchAllLiveReplicas(url), undefined);
    assert.equal(await fetchAllLiveReplicas("http://127.0.0.1:1"), undefined);
  });
});
