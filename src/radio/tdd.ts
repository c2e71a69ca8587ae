// Default TDD UL/DL pattern (srsRAN's default, "DDDDDDSUUU" at 30 kHz: a 5 ms period of 10 slots,
// 6 DL slots, a special slot with 8 DL symbols, 3 UL slots).
export interface TddPattern {
  /** Period in slots of the carrier's SCS (srsRAN `dl_ul_tx_period`). */
  periodSlots: number;
  dlSlots: number;
  dlSymbols: number;
  ulSlots: number;
  ulSymbols: number;
}

export const DEFAULT_TDD_PATTERN: TddPattern = {
  periodSlots: 10,
  dlSlots: 6,
  dlSymbols: 8,
  ulSlots: 3,
  ulSymbols: 0,
};
