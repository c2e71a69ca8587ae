// Request rate limits on /v1: per client address before authentication (so guessing keys is slow too)
// and per tenant after it. Over the limit: 429 rate-limited with Retry-After. Each API replica counts
// for itself, so the cluster-wide limit is the per-replica one times the replicas.
import type { FastifyInstance } from "fastify";
import { RanaasError } from "../../domain/error-codes.ts";
import { TokenBuckets } from "../../platform/token-bucket.ts";

export interface RateLimits {
  ratePerSecond: number;
  rateBurst: number;
}

/** Registers the per-address limit (call before authentication) and returns the per-tenant one. */
export function registerRateLimits(app: FastifyInstance, limits: RateLimits): () => void {
  // Several tenants may share an address (NAT), so an address gets four tenants' worth.
  const byAddress = new TokenBuckets(limits.ratePerSecond * 4, limits.rateBurst * 4);
  const byTenant = new TokenBuckets(limits.ratePerSecond, limits.rateBurst);
  const refuse = (wait: number, who: string): never => {
    throw new RanaasError("rate-limited", `too many requests from ${who}; retry in ${Math.ceil(wait)} s`, {
      retryAfterSeconds: Math.ceil(wait),
    });
  };
  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/v1/")) return;
    const wait = byAddress.take(`ip:${request.ip}`, Date.now());
    if (wait > 0) {
      void reply.header("retry-after", String(Math.ceil(wait)));
      refuse(wait, "this address");
    }
  });
  return () =>
    app.addHook("onRequest", async (request, reply) => {
      if (request.principal === null) return;
      const wait = byTenant.take(`tenant:${request.principal.tenant}`, Date.now());
      if (wait > 0) {
        void reply.header("retry-after", String(Math.ceil(wait)));
        refuse(wait, `tenant ${request.principal.tenant}`);
      }
    });
}
