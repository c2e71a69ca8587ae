// PRACH defaults (srsRAN's): configuration index 16 (format 0, long sequence) on FDD, 159 (format B4,
// short sequence) on FR1 TDD; the root sequence index range follows the sequence length (TS 38.211 §6.3.3.1).
import type { Duplex } from "./bands.ts";

export type PrachFormat = "long" | "short";

export interface PrachConfig {
  configIndex: number;
  /** ru_emulator's `prach_format`: long = format 0, short = B4. */
  format: PrachFormat;
  /** Largest valid logical root sequence index: 837 for L=839, 137 for L=139. */
  maxRootSequenceIndex: number;
}

export function prachConfig(duplex: Duplex): PrachConfig {
  return duplex === "TDD"
    ? { configIndex: 159, format: "short", maxRootSequenceIndex: 137 }
    : { configIndex: 16, format: "long", maxRootSequenceIndex: 837 };
}

/**
 * Root sequence index for the n-th co-channel cell at a site: spread over the valid range so neighbouring
 * cells on the same ARFCN never share one (srsRAN warns when they do).
 */
export function prachRootSequenceIndex(config: PrachConfig, coChannelIndex: number): number {
  const spacing = config.format === "short" ? 8 : 32;
  const slots = Math.floor((config.maxRootSequenceIndex + 1) / spacing);
  return (coChannelIndex % slots) * spacing + Math.floor(coChannelIndex / slots);
}
