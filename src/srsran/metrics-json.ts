// What srsRAN's (and OCUDU's) CU and DU send on their remote-control websocket: one JSON object per
// text frame, either the reply to a command or one metrics report, named by its single key besides
// `timestamp`. This reads the fields RANaaS uses from each and never throws: a frame it cannot read is
// `invalid`, with why. The formats are upstream's JSON generators (apps/helpers/metrics/json_generators/),
// written up in docs/research/srsran-remote-control.md, section 4; recorded examples are in
// test/fixtures/srsran-metrics/.

/** gnb_du_id while a DU is connected over F1-C but its F1 Setup has not given it an ID yet. */
export const INVALID_GNB_DU_ID = 68_719_476_736;

export interface AmfReading {
  /** The AMF's name from its NG Setup Response ("" before one). */
  name: string;
  /** Whether the N2 (SCTP) association is up. */
  connected: boolean;
}

/** One active cell's scheduler report over the last period. */
export interface CellReading {
  pci: number;
  /** UEs in the report (each UE the scheduler served during the period). */
  ues: number;
  /** bit/s, summed over the UEs. */
  dlBitrate: number;
  ulBitrate: number;
  /** Means over the UEs that reported one. */
  cqi?: number;
  dlMcs?: number;
  ulMcs?: number;
  /** HARQ NACKs ÷ HARQ feedback (DL), CRC failures ÷ CRCs (UL), over the UEs; absent without any. */
  dlBler?: number;
  ulBler?: number;
  /** Mean PRBs granted at each slot index of the TDD period (absent for FDD). */
  dlPrbsPerSlot?: number[];
  ulPrbsPerSlot?: number[];
  errorIndications: number;
}

/** One cell's Open Fronthaul counters over the last period (UL packets received from the RU). */
export interface FronthaulReading {
  pci: number;
  ulTotal: number;
  ulEarly: number;
  ulOnTime: number;
  ulLate: number;
  /** DL slots and messages the DU sent late. */
  dlLate: number;
}

export type MetricsFrame =
  | { kind: "reply"; cmd?: string; error?: string }
  | { kind: "cu-cp"; at: string; amfs: AmfReading[]; gnbDuIds: number[]; rrcConnections: number }
  | { kind: "cells"; at: string; cells: CellReading[] }
  | { kind: "ru"; at: string; cells: FronthaulReading[] }
  | { kind: "app_resource_usage"; at: string; cpuPercent: number; memoryMiB: number; powerWatts: number }
  /** A report RANaaS does not read (du, du_low, cu-up, rlc_metrics, buffer_pool, …). */
  | { kind: "other"; key: string; at: string }
  | { kind: "invalid"; reason: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const num = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const numbers = (value: unknown): number[] | undefined =>
  Array.isArray(value) && value.every((v) => num(v) !== undefined) ? (value as number[]) : undefined;

export function parseMetricsFrame(text: string): MetricsFrame {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: "invalid", reason: "not JSON" };
  }
  if (!isObject(message)) return { kind: "invalid", reason: "not a JSON object" };
  if ("cmd" in message || "error" in message) {
    return {
      kind: "reply",
      ...(typeof message.cmd === "string" ? { cmd: message.cmd } : {}),
      ...(typeof message.error === "string" ? { error: message.error } : {}),
    };
  }
  const keys = Object.keys(message).filter((key) => key !== "timestamp");
  const at = message.timestamp;
  if (keys.length !== 1 || typeof at !== "string")
    return { kind: "invalid", reason: "a report has one key besides its timestamp" };
  const key = keys[0]!;
  const body = message[key];
  switch (key) {
    case "cu-cp":
      return cuCp(body, at);
    case "cells":
      return cells(body, at);
    case "ru":
      return ru(body, at);
    case "app_resource_usage":
      return usage(body, at);
    default:
      return { kind: "other", key, at };
  }
}

