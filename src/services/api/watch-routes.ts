// Live updates as server-sent events (text/event-stream), for `ranaas watch`, `create --wait` and the
// dashboard. Streams follow the replica's read model (deployment-reads.ts), which the change feed keeps
// current with every replica's writes; while the model is not trusted (starting, catching up after a
// gap) they look at the database instead. An event goes out only when something a watcher sees has
// changed, with a `transition` for each state passed through that the stream did not see (from the
// record's history). One deployment's stream also polls the status service for live status.
import { setTimeout as delay } from "node:timers/promises";
import { Type } from "@sinclair/typebox";
import type { FastifyReply, FastifyRequest, FastifyInstance } from "fastify";
import { RanaasError } from "../../domain/error-codes.ts";
import type { DeploymentRecord } from "../../domain/deployment-record.ts";
import { STATE, type DeploymentState } from "../../domain/deployment-states.ts";
import type { Store } from "../../store/store.ts";
import { principalOf, visibleTenant } from "./authenticate.ts";
import * as S from "./api-schemas.ts";
import type { DeploymentReads } from "./deployment-reads.ts";
import type { RadioHealth } from "../../domain/live-status.ts";
import { liveParts } from "./deployment-view.ts";
import { viewJsonOf, viewOf, type HeldDeployment } from "./held-deployment.ts";
import type { TenantHolds } from "./routes.ts";
import { defineRoute } from "./route-contract.ts";

export interface WatchDeps {
  store: Store;
  reads: DeploymentReads;
  liveStatus: (deploymentId: string) => Promise<unknown>;
  /** How often a stream looks for changes it was not woken for (the database's, live status). */
  pollMs?: number;
  /** Open streams per tenant on this replica. */
  holds: Pick<TenantHolds, "streams">;
  /** How often a stream checks that its key still works (rotated or deleted: the stream ends). */
  keyRecheckMs: number;
}

const HEARTBEAT_MS = 15_000;
/** Records a stream reads from the database at once. */
const DATABASE_PAGE = 500;
/** How far back a stream that turns to the database looks again: writers' clocks, writes in flight. */
const DATABASE_OVERLAP_MS = 30_000;

/** The events a stream sends, as documented: each `data` is one JSON object of these schemas. */
const EVENTS = S.eventStream({
  deployment: S.DeploymentSchema,
  transition: S.TransitionEventSchema,
  unavailable: S.UnavailableEventSchema,
  revoked: S.RevokedEventSchema,
});

type Sender = (event: string, data: unknown) => void;

/** An event's data serialized already (a held deployment's view). */
class Json {
  constructor(readonly text: string) {}
}
/** What a stream waits for between two looks (it stops waiting when the client goes). */
type Wait = (signal: AbortSignal) => Promise<void>;

/** How a stream stays allowed: its key is checked again every `everyMs`. */
interface StreamGuard {
  holds: Pick<TenantHolds, "streams">;
  keyStillWorks: () => Promise<boolean>;
  everyMs: number;
}

/**
 * Answers with an event stream: calls `tick`, then again after each `wait`, until it says the stream is done or the
 * client goes away, with a heartbeat comment when nothing was sent for a while. A failing tick (the
 * database is down) sends an `unavailable` event and the stream carries on once it recovers. A tenant
 * holds at most RANAAS_STREAMS_PER_TENANT streams on a replica (429 beyond), and a stream whose key
 * stops working (rotated, or its tenant deleted) gets `event: revoked` and ends.
 */
async function stream(
  request: FastifyRequest,
  reply: FastifyReply,
  wait: Wait,
  guard: StreamGuard,
  tick: (send: Sender) => Promise<"more" | "done">,
): Promise<void> {
  const tenant = principalOf(request).tenant;
  const release = guard.holds.streams.take(tenant);
  if (release === undefined) {
    void reply.header("retry-after", "5");
    throw new RanaasError(
      "rate-limited",
      `tenant ${tenant} has ${guard.holds.streams.limit} event streams open on this API replica, the most ` +
        "it may; close one first",
      { retryAfterSeconds: 5 },
    );
  }
  try {
    await streamEvents(request, reply, wait, guard, tick);
  } finally {
    release();
  }
}

