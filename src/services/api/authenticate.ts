// Authentication for /v1: `Authorization: Bearer <API key>` names the tenant and its role. Operators
// see only their own resources (another tenant's look as if they did not exist); admins see all.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { RanaasError } from "../../domain/error-codes.ts";
import { capabilityRefusal, type TenantCapabilities, type TenantRole } from "../../domain/tenant.ts";
import { keyMatches, parseApiKey } from "../../platform/api-keys.ts";
import type { TenantsRepository } from "../../store/tenants-repository.ts";

export interface Principal {
  tenant: string;
  role: TenantRole;
  capabilities: TenantCapabilities;
  /** The public id of the key the request came with: a long stream checks that it still works. */
  keyId: string;
}

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function registerAuthentication(
  app: FastifyInstance,
  tenants: Pick<TenantsRepository, "byKeyId">,
): void {
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/v1/")) return;
    const header = request.headers.authorization;
    const bearer = typeof header === "string" ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (bearer === undefined) {
      void reply.header("www-authenticate", 'Bearer realm="ranaas"');
      throw new RanaasError("unauthorized", "send an API key as 'Authorization: Bearer <key>'");
    }
    const parsed = parseApiKey(bearer);
    const tenant = parsed === undefined ? undefined : await tenants.byKeyId(parsed.id);
    const key = tenant?.keys.find((k) => k.id === parsed?.id);
    if (
      parsed === undefined ||
      tenant === undefined ||
      key === undefined ||
      !keyMatches(parsed.secret, key)
    ) {
      void reply.header("www-authenticate", 'Bearer realm="ranaas", error="invalid_token"');
      throw new RanaasError("unauthorized", "the API key is not valid");
    }
    request.principal = {
      tenant: tenant.name,
      role: tenant.role,
      capabilities: tenant.capabilities,
      keyId: key.id,
    };
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new RanaasError("unauthorized", "not authenticated");
  return request.principal;
}

/** The tenant whose resources the caller may see: its own, or every tenant's (undefined) for an admin. */
export function visibleTenant(request: FastifyRequest): string | undefined {
  const principal = principalOf(request);
  return principal.role === "admin" ? undefined : principal.tenant;
}

/**
 * Refuses (403, naming the field) a request body that asks for what the caller's tenant was not granted,
 * e.g. an N3 Service reachable from outside the cluster.
 */
export function requireCapabilities(request: FastifyRequest, body: unknown): void {
  const n3ServiceType = (body as { n3ServiceType?: unknown } | null)?.n3ServiceType;
  if (typeof n3ServiceType !== "string") return;
  const { tenant, role, capabilities } = principalOf(request);
  const problem = capabilityRefusal({ name: tenant, role, capabilities }, { n3ServiceType });
  if (problem !== undefined) throw new RanaasError("forbidden", problem.message, { problems: [problem] });
}

export function requireAdmin(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (principal.role !== "admin") throw new RanaasError("forbidden", "only an admin may do this");
  return principal;
}
