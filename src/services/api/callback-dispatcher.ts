// Delivers queued callbacks: CloudEvents (structured JSON) POSTed to the deployment's callbackUrl,
// signed with the tenant's secret (`RANaaS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">`), in order per deployment, retried with exponential backoff, never in the way of the
// pipeline (it runs on its own timer and only reads the outbox). Every delivery goes through
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
/** The most of a receiver's answer that is read (its body is not used). */
const MAX_ANSWER_BYTES = 64 * 1024;

export function sign(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export class CallbackDispatcher {
  private ticker: Ticker | undefined;

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

  stop(): void {
    this.ticker?.stop();
  }

  async deliverDue(): Promise<void> {
    const due = await this.store.callbacks.claimDue(new Date(), TIMEOUT_MS * 2);
    await Promise.all(due.map((event) => this.deliver(event)));
  }

  private async deliver(event: CallbackEvent): Promise<void> {
    const tenant = await this.store.tenants.get(event.tenant);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { "content-type": "application/cloudevents+json" };
    if (tenant?.callbackSecret !== undefined)
      headers[SIGNATURE_HEADER] = sign(tenant.callbackSecret, timestamp, event.body);
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