async function streamEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  wait: Wait,
  guard: StreamGuard,
  tick: (send: Sender) => Promise<"more" | "done">,
): Promise<void> {
  const closer = new AbortController();
  reply.hijack();
  const correlator = reply.getHeader("x-correlator");
  reply.raw.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    ...(typeof correlator === "string" ? { "x-correlator": correlator } : {}),
  });
  reply.raw.flushHeaders(); // clients learn at once that the stream is open
  request.raw.on("close", () => closer.abort());
  reply.raw.on("close", () => closer.abort());
  let lastWrite = Date.now();
  const send: Sender = (event, data) => {
    if (closer.signal.aborted) return;
    lastWrite = Date.now();
    reply.raw.write(`event: ${event}\ndata: ${data instanceof Json ? data.text : JSON.stringify(data)}\n\n`);
  };
  let keyCheckedAt = Date.now();
  while (!closer.signal.aborted) {
    if (Date.now() - keyCheckedAt >= guard.everyMs) {
      keyCheckedAt = Date.now();
      // A database that cannot answer says nothing about the key: the ticks report it as `unavailable`.
      if (!(await guard.keyStillWorks().catch(() => true))) {
        send("revoked", { detail: "the API key no longer works (rotated, or its tenant deleted)" });
        break;
      }
    }
    try {
      if ((await tick(send)) === "done") break;
    } catch (err) {
      send("unavailable", { detail: err instanceof Error ? err.message : String(err) });
    }
    if (Date.now() - lastWrite > HEARTBEAT_MS) {
      lastWrite = Date.now();
      reply.raw.write(": heartbeat\n\n");
    }
    await wait(closer.signal);
  }
  reply.raw.end();
}

/** The revision and state a stream last sent of a deployment. */
interface Seen {
  revision: number;
  state: DeploymentState;
}

/**
 * A stream looks every `pollMs`, so a deployment can pass through a state between two looks (an
 * update done within half a second): each such state is sent as a `transition` event, from the
 * record's history, before the deployment as it is now — a watcher misses no state.
 */
async function sendMissed(
  store: Store,
  send: Sender,
  record: Pick<DeploymentRecord, "id" | "name" | "revision" | "state">,
  seen: Seen | undefined,
) {
  if (seen === undefined || record.revision <= seen.revision + 1) return;
  const missed = await store.deployments.transitionsBetween(record.id, seen.revision, record.revision);
  while (missed.at(-1)?.state === record.state) missed.pop(); // the event that follows says so
  let state = seen.state;
  for (const t of missed) {
    if (t.state === state) continue;
    state = t.state;
    send("transition", { id: record.id, name: record.name, ...t, at: t.at.toISOString() });
  }
}

/** What a watcher of one deployment notices: state, revision, and each component's health. */
function fingerprint(view: Record<string, unknown>, radio: RadioHealth | undefined): string {
  const status = view.status as
    | {
        phase?: string;
        stale?: boolean;
        components?: { name: string; ready: boolean; restarts: number; message?: string }[];
      }
    | undefined;
  return JSON.stringify([
    view.state,
    view.revision,
    status?.phase,
    status?.stale,
    status?.components?.map((c) => [c.name, c.ready, c.restarts, c.message]),
    // The radio's state and reasons as the status service said them, not as answered (with their ages).
    radio?.state,
    radio?.reasons.map((reason) => reason.text),
  ]);
}

