// The SCTP address keys of each flavour (config-types.ts, SctpPeer): srsRAN names one address, OCUDU a
// list of them (multi-homing); RANaaS gives one.
import type { RanFlavour } from "../domain/resource-definition.ts";
import type { F1cPeer, SctpBind, SctpPeer } from "./config-types.ts";

export function sctpPeer(flavour: RanFlavour, peer: string, bind: string): SctpPeer {
  return flavour === "ocudu" ? { addrs: [peer], bind_addrs: [bind] } : { addr: peer, bind_addr: bind };
}

export function sctpBind(flavour: RanFlavour, bind: string): SctpBind {
  return flavour === "ocudu" ? { bind_addrs: [bind] } : { bind_addr: bind };
}

export function f1cPeer(flavour: RanFlavour, cuCp: string, bind: string): F1cPeer {
  return flavour === "ocudu" ? { addrs: [cuCp], bind_addrs: [bind] } : { cu_cp_addr: cuCp, bind_addr: bind };
}
