// Maps every error to an application/problem+json answer (RFC 9457) with a stable `code`, in one place.
import type { FastifyBaseLogger, FastifyError, FastifyReply } from "fastify";
import { MongoNetworkError, MongoServerSelectionError } from "mongodb";
import { AMQPError } from "rabbitmq-client";
import type { ErrorObject } from "ajv";
import { RanaasError } from "../../domain/error-codes.ts";
import type { Problem } from "../../domain/problem.ts";
import { schemaProblems } from "../../domain/schema-problems.ts";
import { headerName } from "./route-contract.ts";
import { sendProblem } from "../../platform/problems.ts";

export function problemFromError(err: unknown, reply: FastifyReply, logger: FastifyBaseLogger): FastifyReply {
  if (err instanceof RanaasError) return sendProblem(reply, err.code, err.detail, err.extra);
  if (err instanceof MongoServerSelectionError || err instanceof MongoNetworkError) {
    return sendProblem(reply, "unavailable", "the database is not reachable; try again shortly");
  }
  if (err instanceof AMQPError) {
    // Commands are kept and sent again (DeploymentLifecycle.dispatch); this is what is left: the broker
    // refused or dropped a request that cannot wait.
    logger.warn({ err }, "message broker error");
    return sendProblem(reply, "unavailable", "the message broker is not reachable; try again shortly");
  }
  const fastifyError = err as Partial<FastifyError>;
  if (Array.isArray(fastifyError.validation)) {
    const problems = requestProblems(fastifyError.validation, fastifyError.validationContext);
    return sendProblem(reply, "invalid-request", problems.map((p) => `${p.path} ${p.message}`).join("; "), {
      problems,
    });
  }
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const message = fastifyError.message ?? "the request could not be read";
    if (status === 404) return sendProblem(reply, "not-found", message);
    if (status === 405) return sendProblem(reply, "method-not-allowed", message);
    if (status === 413) return sendProblem(reply, "payload-too-large", message);
    if (status === 415)
      return sendProblem(reply, "unsupported-media-type", "send the request as application/json");
    const json = fastifyError.code?.startsWith("FST_ERR_CTP") === true || err instanceof SyntaxError;
    return sendProblem(reply, json ? "invalid-json" : "bad-request", message);
  }
  logger.error({ err }, "unhandled error");
  return sendProblem(reply, "internal", "an unexpected error occurred; it has been logged");
}

/**
 * The problems a route's schema found (route-contract.ts), named as the caller wrote them: a body field
 * by its JSON pointer, a query or path parameter by its name, a header as `header:Name`.
 */
function requestProblems(errors: ErrorObject[], context: string | undefined): Problem[] {
  return schemaProblems(errors).map((problem) => {
    if (context === "body") return problem;
    const name = problem.path.replace(/^\//, "");
    if (context !== "headers") return { ...problem, path: name };
    return { ...problem, path: `header:${headerName(name)}` };
  });
}
