// Tenants: core-network operators (who see and change only their own deployments) and admins (the
// provider: everything, plus the RU pool and tenants).
import type { Problem } from "./problem.ts";

export type TenantRole = "operator" | "admin";

export interface ApiKeyRecord {
  /** Public part of the key, used to find it. */
  id: string;
  /** SHA-256 of the secret part (hex); the key itself is never stored. */
  hash: string;
  createdAt: Date;
}

/** Limits on what a tenant may hold at once; an absent limit is no limit. */
export interface TenantQuotas {
  deployments?: number | undefined;
  cells?: number | undefined;
  /** CPU in millicores over all of the tenant's pods. */
  cpuMillis?: number | undefined;
}

/**
 * What an operator may ask for beyond the default, granted by an admin (admins may everything). Not a
 * quota: an absent quota is no limit, an absent capability is not granted.
 */
export interface TenantCapabilities {
  /**
   * N3 Service types besides ClusterIP the tenant may expose its CU with. Each opens the cluster to
   * traffic from outside it (a port on every node, or a load balancer).
   */
  n3ServiceTypes?: ExposedN3ServiceType[] | undefined;
}

export const EXPOSED_N3_SERVICE_TYPES = ["NodePort", "LoadBalancer"] as const;
export type ExposedN3ServiceType = (typeof EXPOSED_N3_SERVICE_TYPES)[number];

/** Why this tenant may not ask for this spec, as a problem at its field; undefined when it may. */
export function capabilityRefusal(
  tenant: { name: string; role: TenantRole; capabilities: TenantCapabilities },
  spec: { n3ServiceType: string },
): Problem | undefined {
  if (tenant.role === "admin" || spec.n3ServiceType === "ClusterIP") return undefined;
  if ((tenant.capabilities.n3ServiceTypes as readonly string[] | undefined)?.includes(spec.n3ServiceType))
    return undefined;
  return {
    path: "/n3ServiceType",
    message:
      `tenant ${tenant.name} may not expose its CU with a ${spec.n3ServiceType} Service; ` +
      `an admin can allow it (PUT /v1/tenants/${tenant.name}/capabilities)`,
  };
}

export interface TenantUsage {
  deployments: number;
  cells: number;
  cpuMillis: number;
}

export interface TenantRecord {
  name: string;
  role: TenantRole;
  keys: ApiKeyRecord[];
  quotas: TenantQuotas;
  capabilities: TenantCapabilities;
  createdAt: Date;
}

/** The first quota the usage plus a new deployment would exceed, in words; undefined when it fits. */
export function quotaExceeded(
  quotas: TenantQuotas,
  usage: TenantUsage,
  adding: TenantUsage,
): string | undefined {
  const checks: [keyof TenantUsage, string, (n: number) => string][] = [
    ["deployments", "deployments", (n) => String(n)],
    ["cells", "cells", (n) => String(n)],
    ["cpuMillis", "CPU", (n) => `${n / 1000} CPU`],
  ];
  for (const [field, label, format] of checks) {
    const limit = quotas[field];
    if (limit !== undefined && usage[field] + adding[field] > limit) {
      return (
        `quota of ${format(limit)} ${label === "CPU" ? "" : label}`.trimEnd() +
        `: ${format(usage[field])} in use, this request needs ${format(adding[field])} more`
      );
    }
  }
  return undefined;
}

/** Tenant names appear in Kubernetes labels: a DNS label. */
export const TENANT_NAME_PATTERN = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
export const TENANT_NAME = new RegExp(TENANT_NAME_PATTERN);

export function isValidTenantName(name: string): boolean {
  return TENANT_NAME.test(name);
}
