// The shapes the API answers with, as JSON Schema (TypeBox): the OpenAPI document is built from these
// and the contract test checks real answers against them.
import { Type, type TSchema } from "@sinclair/typebox";
import { DEPLOYMENT_STATES } from "../../domain/deployment-states.ts";
import { ERROR_CODES } from "../../domain/error-codes.ts";
import { AmfEndpointSchema, RanDeploymentSpecSchema } from "../../domain/ran-deployment-spec.ts";
import { RadioUnitSchema } from "../../domain/ru-pool.ts";
import { EXPOSED_N3_SERVICE_TYPES, TENANT_NAME_PATTERN } from "../../domain/tenant.ts";
import { KPI_ALERT_EVENT, STATE_CHANGED_EVENT } from "./state-events.ts";

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: "date-time" });
const Ref = (name: string) => Type.Unsafe<unknown>({ $ref: `#/components/schemas/${name}` });

/** A request as sent: the spec, where `amf` may also be one AMF instead of a list of one. */
export const RanDeploymentRequestSchema = Type.Object(
  {
    ...RanDeploymentSpecSchema.properties,
    amf: Type.Union([RanDeploymentSpecSchema.properties.amf, AmfEndpointSchema], {
      description: `${RanDeploymentSpecSchema.properties.amf.description ?? ""} (one AMF may be given as the object alone)`,
    }),
  },
  {
    additionalProperties: false,
    description:
      "A request for radio access. Rules JSON Schema cannot say (carriers inside their band, PCIs unique, one AMF per PLMN, a gNB ID that fits its bits…) are checked after it and refused with 422 and `problems[]` too",
  },
);

/**
 * A JSON merge patch (RFC 7386) of the request: the fields to change; `null` removes an optional one.
 * Lists (cells, amf, slices) are replaced whole. The name cannot change, and the request as patched
 * must be valid as a whole (422 with `problems[]` otherwise).
 */
export const RanDeploymentPatchSchema = Type.Object(
  Object.fromEntries(
    Object.entries(RanDeploymentRequestSchema.properties).map(([field, schema]) => [
      field,
      Type.Optional(
        (RanDeploymentSpecSchema.required as string[] | undefined)?.includes(field) === true
          ? schema
          : Type.Union([schema, Type.Null()]),
      ),
    ]),
  ),
  {
    additionalProperties: false,
    description:
      "A JSON merge patch (RFC 7386) of the request: the fields to change, `null` to remove an optional one; lists are replaced whole; the name cannot change",
  },
);

/** The example request of the document, which the API's own validation accepts (openapi.test.ts). */
export const EXAMPLE_REQUEST = {
  name: "campus",
  amf: [{ address: "10.0.0.5", port: 38412 }],
  plmn: "00101",
  tac: 7,
  slices: [{ sst: 1 }],
  cells: [
    { band: 78, bandwidthMHz: 20 },
    { band: 78, bandwidthMHz: 20 },
  ],
};

/** A deployment's id in a path: at most 64 characters (Fastify refuses parameters past 100 outright). */
export const DeploymentIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: "deployment id" }),
});

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: "a URI naming the problem type" }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.Union(
      Object.keys(ERROR_CODES).map((c) => Type.Literal(c)),
      { description: "stable machine-readable code (see the error table in the description)" },
    ),
    detail: Type.String({ description: "what went wrong, for people" }),
    retryable: Type.Boolean({ description: "whether the same request may succeed later" }),
    problems: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: "JSON pointer of the field, or the parameter's name" }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { description: "An error (RFC 9457 problem details, application/problem+json)" },
);

const ComputeSchema = Type.Object({ cpuMillis: Type.Number(), memoryMiB: Type.Number() });

export const PlanSchema = Type.Object({
  gnbId: Type.Integer(),
  gnbIdBits: Type.Integer(),
  site: Type.String(),
  namespace: Type.String(),
  cu: Type.Object({ node: Type.String() }),
  du: Type.Object({ node: Type.String(), site: Type.String(), gnbDuId: Type.Integer() }),
  cells: Type.Array(
    Type.Object({
      index: Type.Integer(),
      ruId: Type.String(),
      ruNode: Type.String(),
      pci: Type.Integer({ minimum: 0, maximum: 1007 }),
      sectorId: Type.Integer(),
      nci: Type.String({ description: "NR Cell Identity, 36 bits as 9 hex digits" }),
      nrCgi: Type.String({ description: "MCC-MNC-NCI" }),
      band: Type.Integer(),
      duplex: Type.Union([Type.Literal("TDD"), Type.Literal("FDD")]),
      dlArfcn: Type.Integer(),
      ulArfcn: Type.Integer(),
      bandwidthMHz: Type.Integer(),
      scsKHz: Type.Integer(),
    }),
  ),
});

