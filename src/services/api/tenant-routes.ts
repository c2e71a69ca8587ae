// Admin endpoints for tenants: create (the API key is shown once), list, rotate a key, delete.
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { RanaasError } from "../../domain/error-codes.ts";
import { HOLDING_STATES } from "../../domain/deployment-states.ts";
import { isValidTenantName, type TenantQuotas, type TenantRecord } from "../../domain/tenant.ts";
import { issueApiKey } from "../../platform/api-keys.ts";
import type { Store } from "../../store/store.ts";
import { TenantExistsError } from "../../store/tenants-repository.ts";
import { requireAdmin } from "./authenticate.ts";

/** Reads `quotas` from a request body: whole numbers ≥ 0 for deployments, cells and cpuMillis. */
function readQuotas(input: unknown, problems: { path: string; message: string }[]): TenantQuotas {
  if (input === undefined) return {};
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    problems.push({ path: "/quotas", message: "must be an object with deployments, cells and/or cpuMillis" });
    return {};
  }
  const quotas: TenantQuotas = {};
  for (const [field, value] of Object.entries(input)) {
    if (field !== "deployments" && field !== "cells" && field !== "cpuMillis") {
      problems.push({ path: `/quotas/${field}`, message: "is not a known quota" });
    } else if (!Number.isInteger(value) || (value as number) < 0) {
      problems.push({ path: `/quotas/${field}`, message: "must be a whole number ≥ 0" });
    } else quotas[field] = value as number;
  }
  return quotas;
}

function tenantView(t: TenantRecord): Record<string, unknown> {
  return {
    name: t.name,
    role: t.role,
    keys: t.keys.map((k) => ({ id: k.id, createdAt: k.createdAt.toISOString() })),
    createdAt: t.createdAt.toISOString(),
  };
}

export function registerTenantRoutes(app: FastifyInstance, store: Store): void {
  app.get("/v1/tenants", async (request) => {
    requireAdmin(request);
    return { items: (await store.tenants.list()).map(tenantView) };
  });

  app.post("/v1/tenants", async (request, reply) => {
    requireAdmin(request);
    const body = (request.body ?? {}) as { name?: unknown; role?: unknown; quotas?: unknown };
    const problems: { path: string; message: string }[] = [];
    const quotas = readQuotas(body.quotas, problems);
    if (typeof body.name !== "string" || !isValidTenantName(body.name)) {
      problems.push({
        path: "/name",
        message:
          "must be lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit",
      });
    }
    if (body.role !== undefined && body.role !== "operator" && body.role !== "admin") {
      problems.push({ path: "/role", message: 'must be "operator" or "admin"' });
    }
    if (problems.length > 0) throw new RanaasError("invalid-request", "not a valid tenant", { problems });
    const issued = issueApiKey();
    const callbackSecret = randomBytes(32).toString("base64url");
    try {
      const tenant = await store.tenants.create(
        body.name as string,
        (body.role as "operator" | "admin" | undefined) ?? "operator",
        issued.record,
        quotas,
        callbackSecret,
      );
      return reply.code(201).send({ ...tenantView(tenant), apiKey: issued.key, callbackSecret });
    } catch (err) {
      if (err instanceof TenantExistsError) throw new RanaasError("tenant-exists", err.message);
      throw err;
    }
  });

  app.put("/v1/tenants/:name/quotas", async (request) => {
    requireAdmin(request);
    const { name } = request.params as { name: string };
    const problems: { path: string; message: string }[] = [];
    const quotas = readQuotas(request.body ?? {}, problems);
    if (problems.length > 0)
      throw new RanaasError("invalid-request", "not valid quotas", {
        problems: problems.map((p) => ({ ...p, path: p.path.replace(/^\/quotas/, "") || "/" })),
      });
    if (!(await store.tenants.setQuotas(name, quotas)))
      throw new RanaasError("not-found", `no tenant ${name}`);
    return { name, quotas, usage: await store.allocations.usageOf(name) };
  });

  app.post("/v1/tenants/:name/keys", async (request, reply) => {
    requireAdmin(request);
    const { name } = request.params as { name: string };
    const issued = issueApiKey();
    if (!(await store.tenants.rotateKey(name, issued.record)))
      throw new RanaasError("not-found", `no tenant ${name}`);
    return reply.code(201).send({ name, apiKey: issued.key, keyId: issued.record.id });
  });

  app.delete("/v1/tenants/:name", async (request, reply) => {
    const admin = requireAdmin(request);
    const { name } = request.params as { name: string };
    if (name === admin.tenant) throw new RanaasError("forbidden", "an admin cannot delete its own tenant");
    const live = (await store.deployments.inStates([...HOLDING_STATES, "requested"])).filter(
      (d) => d.tenant === name,
    );
    if (live.length > 0)
      throw new RanaasError(
        "tenant-in-use",
        `tenant ${name} still has ${live.length} deployment(s); delete them first`,
      );
    if (!(await store.tenants.delete(name))) throw new RanaasError("not-found", `no tenant ${name}`);
    return reply.code(204).send();
  });
}
