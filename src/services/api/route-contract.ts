// Schema-first routes: each API route is declared once, with its path parameters, query, headers, body,
// answers and errors as JSON Schema (TypeBox). Fastify validates every request with those schemas, and
// the OpenAPI document is generated from the routes as registered (openapi.ts): what the server
// refuses, the document says, and the two cannot drift apart.
import type { Static, TObject, TSchema } from "@sinclair/typebox";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ErrorCode } from "../../domain/error-codes.ts";

/** Who may call a route: anyone, any tenant's key, or an admin's key only. */
export type Access = "public" | "tenant" | "admin";

export interface ResponseContract {
  description: string;
  schema?: TSchema;
  /** application/json unless given. */
  contentType?: string;
  /** Response headers and what they carry. */
  headers?: Record<string, string>;
}

export interface BodyContract<B extends TSchema> {
  schema: B;
  /** application/json unless given. */
  contentType?: string;
  example?: unknown;
}

export interface RouteContract<
  P extends TObject = TObject,
  Q extends TObject = TObject,
  H extends TObject = TObject,
  B extends TSchema = TSchema,
> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Fastify's form: /v1/ran-deployments/:id */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: P;
  querystring?: Q;
  /** Header names in lower case, as Node hands them over. */
  headers?: H;
  body?: BodyContract<B>;
  responses: Record<number, ResponseContract>;
  /** The error codes this operation answers with itself; those of every call are added (openapi.ts). */
  errors: ErrorCode[];
}

/** A request whose parts have passed their route's schemas. */
export type ContractRequest<
  P extends TObject,
  Q extends TObject,
  H extends TObject,
  B extends TSchema,
> = FastifyRequest<{ Params: Static<P>; Querystring: Static<Q>; Headers: Static<H>; Body: Static<B> }>;

/** Registers a route with its contract: Fastify validates with the schemas; the contract rides along in the route's config. */
export function defineRoute<
  P extends TObject = TObject,
  Q extends TObject = TObject,
  H extends TObject = TObject,
  B extends TSchema = TSchema,
>(
  app: FastifyInstance,
  contract: RouteContract<P, Q, H, B>,
  handler: (request: ContractRequest<P, Q, H, B>, reply: FastifyReply) => unknown,
): void {
  app.route<{ Params: Static<P>; Querystring: Static<Q>; Headers: Static<H>; Body: Static<B> }>({
    method: contract.method,
    url: contract.url,
    schema: {
      ...(contract.params === undefined ? {} : { params: contract.params }),
      ...(contract.querystring === undefined ? {} : { querystring: contract.querystring }),
      ...(contract.headers === undefined ? {} : { headers: contract.headers }),
      ...(contract.body === undefined ? {} : { body: contract.body.schema }),
    },
    config: { contract },
    handler: async (request, reply) => handler(request, reply),
  });
}

/**
 * Validates with two Ajv instances: bodies strictly (JSON has types: "7" is not 7), and path, query and
 * headers with coercion and defaults (they arrive as text). Unknown body fields are refused, never
 * silently dropped (Fastify's own default would remove them). Errors are verbose so each problem can
 * echo the value and its schema's description (domain/schema-problems.ts).
 */
export function validateWithContracts(app: FastifyInstance): void {
  const options = { allErrors: true, strict: false, verbose: true } as const;
  const bodies = new Ajv({ ...options, coerceTypes: false, useDefaults: false });
  const texts = new Ajv({ ...options, coerceTypes: true, useDefaults: true });
  addFormats.default(bodies);
  addFormats.default(texts);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === "body" ? bodies : texts).compile(schema));
}

/** Collects the contract of every route registered from now on (call before the routes). */
export function collectContracts(app: FastifyInstance): () => readonly RouteContract[] {
  const contracts: RouteContract[] = [];
  app.addHook("onRoute", (route) => {
    const contract = (route.config as { contract?: RouteContract } | undefined)?.contract;
    if (contract !== undefined && [route.method].flat().includes(contract.method)) contracts.push(contract);
  });
  return () => contracts;
}

/** A header's name as documents and people write it: idempotency-key → Idempotency-Key. */
export function headerName(lowerCase: string): string {
  return lowerCase.replace(
    /(^|-)([a-z])/g,
    (_match, dash: string, letter: string) => dash + letter.toUpperCase(),
  );
}
