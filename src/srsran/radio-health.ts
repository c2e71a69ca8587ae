// The radio's own health, from what its CU and DU report (srsran/metrics-json.ts), not from pod phases:
// a RAN is healthy when its CU has every AMF connected and sees its DU over F1, its DU has every planned
// cell active, and each cell's RU link delivers its uplink on time. Pure: the status service's collector
// feeds frames in with the time they arrived and asks for the status.
import { describeRadioReason } from "../domain/live-status.ts";
import type { RanFlavour, ResourceDefinition } from "../domain/resource-definition.ts";
import { DEFAULT_METRICS_PERIOD_MS, type KpiAlert } from "../domain/ran-deployment-spec.ts";
import { resourceBlocks } from "../radio/carrier.ts";
import { KpiAlerts, type FiringAlert } from "./kpi-alerts.ts";
import { KPI_NAMES, KpiWindow, type KpiBucket, type KpiSample } from "./kpi-window.ts";
import type { AmfReading, CellReading, FronthaulReading, MetricsFrame } from "./metrics-json.ts";

/**
 * Whether the flavour's CU can send JSON metrics. OCUDU's `ocu` at release_26_04 exits at start with them
 * on (it never hands its CU-CP and CU-UP the remote server's metrics gateway; fixed after the release, in
 * 8b5132e33c): docs/research/ocudu-remote-control.md.
 */
export function cuSendsJsonMetrics(flavour: RanFlavour): boolean {
  return flavour !== "ocudu";
}

/** What a deployment's plan says its radio should report (rendered as the Deployments' telemetry annotation). */
export interface RadioExpectations {
  /** The CU's and DU's metrics period. */
  periodMs: number;
  cu: {
    /** Whether the CU sends JSON metrics at all (OCUDU's ocu at release_26_04 cannot). */
    reports: boolean;
    /** The AMFs' addresses as asked for, in the CU's configuration order (its NGAP report's order). */
    amfs: string[];
    gnbDuId: number;
  };
  cells: ExpectedCell[];
  /** The tenant's KPI thresholds (absent: none). */
  alerts?: KpiAlert[];
}

/** What a planned deployment's radio should report. */
export function radioExpectations(def: ResourceDefinition): RadioExpectations {
  return {
    periodMs: def.metricsPeriodMs ?? DEFAULT_METRICS_PERIOD_MS,
    cu: {
      reports: cuSendsJsonMetrics(def.flavour),
      amfs: def.amf.map((amf) => amf.address),
      gnbDuId: def.du.gnbDuId,
    },
    cells: def.cells.map((cell) => ({
      index: cell.index,
      pci: cell.pci,
      nRb: resourceBlocks(cell.bandwidthMHz, cell.scsKHz) ?? 0,
      ...(cell.tdd === undefined
        ? {}
        : {
            tdd: { periodSlots: cell.tdd.periodSlots, dlSlots: cell.tdd.dlSlots, ulSlots: cell.tdd.ulSlots },
          }),
    })),
    ...(def.kpiAlerts === undefined ? {} : { alerts: def.kpiAlerts }),
  };
}

export interface ExpectedCell {
  index: number;
  pci: number;
  /** The carrier's resource blocks (PRB usage is granted PRBs ÷ this). */
  nRb: number;
  /** TDD: DL slots first, UL slots last in each period (srsRAN's pattern); absent for FDD. */
  tdd?: { periodSlots: number; dlSlots: number; ulSlots: number };
}

export type RadioState = "unknown" | "healthy" | "degraded";

/** A planned cell as its DU last reported it: the scheduler's figures, PRB usage and fronthaul shares. */
export interface RadioCell extends Pick<
  CellReading,
  "pci" | "ues" | "dlBitrate" | "ulBitrate" | "cqi" | "dlMcs" | "ulMcs" | "dlBler" | "ulBler"
> {
  index: number;
  /** Whether the DU reports the cell active; null before the DU reported. */
  active: boolean | null;
  /** Granted PRBs ÷ the carrier's PRBs over the period, 0–1 (TDD cells). */
  dlPrbUsage?: number;
  ulPrbUsage?: number;
  /** Shares of the UL packets from the RU that arrived on time, early or late, 0–1. */
  ulOnTime?: number;
  ulEarly?: number;
  ulLate?: number;
}

