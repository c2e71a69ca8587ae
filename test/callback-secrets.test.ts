// Issue 16, item 4: tenants' callback secrets are kept sealed (AES-256-GCM under RANAAS_SECRETS_KEY,
// platform/secret-box.ts), never in plain text in the database, and a tenant can rotate its own: the
// old secret goes on signing beside the new one for a grace period, so receivers switch over without a
// gap. Secrets an older RANaaS kept in plain text, or sealed under a previous key, are sealed again
// with the current key when the API starts.
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { MongoClient, type Db } from "mongodb";
import { issueApiKey } from "../src/platform/api-keys.ts";
import { parseSecretKey, SecretBox, type SecretKey } from "../src/platform/secret-box.ts";
import { TenantsRepository } from "../src/store/tenants-repository.ts";
import { call, cellsRequest } from "./support/api-client.ts";
import { runCli } from "./support/cli.ts";
import { eventually } from "./support/eventually.ts";
import { ServiceFleet, type ServiceProcess } from "./support/services.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";

interface Received {
  subject: string;
  state: string;
  body: string;
  signature: string;
}

/** The `v1=` MACs of a RANaaS-Signature that verify with each secret: one entry per v1, the secret's index or -1. */
function verifiedBy(received: Received, secrets: string[]): number[] {
  const [t, ...macs] = received.signature.split(",");
  const timestamp = t?.replace(/^t=/, "") ?? "";
  return macs.map((mac) =>
    secrets.findIndex(
      (s) => mac === `v1=${createHmac("sha256", s).update(`${timestamp}.${received.body}`).digest("hex")}`,
    ),
  );
}

