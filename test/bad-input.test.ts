// Hostile and random input against the running API: malformed JSON, wrong types, huge and deeply nested
// bodies, unicode and control characters, invalid radio combinations, injection-looking strings,
// oversized headers, and property-based requests. Never a 5xx, never a crash, never a half-written
// record; every error is a problem document, and a refused request names its fields.
import assert from "node:assert/strict";
import { uuidV7 } from "../src/platform/uuid-v7.ts";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { ERROR_CODES } from "../src/domain/error-codes.ts";
import { cellsRequest } from "./support/api-client.ts";
import { startRanaas, type Ranaas } from "./support/ranaas.ts";

interface Answer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
  text: string;
  retryAfter: string | undefined;
}

describe("bad input", { timeout: 300_000 }, () => {
  let ranaas: Ranaas;
  let key = "";
  let admin = "";

  before(async () => {
    ranaas = await startRanaas({ provider: "admin" }, "ranaas_bad");
    admin = ranaas.keys.provider ?? "";
    // A tenant whose quota allows no deployment: a request that happens to be valid is refused (409)
    // instead of provisioning, so random input cannot take the stack's RUs.
    const created = await send(
      "POST",
      "/v1/tenants",
      JSON.stringify({ name: "fuzz", quotas: { deployments: 0 } }),
      {},
      admin,
    );
    assert.equal(created.status, 201, created.text);
    key = String(created.body.apiKey);
  });
  after(() => ranaas.stop());

  /** Sends raw bytes (no client-side checks) and reads whatever comes back. */
  function send(
    method: string,
    path: string,
    body?: string | Buffer,
    headers: Record<string, string> = {},
    bearer: string | null = key,
  ): Promise<Answer> {
    const url = new URL(path, ranaas.fleet.apiUrl);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method,
          agent: false, // a fresh connection each time: a refused one may be closed by the server
          headers: {
            ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const parsed = ((): Record<string, unknown> => {
              try {
                return JSON.parse(text) as Record<string, unknown>;
              } catch {
                return {};
              }
            })();
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers["content-type"] ?? "",
              body: parsed,
              text,
              retryAfter: res.headers["retry-after"],
            });
          });
        },
      );
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** Every refusal: a 4xx problem document with a known code; 422s name each field. */
  function assertProblem(answer: Answer, what: string): void {
    assert.ok(answer.status < 500, `${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
    if (answer.status < 400) return;
    if (answer.status === 431) return; // Node refuses oversized headers before any handler runs
    assert.match(answer.contentType, /^application\/problem\+json/, `${what}: ${answer.contentType}`);
    const code = answer.body.code as keyof typeof ERROR_CODES;
    assert.ok(code in ERROR_CODES, `${what}: code ${String(code)}`);
    assert.equal(ERROR_CODES[code].status, answer.status, `${what}: ${code} answers ${answer.status}`);
    assert.equal(typeof answer.body.detail, "string");
    if (code === "invalid-request") {
      const problems = answer.body.problems as { path: string; message: string }[] | undefined;
      assert.ok(problems !== undefined && problems.length > 0, `${what}: names the fields`);
      for (const p of problems)
        assert.ok(p.path.length > 0 && p.message.length > 0, `${what}: ${JSON.stringify(p)}`);
    }
  }

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    send("POST", "/v1/ran-deployments", body, headers);
  const valid = cellsRequest("fuzz-ok", 1);

  it("answers malformed JSON with 400 invalid-json", async () => {
    for (const body of [
      "{",
      "[",
      "nul",
      '{"a":}',
      "\u0000",
      '{"name": "a",}',
      "'single'",
      '{"a":1}{"b":2}',
      "1e999999",
      "",
    ]) {
      const answer = await post(body);
      assertProblem(answer, JSON.stringify(body));
      assert.ok([400, 422].includes(answer.status), `${JSON.stringify(body)}: ${answer.status}`);
    }
  });

  it("names each field of wrong types, missing fields and invalid radio combinations", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, name: 5 }, "/name"],
      [{ ...valid, cells: "2" }, "/cells"],
      [{ ...valid, amf: null }, "/amf"],
      [{ ...valid, tac: "7" }, "/tac"],
      [{ ...valid, plmn: 101 }, "/plmn"],
      [{ ...valid, slices: {} }, "/slices"],
      [{ ...valid, cells: [null] }, "/cells/0"],
      [{ ...valid, cells: [{ band: "78", bandwidthMHz: 20 }] }, "/cells/0/band"],
      [{ ...valid, plmn: "0010" }, "/plmn"],
      [{ ...valid, plmn: "0010011" }, "/plmn"],
      [{ ...valid, tac: 16777216 }, "/tac"],
      [{ ...valid, tac: -1 }, "/tac"],
      [{ ...valid, slices: [{ sst: 1, sd: "GGGGGG" }] }, "/slices/0/sd"],
      [{ ...valid, cells: [{ band: 78, bandwidthMHz: 7 }] }, "/cells/0"],
      [{ ...valid, cells: [{ band: 78, bandwidthMHz: 20, dlArfcn: 636667 }] }, "/cells/0"],
      [{ ...valid, cells: [{ band: 999, bandwidthMHz: 20 }] }, "/cells/0/band"],
      [{ ...valid, cells: [{ band: 3, bandwidthMHz: 20 }] }, "/cells/0/band"],
      [{ ...valid, cells: [{ band: 78, bandwidthMHz: 20, pci: 1008 }] }, "/cells/0/pci"],
      [{ ...valid, cells: Array.from({ length: 17 }, () => ({ band: 78, bandwidthMHz: 20 })) }, "/cells"],
      [{ ...valid, gnbId: 2 ** 22, gnbIdBits: 22 }, "/gnbId"],
      [{ ...valid, name: "caf\u00e9" }, "/name"],
      [{ ...valid, name: "a\u0000b" }, "/name"],
      [{ ...valid, name: "\u202eevil" }, "/name"],
      [{ ...valid, name: "📡📡" }, "/name"],
      [{ ...valid, name: "a".repeat(1000) }, "/name"],
      [{ ...valid, name: "'; DROP TABLE deployments; --" }, "/name"],
      [{ ...valid, name: { $gt: "" } }, "/name"],
      [{ ...valid, site: { $ne: null } }, "/site"],
      [{ ...valid, site: "site\u00001" }, "/site"],
      [{ ...valid, site: "site 1" }, "/site"],
      [{ ...valid, callbackUrl: "http://example.com/\u0000" }, "/callbackUrl"],
      [{ ...valid, callbackUrl: "http://example.com/\u00e9" }, "/callbackUrl"],
      [{ ...valid, amf: [{ address: "$(rm -rf /)" }] }, "/amf/0/address"],
      [{ ...valid, amf: [{ address: "../../etc/passwd" }] }, "/amf/0/address"],
      [{ ...valid, amf: [{ address: "<script>alert(1)</script>" }] }, "/amf/0/address"],
      [{ ...valid, callbackUrl: "javascript:alert(1)" }, "/callbackUrl"],
      [{ ...valid, $where: "sleep(1000)" }, "/$where"],
    ];
    for (const [body, field] of cases) {
      const raw = JSON.stringify(body);
      const answer = await post(raw);
      assertProblem(answer, `${field} ${raw.slice(0, 120)}`);
      assert.equal(answer.status, 422, `${field}: ${answer.text.slice(0, 300)}`);
      const paths = (answer.body.problems as { path: string }[]).map((p) => p.path);
      assert.ok(
        paths.some((p) => p.startsWith(field)),
        `${field} named in ${paths.join(", ")}`,
      );
    }
    // Prototype pollution is refused by the JSON parser itself (secure-json-parse) before any handler.
    for (const body of [
      '{"__proto__":{"admin":true},"name":"x"}',
      '{"constructor":{"prototype":{"admin":true}}}',
    ]) {
      const answer = await post(body);
      assertProblem(answer, body);
      assert.equal(answer.body.code, "invalid-json", body);
      // …and so it is in a merge patch, before anything is merged.
      const patched = await send("PATCH", `/v1/ran-deployments/${uuidV7()}`, body, {
        "content-type": "application/merge-patch+json",
      });
      assertProblem(patched, `PATCH ${body}`);
      assert.equal(patched.status, 400, `PATCH ${body}: ${patched.text}`);
      assert.equal(patched.body.code, "invalid-json", `PATCH ${body}`);
    }
  });

  it("limits body size and nesting, and refuses other media types", async () => {
    const huge = await post(JSON.stringify({ ...valid, name: "x".repeat(300 * 1024) }));
    assertProblem(huge, "300 KiB body");
    assert.equal(huge.body.code, "payload-too-large");
    // The API answers 413 from the Content-Length and closes, often while the client is still writing
    // 5 MiB: a connection cut mid-body (EPIPE, ECONNRESET) is the same refusal, seen from the client.
    const enormous = await post(Buffer.alloc(5 * 1024 * 1024, 0x20)).catch(
      (err: NodeJS.ErrnoException) => err.code,
    );
    if (typeof enormous === "object") {
      assertProblem(enormous, "5 MiB body");
      assert.equal(enormous.status, 413);
    } else assert.ok(enormous === "EPIPE" || enormous === "ECONNRESET", `5 MiB body: ${enormous}`);
    const deep = await post(`{"name":${"[".repeat(50_000)}${"]".repeat(50_000)}}`);
    assertProblem(deep, "nested 50,000 deep");
    const wide = await post(
      JSON.stringify({ ...valid, cells: Array.from({ length: 5000 }, () => ({ band: 78 })) }),
    );
    assertProblem(wide, "5000 cells");
    assert.equal(wide.status, 422);
    const text = await post("name=x", { "content-type": "text/plain" });
    assertProblem(text, "text/plain");
    assert.equal(text.body.code, "unsupported-media-type");
    const utf16 = await post(Buffer.from(JSON.stringify(valid), "utf16le"), {
      "content-type": "application/json; charset=utf-16",
    });
    assertProblem(utf16, "utf-16");
  });

  it("keeps hostile headers, paths and queries to 4xx", async () => {
    // Node answers 431 to oversized headers and closes the connection, sometimes before the client has
    // read the answer: either is a refusal, and the server carries on.
    const big = await send("GET", "/v1/ran-deployments", undefined, { "x-big": "a".repeat(64 * 1024) }).catch(
      (err: NodeJS.ErrnoException) => err.code,
    );
    assert.ok(
      big === "ECONNRESET" || (typeof big === "object" && big.status === 431),
      `64 KiB header: ${JSON.stringify(big)}`,
    );
    const answers: [string, Answer][] = [
      ["garbage bearer", await send("GET", "/v1/ran-deployments", undefined, {}, "x".repeat(10_000))],
      [
        "basic auth",
        await send("GET", "/v1/ran-deployments", undefined, { authorization: "Basic YTpi" }, null),
      ],
      ["long idempotency key", await post(JSON.stringify(valid), { "idempotency-key": "k".repeat(10_000) })],
      ["control-char idempotency key", await post(JSON.stringify(valid), { "idempotency-key": "a\tb" })],
      [
        "If-Match garbage",
        await send("PATCH", "/v1/ran-deployments/x", "{}", {
          "if-match": "<script>",
          "content-type": "application/merge-patch+json",
        }),
      ],
      ["operator injection in the query", await send("GET", "/v1/ran-deployments?state[$ne]=x&limit=1e9")],
      [
        "operator injection in the path",
        await send("GET", `/v1/ran-deployments/${encodeURIComponent('{"$gt":""}')}`),
      ],
      ["traversal", await send("GET", "/v1/../../etc/passwd")],
      ["bad percent-encoding", await send("GET", "/v1/ran-deployments/%E0%A4%A")],
      ["unknown method", await send("PUT", "/v1/ran-deployments", "{}")],
      ["events since garbage", await send("GET", "/v1/events?since=%00")],
      ["watch unknown", await send("GET", "/v1/ran-deployments/nope/events")],
    ];
    for (const [what, answer] of answers) {
      assertProblem(answer, what);
      assert.ok(answer.status >= 400, `${what} was refused (${answer.status})`);
    }
    // Harmless when read literally: a huge wait is capped, a regex-looking cursor is only a string.
    const prefer = await send("POST", "/v1/ran-deployments", JSON.stringify(valid), {
      prefer: `wait=${"9".repeat(400)}`,
    });
    assertProblem(prefer, "huge Prefer");
    assert.equal(prefer.body.code, "quota-exceeded", "answered at once, not after 10^400 seconds");
    const cursor = await send("GET", "/v1/ran-deployments?after=.*&limit=5");
    assert.equal(cursor.status, 200);
    assert.deepEqual(cursor.body.items, []);
  });

  it("never answers a random request with a 5xx (property-based)", async () => {
    const field = fc.constantFrom(
      "name",
      "amf",
      "plmn",
      "tac",
      "slices",
      "cells",
      "site",
      "gnbId",
      "gnbIdBits",
      "callbackUrl",
      "n3ServiceType",
    );
    const mutation = fc.record({ field, value: fc.jsonValue({ maxDepth: 3 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const body: Record<string, unknown> = { ...valid };
        for (const m of mutations) body[m.field] = m.value;
        const answer = await post(JSON.stringify(body));
        assertProblem(answer, JSON.stringify(body).slice(0, 200));
        return answer.status >= 400;
      }),
      { numRuns: 120 },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        const answer = await post(JSON.stringify(value));
        assertProblem(answer, JSON.stringify(value).slice(0, 200));
        return true;
      }),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 300 }), async (raw) => {
        assertProblem(await post(raw), JSON.stringify(raw).slice(0, 200));
        return true;
      }),
      { numRuns: 60 },
    );
  });

  it("wrote nothing for any of it, and the API still runs", async () => {
    const stored = await ranaas.db.collection("deployments").countDocuments({ tenant: "fuzz" });
    assert.equal(stored, 0, "no half-written record");
    const api = ranaas.fleet.processes.find((p) => p.service === "api");
    assert.equal(api?.child.exitCode, null, "the API did not crash");
    assert.ok(!api?.output().includes('"level":"error"'), "no unhandled error was logged");
    assert.equal((await fetch(`${ranaas.fleet.apiUrl}/readyz`)).status, 200);
  });

  it("limits the request rate per tenant with 429 and Retry-After", async () => {
    const created = await send("POST", "/v1/tenants", JSON.stringify({ name: "burst" }), {}, admin);
    const burst = String(created.body.apiKey);
    const answers = await Promise.all(
      Array.from({ length: 260 }, () => send("GET", "/v1/me", undefined, {}, burst)),
    );
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(
      limited.length > 0 && limited.length <= 60,
      `${limited.length} of 260 were limited (burst 200)`,
    );
    for (const a of answers) assertProblem(a, "burst");
    assert.equal(limited[0]?.body.code, "rate-limited");
    assert.match(String(limited[0]?.retryAfter), /^[1-9]\d*$/, "Retry-After names whole seconds");
  });
});
