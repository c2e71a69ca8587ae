// The API's requests to the orchestrator (plan, release, capacity) over RabbitMQ RPC.
import { setTimeout as delay } from "node:timers/promises";
import { AMQPChannelError } from "rabbitmq-client";
import { RpcChannelClosedError, type RpcClient } from "../../bus/rpc-client.ts";
import { ORCHESTRATOR_QUEUE } from "../../bus/topology.ts";
import { readEnvelope, type Envelope, type OrchestratorRequest } from "../../domain/messages.ts";

export interface OrchestratorLink {
  rpc: RpcClient;
  /** Whether an orchestrator consumes its queue: if none does, nobody will answer, so do not wait. */
  orchestratorListening: () => Promise<boolean>;
}

/**
 * One RPC to the orchestrator: the reply, or undefined when it answers with something else.
 * Rejects at once when no orchestrator listens, and when it does not answer within the RPC timeout
 * (callers decide what that means).
 */
export async function askOrchestrator<Reply extends Envelope<string, unknown>>(
  link: OrchestratorLink,
  request: OrchestratorRequest,
  replyType: Reply["type"],
): Promise<Reply | undefined> {
  if (!(await link.orchestratorListening())) throw new Error("no orchestrator is consuming its queue");
  // A channel that closes (a broker restart, a network blip) fails every request pending on it. Asking
  // again is safe: the orchestrator answers a plan request for the same revision with the plan it
  // already reserved, and one the record has moved past touches nothing.
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await link.rpc.send({ routingKey: ORCHESTRATOR_QUEUE }, request);
      return readEnvelope<Reply>(answer.body, [replyType]);
    } catch (err) {
      const channelFailed = err instanceof RpcChannelClosedError || err instanceof AMQPChannelError;
      if (!channelFailed || attempt >= 3) throw err;
      await delay(50 * attempt);
    }
  }
}