export function registerWatchRoutes(app: FastifyInstance, deps: WatchDeps): void {
  const { store, reads, liveStatus } = deps;
  const guardOf = (request: FastifyRequest): StreamGuard => {
    const { tenant, keyId } = principalOf(request);
    return {
      holds: deps.holds,
      everyMs: deps.keyRecheckMs,
      keyStillWorks: async () => (await store.tenants.byKeyId(keyId))?.name === tenant,
    };
  };
  const pollMs = deps.pollMs ?? 500;
  const every: Wait = (signal) => delay(pollMs, undefined, { signal }).catch(() => undefined);
  const onChange: Wait = (signal) => reads.nextChange(pollMs, signal);

  // Who the key belongs to: the CLI's login and the dashboard's sign-in check a key with it.
  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/me",
      operationId: "whoAmI",
      summary: "The tenant and role the API key belongs to",
      tag: "Tenants",
      access: "tenant",
      responses: { 200: { description: "the caller", schema: S.MeSchema } },
      errors: ["unauthorized", "unavailable", "internal"],
    },
    (request) => {
      const { tenant, role, capabilities } = principalOf(request);
      return { tenant, role, capabilities };
    },
  );

  // One deployment: an event with the full view (incl. live status) whenever it changes; the stream
  // ends after the deployment is deleted.
  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/ran-deployments/:id/events",
      operationId: "watchDeployment",
      summary: "Live updates of one deployment (server-sent events)",
      description:
        "`event: deployment` with the whole deployment (incl. live status) whenever its state, revision or a " +
        "component's health changes; before it, `event: transition` for each state it passed through since " +
        "the last event; `event: unavailable` while the database is away. Ends after deletion.",
      tag: "Deployments",
      access: "tenant",
      params: S.DeploymentIdParams,
      responses: {
        200: { description: "an event stream", contentType: "text/event-stream", schema: EVENTS },
      },
      errors: ["unauthorized", "not-found", "unavailable", "internal"],
    },
    async (request, reply) => {
      const { id } = request.params;
      const tenant = visibleTenant(request);
      const first = await reads.get(id, tenant);
      if (first === undefined) throw new RanaasError("not-found", `no RAN deployment ${id}`);
      let seenPrint = "";
      let seen: Seen | undefined;
      await stream(request, reply, every, guardOf(request), async (send) => {
        const record = await reads.get(id, tenant);
        if (record === undefined) return "done";
        const live = await liveStatus(id);
        const view = { ...viewOf(record), ...liveParts(live) };
        const print = fingerprint(view, (live as { radio?: RadioHealth } | undefined)?.radio);
        if (print !== seenPrint) {
          await sendMissed(store, send, record, seen);
          seenPrint = print;
          seen = { revision: record.revision, state: record.state };
          send("deployment", view);
        }
        return record.state === STATE.deleted ? "done" : "more";
      });
    },
  );

  // Every deployment the caller may see: an event per record whenever its state or revision changes.
  defineRoute(
    app,
    {
      method: "GET",
      url: "/v1/events",
      operationId: "watchDeployments",
      summary: "Live state changes of every deployment the key may see (server-sent events)",
      description:
        "`event: deployment` with the deployment whenever its state or revision changes; before it, " +
        "`event: transition` for each state it passed through since the last event; `event: unavailable` " +
        "while the database is away.",
      tag: "Deployments",
      access: "tenant",
      querystring: Type.Object(
        {
          since: Type.Optional(
            Type.String({
              format: "date-time",
              description:
                "also send what changed since this time (RFC 3339), e.g. just before a list was read",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      responses: {
        200: { description: "an event stream", contentType: "text/event-stream", schema: EVENTS },
      },
      errors: ["unauthorized", "internal"],
    },
    async (request, reply) => {
      const tenant = visibleTenant(request);
      const sent = new Map<string, Seen>();
      const given = request.query.since;
      // Where the stream is: `since` in the database's records, `position` in the model's log.
      let since = given === undefined ? new Date() : new Date(given);
      let position = reads.model.head;
      let fromDatabase = given !== undefined; // what changed since `since` is only in the database
      const emit = async (send: Sender, record: DeploymentRecord | HeldDeployment) => {
        if (tenant !== undefined && record.tenant !== tenant) return;
        const seen = sent.get(record.id);
        if (seen !== undefined && seen.revision >= record.revision) return;
        await sendMissed(store, send, record, seen);
        sent.set(record.id, { revision: record.revision, state: record.state });
        if (record.updatedAt > since) since = record.updatedAt;
        send("deployment", new Json(viewJsonOf(record)));
      };
      await stream(request, reply, onChange, guardOf(request), async (send) => {
        const changes = fromDatabase || !reads.synced ? undefined : reads.model.changesAfter(position);
        if (changes !== undefined) {
          position = changes.head;
          for (const record of changes.records) await emit(send, record);
          return "more";
        }
        // The model cannot say (not trusted, or the stream fell behind its log): the database can. Changes
        // from just before the last one sent are asked again (each is sent once, by revision).
        const head = reads.model.head;
        const changed = await store.deployments.changedSince(
          fromDatabase ? since : new Date(since.getTime() - DATABASE_OVERLAP_MS),
          tenant,
          DATABASE_PAGE,
        );
        for (const record of changed) await emit(send, record);
        const last = changed.at(-1)?.updatedAt;
        if (last !== undefined && last > since) since = last;
        fromDatabase = changed.length === DATABASE_PAGE; // more to read before following the log
        if (!fromDatabase) position = head;
        return "more";
      });
    },
  );
}
