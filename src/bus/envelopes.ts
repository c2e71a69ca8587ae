// Builds message envelopes: a fresh id per message, the correlation id carried along.
import type { Envelope } from "../domain/messages.ts";
import { MESSAGE_VERSION } from "../domain/messages.ts";
import { uuidV7 } from "../platform/uuid-v7.ts";

export function envelope<M extends Envelope<string, unknown>>(
  type: M["type"],
  context: { correlationId: string; deploymentId: string; revision: number },
  payload: M["payload"],
): M {
  return { type, version: MESSAGE_VERSION, id: uuidV7(), ...context, payload } as M;
}
