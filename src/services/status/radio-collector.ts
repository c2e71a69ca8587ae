// The radio's own health: the status service subscribes to every managed CU's and DU's remote-control
// websocket (srsRAN's `metrics_subscribe`), feeds what they report into a tracker per deployment
// (srsran/radio-health.ts) and says when a deployment's radio health changed. A link opens once its pod is
// ready (srsRAN's CU opens the port only once its AMF answers, its DU only after F1 Setup) and reopens
// with backoff whenever it closes, fails or goes silent.
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import WebSocket from "ws";
import type { RadioHealth } from "../../domain/live-status.ts";
import { isReadyPod, selects } from "../../k8s/cluster/rollout.ts";
import { LABEL_TENANT } from "../../k8s/render/labels.ts";
import { RADIO_EXPECTATIONS_ANNOTATION } from "../../k8s/render/workloads.ts";
import { backoffMs } from "../../platform/backoff.ts";
import type { Logger } from "../../platform/logger.ts";
import type { KpiBucket } from "../../srsran/kpi-window.ts";
import { parseMetricsFrame } from "../../srsran/metrics-json.ts";
import { RadioTracker, type RadioExpectations, type RadioStatus } from "../../srsran/radio-health.ts";
import type { ObservedRadio } from "./radio-metrics.ts";

type Component = "cu" | "du";
const COMPONENTS: readonly Component[] = ["cu", "du"];
const RECONNECT = { firstMs: 500, maxMs: 10_000 };
/** A link that hears nothing for this many periods (and 10 s) is closed and opened again. */
const SILENT_PERIODS = 10;

export interface RadioCollectorOptions {
  /** The CU's and DU's remote-control port. */
  port: number;
  /** Connect here instead, naming the pod in the path (RANAAS_TELEMETRY_VIA; simulated clusters). */
  via?: string | undefined;
  logger: Logger;
  /** Told when a deployment's radio health changed (the live status is sent again). */
  onChange: (deploymentId: string) => void;
  now?: () => number;
}

class Link {
  private socket: WebSocket | undefined;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  heardAt = 0;

  constructor(
    readonly url: string,
    /** The uid of the pod this link reaches: its reports are that pod's. */
    private readonly pod: string,
    private readonly component: Component,
    private readonly radio: DeploymentRadio,
    private readonly options: RadioCollectorOptions,
  ) {
    this.open();
  }