export const ConnectionSchema = Type.Object(
  {
    network: Type.Union([Type.Literal("pod"), Type.Literal("backhaul"), Type.Literal("host")], {
      description:
        "where N2 and N3 run: the pod network, an address on the provider's backhaul network, or the CU node's own address",
    }),
    n2: Type.Object({
      sourceAddress: Type.String({ description: "the address the CU's SCTP association comes from" }),
      amfSeesOutsideCluster: Type.Optional(
        Type.String({
          description:
            "pod network only: the address an AMF outside the cluster sees instead (the CU node's, after SNAT)",
        }),
      ),
      amf: Type.Array(Type.Object({ address: Type.String(), port: Type.Integer() })),
    }),
    n3: Type.Object({
      address: Type.String({ description: "where the UPF sends GTP-U" }),
      port: Type.Integer(),
      serviceType: Type.Union([
        Type.Literal("ClusterIP"),
        Type.Literal("NodePort"),
        Type.Literal("LoadBalancer"),
      ]),
    }),
    gnbId: Type.Integer(),
    gnbIdBits: Type.Integer(),
    cells: Type.Array(
      Type.Object({
        index: Type.Integer(),
        nci: Type.String(),
        nrCgi: Type.String(),
        pci: Type.Integer(),
        band: Type.Integer(),
        dlArfcn: Type.Integer(),
        bandwidthMHz: Type.Integer(),
      }),
    ),
  },
  { description: "What the operator's core needs to accept and reach the RAN" },
);

export const LiveStatusSchema = Type.Object(
  {
    deploymentId: Type.Optional(Type.String()),
    phase: Type.Optional(
      Type.Union(["absent", "progressing", "running", "degraded"].map((p) => Type.Literal(p))),
    ),
    stale: Type.Optional(Type.Boolean({ description: "true when the status service could not be asked" })),
    message: Type.Optional(Type.String()),
    components: Type.Optional(
      Type.Array(
        Type.Object({
          name: Type.String({ description: "cu, du or ru-emulator-N" }),
          ready: Type.Boolean(),
          replicas: Type.Integer(),
          readyReplicas: Type.Integer(),
          restarts: Type.Integer(),
          node: Type.Optional(Type.String()),
          podIp: Type.Optional(Type.String()),
          message: Type.Optional(Type.String()),
        }),
      ),
    ),
  },
  { description: "Live status of the deployment's pods (from the status service)" },
);