/**
 * Why a radio is not healthy: in words, since when where that is known (ms since the epoch), and the
 * component whose restart may bring it back (the CU for its own silence and its AMFs, else the DU).
 */
export interface RadioReason {
  text: string;
  since?: number;
  component: Component;
}

/** A reason as a person reads it at `now`: "AMF 10.0.0.5 lost 40 s ago". */
export function describeReason(reason: RadioReason, now: number): string {
  return describeRadioReason(reason.text, reason.since, now);
}

export interface RadioStatus {
  state: RadioState;
  /** Why it is not healthy. */
  reasons: RadioReason[];
  /** When it entered this state (ms since the epoch). */
  since: number;
  amfs: { address: string; connected: boolean | null }[];
  f1: "up" | "down" | "unknown";
  cells: RadioCell[];
  usage: { cu?: ResourceUsage; du?: ResourceUsage };
  /** The tenant's KPI alerts firing now. */
  alerts: FiringAlert[];
  /** The pod (uid) whose reports count now, per component that reported: a restart is another pod. */
  pods: Partial<Record<Component, string>>;
}

export interface ResourceUsage {
  cpuPercent: number;
  memoryMiB: number;
  powerWatts: number;
}

/** A share of UL packets early or late from which a cell's fronthaul is unhealthy. */
export const FRONTHAUL_TOLERANCE = 0.05;

export type Component = "cu" | "du";

export class RadioTracker {
  private readonly heardAt: Partial<Record<Component, number>> = {};
  private readonly lostAt: Partial<Record<Component, number>> = {};
  private amfs: AmfReading[] | undefined;
  /** When each AMF last changed between connected and not (index: the CU's order). */
  private readonly amfChangedAt: number[] = [];
  /** Whether each AMF was ever seen connected. */
  private readonly amfWasUp: boolean[] = [];
  private gnbDuIds: number[] | undefined;
  private f1ChangedAt: number | undefined;
  private cells: { at: number; readings: Map<number, CellReading> } | undefined;
  private fronthaul: { at: number; readings: Map<number, FronthaulReading> } | undefined;
  private readonly usage: Partial<Record<Component, ResourceUsage>> = {};
  private state: { state: RadioState; since: number } | undefined;
  /** The cells' recent KPIs (15 minutes in 10 s buckets). */
  private readonly window: KpiWindow;
  private readonly alerts: KpiAlerts;
  /** The pod each component's reports came from last. */
  private readonly heardFrom: Partial<Record<Component, string>> = {};

  constructor(private readonly expected: RadioExpectations) {
    this.window = new KpiWindow(expected.cells.length);
    this.alerts = new KpiAlerts(expected.alerts ?? []);
  }

  /** Takes the tenant's new KPI thresholds (nothing else of the expectations changed). */
  replaceAlerts(alerts: readonly KpiAlert[]): void {
    this.alerts.replace(alerts);
  }

  /** The cells' KPIs over the `windowMs` before `now`, in 10 s buckets (at most 15 minutes). */
  kpis(now: number, windowMs: number): KpiBucket[] {
    return this.window.query(now, windowMs);
  }

