// Maps every error to an application/problem+json answer (RFC 9457) with a stable `code`, in one place.
import type { FastifyBaseLogger, FastifyError, FastifyReply } from "fastify";
import { MongoNetworkError, MongoServerSelectionError } from "mongodb";
import { ERROR_CODES, RanaasError, type ErrorCode } from "../../domain/error-codes.ts";

/** The problem document for an error code. */
export function problemBody(
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  status: number = ERROR_CODES[code].status,
): Record<string, unknown> {
  const entry = ERROR_CODES[code];
  return {
    type: `https://ranaas.dev/problems/${code}`,
    title: entry.title,
    status,
    code,
    detail,
    retryable: entry.retryable,
    ...extra,
  };
}

export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  status: number = ERROR_CODES[code].status,
): FastifyReply {
  return reply
    .code(status)
    .type("application/problem+json")
    .send(problemBody(code, detail, extra, status));
}

export function problemFromError(err: unknown, reply: FastifyReply, logger: FastifyBaseLogger): FastifyReply {
  if (err instanceof RanaasError) return sendProblem(reply, err.code, err.detail, err.extra);
  if (err instanceof MongoServerSelectionError || err instanceof MongoNetworkError) {
    return sendProblem(reply, "unavailable", "the database is not reachable; try again shortly");
  }
  const fastifyError = err as Partial<FastifyError>;
  if (fastifyError.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    return sendProblem(reply, "invalid-json", "send the request as application/json", {}, 415);
  }
  if (
    typeof fastifyError.statusCode === "number" &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return sendProblem(
      reply,
      "invalid-json",
      fastifyError.message ?? "the request could not be read",
      {},
      fastifyError.statusCode,
    );
  }
  logger.error({ err }, "unhandled error");
  return sendProblem(reply, "internal", "an unexpected error occurred; it has been logged");
}