describe("callback secrets: sealed at rest, rotatable", { timeout: 180_000 }, () => {
  const database = uniqueName("ranaas_secrets").replaceAll("-", "_");
  const cliEnv = { ...process.env, MONGODB_URI: stackConfig().mongodbUri, RANAAS_MONGODB_DATABASE: database };
  const received: Received[] = [];
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const event = JSON.parse(body) as { subject: string; data: { state: string } };
      const signature = String(request.headers["ranaas-signature"]);
      received.push({ subject: event.subject, state: event.data.state, body, signature });
      response.writeHead(204).end();
    });
  });
  let hook = "";
  let fleet: ServiceFleet;
  let api: ServiceProcess;
  let mongo: MongoClient;
  let db: Db;
  let adminKey = "";

  before(async () => {
    receiver.listen(0, "127.0.0.1");
    await once(receiver, "listening");
    hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    mongo = new MongoClient(stackConfig().mongodbUri);
    db = mongo.db(database);
    const bootstrap = await runCli(["tenant", "bootstrap", "--quiet"], cliEnv);
    assert.equal(bootstrap.code, 0, bootstrap.stderr);
    adminKey = bootstrap.stdout.trim();
    fleet = await ServiceFleet.create(database, {
      RANAAS_PLAN_TIMEOUT_MS: "300",
      RANAAS_CALLBACK_ALLOW: "127.0.0.1/32",
    });
    api = await fleet.start("api");
  });

  after(async () => {
    await fleet.stopAll();
    receiver.closeAllConnections();
    receiver.close();
    await db.dropDatabase();
    await mongo.close();
  });

  const tenantDocument = (name: string) => db.collection("tenants").findOne({ _id: name as never });

  it("keeps a new tenant's secret sealed: it is in no stored field, made over the API or the CLI", async () => {
    const created = await call(
      fleet.apiUrl,
      "POST",
      "/v1/tenants",
      { name: "sealed-api" },
      {
        authorization: `Bearer ${adminKey}`,
      },
    );
    assert.equal(created.status, 201);
    const secret = String(created.body.callbackSecret);
    const stored = JSON.stringify(await tenantDocument("sealed-api"));
    assert.ok(!stored.includes(secret), "the secret is not stored as it is");
    assert.match(stored, /"sealed":"sb1\.[0-9a-f]{8}\./);

    const cli = await runCli(["tenant", "create", "sealed-cli"], cliEnv);
    assert.equal(cli.code, 0, cli.stderr);
    const cliSecret = /callback signing secret[^\n]*:\n(\S+)/.exec(cli.stdout)?.[1] ?? "";
    assert.match(cliSecret, /^[\w-]{43}$/);
    assert.ok(!JSON.stringify(await tenantDocument("sealed-cli")).includes(cliSecret));
  });

  it("signs with the new and the old secret during the grace period, then with the new one only", async () => {
    const created = await call(
      fleet.apiUrl,
      "POST",
      "/v1/tenants",
      { name: "rotating" },
      {
        authorization: `Bearer ${adminKey}`,
      },
    );
    const key = String(created.body.apiKey);
    const first = String(created.body.callbackSecret);
    const as = (method: string, path: string, body?: unknown) =>
      call(fleet.apiUrl, method, path, body, { authorization: `Bearer ${key}` });
    const eventOf = async (id: string, state: RegExp) =>
      eventually(() => Promise.resolve(received.find((r) => r.subject === id && state.test(r.state))), {
        timeoutMs: 20_000,
        what: `the ${String(state)} callback of ${id}`,
      });

    const one = await as("POST", "/v1/ran-deployments", { ...cellsRequest("rot-1", 1), callbackUrl: hook });
    assert.equal(one.status, 202, JSON.stringify(one.body));
    assert.deepEqual(verifiedBy(await eventOf(String(one.body.id), /^requested$/), [first]), [0]);

    const rotated = await as("POST", "/v1/me/callback-secret?graceSeconds=600");
    assert.equal(rotated.status, 201, JSON.stringify(rotated.body));
    const second = String(rotated.body.callbackSecret);
    assert.notEqual(second, first);
    assert.ok(Date.parse(String(rotated.body.previousRetireAt)) > Date.now() + 500_000);
    assert.equal((await as("DELETE", `/v1/ran-deployments/${String(one.body.id)}`)).status, 202);
    const during = await eventOf(String(one.body.id), /^delet/);
    assert.deepEqual(verifiedBy(during, [second, first]), [0, 1], "the new secret's MAC, then the old one's");

    const third = await as("POST", "/v1/me/callback-secret?graceSeconds=0");
    const newest = String(third.body.callbackSecret);
    assert.equal(third.body.previousRetireAt, null);
    const two = await as("POST", "/v1/ran-deployments", { ...cellsRequest("rot-2", 1), callbackUrl: hook });
    assert.deepEqual(
      verifiedBy(await eventOf(String(two.body.id), /^requested$/), [newest, second, first]),
      [0],
    );
    assert.equal((await as("POST", "/v1/me/callback-secret?graceSeconds=9999999")).status, 422);
  });

  it("seals again, when it starts, secrets kept in plain text or sealed under a previous key", async () => {
    const current = new SecretBox(stackConfig().secretsKeys);
    const previousKey = parseSecretKey(randomBytes(32).toString("base64")) as SecretKey;
    await db.collection("tenants").insertOne({
      _id: "legacy-plain" as never,
      role: "operator",
      keys: [issueApiKey().record],
      quotas: {},
      callbackSecret: "plain-from-an-older-ranaas",
      createdAt: new Date(),
    });
    await new TenantsRepository(db, new SecretBox([previousKey])).create(
      "legacy-key",
      "operator",
      issueApiKey().record,
      {},
      "sealed-under-the-previous-key",
    );

    await fleet.stop(api);
    api = await fleet.start("api", {
      RANAAS_SECRETS_PREVIOUS_KEYS: Buffer.from(previousKey.key).toString("base64"),
    });
    const sealedNow = async (name: string) => {
      const doc = (await tenantDocument(name)) as {
        callbackSecret?: string;
        callbackSecrets?: { sealed: string }[];
      };
      const sealed = doc.callbackSecrets?.[0]?.sealed ?? "";
      return doc.callbackSecret === undefined && sealed !== "" && !current.needsResealing(sealed)
        ? sealed
        : undefined;
    };
    for (const [name, secret] of [
      ["legacy-plain", "plain-from-an-older-ranaas"],
      ["legacy-key", "sealed-under-the-previous-key"],
    ] as const) {
      await eventually(() => sealedNow(name), { timeoutMs: 20_000, what: `${name}'s secret sealed again` });
      assert.deepEqual(await new TenantsRepository(db, current).signingSecrets(name), [secret]);
      assert.ok(!JSON.stringify(await tenantDocument(name)).includes(secret));
    }
  });
});