const RadioSchema = Type.Object(
  {
    state: Type.Union(
      ["unknown", "healthy", "degraded"].map((s) => Type.Literal(s)),
      {
        description:
          "healthy: every AMF connected, F1 up, every cell active, each RU link on time; unknown: nothing reported yet",
      },
    ),
    since: Timestamp,
    reasons: Type.Array(Type.String(), {
      description:
        'why it is not healthy, e.g. "AMF 10.0.0.5 lost 40 s ago", "cell 2: 97% of UL packets late"',
    }),
    f1: Type.Union(
      ["up", "down", "unknown"].map((s) => Type.Literal(s)),
      {
        description: "whether the CU sees the DU over F1 (unknown when the CU does not report)",
      },
    ),
    amfs: Type.Array(
      Type.Object(
        { address: Type.String(), connected: Nullable(Type.Boolean()) },
        { additionalProperties: false },
      ),
      { description: "each AMF's N2 association as the CU reports it (null: not reported)" },
    ),
    cells: Type.Array(
      Type.Object(
        { index: Type.Integer(), pci: Type.Integer(), active: Nullable(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
    alerts: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          cell: Type.Integer({ description: "the cell's index in the request" }),
          since: { ...Timestamp, description: "since when the condition holds" },
          value: Type.Number({ description: "the figure when the alert fired" }),
        },
        { additionalProperties: false },
      ),
      { description: "the KPI alerts (telemetry.alerts) firing now" },
    ),
  },
  {
    additionalProperties: false,
    description:
      "The radio's own health, from what its CU and DU report on their remote-control websocket (not from pod phases)",
  },
);

const KpiValuesSchema = Type.Object(
  {
    ues: Type.Optional(Type.Number({ description: "UEs the scheduler served" })),
    dlBitrate: Type.Optional(Type.Number({ description: "bit/s" })),
    ulBitrate: Type.Optional(Type.Number({ description: "bit/s" })),
    dlPrbUsage: Type.Optional(Type.Number({ description: "granted PRBs ÷ the carrier's, 0–1 (TDD cells)" })),
    ulPrbUsage: Type.Optional(Type.Number({ description: "granted PRBs ÷ the carrier's, 0–1 (TDD cells)" })),
    cqi: Type.Optional(Type.Number()),
    dlMcs: Type.Optional(Type.Number()),
    ulMcs: Type.Optional(Type.Number()),
    dlBler: Type.Optional(Type.Number({ description: "HARQ NACKs ÷ HARQ feedback, 0–1" })),
    ulBler: Type.Optional(Type.Number({ description: "CRC failures ÷ CRCs, 0–1" })),
    ulOnTime: Type.Optional(Type.Number({ description: "share of UL packets from the RU on time, 0–1" })),
    ulLate: Type.Optional(Type.Number({ description: "share of UL packets from the RU late, 0–1" })),
  },
  {
    additionalProperties: false,
    description: "means over the bucket of what was reported (absent: nothing was)",
  },
);

export const KpisSchema = Type.Object(
  {
    deploymentId: Type.String(),
    bucketSeconds: Type.Integer(),
    cells: Type.Array(
      Type.Object({ index: Type.Integer(), pci: Type.Integer() }, { additionalProperties: false }),
      { description: "the planned cells, in the order of each bucket's `cells`" },
    ),
    buckets: Type.Array(
      Type.Object(
        { at: Timestamp, cells: Type.Array(KpiValuesSchema) },
        { additionalProperties: false, description: "a bucket: its start, and each cell's figures" },
      ),
      { description: "oldest first" },
    ),
  },
  { additionalProperties: false, description: "The radio's KPIs per cell over the last minutes" },
);

const CallbacksSchema = Type.Object(
  {
    delivered: Type.Integer({ minimum: 0 }),
    pending: Type.Integer({ minimum: 0, description: "waiting to be sent, or to be sent again" }),
    abandoned: Type.Integer({ minimum: 0, description: "given up after 10 attempts" }),
    lastError: Type.Optional(
      Type.Object(
        {
          message: Type.String({
            description:
              "why the newest event not delivered (yet) failed at its last attempt: the receiver's answer, a timeout, a redirect (not followed), or `refused: …` when the URL or an address it resolved to may not be reached",
          }),
          at: Timestamp,
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: "What became of the CloudEvents sent to the callback URL (GET of one deployment only)",
  },
);

export const DeploymentSchema = Type.Object(
  {
    id: Type.String({ description: "unique id (UUIDv7)" }),
    name: Type.String(),
    state: Type.Union(DEPLOYMENT_STATES.map((s) => Type.Literal(s))),
    reason: Type.Optional(Type.String()),
    reasonCode: Type.Optional(
      Type.String({
        description:
          "stable code of the reason: a refusal's code (e.g. insufficient-rus), provision-failed, teardown-failed, drift, update-failed, heal-failed",
      }),
    ),
    retryAt: Type.Optional(
      Type.String({
        format: "date-time",
        description:
          "when RANaaS tries again to bring back a degraded deployment whose update or heal failed (absent while an attempt runs)",
      }),
    ),
    spec: Ref("RanDeploymentSpec"),
    pendingSpec: Type.Optional(
      Type.Unsafe<unknown>({
        $ref: "#/components/schemas/RanDeploymentSpec",
        description:
          "while updating and not yet planned: the request as patched (no orchestrator answered; RANaaS plans it when one does)",
      }),
    ),
    plan: Nullable(PlanSchema),
    connection: Nullable(ConnectionSchema),
    status: Type.Optional(LiveStatusSchema),
    radio: Type.Optional(RadioSchema),
    callbacks: Type.Optional(CallbacksSchema),
    restarts: Type.Optional(
      Type.Array(Type.String(), {
        description: "components the update restarts (PATCH only; empty while it waits to be planned)",
      }),
    ),
    operationId: Type.String(),
    revision: Type.Integer({ description: "also the ETag; send it in If-Match to update safely" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: "A RAN deployment: the request, its plan, connection details and live status" },
);

export const DeploymentListSchema = Type.Object({
  items: Type.Array(Ref("Deployment")),
  next: Nullable(Type.String({ description: "the next page, or null" })),
});

export const OperationSchema = Type.Object({
  id: Type.String(),
  deploymentId: Type.String(),
  kind: Type.Union(
    ["create", "update", "delete", "heal"].map((k) => Type.Literal(k)),
    { description: "what was asked: heal is RANaaS restoring a deployment that drifted" },
  ),
  state: Type.Union(
    ["pending", "running", "succeeded", "failed"].map((k) => Type.Literal(k)),
    {
      description:
        "pending: accepted, not yet handed to the workers (being planned, or the message broker is away — it is sent when the broker is back); running: queued or being carried out; succeeded or failed: done",
    },
  ),
  error: Type.Optional(Type.Unknown()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const ComputeSummarySchema = Type.Object({
  nodes: Type.Integer(),
  free: ComputeSchema,
  largestFree: ComputeSchema,
});
const Quota = (what: string) =>
  Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: what }));

/** A tenant's quotas; a figure left out is unlimited. */
export const QuotasSchema = Type.Object(
  {
    deployments: Quota("deployments at once"),
    cells: Quota("cells in all its deployments"),
    cpuMillis: Quota("CPU of all its pods, in thousandths of a core"),
  },
  { additionalProperties: false, description: "quotas; a figure left out is unlimited" },
);

export const CapacitySchema = Type.Object({
  sites: Type.Array(
    Type.Object({
      site: Type.String(),
      freeRus: Type.Integer(),
      bands: Type.Array(
        Type.Object({ band: Type.Integer(), freeRus: Type.Integer(), maxBandwidthMHz: Type.Integer() }),
      ),
      edge: ComputeSummarySchema,
    }),
  ),
  central: ComputeSummarySchema,
  quota: Type.Optional(
    Type.Object(
      {
        limits: QuotasSchema,
        usage: Type.Object({ deployments: Type.Integer(), cells: Type.Integer(), cpuMillis: Type.Integer() }),
        remaining: Type.Object({
          deployments: Nullable(Type.Integer()),
          cells: Nullable(Type.Integer()),
          cpuMillis: Nullable(Type.Integer()),
        }),
      },
      { description: "operators only: their quota (null = unlimited)" },
    ),
  ),
});

export const RadioUnitListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      ...RadioUnitSchema.properties,
      allocatedTo: Nullable(Type.String({ description: "the deployment holding the RU, or null" })),
    }),
  ),
});

/** What an admin granted an operator beyond the default (admins may everything); absent is not granted. */
export const CapabilitiesSchema = Type.Object(
  {
    n3ServiceTypes: Type.Optional(
      Type.Array(Type.Union(EXPOSED_N3_SERVICE_TYPES.map((t) => Type.Literal(t))), {
        uniqueItems: true,
        description:
          "N3 Service types besides ClusterIP the tenant may ask for (each opens the cluster to outside)",
      }),
    ),
  },
  {
    additionalProperties: false,
    description: "what the tenant may ask for beyond the default; a capability left out is not granted",
  },
);

export const TenantSchema = Type.Object({
  name: Type.String(),
  role: Type.Union([Type.Literal("operator"), Type.Literal("admin")]),
  keys: Type.Array(Type.Object({ id: Type.String(), createdAt: Timestamp })),
  capabilities: CapabilitiesSchema,
  createdAt: Timestamp,
});

export const TenantCreatedSchema = Type.Object({
  ...TenantSchema.properties,
  apiKey: Type.String({ description: "shown once; RANaaS keeps only its hash" }),
  callbackSecret: Type.String({ description: "signs this tenant's callbacks (RANaaS-Signature)" }),
});

export const TenantCreateSchema = Type.Object(
  {
    name: Type.String({
      pattern: TENANT_NAME_PATTERN,
      description:
        "lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit",
    }),
    role: Type.Optional(Type.Union([Type.Literal("operator"), Type.Literal("admin")])),
    quotas: Type.Optional(QuotasSchema),
    capabilities: Type.Optional(CapabilitiesSchema),
  },
  { additionalProperties: false },
);

export const QuotasAnswerSchema = Type.Object({
  name: Type.String(),
  quotas: QuotasSchema,
  usage: Type.Object({ deployments: Type.Integer(), cells: Type.Integer(), cpuMillis: Type.Integer() }),
});

export const CallbackSecretSchema = Type.Object({
  tenant: Type.String(),
  callbackSecret: Type.String({ description: "shown once; RANaaS keeps it sealed" }),
  previousRetireAt: Nullable(
    Type.String({ format: "date-time", description: "until when the secrets before it go on signing" }),
  ),
});

export const NewKeySchema = Type.Object({ name: Type.String(), apiKey: Type.String(), keyId: Type.String() });

export const MeSchema = Type.Object({
  tenant: Type.String(),
  role: Type.Union([Type.Literal("operator"), Type.Literal("admin")]),
  capabilities: CapabilitiesSchema,
});

export const HealthSchema = Type.Object({
  service: Type.String(),
  ready: Type.Optional(Type.Boolean()),
  status: Type.Optional(Type.String()),
  checks: Type.Optional(Type.Array(Type.Object({ name: Type.String(), ok: Type.Boolean() }))),
});

export const TransitionEventSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    revision: Type.Integer(),
    state: Type.Union(DEPLOYMENT_STATES.map((s) => Type.Literal(s))),
    reasonCode: Type.Optional(Type.String()),
    at: Timestamp,
  },
  { description: "`event: transition`: a state the deployment passed through since the stream's last event" },
);

