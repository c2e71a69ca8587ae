// Open Fronthaul (split 7.2) link identities between a DU port and an RU: locally administered unicast
// MAC addresses for both ends, a VLAN, and eAxC port ids (ru_emulator accepts at most 4 per direction).

export interface FronthaulLink {
  duMac: string;
  ruMac: string;
  vlan: number;
  dlPortIds: number[];
  ulPortIds: number[];
  prachPortIds: number[];
}

export const MIN_VLAN = 1;
export const MAX_VLAN = 4094;
const MAX_LINK_ID = 2 ** 40 - 1;

/**
 * MACs derived from a 40-bit link id unique in the fronthaul domain (RANaaS uses the cell's NCI): first
 * octet 0x02 (DU) or 0x06 (RU) — both locally administered (bit 1 set) and unicast (bit 0 clear) — then
 * the link id in the other five octets.
 */
export function fronthaulMacs(linkId: number): { duMac: string; ruMac: string } {
  if (!Number.isInteger(linkId) || linkId < 0 || linkId > MAX_LINK_ID) {
    throw new RangeError(`fronthaul link id ${linkId} must be a 40-bit unsigned integer`);
  }
  const octets: number[] = [];
  let rest = linkId;
  for (let i = 0; i < 5; i++) {
    octets.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  }
  const format = (first: number) => [first, ...octets].map((o) => o.toString(16).padStart(2, "0")).join(":");
  return { duMac: format(0x02), ruMac: format(0x06) };
}

/** eAxC ids for one antenna per direction: DL 0, UL 0, PRACH 4 (srsRAN's and the O-RAN examples' layout). */
export function singleAntennaPorts(): Pick<FronthaulLink, "dlPortIds" | "ulPortIds" | "prachPortIds"> {
  return { dlPortIds: [0], ulPortIds: [0], prachPortIds: [4] };
}

/** The lowest VLAN id from `from` up that is not in use; undefined when none is left. */
export function chooseVlan(used: ReadonlySet<number>, from = 100): number | undefined {
  for (let vlan = from; vlan <= MAX_VLAN; vlan++) if (!used.has(vlan)) return vlan;
  for (let vlan = MIN_VLAN; vlan < from; vlan++) if (!used.has(vlan)) return vlan;
  return undefined;
}

export function isLocallyAdministeredUnicast(mac: string): boolean {
  const first = Number.parseInt(mac.slice(0, 2), 16);
  return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) && (first & 0b10) === 0b10 && (first & 0b1) === 0;
}
