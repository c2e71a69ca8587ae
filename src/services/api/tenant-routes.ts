// Admin endpoints for tenants: create (the API key is shown once), list, rotate a key, delete.
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { RanaasError, type ErrorCode } from "../../domain/error-codes.ts";
import { HOLDING_STATES, INITIAL_STATE } from "../../domain/deployment-states.ts";
import {
  TENANT_NAME_PATTERN,
  type TenantCapabilities,
  type TenantQuotas,
  type TenantRecord,
} from "../../domain/tenant.ts";
import { issueApiKey, newCallbackSecret } from "../../platform/api-keys.ts";
import type { Store } from "../../store/store.ts";
import { TenantExistsError } from "../../store/tenants-repository.ts";
import {
  CallbackSecretSchema,
  CapabilitiesSchema,
  NewKeySchema,
  QuotasAnswerSchema,
  QuotasSchema,
  TenantCreatedSchema,
  TenantCreateSchema,
  TenantSchema,
} from "./api-schemas.ts";
import { principalOf, requireAdmin } from "./authenticate.ts";
import { defineRoute } from "./route-contract.ts";

function tenantView(t: TenantRecord): Record<string, unknown> {
  return {
    name: t.name,
    role: t.role,
    keys: t.keys.map((k) => ({ id: k.id, createdAt: k.createdAt.toISOString() })),
    capabilities: t.capabilities,
    createdAt: t.createdAt.toISOString(),
  };
}

const TenantParams = Type.Object({
  name: Type.String({
    pattern: TENANT_NAME_PATTERN,
    maxLength: 63,
    description: "the tenant's name: lower-case letters, digits and '-', at most 63",
  }),
});
const TENANT_ERRORS: ErrorCode[] = ["unauthorized", "forbidden", "not-found", "unavailable", "internal"];

