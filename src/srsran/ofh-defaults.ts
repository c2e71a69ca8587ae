// Open Fronthaul settings both ends of every DU–RU link must share (srsRAN's defaults; section 5 of the
// srsRAN configuration notes): timing windows, block floating point compression with 9-bit mantissas
// (the only UL compression ru_emulator accepts besides none/16), jumbo MTU.

import type { FronthaulLink, OfhParameters } from "../radio/fronthaul.ts";

export const OFH_COMPRESSION = { method: "bfp", bitwidth: 9 } as const;
export const OFH_MTU = 9000;
/** DU reception windows (µs); the RU emulator's t2a windows are kept equal. */
export const OFH_WINDOWS = {
  maxCpDl: 500,
  minCpDl: 258,
  maxCpUl: 500,
  minCpUl: 285,
  maxUp: 300,
  minUp: 85,
} as const;
export const OFH_TA4 = { max: 500, min: 85 } as const;

/**
 * The Open Fronthaul parameters of an emulated RU (srsRAN ru_emulator): srsRAN's default windows and
 * compression on both ends, and a udCompHdr in every UL packet — ru_emulator always writes one
 * (apps/examples/ofh/ru_emulator.cpp, set_static_header_params), so the DU must read it; srsRAN's
 * default, a static UL header, would decode every UL packet two bytes off.
 */
export const EMULATED_RU_OFH: OfhParameters = {
  ru: { kind: "emulated" },
  compression: {
    dl: { ...OFH_COMPRESSION, staticHeader: true },
    ul: { ...OFH_COMPRESSION, staticHeader: false },
    prach: OFH_COMPRESSION,
  },
  t2a: {
    cpDl: { min: OFH_WINDOWS.minCpDl, max: OFH_WINDOWS.maxCpDl },
    cpUl: { min: OFH_WINDOWS.minCpUl, max: OFH_WINDOWS.maxCpUl },
    up: { min: OFH_WINDOWS.minUp, max: OFH_WINDOWS.maxUp },
  },
  t1a: {
    cpDl: { min: OFH_WINDOWS.minCpDl, max: OFH_WINDOWS.maxCpDl },
    cpUl: { min: OFH_WINDOWS.minCpUl, max: OFH_WINDOWS.maxCpUl },
    up: { min: OFH_WINDOWS.minUp, max: OFH_WINDOWS.maxUp },
  },
  ta4: { min: OFH_TA4.min, max: OFH_TA4.max },
  scaling: { iqScaling: 1.0 },
};

/** A link's Open Fronthaul parameters: its RU's, or an emulated RU's for links planned without them. */
export function ofhOf(link: FronthaulLink): OfhParameters {
  return link.ofh ?? EMULATED_RU_OFH;
}

/** Fronthaul interface name of the n-th link inside a pod (Multus attaches them as net1, net2, …). */
export function fronthaulInterface(linkIndex: number): string {
  return `net${linkIndex + 1}`;
}

/** F1-U ports: the CU's moves off 2152, which N3 (fixed at 2152 in srsRAN) uses on the same pod IP. */
export const F1U_PORT_CU = 2153;
export const F1U_PORT_DU = 2152;
export const N3_PORT = 2152;
export const F1C_PORT = 38472;
export const REMOTE_CONTROL_PORT = 8001;
