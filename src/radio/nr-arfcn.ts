// NR-ARFCN ↔ RF reference frequency on the global frequency raster (3GPP TS 38.104 §5.4.2.1).
// Frequencies are integer kHz so every raster point is exact.

interface GlobalRasterRange {
  /** First frequency of the range, kHz. */
  fromKHz: number;
  /** Last frequency of the range, kHz. */
  toKHz: number;
  /** ΔF_Global, kHz. */
  stepKHz: number;
  /** F_REF-Offs, kHz. */
  offsetKHz: number;
  /** N_REF-Offs. */
  offsetArfcn: number;
  /** Range of N_REF. */
  firstArfcn: number;
  lastArfcn: number;
}

/** TS 38.104 Table 5.4.2.1-1: NR-ARFCN parameters for the global frequency raster. */
const GLOBAL_RASTER: readonly GlobalRasterRange[] = [
  {
    fromKHz: 0,
    toKHz: 3_000_000,
    stepKHz: 5,
    offsetKHz: 0,
    offsetArfcn: 0,
    firstArfcn: 0,
    lastArfcn: 599_999,
  },
  {
    fromKHz: 3_000_000,
    toKHz: 24_250_000,
    stepKHz: 15,
    offsetKHz: 3_000_000,
    offsetArfcn: 600_000,
    firstArfcn: 600_000,
    lastArfcn: 2_016_666,
  },
  {
    fromKHz: 24_250_000,
    toKHz: 100_000_000,
    stepKHz: 60,
    offsetKHz: 24_250_080,
    offsetArfcn: 2_016_667,
    firstArfcn: 2_016_667,
    lastArfcn: 3_279_165,
  },
];

/** F_REF = F_REF-Offs + ΔF_Global · (N_REF − N_REF-Offs), in kHz. */
export function arfcnToKHz(arfcn: number): number {
  const range = GLOBAL_RASTER.find((r) => arfcn >= r.firstArfcn && arfcn <= r.lastArfcn);
  if (!Number.isInteger(arfcn) || range === undefined) {
    throw new RangeError(`NR-ARFCN ${arfcn} is outside 0–3279165`);
  }
  return range.offsetKHz + range.stepKHz * (arfcn - range.offsetArfcn);
}

/** The NR-ARFCN of a frequency on the global raster; undefined if the frequency is not a raster point. */
export function kHzToArfcn(kHz: number): number | undefined {
  for (const range of GLOBAL_RASTER) {
    const steps = (kHz - range.offsetKHz) / range.stepKHz;
    const arfcn = range.offsetArfcn + steps;
    if (Number.isInteger(steps) && arfcn >= range.firstArfcn && arfcn <= range.lastArfcn) return arfcn;
  }
  return undefined;
}

export function arfcnToMHz(arfcn: number): number {
  return arfcnToKHz(arfcn) / 1000;
}
