// The API replicas' change feed (a numbered feed: numbered-feed.ts): each replica publishes every change
// of a deployment record it writes, and a heartbeat with its last number every second; each replica
// consumes all of it from its own queue. How a replica uses it: services/api/deployment-reads.ts.
import type { Connection, Consumer } from "rabbitmq-client";
import type { DeploymentRecord } from "../domain/deployment-record.ts";
import type { DeploymentChange } from "../store/deployments-repository.ts";
import type { Logger } from "../platform/logger.ts";
import { NumberedFeedPublisher, numberingOf, subscribeToFeed, type Numbered } from "./numbered-feed.ts";
import { changesExchange, changesQueueName } from "./topology.ts";

/** What the feed carries of a change: the repository's own account of it. */
export type FeedChange = DeploymentChange;

export type FeedMessage = Numbered & (FeedChange | { kind: "heartbeat" });

export class ChangeFeedPublisher extends NumberedFeedPublisher<FeedChange> {
  /** `scope` is the installation's database name: replicas of one installation share it. */
  constructor(connection: Connection, scope: string, logger: Logger, heartbeatMs: number) {
    super(connection, { exchange: changesExchange, scope }, logger, { heartbeatMs, what: "a change" });
  }
}

/**
 * Consumes the feed on this replica's own queue: `onReady` each time the queue is (again) bound, so what
 * was sent while it was not can be re-read; `onMessage` for each message.
 */
export function subscribeToChanges(
  connection: Connection,
  scope: string,
  replica: string,
  handlers: {
    onMessage: (message: FeedMessage) => void;
    onReady: () => void;
    onError: (err: unknown) => void;
  },
): Consumer {
  return subscribeToFeed(
    connection,
    { exchange: changesExchange, scope },
    changesQueueName(replica),
    decodeFeedMessage,
    handlers,
  );
}

/** A feed message from its JSON (dates revived), or undefined for anything else. */
export function decodeFeedMessage(body: unknown): FeedMessage | undefined {
  const numbered = numberingOf(body);
  if (numbered === undefined) return undefined;
  const { m, ...head } = numbered;
  if (m.kind === "heartbeat") return { ...head, kind: "heartbeat" };
  if (m.kind === "removed" && typeof m.id === "string") return { ...head, kind: "removed", id: m.id };
  if (m.kind !== "upsert" || typeof m.record !== "object" || m.record === null) return undefined;
  const r = m.record as DeploymentRecord & { createdAt: string; updatedAt: string; retryAt?: string };
  const record: DeploymentRecord = {
    ...r,
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
    ...(r.retryAt === undefined ? {} : { retryAt: new Date(r.retryAt) }),
  };
  return { ...head, kind: "upsert", record };
}
