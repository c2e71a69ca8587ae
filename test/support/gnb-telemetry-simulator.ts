// A SIMULATOR of srsRAN's CU and DU remote-control websocket, for the local stack, where simulated nodes
// run nothing. It stands in for each simulated CU and DU the way the real processes would answer: it reads
// the configuration RANaaS rendered for them (the `cu-config` and `du-config` ConfigMaps of the
// deployment's namespace), accepts `metrics_subscribe` exactly as upstream's remote server does, and sends
// the JSON reports upstream's generators write (docs/research/srsran-remote-control.md; the recorded
// messages in test/fixtures/srsran-metrics/ have the same fields). Tests tell it to lose an AMF, drop F1,
// make fronthaul late or stop answering.
//
// One websocket server on 127.0.0.1 serves every simulated process: the status service is pointed at it
// (RANAAS_TELEMETRY_VIA) and names the deployment and component in the path, `/<namespace>/<cu|du>?pod=<pod name>` — upstream accepts any path.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { WebSocketServer, type WebSocket } from "ws";
import { parse } from "yaml";
import { isReadyPod } from "../../src/k8s/cluster/rollout.ts";
import { LABEL_COMPONENT } from "../../src/k8s/render/labels.ts";
import { resourceBlocks } from "../../src/radio/carrier.ts";
import type { Scs } from "../../src/radio/bands.ts";
import type { CuConfig, DuConfig } from "../../src/srsran/config-types.ts";

/** srsRAN's timestamp: UTC, milliseconds, no zone (`apps/helpers/metrics/helpers.h`). */
export function srsranTimestamp(at = new Date()): string {
  return at.toISOString().slice(0, 23);
}

/** A report as srsRAN frames it: `dump(2)` and a newline (srslog's text formatter). */
export function frame(report: Record<string, unknown>): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const zeroCauses = (): Record<string, number> => ({
  emergency: 0,
  high_prio_access: 0,
  mcs_prio_access: 0,
  mo_data: 0,
  mo_sig: 0,
  mo_sms: 0,
  mo_video_call: 0,
  mo_voice_call: 0,
  mps_prio_access: 0,
  mt_access: 0,
  unknown: 0,
});

/** The CU-CP report (`cu_cp_json_helper.cpp`): one NGAP entry per AMF, one RRC entry per F1-connected DU. */
export function cuCpReport(
  amfs: { name: string; connected: boolean }[],
  gnbDuIds: number[],
  at = new Date(),
) {
  return {
    "cu-cp": {
      id: "srs-cu-cp",
      ngaps: {
        ngap: amfs.map((amf) => ({
          amf_name: amf.name,
          connected: amf.connected,
          paging_measurement: { nof_cn_initiated_paging_requests: 0 },
          pdu_session_management: null,
          supported_plmns: "[ 00101, ]",
        })),
        nof_handover_preparations_requested: 0,
        nof_successful_handover_preparations: 0,
      },
      rrcs: {
        du: gnbDuIds.map((id) => ({
          gnb_du_id: id,
          rrc_connection_establishment: {
            attempted_rrc_connection_establishments: zeroCauses(),
            successful_rrc_connection_establishments: zeroCauses(),
          },
          rrc_connection_number: { max_nof_rrc_connections: 0, mean_nof_rrc_connections: 0 },
          rrc_connection_reestablishment: {
            attempted_rrc_connection_reestablishments: 0,
            successful_rrc_connection_reestablishments_with_ue_context: 0,
            successful_rrc_connection_reestablishments_without_ue_context: 0,
          },
        })),
        nof_handover_executions_requested: 0,
        nof_successful_handover_executions: 0,
      },
    },
    timestamp: srsranTimestamp(at),
  };
}

export interface SimulatedCell {
  pci: number;
  /** TDD period in slots (absent for FDD), its leading DL and trailing UL slots. */
  tdd?: { periodSlots: number; dlSlots: number; ulSlots: number };
  /** PRBs granted in each DL and UL slot (the simulated load). */
  dlPrbs: number;
  ulPrbs: number;
  ues: number;
}

