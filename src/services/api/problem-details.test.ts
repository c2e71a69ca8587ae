import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Fastify from "fastify";
import { MongoNetworkError } from "mongodb";
import { AMQPChannelError, AMQPConnectionError, AMQPError } from "rabbitmq-client";
import { RanaasError } from "../../domain/error-codes.ts";
import { problemFromError } from "./problem-details.ts";

/** An app whose one route throws the given error, answered through problemFromError. */
async function answerTo(err: unknown) {
  const app = Fastify({ logger: false });
  app.setErrorHandler((e, request, reply) => problemFromError(e, reply, request.log));
  app.get("/", () => {
    throw err;
  });
  const response = await app.inject({ method: "GET", url: "/" });
  await app.close();
  return {
    status: response.statusCode,
    type: response.headers["content-type"],
    body: response.json<{ code: string; retryable: boolean }>(),
  };
}

describe("problem details", () => {
  it("answers a broker that is away or refuses with 503, retryable", async () => {
    for (const err of [
      new AMQPConnectionError("connection closed"),
      new AMQPChannelError("channel closed"),
      new AMQPError("message rejected by server"),
    ]) {
      const answer = await answerTo(err);
      assert.equal(answer.status, 503, err.message);
      assert.equal(answer.body.code, "unavailable");
      assert.equal(answer.body.retryable, true);
      assert.match(String(answer.type), /^application\/problem\+json/);
    }
  });

  it("answers an unreachable database with 503", async () => {
    const answer = await answerTo(new MongoNetworkError("connection refused"));
    assert.deepEqual([answer.status, answer.body.code], [503, "unavailable"]);
  });

  it("answers a RANaaS error with its own code and anything else with 500", async () => {
    const taken = await answerTo(new RanaasError("name-taken", "taken"));
    assert.deepEqual([taken.status, taken.body.code], [409, "name-taken"]);
    const other = await answerTo(new Error("boom"));
    assert.deepEqual([other.status, other.body.code], [500, "internal"]);
  });
});
