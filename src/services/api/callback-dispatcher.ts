// Delivers queued callbacks: CloudEvents (structured JSON) POSTed to the deployment's callbackUrl,
// signed with the tenant's secret (`RANaaS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">`), in order per deployment, retried with exponential backoff, never in the way of the
// pipeline (it runs on its own timer and only reads the outbox). Fair between tenants: each tenant's
// backlog is read on its own, tenants take turns, and each has at most PER_TENANT deliveries under way
// (IN_ALL in all). A delivery is not waited for by the next look, so one tenant's slow or dead receiver
// holds only its own slots while everyone else's events go out. Every delivery goes through
// platform/outbound-http.ts: only to vetted public addresses (or what the admin allowed), no redirects,
// a deadline and a cap on the answer; why one was refused or failed is the event's `lastError`, which
// the tenant sees on the deployment.
import { startTicker, type Ticker } from "../../platform/ticker.ts";
import { createHmac } from "node:crypto";
import type { Logger } from "../../platform/logger.ts";
import type { CallbackEvent } from "../../store/callbacks-repository.ts";
import type { Store } from "../../store/store.ts";
import type { OutboundPolicy } from "../../domain/outbound-address.ts";
import { backoffMs } from "../../platform/backoff.ts";
import { postOutbound } from "../../platform/outbound-http.ts";

export const SIGNATURE_HEADER = "ranaas-signature";
const MAX_ATTEMPTS = 10;
const TIMEOUT_MS = 5000;
/** Deliveries under way at once for one tenant, and in all (per API replica). */
export const CALLBACK_CONCURRENCY = { perTenant: 4, inAll: 64 };
/** The most of a receiver's answer that is read (its body is not used). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The signature header: `t=<unix seconds>`, then a `v1=` HMAC-SHA256 of "<t>.<body>" per secret the
 * tenant signs with (two while a rotated secret is in its grace period: a receiver accepts either).
 */
export function sign(secrets: readonly string[], timestamp: number, body: string): string {
  const macs = secrets.map(
    (s) => `v1=${createHmac("sha256", s).update(`${timestamp}.${body}`).digest("hex")}`,
  );
  return [`t=${timestamp}`, ...macs].join(",");
}

export class CallbackDispatcher {
  private ticker: Ticker | undefined;
  /** Deliveries under way, by deployment (one at a time per deployment keeps its events in order). */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perTenant = new Map<string, number>();
  /** Which tenant goes first in the next look (round robin). */
  private turn = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly outbound: { policy: OutboundPolicy; proxy?: string | undefined },
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.ticker = startTicker(() => this.deliverDue(), {
      delayMs: this.intervalMs,
      onError: (err) => this.logger.warn({ err }, "callback delivery round failed"),
    });
  }

  /** Stops looking for events and waits for the deliveries under way (each has a deadline). */
  async stop(): Promise<void> {
    this.ticker?.stop();
    await Promise.allSettled(this.inFlight.values());
  }

  /** Starts the deliveries that are due and fit, tenants taking turns; does not wait for them. */
  async deliverDue(): Promise<void> {
    let room = CALLBACK_CONCURRENCY.inAll - this.inFlight.size;
    if (room <= 0) return;
    const tenants = (await this.store.callbacks.tenantsWithPending()).sort();
    if (tenants.length === 0) return;
    const first = this.turn++ % tenants.length;
    for (const tenant of [...tenants.slice(first), ...tenants.slice(0, first)]) {
      const fits = Math.min(room, CALLBACK_CONCURRENCY.perTenant - (this.perTenant.get(tenant) ?? 0));
      if (fits <= 0) continue;
      const busy = new Set(this.inFlight.keys());
      const due = await this.store.callbacks.claimDue(tenant, new Date(), TIMEOUT_MS * 2, fits, busy);
      for (const event of due) this.launch(event);
      room -= due.length;
      if (room <= 0) break;
    }
  }

  private launch(event: CallbackEvent): void {
    this.perTenant.set(event.tenant, (this.perTenant.get(event.tenant) ?? 0) + 1);
    const delivery = this.deliver(event)
      .catch((err: unknown) =>
        this.logger.warn(
          { err, deploymentId: event.deploymentId },
          "callback delivery could not be recorded",
        ),
      )
      .finally(() => {
        this.inFlight.delete(event.deploymentId);
        const left = (this.perTenant.get(event.tenant) ?? 1) - 1;
        if (left === 0) this.perTenant.delete(event.tenant);
        else this.perTenant.set(event.tenant, left);
      });
    this.inFlight.set(event.deploymentId, delivery);
  }

  private async deliver(event: CallbackEvent): Promise<void> {
    const secrets = await this.store.tenants.signingSecrets(event.tenant);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { "content-type": "application/cloudevents+json" };
    if (secrets.length > 0) headers[SIGNATURE_HEADER] = sign(secrets, timestamp, event.body);
    let error: string;
    try {
      const response = await postOutbound(event.url, headers, event.body, {
        policy: this.outbound.policy,
        proxy: this.outbound.proxy === undefined ? undefined : new URL(this.outbound.proxy),
        timeoutMs: TIMEOUT_MS,
        maxResponseBytes: MAX_ANSWER_BYTES,
      });
      if (response.status >= 200 && response.status < 300) {
        await this.store.callbacks.delivered(event.id);
        return;
      }
      error = `answered ${response.status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const attempt = event.attempts + 1;
    const next =
      attempt >= MAX_ATTEMPTS
        ? undefined
        : new Date(Date.now() + backoffMs(attempt, { firstMs: 1000, maxMs: 300_000 }));
    await this.store.callbacks.failed(event.id, error, next);
    this.logger.warn(
      { deploymentId: event.deploymentId, url: event.url, attempt, error, givenUp: next === undefined },
      "callback not delivered",
    );
  }
}
