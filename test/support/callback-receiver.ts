// A tenant's callback receiver on 127.0.0.1 for tests: records each CloudEvent RANaaS POSTs, refuses the
// first `refuseFirst` deliveries (RANaaS must retry them before sending anything later), and checks each
// event's signature against the tenant's secret.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { Db } from "mongodb";
import { issueApiKey } from "../../src/platform/api-keys.ts";
import { SecretBox } from "../../src/platform/secret-box.ts";
import { TenantsRepository } from "../../src/store/tenants-repository.ts";
import { KPI_ALERT_EVENT, STATE_CHANGED_EVENT } from "../../src/services/api/state-events.ts";
import { stackConfig } from "./stack.ts";

/** Makes an operator tenant whose callbacks are signed with `secret`; its API key. */
export async function operatorWithCallbackSecret(db: Db, name: string, secret: string): Promise<string> {
  const issued = issueApiKey();
  await new TenantsRepository(db, new SecretBox(stackConfig().secretsKeys)).create(
    name,
    "operator",
    issued.record,
    {},
    secret,
  );
  return issued.key;
}

export interface ReceivedEvent {
  type: string;
  data: { state: string; reason: string | null } & Record<string, unknown>;
  signature: string;
  body: string;
}

export interface CallbackReceiver {
  url: string;
  received: ReceivedEvent[];
  /** Deliveries refused so far. */
  refusals(): number;
  /** Asserts that every event received is signed with `secret` (RANaaS-Signature: t=…,v1=HMAC-SHA256). */
  assertSigned(secret: string): void;
  close(): void;
}

export async function startCallbackReceiver(refuseFirst = 0): Promise<CallbackReceiver> {
  const received: ReceivedEvent[] = [];
  let refused = 0;
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      if (refused < refuseFirst) {
        refused += 1;
        response.writeHead(503).end();
        return;
      }
      const event = JSON.parse(body) as { type: string; data: ReceivedEvent["data"] };
      received.push({
        type: event.type,
        data: event.data,
        signature: String(request.headers["ranaas-signature"]),
        body,
      });
      response.writeHead(204).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/ran-events`,
    received,
    refusals: () => refused,
    assertSigned(secret) {
      for (const event of received) {
        assert.ok(
          [STATE_CHANGED_EVENT, KPI_ALERT_EVENT].includes(event.type),
          `${event.type} is a RANaaS event type`,
        );
        const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(event.signature);
        assert.ok(match, event.signature);
        const expected = createHmac("sha256", secret).update(`${match[1]}.${event.body}`).digest("hex");
        assert.equal(match[2], expected, "signed with the tenant's secret");
      }
    },
    close: () => server.close(),
  };
}
