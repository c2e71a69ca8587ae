// Open Fronthaul (split 7.2) link identities between a DU port and an RU: locally administered unicast
// MAC addresses for both ends, a VLAN, and eAxC port ids (ru_emulator accepts at most 4 per direction).

export interface FronthaulLink {
  duMac: string;
  ruMac: string;
  /** The C-plane VLAN, and the U-plane one unless `vlanUp` says otherwise. */
  vlan: number;
  vlanUp?: number;
  dlPortIds: number[];
  ulPortIds: number[];
  prachPortIds: number[];
  /**
   * The link's Open Fronthaul parameters, from the RU record. Absent in definitions planned before RUs
   * had them: those are emulated RUs with srsRAN's defaults.
   */
  ofh?: OfhParameters;
}

export interface TimingWindow {
  min: number;
  max: number;
}

export interface Compression {
  method: string;
  bitwidth: number;
  /** Whether U-plane packets leave out the udCompHdr (the RU was configured with the compression). */
  staticHeader: boolean;
}

export type IqScaling = { iqScaling: number } | { referenceLevelDbfs: number; subcarrierBackoffDb?: number };

/** How the DU's pod reaches the RU: a macvlan on a host NIC, or an SR-IOV VF. */
export type DuInterface =
  | { kind: "macvlan"; master: string; mtu: number }
  | {
      kind: "sriov";
      resourceName: string;
      mtu: number;
      /** The VF is bound to vfio-pci and driven by DPDK (srsRAN's `hal` section, 1 GiB hugepages). */
      dpdk?: boolean;
      hugepagesGiB?: number;
    };

export interface OfhParameters {
  ru: { kind: "emulated" | "o-ru"; vendor?: string; model?: string };
  /** PRACH packets carry a udCompHdr as UL ones do: srsRAN has one UL static-header switch for both. */
  compression: { dl: Compression; ul: Compression; prach: Omit<Compression, "staticHeader"> };
  /** The RU's reception windows (T2a, µs before the air time). */
  t2a: { cpDl: TimingWindow; cpUl: TimingWindow; up: TimingWindow };
  /** The DU's transmission windows (T1a) and its UL reception window (Ta4), from the RU's and the link's delay. */
  t1a: { cpDl: TimingWindow; cpUl: TimingWindow; up: TimingWindow };
  ta4: TimingWindow;
  scaling: IqScaling;
  /**
   * The DU's end: a real radio's from its record; an emulated RU's from the DU node's declared fronthaul
   * interface. Absent: the cluster's fronthaul network (RANAAS_FRONTHAUL_INTERFACE).
   */
  interface?: DuInterface;
  /** An emulated RU's end: its node's declared fronthaul interface (absent: as for `interface`). */
  emulatorInterface?: DuInterface;
}

/** Whether the DU drives the link's VF with DPDK (an SR-IOV VF bound to vfio-pci). */
export function drivenByDpdk(link: FronthaulLink): boolean {
  const via = link.ofh?.interface;
  return via?.kind === "sriov" && via.dpdk === true;
}

/**
 * The DU's windows that meet the RU's (O-RAN WG4 CUS delay model): a packet the DU sends T1a before the
 * air time arrives T1a − T12 before it, which must lie in the RU's T2a window for every link delay T12
 * in [min, max]; the RU sends UL Ta3 after the air time and the DU sees it Ta3 + T34 after.
 */
export function duWindows(
  ru: { t2a: OfhParameters["t2a"]; ta3: TimingWindow },
  delay: TimingWindow = { min: 0, max: 0 },
): Pick<OfhParameters, "t1a" | "ta4"> {
  const send = (w: TimingWindow) => ({ min: w.min + delay.max, max: w.max + delay.min });
  return {
    t1a: { cpDl: send(ru.t2a.cpDl), cpUl: send(ru.t2a.cpUl), up: send(ru.t2a.up) },
    ta4: { min: ru.ta3.min + delay.min, max: ru.ta3.max + delay.max },
  };
}

/** OFDM symbol duration (µs, normal cyclic prefix) at a subcarrier spacing. */
export function symbolDurationUs(scsKHz: number): number {
  return 1000 / (14 * (scsKHz / 15));
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

/** VLAN ids as inclusive ranges, e.g. the trunk a node's fronthaul port carries. */
export type VlanRanges = readonly (readonly [number, number])[];

/** "5,6,100-199" as ranges; undefined when the text is not such a list of ids 1–4094. */
export function parseVlanRanges(text: string): VlanRanges | undefined {
  const ranges: [number, number][] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (match === null) return undefined;
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    if (from < MIN_VLAN || to > MAX_VLAN || from > to) return undefined;
    ranges.push([from, to]);
  }
  return ranges;
}

export function inVlanRanges(vlan: number, ranges: VlanRanges | undefined): boolean {
  return ranges === undefined || ranges.some(([from, to]) => vlan >= from && vlan <= to);
}

/**
 * The lowest VLAN id from `from` up that is not in use and is allowed on every one of `trunks` (an
 * undefined trunk allows all); undefined when none is left.
 */
export function chooseVlan(
  used: ReadonlySet<number>,
  from = 100,
  trunks: readonly (VlanRanges | undefined)[] = [],
): number | undefined {
  const free = (vlan: number) => !used.has(vlan) && trunks.every((t) => inVlanRanges(vlan, t));
  for (let vlan = from; vlan <= MAX_VLAN; vlan++) if (free(vlan)) return vlan;
  for (let vlan = MIN_VLAN; vlan < from; vlan++) if (free(vlan)) return vlan;
  return undefined;
}

export function isLocallyAdministeredUnicast(mac: string): boolean {
  const first = Number.parseInt(mac.slice(0, 2), 16);
  return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) && (first & 0b10) === 0b10 && (first & 0b1) === 0;
}
