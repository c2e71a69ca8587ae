// Problem documents (RFC 9457, application/problem+json) for the codes in the error table; every HTTP
// error any service answers is one of these.
import type { FastifyReply } from "fastify";
import { ERROR_CODES, type ErrorCode } from "../domain/error-codes.ts";

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