/** The scheduler's cells report (`du_high/scheduler.cpp`): only active cells; UEs only when there are some. */
export function cellsReport(cells: SimulatedCell[], at = new Date()) {
  return {
    cells: cells.map((cell) => {
      const perSlot = (value: number, from: number, count: number) =>
        Array.from({ length: cell.tdd!.periodSlots }, (_, i) => (i >= from && i < from + count ? value : 0));
      return {
        cell_metrics: {
          average_latency: 5,
          avg_prach_delay: 0.0,
          error_indication_count: 0,
          late_dl_harqs: 0,
          late_ul_harqs: 0,
          latency_histogram: [1996, 2, 1, 0, 0, 0, 0, 0, 0, 0],
          max_latency: 144,
          msg3_nof_nok: 0,
          msg3_nof_ok: 0,
          nof_failed_pdcch_allocs: 0,
          nof_failed_uci_allocs: 0,
          pci: cell.pci,
          ...(cell.tdd === undefined
            ? {}
            : {
                pdsch_prbs_used_per_tdd_slot_idx: perSlot(cell.dlPrbs, 0, cell.tdd.dlSlots),
                pusch_prbs_used_per_tdd_slot_idx: perSlot(
                  cell.ulPrbs,
                  cell.tdd.periodSlots - cell.tdd.ulSlots,
                  cell.tdd.ulSlots,
                ),
              }),
          pucch_tot_rb_usage_avg: 0.0,
        },
        ...(cell.ues === 0
          ? {}
          : {
              ue_list: Array.from({ length: cell.ues }, (_, ue) => ({
                ue,
                pci: cell.pci,
                rnti: 17921 + ue,
                cqi: 15,
                dl_ri: 1.0,
                ul_ri: 1.0,
                dl_mcs: 27,
                ul_mcs: 20,
                dl_brate: 1250000.0,
                ul_brate: 180000.0,
                dl_nof_ok: 400,
                dl_nof_nok: 4,
                ul_nof_ok: 200,
                ul_nof_nok: 2,
                dl_bs: 0,
                bsr: 0,
                pusch_snr_db: 23.4,
                pusch_rsrp_db: -62.0,
                pucch_snr_db: 18.5,
                ta_ns: 0.0,
                pusch_ta_ns: 0.0,
                pucch_ta_ns: 0.0,
                srs_ta_ns: 0.0,
                last_phr: 20,
                max_pusch_distance: 5,
                max_pdsch_distance: 5,
              })),
            }),
      };
    }),
    timestamp: srsranTimestamp(at),
  };
}

/** The Open Fronthaul report (`ru/ofh.cpp`): per cell, UL packets received early, on time or late. */
export function ruReport(
  cells: { pci: number; total: number; late: number; early: number }[],
  at = new Date(),
) {
  const latency = { average_latency_us: 1.0, cpu_usage_percent: 0.1, max_latency_us: 5.0 };
  return {
    ru: {
      ofh: {
        cells: cells.map((cell) => ({
          dl: {
            ethernet_transmitter: { ...latency, average_throughput_mbps: 812.4 },
            message_encoder: { dl_cp: latency, dl_up: latency, ul_cp: latency },
            message_transmitter: latency,
            transmitter_stats: {
              late_cp_dl_messages: 0,
              late_cp_ul_messages: 0,
              late_dl_slots: 0,
              late_ul_slot_requests: 0,
              late_up_dl_messages: 0,
            },
          },
          pci: cell.pci,
          ul: {
            ethernet_receiver: { ...latency, average_throughput_mbps: 260.3 },
            message_decoder: {
              data: { ...latency, nof_dropped_messages: 0 },
              ecpri: { nof_future_seqid_messages: 0, nof_past_seqid_messages: 0 },
              prach: { ...latency, nof_dropped_messages: 0 },
            },
            received_packets: {
              early: cell.early,
              earliest_msg_us: 107.1,
              late: cell.late,
              latest_msg_us: 321.4,
              on_time: cell.total - cell.late - cell.early,
              total: cell.total,
            },
            rx_window_stats: { nof_missed_prach_occasions: 0, nof_missed_uplink_symbols: 0 },
          },
        })),
        timing_stats: { nof_skipped_symbols: 0, skipped_symbols_max_burst: 0 },
      },
    },
    timestamp: srsranTimestamp(at),
  };
}

