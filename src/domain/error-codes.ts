// Every error RANaaS answers with: a stable code, its HTTP status, and whether retrying can help.
// The API maps errors to application/problem+json in one place from this table.
export const ERROR_CODES = {
  "invalid-json": { status: 400, retryable: false, title: "The body is not valid JSON" },
  "bad-request": { status: 400, retryable: false, title: "The request could not be read" },
  "payload-too-large": { status: 413, retryable: false, title: "The request body is too large" },
  "unsupported-media-type": { status: 415, retryable: false, title: "Send the body as application/json" },
  "rate-limited": { status: 429, retryable: true, title: "Too many requests; slow down" },
  "invalid-request": { status: 422, retryable: false, title: "The request is not valid" },
  unauthorized: { status: 401, retryable: false, title: "Missing or invalid API key" },
  forbidden: { status: 403, retryable: false, title: "Not allowed for this tenant" },
  "not-found": { status: 404, retryable: false, title: "No such resource" },
  "method-not-allowed": {
    status: 405,
    retryable: false,
    title: "The path has no such method; Allow lists those it has",
  },
  "tenant-exists": { status: 409, retryable: false, title: "A tenant with this name exists" },
  "tenant-in-use": { status: 409, retryable: false, title: "The tenant still has deployments" },
  "precondition-failed": {
    status: 412,
    retryable: false,
    title: "The deployment changed since the given revision",
  },
  "not-ready": { status: 409, retryable: true, title: "The deployment is busy with another change" },
  "name-taken": { status: 409, retryable: false, title: "A deployment with this name exists" },
  "insufficient-rus": { status: 409, retryable: true, title: "Not enough free radio units" },
  "insufficient-compute": { status: 409, retryable: true, title: "Not enough free compute" },
  "insufficient-core-network": {
    status: 409,
    retryable: true,
    title: "No core-network address or host ports free for the CU",
  },
  "identity-conflict": { status: 409, retryable: true, title: "An identity is already allocated" },
  "quota-exceeded": { status: 409, retryable: false, title: "The tenant's quota does not allow this" },
  "unknown-site": { status: 422, retryable: false, title: "No such site" },
  "idempotency-key-reused": {
    status: 422,
    retryable: false,
    title: "The Idempotency-Key was used for a different request",
  },
  "idempotency-in-progress": {
    status: 409,
    retryable: true,
    title: "A request with this Idempotency-Key is still being handled",
  },
  unavailable: { status: 503, retryable: true, title: "A dependency is unavailable" },
  internal: { status: 500, retryable: true, title: "Internal error" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a code from the table; `detail` is shown to the caller. */
export class RanaasError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly detail: string,
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = "RanaasError";
  }
}
