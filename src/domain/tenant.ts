// Tenants: core-network operators (who see and change only their own deployments) and admins (the
// provider: everything, plus the RU pool and tenants).
export type TenantRole = "operator" | "admin";

export interface ApiKeyRecord {
  /** Public part of the key, used to find it. */
  id: string;
  /** SHA-256 of the secret part (hex); the key itself is never stored. */
  hash: string;
  createdAt: Date;
}

export interface TenantRecord {
  name: string;
  role: TenantRole;
  keys: ApiKeyRecord[];
  createdAt: Date;
}

/** Tenant names appear in Kubernetes labels: a DNS label. */
export const TENANT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isValidTenantName(name: string): boolean {
  return TENANT_NAME.test(name);
}
