// Plans one NR carrier: checks band, SCS, bandwidth and DL ARFCN against 3GPP and srsRAN's rules, and
// picks a default DL ARFCN (the raster point nearest the band's centre where the whole channel fits).
import { arfcnToKHz } from "./nr-arfcn.ts";
import {
  allowedBandwidths,
  channelRaster,
  findBand,
  SUPPORTED_BANDS,
  type ChannelRaster,
  type Duplex,
  type FrequencyRangeMHz,
  type NrBand,
  type Scs,
} from "./bands.ts";

export interface CarrierRequest {
  band: number;
  bandwidthMHz: number;
  scsKHz?: number | undefined;
  dlArfcn?: number | undefined;
}

export interface Carrier {
  band: number;
  duplex: Duplex;
  scsKHz: Scs;
  bandwidthMHz: number;
  /** Carrier centre (srsRAN `dl_arfcn`). */
  dlArfcn: number;
  /** Equal to dlArfcn on TDD bands. */
  ulArfcn: number;
  dlCentreMHz: number;
  ulCentreMHz: number;
  /** N_RB, TS 38.104 Table 5.3.2-1. */
  resourceBlocks: number;
}

export interface CarrierProblem {
  field: "band" | "bandwidthMHz" | "scsKHz" | "dlArfcn";
  message: string;
}

export interface RadioConstraints {
  /** Subcarrier spacings the radio units can run; srsRAN's ru_emulator works only at 30 kHz. */
  supportedScsKHz: readonly Scs[];
  /** Why the SCS is restricted, appended to refusals. */
  scsReason: string;
}

export const EMULATED_RU_CONSTRAINTS: RadioConstraints = {
  supportedScsKHz: [30],
  scsReason: "srsRAN's ru_emulator (the emulated radio units) works only at 30 kHz",
};

export const DEFAULT_SCS_KHZ: Scs = 30;

/** TS 38.104 Table 5.3.2-1: transmission bandwidth configuration N_RB for FR1, per SCS (absent = N/A). */
const RESOURCE_BLOCKS: Readonly<Record<number, Partial<Record<Scs, number>>>> = {
  5: { 15: 25, 30: 11 },
  10: { 15: 52, 30: 24, 60: 11 },
  15: { 15: 79, 30: 38, 60: 18 },
  20: { 15: 106, 30: 51, 60: 24 },
  25: { 15: 133, 30: 65, 60: 31 },
  30: { 15: 160, 30: 78, 60: 38 },
  35: { 15: 188, 30: 92, 60: 44 },
  40: { 15: 216, 30: 106, 60: 51 },
  45: { 15: 242, 30: 119, 60: 58 },
  50: { 15: 270, 30: 133, 60: 65 },
  60: { 30: 162, 60: 79 },
  70: { 30: 189, 60: 93 },
  80: { 30: 217, 60: 107 },
  90: { 30: 245, 60: 121 },
  100: { 30: 273, 60: 135 },
};

export function resourceBlocks(bandwidthMHz: number, scsKHz: Scs): number | undefined {
  return RESOURCE_BLOCKS[bandwidthMHz]?.[scsKHz];
}

export type CarrierPlan = { ok: true; carrier: Carrier } | { ok: false; problems: CarrierProblem[] };