  /**
   * A frame from `component`, received at `now` (ms), from the pod `pod` (uid) when known. The first
   * frame from another pod (the component was restarted) forgets what the old one reported: the radio
   * is judged on what the new process says.
   */
  apply(component: Component, frame: MetricsFrame, now: number, pod?: string): void {
    if (frame.kind === "invalid" || frame.kind === "reply") return;
    if (pod !== undefined && this.heardFrom[component] !== pod) {
      if (this.heardFrom[component] !== undefined) this.forget(component);
      this.heardFrom[component] = pod;
    }
    this.heardAt[component] = now;
    delete this.lostAt[component];
    switch (frame.kind) {
      case "cu-cp": {
        frame.amfs.forEach((amf, i) => {
          if (this.amfs?.[i]?.connected !== amf.connected) this.amfChangedAt[i] = now;
          if (amf.connected) this.amfWasUp[i] = true;
        });
        const f1Before = this.f1Up();
        this.amfs = frame.amfs;
        this.gnbDuIds = frame.gnbDuIds;
        if (f1Before !== this.f1Up()) this.f1ChangedAt = now;
        break;
      }
      case "cells":
        this.cells = { at: now, readings: new Map(frame.cells.map((c) => [c.pci, c])) };
        this.window.add(
          now,
          this.expected.cells.map((cell) => kpiSample(this.cellStatus(cell, now))),
        );
        break;
      case "ru":
        this.fronthaul = { at: now, readings: new Map(frame.cells.map((c) => [c.pci, c])) };
        break;
      case "app_resource_usage":
        this.usage[component] = {
          cpuPercent: frame.cpuPercent,
          memoryMiB: frame.memoryMiB,
          powerWatts: frame.powerWatts,
        };
        break;
      default:
        break;
    }
  }

  /** Forgets a component's readings (its process was replaced). */
  private forget(component: Component): void {
    if (component === "cu") {
      this.amfs = undefined;
      this.gnbDuIds = undefined;
      this.amfChangedAt.length = 0;
      this.amfWasUp.length = 0;
      this.f1ChangedAt = undefined;
    } else {
      this.cells = undefined;
      this.fronthaul = undefined;
    }
    delete this.usage[component];
  }

  /** The component's telemetry connection closed or could not be opened at `now`. */
  lost(component: Component, now: number): void {
    this.lostAt[component] ??= now;
  }

  /** The radio's status at `now`; remembers when the state last changed. */
  status(now: number): RadioStatus {
    const { reasons, heardAny } = this.check(now);
    const state: RadioState = !heardAny ? "unknown" : reasons.length === 0 ? "healthy" : "degraded";
    if (this.state?.state !== state) this.state = { state, since: now };
    const cells = this.expected.cells.map((cell) => this.cellStatus(cell, now));
    return {
      state,
      reasons,
      since: this.state.since,
      amfs: this.expected.cu.amfs.map((address, i) => ({
        address,
        connected: this.expected.cu.reports ? (this.amfs?.[i]?.connected ?? null) : null,
      })),
      f1: this.f1Up() === undefined ? "unknown" : this.f1Up() ? "up" : "down",
      cells,
      usage: { ...this.usage },
      alerts: this.alerts.evaluate(cells, now),
      pods: { ...this.heardFrom },
    };
  }

  /** Whether the CU sees the planned DU over F1 (undefined before the CU reported, or if it cannot). */
  private f1Up(): boolean | undefined {
    if (this.gnbDuIds === undefined) return undefined;
    return this.gnbDuIds.includes(this.expected.cu.gnbDuId);
  }

  /** Reports older than three periods (and 3 s) no longer count. */
  private fresh(at: number | undefined, now: number): boolean {
    return at !== undefined && now - at <= Math.max(3 * this.expected.periodMs, 3_000);
  }