export function usageReport(cpuPercent: number, memoryMiB: number, at = new Date()) {
  return {
    app_resource_usage: {
      cpu_usage_percent: cpuPercent,
      memory_usage_mb: memoryMiB,
      power_consumption_watts: 0.0,
    },
    timestamp: srsranTimestamp(at),
  };
}

type Component = "cu" | "du";

interface Client {
  socket: WebSocket;
  namespace: string;
  component: Component;
  subscribed: boolean;
  /** Settles once a component hung until its restart knows whether this connection reaches a new pod. */
  woken: Promise<void>;
}

/** One simulated CU and DU pair (a deployment's namespace), read from its rendered configuration. */
export class SimulatedGnb {
  /** Each AMF's N2 association, in the CU's configuration order. */
  readonly amfUp: boolean[];
  /** Whether F1 is set up: the CU lists the DU, and the DU's cells are active. */
  f1Up = true;
  /** Share of UL packets that arrive late from each cell's RU (by cell index). */
  readonly lateShare: number[];
  /** A component that stopped answering: connected clients hear nothing more, commands go unanswered. */
  readonly silent = new Set<Component>();
  /** UEs attached per cell (the simulated load). */
  readonly ues: number[];

  constructor(
    readonly namespace: string,
    readonly cu: { amfs: number; periodMs: number; json: boolean },
    readonly du: { gnbDuId: number; periodMs: number; cells: SimulatedCell[] },
  ) {
    this.amfUp = Array.from({ length: cu.amfs }, () => true);
    this.lateShare = du.cells.map(() => 0);
    this.ues = du.cells.map(() => 0);
  }

  /** The reports the component sends each period. */
  reports(component: Component, at = new Date()): Record<string, unknown>[] {
    if (component === "cu") {
      if (!this.cu.json) return [];
      const amfs = this.amfUp.map((connected, i) => ({ name: connected ? `amf-${i}` : "", connected }));
      return [cuCpReport(amfs, this.f1Up ? [this.du.gnbDuId] : []), usageReport(12.5, 410, at)];
    }
    const usage = usageReport(140, 1800, at);
    // Upstream sends no DU report at all while no cell is active.
    if (!this.f1Up) return [usage];
    const cells = this.du.cells.map((cell, i) => ({ ...cell, ues: this.ues[i] ?? 0 }));
    const total = 56_000;
    return [
      {
        du: {
          du_high: {
            mac: {
              dl: cells.map((c) => ({
                pci: c.pci,
                average_latency_us: 12.4,
                min_latency_us: 3.1,
                max_latency_us: 157.9,
                cpu_usage_percent: 0.0012,
              })),
            },
          },
        },
        timestamp: srsranTimestamp(at),
      },
      cellsReport(cells, at),
      ruReport(
        cells.map((cell, i) => ({
          pci: cell.pci,
          total,
          late: Math.round(total * (this.lateShare[i] ?? 0)),
          early: 0,
        })),
        at,
      ),
      usage,
    ];
  }
}

/** The simulator: one websocket server on 127.0.0.1, every simulated CU and DU behind its own path. */
export class GnbTelemetrySimulator {
  private readonly gnbs = new Map<string, Promise<SimulatedGnb>>();
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | undefined;
  /**
   * How each simulated gNB starts (set before its deployment is created): the share of UL packets its
   * RUs deliver late. (A real CU opens its port only once an AMF answers: AMFs start up.)
   */
  readonly startWith = { lateShare: 0 };
  private lastSent = new Map<string, number>();
  /**
   * How long a component in a new pod (a restart) says nothing after its first connection: a real CU
   * first sets up NGAP with its AMFs, a DU F1 with its CU.
   */
  startupMs = 5_000;
  /** The pod last seen per `<namespace>/<component>`, and until when a new one is starting. */
  private readonly podsSeen = new Map<string, { pod: string; startingUntil: number }>();
  /** Components hung until their pod is replaced (`hangUntilRestart`): the pod they hung in, by `<namespace>/<component>`. */
  private readonly hungIn = new Map<string, string>();

