// The fronthaul link between a DU port and one RU, from the RU's record: a real radio's MACs, VLANs,
// eAxC ids, compression, windows, IQ scaling and DU-side interface as the provider described them; an
// emulated RU's derived (MACs from the cell identity, a free VLAN, one antenna, srsRAN's defaults).
import type { RadioUnitSpec, RuFronthaul } from "../domain/ru-pool.ts";
import {
  duWindows,
  type DuInterface,
  fronthaulMacs,
  inVlanRanges,
  singleAntennaPorts,
  symbolDurationUs,
  type FronthaulLink,
  type OfhParameters,
} from "../radio/fronthaul.ts";
import { EMULATED_RU_OFH, OFH_MTU } from "../srsran/ofh-defaults.ts";
import { FRONTHAUL_ANNOTATIONS, type ClusterNode, type NodeFronthaul } from "./inventory.ts";

/**
 * The link to `ru` for the cell `nci`; `vlan` is used only for an emulated RU (a real one has its own),
 * and so are the nodes' declared NICs: the DU's end on its node's, the emulator's on the RU's node's.
 */
export function fronthaulLink(
  ru: RadioUnitSpec,
  nci: number,
  vlan: number,
  nics: { du?: NodeFronthaul | undefined; ru?: NodeFronthaul | undefined } = {},
): FronthaulLink {
  const derived = fronthaulMacs(nci);
  const fh = ru.fronthaul;
  if (fh === undefined) {
    const du = macvlanOn(nics.du);
    const emulator = macvlanOn(nics.ru);
    return {
      ...derived,
      vlan,
      ...singleAntennaPorts(),
      ofh: {
        ...EMULATED_RU_OFH,
        ...(du === undefined ? {} : { interface: du }),
        ...(emulator === undefined ? {} : { emulatorInterface: emulator }),
      },
    };
  }
  const t2a = ruReceptionWindows(fh);
  return {
    duMac: fh.duMac ?? derived.duMac,
    ruMac: fh.ruMac,
    vlan: fh.vlan.cPlane,
    ...(fh.vlan.uPlane === fh.vlan.cPlane ? {} : { vlanUp: fh.vlan.uPlane }),
    dlPortIds: fh.eaxc.dl,
    // srsRAN serves as many UL antennas as the cell has; the RU's first eAxC ids carry them.
    ulPortIds: fh.eaxc.ul.slice(0, fh.antennas.ul),
    prachPortIds: fh.eaxc.prach.slice(0, fh.antennas.ul),
    ofh: {
      ru: {
        kind: "o-ru",
        ...(ru.vendor === undefined ? {} : { vendor: ru.vendor }),
        ...(ru.model === undefined ? {} : { model: ru.model }),
      },
      compression: fh.compression,
      t2a,
      ...duWindows({ t2a, ta3: fh.windows.ta3 }, fh.windows.transportDelay),
      scaling: fh.scaling,
      interface: fh.du,
    },
  };
}

/** The RU's reception windows (T2a) as its record gives them. */
function ruReceptionWindows(fh: RuFronthaul): OfhParameters["t2a"] {
  return { cpDl: fh.windows.t2aCpDl, cpUl: fh.windows.t2aCpUl, up: fh.windows.t2aUp };
}

/** A macvlan on a node's declared fronthaul NIC, at its MTU (srsRAN's jumbo frames when undeclared). */
function macvlanOn(nic: NodeFronthaul | undefined): DuInterface | undefined {
  return nic === undefined ? undefined : { kind: "macvlan", master: nic.interface, mtu: nic.mtu ?? OFH_MTU };
}

/**
 * Why a link between a DU on `du` and an RU on another node `ru` cannot carry `vlans` (both ends'
 * switch ports must trunk them), or undefined when it can.
 */
export function trunkProblem(vlans: readonly number[], du: ClusterNode, ru: ClusterNode): string | undefined {
  for (const node of [du, ru]) {
    const missing = vlans.filter((v) => !inVlanRanges(v, node.fronthaul?.vlans));
    if (missing.length > 0)
      return `VLAN ${missing.join(", ")} is not trunked to node ${node.name} (${FRONTHAUL_ANNOTATIONS.vlans})`;
  }
  return undefined;
}

/** Why the DU could not serve the cell over this RU's fronthaul, or undefined when it can. */
export function fronthaulProblem(ru: RadioUnitSpec, scsKHz: number): string | undefined {
  const fh = ru.fronthaul;
  if (fh === undefined) return undefined;
  if (!fh.ptp.synced)
    return `RU ${ru.id}: its node ${ru.node} is not PTP-synchronised (fronthaul.ptp.synced)`;
  // srsRAN ru_ofh_config_validator.cpp: every DU transmission window must be longer than a symbol.
  const symbol = symbolDurationUs(scsKHz);
  const { t1a } = duWindows(
    {
      t2a: ruReceptionWindows(fh),
      ta3: fh.windows.ta3,
    },
    fh.windows.transportDelay,
  );
  for (const [name, w] of Object.entries(t1a))
    if (w.max - w.min <= symbol)
      return (
        `RU ${ru.id}: after the link delay its ${name} reception window leaves the DU ${w.max - w.min} µs, ` +
        `not more than a symbol at ${scsKHz} kHz (${symbol.toFixed(1)} µs)`
      );
  return undefined;
}

/** Whether the RU can be used at all now: a real radio needs its node locked to PTP. */
export function fronthaulReady(ru: RadioUnitSpec): boolean {
  return ru.fronthaul?.ptp.synced !== false;
}
