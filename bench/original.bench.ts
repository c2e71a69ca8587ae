// RANaaS beside the course project it grew from (ekelhala/ds-course, run from its public source at a
// pinned commit: bench/support/original-project.ts says how and what is changed in it), on the same
// database (FerretDB) and Kubernetes API server, with 10 and with 5,010 stored deployments: get one
// with its live status and list, 4 closed-loop callers, every operation of both in interleaved rounds
// with RANaaS's GET /healthz (the framework's ceiling on this machine). RANaaS lists a page of 50; the
// original has no paging and answers every record.
//
// The original's GET reads the record and then its status service, which reads the record again and
// the Deployment `srsran-<id>` in the `default` namespace: ten such Deployments (0 replicas) are made for
// the ids its GET asks for. RANaaS's GET asks for any stored id, with the live status of its components.
// Every answer's status is checked and every tenth answer's body (report.ts, checkedGet), for both.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { AppsV1Api } from "@kubernetes/client-node";
import { MongoClient } from "mongodb";
import { adminKubeConfig } from "../test/support/kube.ts";
import { stackConfig } from "../test/support/stack.ts";
import { ORIGINAL, startOriginal } from "./support/original-project.ts";
import {
  checkedGet,
  load,
  loadInterleaved,
  round,
  runsFromEnv,
  writeResult,
  type LoadResult,
} from "./support/report.ts";
import { startReadBench } from "./support/stored-deployments.ts";

const SIZES = [10, 5010];
const requests = runsFromEnv(1000);
/** The original lists every record: at 5,010 a call takes a few hundred ms, so it gets fewer calls. */
const slowListRequests = Math.max(20, Math.round(requests / 25));
const concurrency = 4;
const ROUNDS = 5;
/** How many of the original's records have a Deployment its status service can read. */
const WITH_STATUS = 10;

/** A TCP port free on 127.0.0.1 now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  assert.ok(address !== null && typeof address === "object");
  return address.port;
}

const config = stackConfig();
assert.ok(config.kubeconfig !== undefined);
const original = await startOriginal({
  mongodbUri: config.mongodbUri,
  kubeconfig: config.kubeconfig,
  apiPort: await freePort(),
});
if ("unavailable" in original) {
  // Said, not written over the last result: a machine that cannot reach GitHub measures nothing here.
  console.log(
    `skipped: the original (${ORIGINAL.repository} at ${ORIGINAL.commit}) cannot run here: ${original.unavailable}`,
  );
  console.log("give a git copy of it with RANAAS_ORIGINAL_GIT=<its .git directory>");
  process.exit(0);
}

const apps = adminKubeConfig().makeApiClient(AppsV1Api);
// The original is stopped too when RANaaS cannot start.
const bench = await startReadBench("ranaas_bench_original", "borig", 37).catch(async (err: unknown) => {
  await original.stop();
  throw err;
});
const { url, auth } = bench;
// The original's database and collection are fixed in its source.
const mongo = await new MongoClient(config.mongodbUri, { serverSelectionTimeoutMS: 3000 }).connect();
const theirs = mongo.db("db").collection<{ resource_id: string }>("ranresources");
const theirIds: string[] = [];
const statusDeployments: string[] = [];

try {
  const copies = bench.stored;
  assert.equal(await theirs.countDocuments({}), 0, "the original's collection db.ranresources is empty");

  const grow = async (total: number) => {
    while (theirIds.length < total) {
      const batch = Array.from({ length: Math.min(500, total - theirIds.length) }, () => ({
        resource_id: crypto.randomUUID(),
        core_ip: "10.0.0.5",
        core_port: 38412,
        num_rus: 2,
      }));
      await theirs.insertMany(batch);
      theirIds.push(...batch.map((d) => d.resource_id));
    }
    while (statusDeployments.length < WITH_STATUS) {
      const name = `srsran-${theirIds[statusDeployments.length]}`;
      await apps.createNamespacedDeployment({
        namespace: "default",
        body: {
          metadata: { name },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: { containers: [{ name: "srsran", image: "simulated.invalid/srsran:original" }] },
            },
          },
        },
      });
      statusDeployments.push(name);
    }
    await bench.storeUpTo(total);
  };

  const ok = (status: number, body: unknown, expected: number) =>
    assert.equal(status, expected, JSON.stringify(body).slice(0, 300));
  const figures: Record<string, Record<string, LoadResult>> = {};
  for (const size of SIZES) {
    await grow(size);
    const ids = copies.ids;
    const ops: Record<string, (i: number) => Promise<void>> = {
      healthz: async () => {
        const answer = await fetch(`${url}/healthz`);
        ok(answer.status, await answer.text(), 200);
      },
      "ranaas get": (i) => {
        const id = ids[(i * 7919) % ids.length]!;
        return checkedGet(`${url}/v1/ran-deployments/${id}`, auth, i, (body) => {
          assert.equal((body as { id: string }).id, id);
          assert.equal(typeof (body as { status?: unknown }).status, "object");
        });
      },
      "original get": (i) => {
        const id = theirIds[i % WITH_STATUS]!;
        return checkedGet(`${original.apiUrl}/api/ran_resources/${id}/`, {}, i, (body) => {
          assert.equal((body as { configuration?: { resource_id?: string } }).configuration?.resource_id, id);
        });
      },
      "ranaas list": (i) =>
        checkedGet(`${url}/v1/ran-deployments?limit=50`, auth, i, (body) =>
          assert.equal((body as { items: unknown[] }).items.length, Math.min(50, size)),
        ),
      "original list": (i) =>
        checkedGet(`${original.apiUrl}/api/ran_resources/`, {}, i, (body) =>
          assert.equal((body as unknown[]).length, size),
        ),
    };
    for (const request of Object.values(ops)) await load(8, concurrency, request); // warm-up
    figures[size] = await loadInterleaved(ops, requests, ROUNDS, concurrency, {
      "original list": size > 1000 ? slowListRequests : requests,
    });
    for (const [name, result] of Object.entries(figures[size]))
      console.log(`${`${name}@${size}`.padEnd(20)} ${JSON.stringify(result)}`);
  }

  const perSize = Object.fromEntries(
    Object.entries(figures).map(([size, f]) => {
      const rps = (name: string) => f[name]!.requestsPerSecond;
      return [
        size,
        {
          ...f,
          ratios: {
            getToOriginal: round(rps("ranaas get") / rps("original get")),
            listToOriginal: round(rps("ranaas list") / rps("original list")),
            getToHealthz: round(rps("ranaas get") / rps("healthz")),
            listToHealthz: round(rps("ranaas list") / rps("healthz")),
            originalGetToHealthz: round(rps("original get") / rps("healthz")),
            originalListToHealthz: round(rps("original list") / rps("healthz")),
          },
        },
      ];
    }),
  );
  writeResult("original", {
    original: {
      ...ORIGINAL,
      changed: "status service: kubeconfig instead of in-cluster config; listens on 127.0.0.1",
    },
    concurrency,
    storedDeployments: SIZES,
    note: "RANaaS lists a page of 50; the original lists every record",
    results: perSize,
  });
  for (const [size, figure] of Object.entries(perSize))
    console.log(`ratios@${size} ${JSON.stringify(figure.ratios)}`);
} finally {
  await Promise.allSettled(
    statusDeployments.map((name) => apps.deleteNamespacedDeployment({ name, namespace: "default" })),
  );
  await theirs.deleteMany({});
  await mongo.close();
  await bench.stop();
  await original.stop();
}
