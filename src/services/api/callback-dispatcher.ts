// Delivers queued callbacks: CloudEvents (structured JSON) POSTed to the deployment's callbackUrl,
// signed with the tenant's secret (`RANaaS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">`), in order per deployment, retried with exponential backoff, never in the way of the
// pipeline (it runs on its own timer and only reads the outbox).
import { startTicker, type Ticker } from "../../platform/ticker.ts";
import { createHmac } from "node:crypto";
import type { Logger } from "../../platform/logger.ts";
import type { CallbackEvent } from "../../store/callbacks-repository.ts";
import type { Store } from "../../store/store.ts";
import { backoffMs } from "../../platform/backoff.ts";

export const SIGNATURE_HEADER = "ranaas-signature";
const MAX_ATTEMPTS = 10;
const TIMEOUT_MS = 5000;

export function sign(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export class CallbackDispatcher {
  private ticker: Ticker | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
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
      const response = await fetch(event.url, {
        method: "POST",
        headers,
        body: event.body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (response.ok) {
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