  private check(now: number): { reasons: RadioReason[]; heardAny: boolean } {
    const reasons: RadioReason[] = [];
    const add = (text: string, since?: number, component: Component = "du") =>
      reasons.push(since === undefined ? { text, component } : { text, since, component });
    const { cu, cells } = this.expected;
    if (cu.reports) {
      if (!this.fresh(this.heardAt.cu, now)) {
        if (this.heardAt.cu === undefined) add("the CU has not reported yet", undefined, "cu");
        else add("the CU stopped reporting", this.heardAt.cu, "cu");
      } else {
        cu.amfs.forEach((address, i) => {
          const amf = this.amfs?.[i];
          if (amf === undefined) add(`the CU reports no NGAP link for AMF ${address}`, undefined, "cu");
          else if (!amf.connected) {
            // Lost if it was ever seen connected; never connected if down from the first report.
            const changedAt = this.amfChangedAt[i];
            if (this.amfWasUp[i] === true) add(`AMF ${address} lost`, changedAt, "cu");
            else add(`AMF ${address} not connected`, undefined, "cu");
          }
        });
        if (this.f1Up() === false) add("F1: the CU does not see the DU", this.f1ChangedAt);
      }
    }
    if (!this.fresh(this.cells?.at, now)) {
      if (this.cells === undefined) add("the DU has not reported its cells yet");
      else add("the DU stopped reporting its cells", this.cells.at);
    } else {
      for (const cell of cells) {
        if (!this.cells!.readings.has(cell.pci)) {
          add(`cell ${cell.index} (PCI ${cell.pci}) is not active`);
          continue;
        }
        const link = this.fresh(this.fronthaul?.at, now) ? this.fronthaul!.readings.get(cell.pci) : undefined;
        if (link === undefined) add(`cell ${cell.index}: no fronthaul report from the DU`);
        else if (link.ulTotal === 0) add(`cell ${cell.index}: no UL packets from its RU`);
        else {
          for (const [count, what] of [
            [link.ulLate, "late"],
            [link.ulEarly, "early"],
          ] as const)
            if (count / link.ulTotal >= FRONTHAUL_TOLERANCE)
              add(`cell ${cell.index}: ${Math.round((100 * count) / link.ulTotal)}% of UL packets ${what}`);
        }
      }
    }
    return { reasons, heardAny: this.heardAt.cu !== undefined || this.heardAt.du !== undefined };
  }

  private cellStatus(cell: ExpectedCell, now: number): RadioCell {
    const fresh = this.fresh(this.cells?.at, now);
    const reading = fresh ? this.cells!.readings.get(cell.pci) : undefined;
    const status: RadioCell = {
      index: cell.index,
      pci: cell.pci,
      active: this.cells === undefined ? null : reading !== undefined,
      ues: reading?.ues ?? 0,
      dlBitrate: reading?.dlBitrate ?? 0,
      ulBitrate: reading?.ulBitrate ?? 0,
    };
    if (reading === undefined) return status;
    const extra: Record<string, unknown> = {
      cqi: reading.cqi,
      dlMcs: reading.dlMcs,
      ulMcs: reading.ulMcs,
      dlBler: reading.dlBler,
      ulBler: reading.ulBler,
      ...prbUsage(cell, reading),
    };
    const link = this.fresh(this.fronthaul?.at, now) ? this.fronthaul!.readings.get(cell.pci) : undefined;
    if (link !== undefined && link.ulTotal > 0) {
      extra.ulOnTime = link.ulOnTime / link.ulTotal;
      extra.ulEarly = link.ulEarly / link.ulTotal;
      extra.ulLate = link.ulLate / link.ulTotal;
    }
    for (const [field, value] of Object.entries(extra))
      if (value !== undefined) (status as unknown as Record<string, unknown>)[field] = value;
    return status;
  }
}

/** Mean granted PRBs over the TDD period's DL (first) and UL (last) slots, ÷ the carrier's PRBs. */
function prbUsage(cell: ExpectedCell, reading: CellReading): Pick<RadioCell, "dlPrbUsage" | "ulPrbUsage"> {
  const { tdd } = cell;
  if (tdd === undefined || cell.nRb <= 0) return {};
  const share = (prbs: number[] | undefined, slots: number[]) => {
    if (prbs === undefined || prbs.length !== tdd.periodSlots || slots.length === 0) return undefined;
    const granted = slots.reduce((sum, slot) => sum + (prbs[slot] ?? 0), 0) / slots.length;
    return Math.min(1, granted / cell.nRb);
  };
  const indices = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
  const dl = share(reading.dlPrbsPerSlot, indices(0, tdd.dlSlots));
  const ul = share(reading.ulPrbsPerSlot, indices(tdd.periodSlots - tdd.ulSlots, tdd.ulSlots));
  return { ...(dl === undefined ? {} : { dlPrbUsage: dl }), ...(ul === undefined ? {} : { ulPrbUsage: ul }) };
}

/** A cell's status as a KPI sample (the figures it has). */
function kpiSample(cell: RadioCell): KpiSample {
  const sample: KpiSample = {};
  for (const name of KPI_NAMES) {
    const value = cell[name];
    if (value !== undefined) sample[name] = value;
  }
  return sample;
}
