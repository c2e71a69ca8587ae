// What an operator asks for: the RAN deployment request model. One JSON Schema (TypeBox) gives the
// TypeScript type, drives validation and becomes the OpenAPI component.
import { CORE_NETWORK_MODES } from "./backhaul.ts";
import { KPI_NAMES } from "./live-status.ts";
import { Type, type Static } from "@sinclair/typebox";

export const DEFAULT_AMF_PORT = 38412;
export const DEFAULT_GNB_ID_BITS = 22;
export const MAX_CELLS = 16;
/** How often the CU and DU report their metrics by default (srsRAN's own default too). */
export const DEFAULT_METRICS_PERIOD_MS = 1000;

const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
/**
 * An IPv4 address or a DNS name. A name's last label is never all digits (RFC 3696 §2), which is what
 * tells a name from a mistyped address such as "10.0.0.256" or "00".
 */
export const AMF_ADDRESS_PATTERN = `^(${OCTET}(\\.${OCTET}){3}|(?=.{1,253}$)(${LABEL}\\.)*(?=[A-Za-z0-9-]*[A-Za-z])${LABEL})$`;

const PLMN_PATTERN = "^[0-9]{5,6}$";
const PLMN_DESCRIPTION = 'MCC (3 digits) followed by MNC (2 or 3 digits), as a string such as "00101"';
/** A cell broadcasts at most 12 PLMNs (maxPLMN, TS 38.331). */
export const MAX_PLMNS = 12;

/** A site is a zone: a Kubernetes label value (`topology.kubernetes.io/zone`). */
export const SITE_PATTERN = "^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";

export const AmfEndpointSchema = Type.Object(
  {
    address: Type.String({
      pattern: AMF_ADDRESS_PATTERN,
      description: "an IPv4 address or a DNS name, e.g. 10.0.0.5 or amf.core.svc.cluster.local",
    }),
    port: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 65535, default: DEFAULT_AMF_PORT, description: "SCTP port of N2" }),
    ),
    plmns: Type.Optional(
      Type.Array(Type.String({ pattern: PLMN_PATTERN, description: PLMN_DESCRIPTION }), {
        minItems: 1,
        maxItems: MAX_PLMNS,
        uniqueItems: true,
        description:
          "the PLMNs this AMF serves (default: all of the deployment's). Each PLMN is served by exactly one AMF",
      }),
    ),
  },
  { additionalProperties: false, description: "An AMF the CU connects to over N2 (NGAP over SCTP)" },
);

export const SliceSchema = Type.Object(
  {
    sst: Type.Integer({
      minimum: 0,
      maximum: 255,
      description: "Slice/Service Type (1 = eMBB, 2 = URLLC, 3 = MIoT)",
    }),
    sd: Type.Optional(
      Type.String({
        pattern: "^[0-9A-Fa-f]{6}$",
        description: "a Slice Differentiator of 6 hex digits, e.g. 0000AB",
      }),
    ),
  },
  {
    additionalProperties: false,
    description: "An S-NSSAI served by the cells; must match the AMF and UEs exactly",
  },
);

export const CellRequestSchema = Type.Object(
  {
    band: Type.Integer({
      minimum: 1,
      maximum: 1024,
      description: "NR operating band number, e.g. 78 for n78",
    }),
    bandwidthMHz: Type.Integer({ minimum: 5, maximum: 100, description: "channel bandwidth in MHz" }),
    scsKHz: Type.Optional(
      Type.Union([Type.Literal(15), Type.Literal(30), Type.Literal(60)], {
        description: "subcarrier spacing in kHz (default 30; emulated RUs support only 30)",
      }),
    ),
    dlArfcn: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3279165,
        description: "DL NR-ARFCN of the carrier centre; default: centre of the band",
      }),
    ),
    pci: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1007, description: "physical cell id; default: planned" }),
    ),
  },
  { additionalProperties: false, description: "One cell, served by one radio unit" },
);

/** What RANaaS does about a radio that reports a fault (a lost AMF, F1 down, a cell off, a silent DU). */
export const RADIO_FAILURE_ACTIONS = ["report", "restart"] as const;
export const DEFAULT_RESTART_AFTER_SECONDS = 300;

export const RadioFailurePolicySchema = Type.Object(
  {
    action: Type.Union(
      RADIO_FAILURE_ACTIONS.map((a) => Type.Literal(a)),
      {
        description:
          "report (default): the deployment is degraded with the reason; restart: also restarts the failing component (CU or DU) once the fault has lasted afterSeconds, then again after twice as long each time it persists (at most hourly)",
      },
    ),
    afterSeconds: Type.Optional(
      Type.Integer({
        minimum: 10,
        maximum: 86_400,
        default: DEFAULT_RESTART_AFTER_SECONDS,
        description: "how long a fault lasts before the first restart, in seconds",
      }),
    ),
  },
  { additionalProperties: false, description: "what RANaaS does when the radio reports a fault" },
);

/** The figures a KPI alert can watch, per cell: `cellDown` (the DU reports the cell inactive) or a KPI. */
export const KPI_ALERT_METRICS = ["cellDown", ...KPI_NAMES] as const;
export const MAX_KPI_ALERTS = 16;
/** How long an alert's condition holds before it fires, by default. */
export const DEFAULT_ALERT_FOR_SECONDS = 60;