  private constructor(
    private readonly server: WebSocketServer,
    private readonly kube: KubeConfig,
  ) {}

  static async start(kube: KubeConfig): Promise<GnbTelemetrySimulator> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await once(server, "listening");
    const simulator = new GnbTelemetrySimulator(server, kube);
    server.on("connection", (socket, request) => simulator.accept(socket, request.url ?? "/"));
    // Each simulated process reports on its own period; checked every 100 ms.
    simulator.timer = setInterval(() => simulator.tick(), 100);
    return simulator;
  }

  /** What the status service is pointed at (RANAAS_TELEMETRY_VIA). */
  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The simulated gNB of a deployment's namespace (read from its ConfigMaps on first use). */
  gnb(namespace: string): Promise<SimulatedGnb> {
    let gnb = this.gnbs.get(namespace);
    if (gnb === undefined) {
      gnb = this.load(namespace);
      gnb.catch(() => this.gnbs.delete(namespace));
      this.gnbs.set(namespace, gnb);
    }
    return gnb;
  }

  /**
   * Makes a component hang as a process does that a restart cures: it stops answering, and answers
   * again once a new pod runs it (seen when the status service connects again, as it does to a link
   * that is silent). Resolves once it is hung.
   */
  async hangUntilRestart(namespace: string, component: Component): Promise<void> {
    const gnb = await this.gnb(namespace);
    const pod = await this.podOf(namespace, component);
    if (pod === undefined) throw new Error(`no ${component} pod runs in ${namespace}`);
    this.hungIn.set(`${namespace}/${component}`, pod);
    gnb.silent.add(component);
  }

  /** The uid of the ready pod running the component, if one does. */
  private async podOf(namespace: string, component: Component): Promise<string | undefined> {
    const pods = await this.kube
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace, labelSelector: `${LABEL_COMPONENT}=${component}` });
    return pods.items.find(isReadyPod)?.metadata?.uid;
  }

  /** A component hung until its restart answers again once another pod runs it. */
  private async wakeIfRestarted(namespace: string, component: Component): Promise<void> {
    const key = `${namespace}/${component}`;
    const hungIn = this.hungIn.get(key);
    if (hungIn === undefined) return;
    const now = await this.podOf(namespace, component).catch(() => undefined);
    if (now === undefined || now === hungIn) return;
    this.hungIn.delete(key);
    (await this.gnb(namespace)).silent.delete(component);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const client of this.clients) client.socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async load(namespace: string): Promise<SimulatedGnb> {
    const core = this.kube.makeApiClient(CoreV1Api);
    const read = async (name: string, key: string): Promise<unknown> =>
      parse((await core.readNamespacedConfigMap({ name, namespace })).data?.[key] ?? "");
    // What RANaaS rendered: the same types it renders from (placeholders left as they are).
    const [cu, du] = (await Promise.all([read("cu-config", "cu.yml"), read("du-config", "du.yml")])) as [
      CuConfig,
      DuConfig,
    ];
    const gnb = new SimulatedGnb(
      namespace,
      {
        amfs: 1 + (cu.cu_cp.extra_amfs?.length ?? 0),
        periodMs: cu.metrics.periodicity.cu_cp_report_period,
        json: cu.metrics.enable_json && cu.remote_control.enabled,
      },
      {
        gnbDuId: du.gnb_du_id,
        periodMs: du.metrics.periodicity.du_report_period,
        cells: du.cells.map((cell) => {
          const tdd = cell.tdd_ul_dl_cfg;
          const nRb = resourceBlocks(cell.channel_bandwidth_MHz, cell.common_scs as Scs) ?? 0;
          return {
            pci: cell.pci,
            ...(tdd === undefined
              ? {}
              : {
                  tdd: {
                    periodSlots: tdd.dl_ul_tx_period,
                    dlSlots: tdd.nof_dl_slots,
                    ulSlots: tdd.nof_ul_slots,
                  },
                }),
            dlPrbs: Math.round(nRb / 2),
            ulPrbs: Math.round(nRb / 4),
            ues: 0,
          };
        }),
      },
    );
    gnb.lateShare.fill(this.startWith.lateShare);
    return gnb;
  }

  private accept(socket: WebSocket, path: string): void {
    // The status service names the pod it means in the query (`?pod=`): one simulated process per component.
    const [namespace, component] = (path.split("?")[0] ?? "").split("/").filter((part) => part !== "");
    if (namespace === undefined || (component !== "cu" && component !== "du")) {
      socket.close(1008, "path is /<namespace>/<cu|du>");
      return;
    }
    const pod = new URLSearchParams(path.split("?")[1] ?? "").get("pod");
    const key = `${namespace}/${component}`;
    const seen = this.podsSeen.get(key);
    if (pod !== null && seen?.pod !== pod)
      this.podsSeen.set(key, { pod, startingUntil: seen === undefined ? 0 : Date.now() + this.startupMs });
    const woken = this.wakeIfRestarted(namespace, component).catch(() => undefined);
    const client: Client = { socket, namespace, component, subscribed: false, woken };
    this.clients.add(client);
    socket.on("close", () => this.clients.delete(client));
    socket.on(
      "message",
      (data: Buffer, isBinary) => void this.command(client, data.toString("utf8"), isBinary),
    );
  }

  /** A command, answered as upstream's remote server answers (`remote_server.cpp`): compact, keys sorted. */
  private async command(client: Client, text: string, isBinary: boolean): Promise<void> {
    await client.woken;
    const gnb = await this.gnb(client.namespace).catch(() => undefined);
    if (gnb === undefined || gnb.silent.has(client.component)) return;
    const timestamp = srsranTimestamp();
    const reply = (body: Record<string, unknown>) =>
      client.socket.send(JSON.stringify({ ...body, timestamp }));
    if (isBinary) return reply({ error: "This WebSocket server only supports opcode TEXT messages" });
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (err) {
      return reply({ error: `[json.exception.parse_error.101] ${(err as Error).message}` });
    }
    const cmd = (message as { cmd?: unknown } | null)?.cmd;
    if (cmd === undefined) return reply({ error: "'cmd' object is missing and it is mandatory" });
    if (typeof cmd !== "string") return reply({ error: "'cmd' object value type should be a string" });
    const json = client.component === "cu" ? gnb.cu.json : true;
    if ((cmd === "metrics_subscribe" || cmd === "metrics_unsubscribe") && json) {
      client.subscribed = cmd === "metrics_subscribe";
      return reply({ cmd });
    }
    return reply({ cmd, error: `Unknown command type: ${cmd}` });
  }

  private tick(): void {
    const now = Date.now();
    for (const client of this.clients) {
      if (!client.subscribed) continue;
      void this.gnb(client.namespace).then(
        (gnb) => {
          const key = `${client.namespace}/${client.component}`;
          if (gnb.silent.has(client.component) || (this.podsSeen.get(key)?.startingUntil ?? 0) > now) return;
          const period = client.component === "cu" ? gnb.cu.periodMs : gnb.du.periodMs;
          // One period per key, whatever number of clients: all of them get the same report.
          const last = this.lastSent.get(key) ?? 0;
          if (now - last < period) return;
          this.lastSent.set(key, now);
          const reports = gnb.reports(client.component);
          for (const other of this.clients)
            if (
              other.subscribed &&
              other.namespace === client.namespace &&
              other.component === client.component
            )
              for (const report of reports) other.socket.send(frame(report));
        },
        () => undefined,
      );
    }
  }
}