export const RevokedEventSchema = Type.Object(
  { detail: Type.String() },
  { description: "`event: revoked`: the key was rotated or its tenant deleted; the stream ends" },
);

export const UnavailableEventSchema = Type.Object(
  { detail: Type.String() },
  { description: "`event: unavailable`: the database could not be read; the stream goes on when it is back" },
);

/** A text/event-stream answer: each event's `data` is one JSON object of the schema its name gives. */
export function eventStream(events: Record<string, TSchema>): TSchema {
  return Type.String({
    description: `server-sent events; each \`data\` is JSON: ${Object.keys(events)
      .map((e) => `\`event: ${e}\``)
      .join(", ")} (schemas in x-events)`,
    "x-events": events,
  });
}

/** The CloudEvent 1.0 envelope of a callback (structured JSON), around its `data`. */
function cloudEvent(type: string, data: TSchema, description: string) {
  return Type.Object(
    {
      specversion: Type.Literal("1.0"),
      type: Type.Literal(type),
      source: Type.String({ description: "/v1/ran-deployments/{id}" }),
      id: Type.String({ description: "unique per event; time-ordered" }),
      time: Timestamp,
      subject: Type.String({ description: "the deployment's id" }),
      datacontenttype: Type.Literal("application/json"),
      data,
    },
    { additionalProperties: false, description },
  );
}

export const StateChangedCallbackSchema = cloudEvent(
  STATE_CHANGED_EVENT,
  Type.Object(
    {
      id: Type.String(),
      name: Type.String(),
      state: Type.String({ description: "the deployment's new state" }),
      reason: Nullable(Type.String()),
      revision: Type.Integer(),
      connection: Nullable(ConnectionSchema),
    },
    { additionalProperties: false },
  ),
  "Sent to the deployment's callbackUrl on every state change, in order, signed (RANaaS-Signature)",
);

export const KpiAlertCallbackSchema = cloudEvent(
  KPI_ALERT_EVENT,
  Type.Object(
    {
      id: Type.String(),
      name: Type.String(),
      alert: Type.String({ description: "the alert's name (telemetry.alerts)" }),
      status: Type.Union([Type.Literal("firing"), Type.Literal("resolved")]),
      cell: Type.Integer({ description: "the cell's index in the request" }),
      pci: Nullable(Type.Integer()),
      metric: Nullable(Type.String()),
      above: Type.Optional(Type.Number()),
      below: Type.Optional(Type.Number()),
      since: { ...Timestamp, description: "since when the condition held" },
      value: Type.Number({ description: "the figure when the alert fired" }),
      revision: Type.Integer(),
    },
    { additionalProperties: false },
  ),
  "Sent to the deployment's callbackUrl when a KPI alert begins or stops firing on a cell, in order with its state changes, signed (RANaaS-Signature)",
);
