// The messages services exchange over RabbitMQ (docs/architecture.md, 6). Every message has the same envelope;
// receivers validate it and drop what they cannot trust, and drop commands older than the record.
import { Ajv } from "ajv";
import type { Capacity } from "./capacity.ts";
import type { ConnectionDetails } from "./connection-details.ts";
import type { DeploymentState } from "./deployment-states.ts";
import type { PlanRejection } from "./plan-rejection.ts";
import type { ResourceDefinition } from "./resource-definition.ts";
import type { NormalizedSpec } from "./validate-spec.ts";

export const MESSAGE_VERSION = 1;

export interface Envelope<Type extends string, Payload> {
  type: Type;
  version: typeof MESSAGE_VERSION;
  /** Unique per message; lets receivers recognise redeliveries. */
  id: string;
  /** Follows one request from the API through orchestrator and worker (also in every log line). */
  correlationId: string;
  deploymentId: string;
  /** The deployment record's revision the message was made for. */
  revision: number;
  payload: Payload;
}

export type PlanRequest = Envelope<
  "plan",
  {
    tenant: string;
    spec: NormalizedSpec;
    /** Set when an update is re-planned. */ previous?: ResourceDefinition;
  }
>;
export type PlanReply = Envelope<
  "plan-result",
  | { ok: true; definition: ResourceDefinition }
  | { ok: false; rejection: PlanRejection }
  /**
   * The request was made for a revision the record has moved past (a redelivery, a late retry, a
   * deployment deleted meanwhile): nothing was planned, reserved or released.
   */
  | { ok: false; superseded: { revision: number; state: DeploymentState } | null }
>;
export type ReleaseRequest = Envelope<"release", Record<string, never>>;
export type ReleaseReply = Envelope<"release-result", { released: number }>;
export type CapacityRequest = Envelope<"capacity", Record<string, never>>;
export type CapacityReply = Envelope<"capacity-result", Capacity>;
export type OrchestratorRequest = PlanRequest | ReleaseRequest | CapacityRequest;

export type ProvisionCommand = Envelope<"provision", { operationId: string; definition: ResourceDefinition }>;
export type TeardownCommand = Envelope<"teardown", { operationId: string; namespace: string }>;
/** Restarts components of a running deployment (its radio's policy): a rollout of each, nothing else changed. */
export type RestartCommand = Envelope<
  "restart",
  { operationId: string; definition: ResourceDefinition; components: RestartableComponent[] }
>;
export type WorkCommand = ProvisionCommand | TeardownCommand | RestartCommand;
/** The components the radio's policy restarts: the CU or the DU Deployment. */
export type RestartableComponent = "cu" | "du";

export type Report = Envelope<
  "report",
  {
    operationId: string;
    outcome: "progress" | "ready" | "deleted" | "failed";
    reason?: string;
    connection?: ConnectionDetails;
    /** With `ready`: the pods (uids) running the CU and DU now; their radio reports are the ones that count. */
    pods?: { cu?: string; du?: string };
  }
>;

/** The status service saw a managed object deleted or changed behind RANaaS's back. */
export type DriftReport = Envelope<
  "drift",
  { component: string; change: "deleted" | "changed"; detail: string }
>;

const ajv = new Ajv({ allErrors: false });
const checkEnvelope = ajv.compile({
  type: "object",
  required: ["type", "version", "id", "correlationId", "deploymentId", "revision", "payload"],
  properties: {
    type: { type: "string", minLength: 1 },
    version: { const: MESSAGE_VERSION },
    id: { type: "string", minLength: 1 },
    correlationId: { type: "string", minLength: 1 },
    deploymentId: { type: "string", minLength: 1 },
    revision: { type: "integer", minimum: 0 },
    payload: { type: "object" },
  },
});

/** The message if it has a valid envelope of one of the expected types; undefined otherwise. */
export function readEnvelope<M extends Envelope<string, unknown>>(
  body: unknown,
  types: readonly M["type"][],
): M | undefined {
  if (!checkEnvelope(body)) return undefined;
  const message = body as unknown as M;
  return types.includes(message.type) ? message : undefined;
}