export function planCarrier(
  request: CarrierRequest,
  constraints: RadioConstraints = EMULATED_RU_CONSTRAINTS,
): CarrierPlan {
  const band = findBand(request.band);
  if (band === undefined) {
    return fail(
      "band",
      `band n${request.band} is not supported; supported bands: ${SUPPORTED_BANDS.map((b) => `n${b}`).join(", ")}`,
    );
  }
  const scsProblem = checkScs(band, request.scsKHz ?? DEFAULT_SCS_KHZ, constraints);
  if (typeof scsProblem !== "number") return { ok: false, problems: [scsProblem] };
  const scs = scsProblem;

  const bandwidths = allowedBandwidths(band, scs);
  if (!bandwidths.includes(request.bandwidthMHz)) {
    return fail(
      "bandwidthMHz",
      `${request.bandwidthMHz} MHz is not a channel bandwidth of band n${band.band} at ${scs} kHz; allowed: ${bandwidths.join(", ")} MHz`,
    );
  }
  const raster = channelRaster(band, scs);
  const window = fittingWindow(band, raster, request.bandwidthMHz);
  if (window === undefined) {
    return fail("bandwidthMHz", `a ${request.bandwidthMHz} MHz channel does not fit in band n${band.band}`);
  }

  let dlArfcn: number;
  if (request.dlArfcn === undefined) {
    const centreKHz = ((band.dl.low + band.dl.high) / 2) * 1000;
    const nearest = Math.round((centreKHz - arfcnToKHz(raster.dl.first)) / kHzPerStep(raster.dl));
    dlArfcn =
      raster.dl.first + Math.min(Math.max(nearest, window.firstStep), window.lastStep) * raster.dl.step;
  } else {
    const step = (request.dlArfcn - raster.dl.first) / raster.dl.step;
    if (!Number.isInteger(step) || request.dlArfcn < raster.dl.first || request.dlArfcn > raster.dl.last) {
      return fail(
        "dlArfcn",
        `DL ARFCN ${request.dlArfcn} is not on band n${band.band}'s channel raster: ${raster.dl.first}–${raster.dl.last} in steps of ${raster.dl.step} (${raster.rasterKHz} kHz raster)`,
      );
    }
    if (step < window.firstStep || step > window.lastStep) {
      const low = raster.dl.first + window.firstStep * raster.dl.step;
      const high = raster.dl.first + window.lastStep * raster.dl.step;
      return fail(
        "dlArfcn",
        `a ${request.bandwidthMHz} MHz channel centred on DL ARFCN ${request.dlArfcn} does not fit in band n${band.band}; centres from ${low} to ${high} fit`,
      );
    }
    dlArfcn = request.dlArfcn;
  }
  const ulArfcn =
    band.duplex === "TDD"
      ? dlArfcn
      : raster.ul.first + ((dlArfcn - raster.dl.first) / raster.dl.step) * raster.ul.step;
  return {
    ok: true,
    carrier: {
      band: band.band,
      duplex: band.duplex,
      scsKHz: scs,
      bandwidthMHz: request.bandwidthMHz,
      dlArfcn,
      ulArfcn,
      dlCentreMHz: arfcnToKHz(dlArfcn) / 1000,
      ulCentreMHz: arfcnToKHz(ulArfcn) / 1000,
      resourceBlocks: resourceBlocks(request.bandwidthMHz, scs) ?? 0,
    },
  };
}

function checkScs(band: NrBand, scs: number, constraints: RadioConstraints): Scs | CarrierProblem {
  if (!constraints.supportedScsKHz.includes(scs as Scs)) {
    return {
      field: "scsKHz",
      message: `${scs} kHz subcarrier spacing is not available: ${constraints.scsReason}; use ${constraints.supportedScsKHz.join(" or ")} kHz`,
    };
  }
  if (!band.ssbScsKHz.includes(scs as Scs)) {
    return {
      field: "band",
      message: `band n${band.band} has no ${scs} kHz SSB (only ${band.ssbScsKHz.join("/")} kHz, TS 38.104 Table 5.4.3.3-1) and srsRAN needs the common SCS to equal the SSB SCS; ${constraints.scsReason}`,
    };
  }
  return scs as Scs;
}

/**
 * The raster steps k (DL ARFCN = first + k·step) whose channel lies inside the band's DL range and,
 * for FDD, whose paired UL channel lies inside the UL range.
 */
function fittingWindow(
  band: NrBand,
  raster: ChannelRaster,
  bandwidthMHz: number,
): { firstStep: number; lastStep: number } | undefined {
  const halfKHz = (bandwidthMHz * 1000) / 2;
  const lastStep = (raster.dl.last - raster.dl.first) / raster.dl.step;
  const stepBounds = (grid: RasterGrid, range: FrequencyRangeMHz): [number, number] => {
    const f0 = arfcnToKHz(grid.first);
    const perStep = kHzPerStep(grid);
    return [
      Math.ceil((range.low * 1000 + halfKHz - f0) / perStep),
      Math.floor((range.high * 1000 - halfKHz - f0) / perStep),
    ];
  };
  let [lo, hi] = stepBounds(raster.dl, band.dl);
  if (band.duplex === "FDD") {
    const [ulLo, ulHi] = stepBounds(raster.ul, band.ul);
    lo = Math.max(lo, ulLo);
    hi = Math.min(hi, ulHi);
  }
  lo = Math.max(lo, 0);
  hi = Math.min(hi, Math.floor(lastStep));
  return lo <= hi ? { firstStep: lo, lastStep: hi } : undefined;
}

type RasterGrid = ChannelRaster["dl"];

function kHzPerStep(grid: RasterGrid): number {
  return arfcnToKHz(grid.first + grid.step) - arfcnToKHz(grid.first);
}

function fail(field: CarrierProblem["field"], message: string): CarrierPlan {
  return { ok: false, problems: [{ field, message }] };
}