  private open(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.url, { handshakeTimeout: 5_000 });
    this.socket = socket;
    this.heardAt = this.now();
    socket.on("open", () => socket.send(JSON.stringify({ cmd: "metrics_subscribe" })));
    socket.on("message", (data: Buffer, isBinary) => {
      if (isBinary) return;
      const now = this.now();
      this.heardAt = now;
      const frame = parseMetricsFrame(data.toString("utf8"));
      if (frame.kind === "reply" && frame.error !== undefined)
        this.options.logger.warn(
          { url: this.url, cmd: frame.cmd, error: frame.error },
          "the radio refused the metrics subscription",
        );
      else if (frame.kind !== "reply") this.failures = 0;
      this.radio.tracker.apply(this.component, frame, now, this.pod);
    });
    // An error is followed by close.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.radio.tracker.lost(this.component, this.now());
      if (this.closed) return;
      this.failures++;
      this.retry = setTimeout(() => this.open(), backoffMs(this.failures, RECONNECT));
    });
  }

  /** Closes a link that heard nothing for a while, so it opens again (a hung peer or path). */
  checkSilence(periodMs: number): void {
    if (this.socket === undefined || this.now() - this.heardAt < Math.max(SILENT_PERIODS * periodMs, 10_000))
      return;
    this.socket.terminate();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.socket?.terminate();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

class DeploymentRadio {
  readonly tracker: RadioTracker;
  readonly links = new Map<Component, Link>();
  /** The health last told (JSON), to tell only changes. */
  lastTold = "";

  constructor(
    public expectationsJson: string,
    public expectations: RadioExpectations,
    readonly tenant: string,
  ) {
    this.tracker = new RadioTracker(expectations);
  }

  /**
   * Takes new expectations that differ from these in their KPI alerts alone (a tenant changed its
   * thresholds): the radio, its links and its KPI window go on. Any other change is left to the caller.
   */
  takeAlerts(json: string): void {
    let next: RadioExpectations;
    try {
      next = JSON.parse(json) as RadioExpectations;
    } catch {
      return;
    }
    const { alerts, ...rest } = next;
    const { alerts: _old, ...current } = this.expectations;
    if (JSON.stringify(rest) !== JSON.stringify(current)) return;
    this.tracker.replaceAlerts(alerts ?? []);
    this.expectations = next;
    this.expectationsJson = json;
  }

  close(): void {
    for (const link of this.links.values()) link.close();
  }
}

export class RadioCollector {
  private readonly radios = new Map<string, DeploymentRadio>();
  private readonly now: () => number;

  constructor(private readonly options: RadioCollectorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** How many links are open or opening (for metrics). */
  get links(): number {
    let n = 0;
    for (const radio of this.radios.values()) n += radio.links.size;
    return n;
  }

  /** Brings the deployment's links in line with its objects: one per ready CU and DU pod. */
  sync(deploymentId: string, deployments: readonly V1Deployment[], pods: readonly V1Pod[]): void {
    const annotated = deployments.find((d) => d.metadata?.annotations?.[RADIO_EXPECTATIONS_ANNOTATION]);
    const json = annotated?.metadata?.annotations?.[RADIO_EXPECTATIONS_ANNOTATION];
    let radio = this.radios.get(deploymentId);
    if (radio !== undefined && json !== undefined && radio.expectationsJson !== json) radio.takeAlerts(json);
    if (json === undefined || (radio !== undefined && radio.expectationsJson !== json)) {
      radio?.close();
      this.radios.delete(deploymentId);
      radio = undefined;
      if (json === undefined) return;
    }
    if (radio === undefined) {
      let expectations: RadioExpectations;
      try {
        expectations = JSON.parse(json) as RadioExpectations;
      } catch {
        this.options.logger.warn({ deploymentId }, "unreadable radio expectations annotation");
        return;
      }
      radio = new DeploymentRadio(json, expectations, annotated?.metadata?.labels?.[LABEL_TENANT] ?? "");
      this.radios.set(deploymentId, radio);
    }
    for (const component of COMPONENTS) {
      const target = this.targetOf(deployments, pods, component);
      const link = radio.links.get(component);
      if (link?.url === target?.url) continue;
      link?.close();
      radio.links.delete(component);
      if (target === undefined) radio.tracker.lost(component, this.now());
      else radio.links.set(component, new Link(target.url, target.pod, component, radio, this.options));
    }
  }

  forget(deploymentId: string): void {
    this.radios.get(deploymentId)?.close();
    this.radios.delete(deploymentId);
  }

  /** The radio's status with its latest figures (undefined while nothing is expected of it). */
  status(deploymentId: string): RadioStatus | undefined {
    return this.radios.get(deploymentId)?.tracker.status(this.now());
  }

  /** The cells' KPIs over the `windowMs` before now (undefined while nothing is expected of the radio). */
  kpis(
    deploymentId: string,
    windowMs: number,
  ): { cells: { index: number; pci: number }[]; buckets: KpiBucket[] } | undefined {
    const radio = this.radios.get(deploymentId);
    if (radio === undefined) return undefined;
    return {
      cells: radio.expectations.cells.map((c) => ({ index: c.index, pci: c.pci })),
      buckets: radio.tracker.kpis(this.now(), windowMs),
    };
  }

  /** Every radio observed, with its status now (for metrics). */
  *observed(): Iterable<ObservedRadio> {
    const now = this.now();
    for (const [deploymentId, radio] of this.radios)
      yield { deploymentId, tenant: radio.tenant, status: radio.tracker.status(now) };
  }

  /** The radio's health as the live status carries it. */
  health(deploymentId: string): RadioHealth | undefined {
    const status = this.status(deploymentId);
    return status === undefined ? undefined : healthOf(status);
  }

  /** Judges every radio again (time passing ages reports), tells changes, and reopens silent links. */
  tick(): void {
    for (const [id, radio] of this.radios) {
      for (const link of radio.links.values()) link.checkSilence(radio.expectations.periodMs);
      const told = JSON.stringify(healthOf(radio.tracker.status(this.now())));
      if (told === radio.lastTold) continue;
      radio.lastTold = told;
      this.options.onChange(id);
    }
  }

  stop(): void {
    for (const radio of this.radios.values()) radio.close();
    this.radios.clear();
  }

  /** Where the component's ready pod is reached, and its uid (a restarted component is another pod, another link). */
  private targetOf(
    deployments: readonly V1Deployment[],
    pods: readonly V1Pod[],
    component: Component,
  ): { url: string; pod: string } | undefined {
    const deployment = deployments.find((d) => d.metadata?.name === component);
    const pod = deployment && pods.find((p) => selects(deployment, p) && isReadyPod(p));
    const uid = pod?.metadata?.uid;
    if (pod === undefined || uid === undefined) return undefined;
    const namespace = pod.metadata?.namespace ?? "";
    if (this.options.via !== undefined)
      return {
        url: `${this.options.via}/${namespace}/${component}?pod=${pod.metadata?.name ?? ""}`,
        pod: uid,
      };
    const ip = pod.status?.podIP;
    if (ip === undefined) return undefined;
    return { url: `ws://${ip.includes(":") ? `[${ip}]` : ip}:${this.options.port}/`, pod: uid };
  }
}

function healthOf(status: RadioStatus): RadioHealth {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    state: status.state,
    since: iso(status.since),
    reasons: status.reasons.map((r) =>
      r.since === undefined
        ? { text: r.text, component: r.component }
        : { text: r.text, since: iso(r.since), component: r.component },
    ),
    f1: status.f1,
    amfs: status.amfs,
    cells: status.cells.map((c) => ({ index: c.index, pci: c.pci, active: c.active })),
    alerts: status.alerts.map((a) => ({ name: a.name, cell: a.cell, since: iso(a.since), value: a.value })),
    pods: status.pods,
  };
}
