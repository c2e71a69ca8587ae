// gNB and cell identities (TS 38.300 §8.2, TS 38.413): the 36-bit NR Cell Identity is the gNB ID in its
// leftmost gnbIdBits bits followed by the cell (sector) identity; the NR-CGI is PLMN + NCI.

export const NCI_BITS = 36;
export const MIN_GNB_ID_BITS = 22;
export const MAX_GNB_ID_BITS = 32;

export function maxGnbId(gnbIdBits: number): number {
  return 2 ** gnbIdBits - 1;
}

export function isValidGnbId(gnbId: number, gnbIdBits: number): boolean {
  return (
    Number.isInteger(gnbIdBits) &&
    gnbIdBits >= MIN_GNB_ID_BITS &&
    gnbIdBits <= MAX_GNB_ID_BITS &&
    Number.isInteger(gnbId) &&
    gnbId >= 0 &&
    gnbId <= maxGnbId(gnbIdBits)
  );
}

/** Cells one gNB can name: 2^(36 − gnbIdBits) (16384 with a 22-bit gNB ID, 16 with 32). */
export function maxCellsPerGnb(gnbIdBits: number): number {
  return 2 ** (NCI_BITS - gnbIdBits);
}

/** NCI = gnbId · 2^(36 − gnbIdBits) + cellId, as a number (36 bits fit exactly in a double). */
export function nci(gnbId: number, gnbIdBits: number, cellId: number): number {
  if (!isValidGnbId(gnbId, gnbIdBits))
    throw new RangeError(`gNB ID ${gnbId} does not fit in ${gnbIdBits} bits`);
  if (!Number.isInteger(cellId) || cellId < 0 || cellId >= maxCellsPerGnb(gnbIdBits)) {
    throw new RangeError(`cell ID ${cellId} does not fit in ${NCI_BITS - gnbIdBits} bits`);
  }
  return gnbId * maxCellsPerGnb(gnbIdBits) + cellId;
}

/** The NCI as the 9 hex digits operators and cores display. */
export function nciHex(value: number): string {
  return value.toString(16).toUpperCase().padStart(9, "0");
}

export interface Plmn {
  mcc: string;
  mnc: string;
}

/** Splits a PLMN string such as "00101" or "310410" into MCC (3 digits) and MNC (2 or 3 digits). */
export function parsePlmn(plmn: string): Plmn {
  if (!/^\d{5,6}$/.test(plmn)) throw new RangeError(`PLMN "${plmn}" must be 5 or 6 digits`);
  return { mcc: plmn.slice(0, 3), mnc: plmn.slice(3) };
}

/** NR-CGI as text: MCC-MNC-NCI, e.g. "001-01-00066C001". */
export function nrCgi(plmn: string, nciValue: number): string {
  const { mcc, mnc } = parsePlmn(plmn);
  return `${mcc}-${mnc}-${nciHex(nciValue)}`;
}
