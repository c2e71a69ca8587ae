// srsRAN CU (srscu) configuration: N2 towards the operator's AMFs, F1-C and F1-U towards the DU, N3
// towards the UPF. Addresses are placeholders filled in when the pod starts (address-placeholders.ts).
import type { ResourceDefinition } from "../domain/resource-definition.ts";
import { amfAddr, N3_EXT_ADDR, placeholder, POD_IP } from "./address-placeholders.ts";
import { F1U_PORT_CU, F1U_PORT_DU, REMOTE_CONTROL_PORT } from "./ofh-defaults.ts";
import type { CuAmf, CuConfig } from "./config-types.ts";
import { srsranSlice } from "./slices.ts";

export function renderCuConfig(def: ResourceDefinition): CuConfig {
  const podIp = placeholder(POD_IP);
  const trackingAreas = [
    {
      tac: def.tac,
      plmn_list: [{ plmn: def.plmn, tai_slice_support_list: def.slices.map(srsranSlice) }],
    },
  ];
  const [first, ...extra] = def.amf.map((amf, i): CuAmf => ({
    addr: placeholder(amfAddr(i)),
    port: amf.port,
    bind_addr: podIp,
    supported_tracking_areas: trackingAreas,
  }));
  if (first === undefined) throw new Error(`RAN deployment ${def.deploymentId} has no AMF`);
  return {
    gnb_id: def.gnbId,
    gnb_id_bit_length: def.gnbIdBits,
    ran_node_name: `ranaas-${def.shortId}`,
    cu_cp: {
      amf: first,
      ...(extra.length > 0 ? { extra_amfs: extra } : {}),
      f1ap: { bind_addr: podIp },
    },
    cu_up: {
      ngu: { socket: [{ bind_addr: podIp, ext_addr: placeholder(N3_EXT_ADDR) }] },
      f1u: { bind_port: F1U_PORT_CU, peer_port: F1U_PORT_DU, socket: [{ bind_addr: podIp }] },
    },
    log: { filename: "stdout", all_level: "warning" },
    metrics: {
      enable_json: true,
      layers: { enable_ngap: true, enable_rrc: true, enable_pdcp: true },
      periodicity: { cu_cp_report_period: 1000, cu_up_report_period: 1000 },
    },
    remote_control: { enabled: true, bind_addr: "0.0.0.0", port: REMOTE_CONTROL_PORT },
  };
}