export function registerTenantRoutes(app: FastifyInstance, store: Store): void {
  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/tenants",
      operationId: "listTenants",
      summary: "Tenants and their key ids",
      tag: "Tenants",
      access: "admin",
      responses: {
        200: { description: "tenants", schema: Type.Object({ items: Type.Array(TenantSchema) }) },
      },
      errors: ["unauthorized", "forbidden", "unavailable", "internal"],
    },
    async (request) => {
      requireAdmin(request);
      return { items: (await store.tenants.list()).map(tenantView) };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      url: "/v1/tenants",
      operationId: "createTenant",
      summary: "Create a tenant; its first API key is in the answer, once",
      tag: "Tenants",
      access: "admin",
      body: {
        schema: TenantCreateSchema,
        example: { name: "core-a", quotas: { deployments: 5, cells: 16 } },
      },
      responses: { 201: { description: "created", schema: TenantCreatedSchema } },
      errors: ["unauthorized", "forbidden", "tenant-exists", "unavailable", "internal"],
    },
    async (request, reply) => {
      requireAdmin(request);
      const { name, role, quotas, capabilities } = request.body;
      const issued = issueApiKey();
      const callbackSecret = newCallbackSecret();
      try {
        const tenant = await store.tenants.create(
          name,
          role ?? "operator",
          issued.record,
          quotas ?? {},
          callbackSecret,
          capabilities ?? {},
        );
        return reply.code(201).send({ ...tenantView(tenant), apiKey: issued.key, callbackSecret });
      } catch (err) {
        if (err instanceof TenantExistsError) throw new RanaasError("tenant-exists", err.message);
        throw err;
      }
    },
  );

  defineRoute(
    app,
    {
      method: "PUT",
      url: "/v1/tenants/:name/quotas",
      operationId: "setTenantQuotas",
      summary: "Set a tenant's quotas (absent = unlimited)",
      tag: "Tenants",
      access: "admin",
      params: TenantParams,
      body: { schema: QuotasSchema, example: { cells: 8 } },
      responses: { 200: { description: "the quotas and current usage", schema: QuotasAnswerSchema } },
      errors: TENANT_ERRORS,
    },
    async (request) => {
      requireAdmin(request);
      const { name } = request.params;
      const quotas: TenantQuotas = request.body;
      if (!(await store.tenants.setQuotas(name, quotas)))
        throw new RanaasError("not-found", `no tenant ${name}`);
      return { name, quotas, usage: await store.allocations.usageOf(name) };
    },
  );

  defineRoute(
    app,
    {
      method: "PUT",
      url: "/v1/tenants/:name/capabilities",
      operationId: "setTenantCapabilities",
      summary: "Set what a tenant may ask for beyond the default (absent = not granted)",
      description:
        'E.g. `n3ServiceTypes: ["LoadBalancer"]` lets the tenant expose its CUs\' N3 through a load ' +
        "balancer. Deployments that have it already keep it; new requests and updates are checked.",
      tag: "Tenants",
      access: "admin",
      params: TenantParams,
      body: { schema: CapabilitiesSchema, example: { n3ServiceTypes: ["LoadBalancer"] } },
      responses: {
        200: {
          description: "the capabilities",
          schema: Type.Object({ name: Type.String(), capabilities: CapabilitiesSchema }),
        },
      },
      errors: TENANT_ERRORS,
    },
    async (request) => {
      requireAdmin(request);
      const { name } = request.params;
      const capabilities: TenantCapabilities = request.body;
      if (!(await store.tenants.setCapabilities(name, capabilities)))
        throw new RanaasError("not-found", `no tenant ${name}`);
      return { name, capabilities };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      url: "/v1/me/callback-secret",
      operationId: "rotateCallbackSecret",
      summary: "A new secret to sign the caller's callbacks with, shown once",
      description:
        "The secrets in use go on signing beside the new one for `graceSeconds` (default a day), so " +
        "receivers can switch over: meanwhile `RANaaS-Signature` carries a `v1=` per secret, and a receiver " +
        "accepts the event when any of them verifies. RANaaS keeps secrets sealed (SECURITY.md).",
      tag: "Tenants",
      access: "tenant",
      querystring: Type.Object(
        {
          graceSeconds: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 7 * 86_400,
              description: "how long the secrets in use go on signing (0: they stop at once)",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      responses: { 201: { description: "the new secret, shown once", schema: CallbackSecretSchema } },
      errors: ["unauthorized", "unavailable", "internal"],
    },
    async (request, reply) => {
      const { tenant } = principalOf(request);
      const graceSeconds = request.query.graceSeconds ?? 86_400;
      const callbackSecret = newCallbackSecret();
      const now = new Date();
      if (!(await store.tenants.rotateCallbackSecret(tenant, callbackSecret, graceSeconds * 1000, now)))
        throw new RanaasError("unauthorized", "the tenant no longer exists");
      return reply.code(201).send({
        tenant,
        callbackSecret,
        previousRetireAt:
          graceSeconds === 0 ? null : new Date(now.getTime() + graceSeconds * 1000).toISOString(),
      });
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      url: "/v1/tenants/:name/keys",
      operationId: "rotateTenantKey",
      summary: "Issue a new API key for a tenant (the old ones are revoked)",
      tag: "Tenants",
      access: "admin",
      params: TenantParams,
      responses: { 201: { description: "the new key, shown once", schema: NewKeySchema } },
      errors: TENANT_ERRORS,
    },
    async (request, reply) => {
      requireAdmin(request);
      const { name } = request.params;
      const issued = issueApiKey();
      if (!(await store.tenants.rotateKey(name, issued.record)))
        throw new RanaasError("not-found", `no tenant ${name}`);
      return reply.code(201).send({ name, apiKey: issued.key, keyId: issued.record.id });
    },
  );

  defineRoute(
    app,
    {
      method: "DELETE",
      url: "/v1/tenants/:name",
      operationId: "deleteTenant",
      summary: "Delete a tenant that holds no deployments",
      tag: "Tenants",
      access: "admin",
      params: TenantParams,
      responses: { 204: { description: "deleted" } },
      errors: [...TENANT_ERRORS, "tenant-in-use"],
    },
    async (request, reply) => {
      const admin = requireAdmin(request);
      const { name } = request.params;
      if (name === admin.tenant) throw new RanaasError("forbidden", "an admin cannot delete its own tenant");
      const live = (await store.deployments.inStates([...HOLDING_STATES, INITIAL_STATE])).filter(
        (d) => d.tenant === name,
      );
      if (live.length > 0)
        throw new RanaasError(
          "tenant-in-use",
          `tenant ${name} still has ${live.length} deployment(s); delete them first`,
        );
      if (!(await store.tenants.delete(name))) throw new RanaasError("not-found", `no tenant ${name}`);
      return reply.code(204).send();
    },
  );
}
