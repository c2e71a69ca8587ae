// Request rate limits on /v1: per client address before authentication (so guessing keys is slow too)
// and per tenant after it. Over the limit: 429 rate-limited with Retry-After. Each API replica counts
// for itself, so the cluster-wide limit is the per-replica one times the replicas.
import type { FastifyInstance, FastifyReply } from "fastify";
import { RanaasError } from "../../domain/error-codes.ts";
import { TokenBuckets } from "../../platform/token-bucket.ts";

export interface RateLimits {
  ratePerSecond: number;
  rateBurst: number;
}

/**
 * Limits every /v1 request per client address as soon as it arrives (register before authentication,
 * so guessing keys is limited too), and per tenant once authentication has named one (preParsing: after
 * every onRequest hook, before a body is read).
 */
export function registerRateLimits(app: FastifyInstance, limits: RateLimits): void {
  // Several tenants may share an address (NAT), so an address gets four tenants' worth.
  const byAddress = new TokenBuckets(limits.ratePerSecond * 4, limits.rateBurst * 4);
  const byTenant = new TokenBuckets(limits.ratePerSecond, limits.rateBurst);
  const limit = (buckets: TokenBuckets, key: string, who: string, reply: FastifyReply): void => {
    const wait = Math.ceil(buckets.take(key, Date.now()));
    if (wait === 0) return;
    void reply.header("retry-after", String(wait));
    throw new RanaasError("rate-limited", `too many requests from ${who}; retry in ${wait} s`, {
      retryAfterSeconds: wait,
    });
  };
  app.addHook("onRequest", async (request, reply) => {
    if (request.url.startsWith("/v1/")) limit(byAddress, `ip:${request.ip}`, "this address", reply);
  });
  app.addHook("preParsing", async (request, reply) => {
    const tenant = request.principal?.tenant;
    if (tenant !== undefined) limit(byTenant, `tenant:${tenant}`, `tenant ${tenant}`, reply);
  });
}