export const KpiAlertSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 40,
      pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
      description: "names the alert in its CloudEvents: lower-case letters, digits and '-'",
    }),
    metric: Type.Union(
      KPI_ALERT_METRICS.map((m) => Type.Literal(m)),
      {
        description:
          "cellDown, or a KPI of the cell: ues, dlBitrate/ulBitrate (bit/s), dlPrbUsage/ulPrbUsage (0–1), cqi, dlMcs/ulMcs, dlBler/ulBler (0–1), ulOnTime/ulLate (shares of UL packets, 0–1)",
      },
    ),
    above: Type.Optional(Type.Number({ description: "fires while the KPI is above this" })),
    below: Type.Optional(Type.Number({ description: "fires while the KPI is below this" })),
    forSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3600,
        default: DEFAULT_ALERT_FOR_SECONDS,
        description: "how long the condition holds before the alert fires, in seconds",
      }),
    ),
    cells: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: MAX_CELLS - 1 }), {
        minItems: 1,
        maxItems: MAX_CELLS,
        uniqueItems: true,
        description: "the cells (indexes in the request's cells) it watches; default: every cell",
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      "A KPI threshold on each of the deployment's cells: cellDown takes no threshold; every other metric exactly one of above or below",
  },
);

export const N3_SERVICE_TYPES = ["ClusterIP", "NodePort", "LoadBalancer"] as const;

export const RanDeploymentSpecSchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 40,
      pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
      description: "lower-case letters, digits and '-', starting and ending with a letter or digit",
    }),
    amf: Type.Array(AmfEndpointSchema, {
      minItems: 1,
      maxItems: MAX_PLMNS,
      description:
        "the AMF of the PLMN; several AMFs only for several PLMNs (RAN sharing), one AMF per PLMN, as srsRAN serves each PLMN from one AMF",
    }),
    plmn: Type.String({
      pattern: PLMN_PATTERN,
      description: `the primary PLMN (in the cells' NR-CGI): ${PLMN_DESCRIPTION}`,
    }),
    additionalPlmns: Type.Optional(
      Type.Array(Type.String({ pattern: PLMN_PATTERN, description: PLMN_DESCRIPTION }), {
        maxItems: MAX_PLMNS - 1,
        uniqueItems: true,
        description: "further PLMNs the cells broadcast (RAN sharing, MOCN); each is served by one AMF",
      }),
    ),
    tac: Type.Integer({ minimum: 0, maximum: 16777215, description: "24-bit tracking area code" }),
    slices: Type.Array(SliceSchema, { minItems: 1, maxItems: 8 }),
    cells: Type.Array(CellRequestSchema, { minItems: 1, maxItems: MAX_CELLS }),
    site: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 63,
        pattern: SITE_PATTERN,
        description: "site (zone) to place the cells at: a Kubernetes label value, e.g. site-1",
      }),
    ),
    gnbId: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 4294967295, description: "gNB ID; default: allocated" }),
    ),
    gnbIdBits: Type.Optional(
      Type.Integer({
        minimum: 22,
        maximum: 32,
        default: DEFAULT_GNB_ID_BITS,
        description: "gNB ID length in bits",
      }),
    ),
    callbackUrl: Type.Optional(
      Type.String({
        maxLength: 2048,
        pattern: "^https?://[\\x21-\\x7e]+$",
        description: "an http(s) URL that receives a CloudEvent on every state change",
      }),
    ),
    telemetry: Type.Optional(
      Type.Object(
        {
          periodMs: Type.Optional(
            Type.Integer({
              minimum: 100,
              maximum: 60_000,
              default: DEFAULT_METRICS_PERIOD_MS,
              description:
                "how often the CU and DU report their metrics (cells, NGAP, F1, fronthaul, resource usage), in ms",
            }),
          ),
          onRadioFailure: Type.Optional(RadioFailurePolicySchema),
          alerts: Type.Optional(
            Type.Array(KpiAlertSchema, {
              maxItems: MAX_KPI_ALERTS,
              description: "KPI thresholds per cell; each crossing and each return is a CloudEvent",
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            "the radio's own metrics, which RANaaS reads from the CU and DU (default every 1,000 ms), what it does about a radio fault, and KPI alerts",
        },
      ),
    ),
    n3ServiceType: Type.Optional(
      Type.Union(
        N3_SERVICE_TYPES.map((t) => Type.Literal(t)),
        { description: "how the core's UPF reaches N3 (GTP-U, UDP 2152): default ClusterIP" },
      ),
    ),
    coreNetwork: Type.Optional(
      Type.Union(
        CORE_NETWORK_MODES.map((m) => Type.Literal(m)),
        {
          description:
            "where N2 and N3 run: pod (default; the pod network, a core in the cluster or one that accepts " +
            "the node's address after SNAT) or backhaul (an address on the provider's backhaul network, " +
            "which the AMF and UPF see as is) or host (the CU node's own address; one such CU per node)",
        },
      ),
    ),
  },
  { additionalProperties: false, $id: "RanDeploymentSpec", description: "A request for radio access" },
);

export type RanDeploymentSpec = Static<typeof RanDeploymentSpecSchema>;
export type CellRequest = Static<typeof CellRequestSchema>;
export type Slice = Static<typeof SliceSchema>;
export type AmfEndpoint = Static<typeof AmfEndpointSchema>;
export type KpiAlert = Static<typeof KpiAlertSchema>;
export type RadioFailurePolicy = Static<typeof RadioFailurePolicySchema>;
export type N3ServiceType = (typeof N3_SERVICE_TYPES)[number];
