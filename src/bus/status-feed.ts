// The status service's live status, fanned out to every API replica (a numbered feed: numbered-feed.ts):
// each change of a deployment's status as one message with the whole status (null: it has no objects any
// more), and a heartbeat every second with the last number and whether the service's cache may be stale.
// How the API uses it: services/api/live-status-mirror.ts.
import type { Connection, Consumer } from "rabbitmq-client";
import type { DeploymentStatus } from "../domain/live-status.ts";
import type { Logger } from "../platform/logger.ts";
import { NumberedFeedPublisher, numberingOf, subscribeToFeed, type Numbered } from "./numbered-feed.ts";
import { statusExchange, statusQueueName } from "./topology.ts";

export interface StatusChange {
  kind: "status";
  deploymentId: string;
  /** Null: the deployment has no objects in the cluster (any more). */
  status: DeploymentStatus | null;
}

/** `stale`: why the status service's cache may be behind the cluster (absent: it is current). */
export interface StatusHeartbeat {
  kind: "heartbeat";
  stale?: string;
}

export type StatusFeedMessage = Numbered & (StatusChange | StatusHeartbeat);

export class StatusFeedPublisher extends NumberedFeedPublisher<StatusChange, { stale?: string }> {
  constructor(
    connection: Connection,
    scope: string,
    logger: Logger,
    heartbeatMs: number,
    staleness: () => string | undefined,
  ) {
    super(connection, { exchange: statusExchange, scope }, logger, {
      heartbeatMs,
      what: "a status change",
      heartbeatFields: () => {
        const stale = staleness();
        return stale === undefined ? {} : { stale };
      },
    });
  }
}

export function subscribeToStatus(
  connection: Connection,
  scope: string,
  replica: string,
  handlers: {
    onMessage: (message: StatusFeedMessage) => void;
    onReady: () => void;
    onError: (err: unknown) => void;
  },
): Consumer {
  return subscribeToFeed(
    connection,
    { exchange: statusExchange, scope },
    statusQueueName(replica),
    decodeStatusMessage,
    handlers,
  );
}

export function decodeStatusMessage(body: unknown): StatusFeedMessage | undefined {
  const numbered = numberingOf(body);
  if (numbered === undefined) return undefined;
  const { m, ...head } = numbered;
  if (m.kind === "heartbeat")
    return { ...head, kind: "heartbeat", ...(typeof m.stale === "string" ? { stale: m.stale } : {}) };
  if (m.kind !== "status" || typeof m.deploymentId !== "string") return undefined;
  const status = m.status as DeploymentStatus | null;
  if (status !== null && (typeof status !== "object" || !Array.isArray(status.components))) return undefined;
  return { ...head, kind: "status", deploymentId: m.deploymentId, status };
}
