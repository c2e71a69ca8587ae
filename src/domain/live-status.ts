// A RAN deployment's live status as the status service sees the cluster: a phase for the whole and, per
// component (cu, du, ru-emulator-N), readiness, replicas, restarts, node, pod IP and what is wrong.
// Computed by services/status/deployment-status.ts; carried to the API replicas by bus/status-feed.ts.

export type Phase = "absent" | "progressing" | "running" | "degraded";

export interface ComponentStatus {
  name: string;
  ready: boolean;
  replicas: number;
  readyReplicas: number;
  restarts: number;
  node?: string | undefined;
  podIp?: string | undefined;
  message?: string | undefined;
}

export interface DeploymentStatus {
  deploymentId: string;
  phase: Phase;
  components: ComponentStatus[];
  /** The radio's own health, from its CU's and DU's reports (absent while nothing is expected of it). */
  radio?: RadioHealth | undefined;
}

/**
 * The radio's health as the status service judges it from the CU's and DU's metrics
 * (srsran/radio-health.ts): healthy only with every AMF connected, F1 up, every cell active and each
 * RU link on time. Times are ISO 8601; a reason's `since` is when what it says began.
 */
/** A cell's KPIs as RANaaS keeps them (the KPI window, alerts), in this order. */
export const KPI_NAMES = [
  "ues",
  "dlBitrate",
  "ulBitrate",
  "dlPrbUsage",
  "ulPrbUsage",
  "cqi",
  "dlMcs",
  "ulMcs",
  "dlBler",
  "ulBler",
  "ulOnTime",
  "ulLate",
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

/** A radio's health by name (`radio.state === RADIO.healthy`); not a deployment's state. */
export const RADIO = { unknown: "unknown", healthy: "healthy", degraded: "degraded" } as const;

export interface RadioHealth {
  state: (typeof RADIO)[keyof typeof RADIO];
  since: string;
  /** Each with the component whose restart may bring the radio back (absent from older status services). */
  reasons: { text: string; since?: string; component?: "cu" | "du" }[];
  f1: "up" | "down" | "unknown";
  amfs: { address: string; connected: boolean | null }[];
  cells: { index: number; pci: number; active: boolean | null }[];
  /** The tenant's KPI alerts firing now: on which cell, since when the condition holds, the figure it fired at. */
  alerts?: FiringKpiAlert[];
  /** The pod (uid) whose reports count now, per component that reported (absent from older status services). */
  pods?: { cu?: string; du?: string };
}

export interface FiringKpiAlert {
  name: string;
  cell: number;
  since: string;
  value: number;
}

/** Which alert fires on which cell: what tells two firing alerts apart. */
export function alertKey(alert: Pick<FiringKpiAlert, "name" | "cell">): string {
  return `${alert.name}/${alert.cell}`;
}

/** A reason as a person reads it at `now` (ms): "AMF 10.0.0.5 lost 40 s ago". */
export function describeRadioReason(text: string, sinceMs: number | undefined, now: number): string {
  return sinceMs === undefined ? text : `${text} ${Math.max(0, Math.round((now - sinceMs) / 1000))} s ago`;
}

/** The radio's health as the API answers it: each reason in words, as of `now`. */
export function presentRadio(
  radio: RadioHealth,
  now: number,
): Omit<RadioHealth, "reasons" | "alerts" | "pods"> & { reasons: string[]; alerts: FiringKpiAlert[] } {
  const { pods: _pods, ...answered } = radio;
  return {
    ...answered,
    alerts: radio.alerts ?? [],
    reasons: radio.reasons.map((r) =>
      describeRadioReason(r.text, r.since === undefined ? undefined : Date.parse(r.since), now),
    ),
  };
}