function cuCp(body: unknown, at: string): MetricsFrame {
  if (!isObject(body) || !isObject(body.ngaps) || !isObject(body.rrcs))
    return { kind: "invalid", reason: "cu-cp without ngaps and rrcs" };
  const amfs: AmfReading[] = [];
  for (const ngap of list(body.ngaps.ngap)) {
    if (!isObject(ngap) || typeof ngap.connected !== "boolean")
      return { kind: "invalid", reason: "cu-cp ngap entry without connected" };
    amfs.push({ name: typeof ngap.amf_name === "string" ? ngap.amf_name : "", connected: ngap.connected });
  }
  const gnbDuIds: number[] = [];
  let rrcConnections = 0;
  for (const du of list(body.rrcs.du)) {
    const id = isObject(du) ? num(du.gnb_du_id) : undefined;
    if (!isObject(du) || id === undefined)
      return { kind: "invalid", reason: "cu-cp rrcs.du entry without gnb_du_id" };
    gnbDuIds.push(id);
    const connections = isObject(du.rrc_connection_number)
      ? num(du.rrc_connection_number.mean_nof_rrc_connections)
      : 0;
    rrcConnections += connections ?? 0;
  }
  return { kind: "cu-cp", at, amfs, gnbDuIds, rrcConnections };
}

function cells(body: unknown, at: string): MetricsFrame {
  if (!Array.isArray(body)) return { kind: "invalid", reason: "cells is not a list" };
  const readings: CellReading[] = [];
  for (const cell of body) {
    const metrics = isObject(cell) ? cell.cell_metrics : undefined;
    const pci = isObject(metrics) ? num(metrics.pci) : undefined;
    if (!isObject(cell) || !isObject(metrics) || pci === undefined)
      return { kind: "invalid", reason: "a cell without cell_metrics.pci" };
    const ues = list(cell.ue_list).filter(isObject);
    const sum = (field: string) => ues.reduce((total, ue) => total + (num(ue[field]) ?? 0), 0);
    const mean = (field: string) => {
      const values = ues.map((ue) => num(ue[field])).filter((v): v is number => v !== undefined);
      return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
    };
    const ratio = (bad: number, good: number) => (bad + good === 0 ? undefined : bad / (bad + good));
    const reading: CellReading = {
      pci,
      ues: ues.length,
      dlBitrate: sum("dl_brate"),
      ulBitrate: sum("ul_brate"),
      errorIndications: num(metrics.error_indication_count) ?? 0,
    };
    const optional: Record<string, unknown> = {
      cqi: mean("cqi"),
      dlMcs: mean("dl_mcs"),
      ulMcs: mean("ul_mcs"),
      dlBler: ratio(sum("dl_nof_nok"), sum("dl_nof_ok")),
      ulBler: ratio(sum("ul_nof_nok"), sum("ul_nof_ok")),
      dlPrbsPerSlot: numbers(metrics.pdsch_prbs_used_per_tdd_slot_idx),
      ulPrbsPerSlot: numbers(metrics.pusch_prbs_used_per_tdd_slot_idx),
    };
    for (const [field, value] of Object.entries(optional))
      if (value !== undefined) (reading as unknown as Json)[field] = value;
    readings.push(reading);
  }
  return { kind: "cells", at, cells: readings };
}

function ru(body: unknown, at: string): MetricsFrame {
  const ofh = isObject(body) ? body.ofh : undefined;
  if (!isObject(ofh)) return { kind: "invalid", reason: "ru without ofh" };
  const readings: FronthaulReading[] = [];
  for (const cell of list(ofh.cells)) {
    const pci = isObject(cell) ? num(cell.pci) : undefined;
    const received = isObject(cell) && isObject(cell.ul) ? cell.ul.received_packets : undefined;
    if (!isObject(cell) || pci === undefined || !isObject(received))
      return { kind: "invalid", reason: "an ru cell without pci and ul.received_packets" };
    const stats = isObject(cell.dl) && isObject(cell.dl.transmitter_stats) ? cell.dl.transmitter_stats : {};
    readings.push({
      pci,
      ulTotal: num(received.total) ?? 0,
      ulEarly: num(received.early) ?? 0,
      ulOnTime: num(received.on_time) ?? 0,
      ulLate: num(received.late) ?? 0,
      dlLate: (num(stats.late_dl_slots) ?? 0) + (num(stats.late_up_dl_messages) ?? 0),
    });
  }
  return { kind: "ru", at, cells: readings };
}

function usage(body: unknown, at: string): MetricsFrame {
  if (!isObject(body)) return { kind: "invalid", reason: "app_resource_usage is not an object" };
  return {
    kind: "app_resource_usage",
    at,
    cpuPercent: num(body.cpu_usage_percent) ?? 0,
    memoryMiB: num(body.memory_usage_mb) ?? 0,
    powerWatts: num(body.power_consumption_watts) ?? 0,
  };
}
