// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) for POST and DELETE: a repeat of a request
// gets the first answer; the same key with a different request is refused; failures a retry may fix
// (5xx) are not remembered.
import { createHash } from "node:crypto";
import { Type } from "@sinclair/typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CODES, RanaasError } from "../../domain/error-codes.ts";
import type { IdempotencyRepository, RememberedAnswer } from "../../store/idempotency-repository.ts";
import { principalOf } from "./authenticate.ts";
import { problemBody } from "../../platform/problems.ts";

/**
 * The Idempotency-Key header of every route that calls `idempotent`: its route schema refuses a
 * malformed key (422 naming header:Idempotency-Key) before the handler runs.
 */
export const IdempotencyKeyHeader = Type.Optional(
  Type.String({
    pattern: "^[\\x21-\\x7e]{1,255}$",
    description:
      "1–255 visible ASCII characters: a retry with the same key and body gets the first answer again instead of a second change",
  }),
);

/**
 * Runs `handle` once per (tenant, Idempotency-Key); without the header it just runs it. The key was
 * validated by the route's schema (IdempotencyKeyHeader).
 */
export async function idempotent(
  repo: IdempotencyRepository,
  request: FastifyRequest,
  reply: FastifyReply,
  handle: () => Promise<RememberedAnswer>,
): Promise<FastifyReply> {
  const send = (answer: RememberedAnswer, replayed: boolean) => {
    if (answer.location !== undefined) void reply.header("location", answer.location);
    if (replayed) void reply.header("idempotent-replayed", "true");
    const problem = answer.status >= 400;
    return reply
      .code(answer.status)
      .type(problem ? "application/problem+json" : "application/json")
      .send(answer.body);
  };
  const key = request.headers["idempotency-key"];
  if (typeof key !== "string") return send(await handle(), false);
  const tenant = principalOf(request).tenant;
  const fingerprint = createHash("sha256")
    .update(`${request.method} ${request.url.split("?")[0] ?? ""}\n${JSON.stringify(request.body ?? null)}`)
    .digest("hex");
  const claim = await repo.claim(tenant, key, fingerprint);
  if (claim.kind === "mismatch")
    throw new RanaasError("idempotency-key-reused", "this Idempotency-Key was used for a different request");
  if (claim.kind === "in-progress")
    throw new RanaasError(
      "idempotency-in-progress",
      "a request with this Idempotency-Key is still being handled; retry shortly",
    );
  if (claim.kind === "replay") return send(claim.answer, true);
  let answer: RememberedAnswer;
  try {
    answer = await handle();
  } catch (err) {
    if (err instanceof RanaasError && ERROR_CODES[err.code].status < 500) {
      await repo.remember(tenant, key, {
        status: ERROR_CODES[err.code].status,
        body: problemBody(err.code, err.detail, err.extra),
      });
    } else {
      await repo.release(tenant, key);
    }
    throw err;
  }
  await repo.remember(tenant, key, answer);
  return send(answer, false);
}
