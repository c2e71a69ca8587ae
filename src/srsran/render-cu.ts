// The CU's configuration (srsRAN srscu, OCUDU ocu): N2 towards the operator's AMFs, F1-C and F1-U towards the DU, N3
// towards the UPF. Addresses are placeholders filled in when the pod starts (address-placeholders.ts).
import { DEFAULT_METRICS_PERIOD_MS } from "../domain/ran-deployment-spec.ts";
import type { ResourceDefinition } from "../domain/resource-definition.ts";
import { amfAddr, N3_EXT_ADDR, placeholder, POD_IP } from "./address-placeholders.ts";
import { F1U_PORT_CU, F1U_PORT_DU, REMOTE_CONTROL_PORT } from "./ofh-defaults.ts";
import type { CuAmf, CuConfig } from "./config-types.ts";
import { cuSendsJsonMetrics } from "./radio-health.ts";
import { sctpBind, sctpPeer } from "./sctp-addresses.ts";
import { srsranSlice } from "./slices.ts";

export function renderCuConfig(def: ResourceDefinition): CuConfig {
  const podIp = placeholder(POD_IP);
  // N2 and N3 bind to the backhaul address when there is one; F1 stays on the pod network.
  const core = def.coreNetwork.mode === "backhaul" ? def.coreNetwork.address : undefined;
  const n2Bind = core ?? podIp;
  const slices = def.slices.map(srsranSlice);
  // Each AMF lists only the PLMNs it serves: srsRAN refuses a PLMN under two AMFs (domain/amf-plmns.ts).
  const [first, ...extra] = def.amf.map((amf, i): CuAmf => ({
    ...sctpPeer(def.flavour, placeholder(amfAddr(i)), n2Bind),
    port: amf.port,
    supported_tracking_areas: [
      { tac: def.tac, plmn_list: amf.plmns.map((plmn) => ({ plmn, tai_slice_support_list: slices })) },
    ],
  }));
  if (first === undefined) throw new Error(`RAN deployment ${def.deploymentId} has no AMF`);
  const period = def.metricsPeriodMs ?? DEFAULT_METRICS_PERIOD_MS;
  return {
    gnb_id: def.gnbId,
    gnb_id_bit_length: def.gnbIdBits,
    ran_node_name: `ranaas-${def.shortId}`,
    cu_cp: {
      amf: first,
      ...(extra.length > 0 ? { extra_amfs: extra } : {}),
      f1ap: sctpBind(def.flavour, podIp),
    },
    cu_up: {
      ngu: { socket: [{ bind_addr: core ?? podIp, ext_addr: core ?? placeholder(N3_EXT_ADDR) }] },
      f1u: { bind_port: F1U_PORT_CU, peer_port: F1U_PORT_DU, socket: [{ bind_addr: podIp }] },
    },
    log: { filename: "stdout", all_level: "warning" },
    metrics: {
      // Not for OCUDU's ocu at release_26_04, which exits at start with it; its remote-control port
      // still opens, once the AMF answers.
      enable_json: cuSendsJsonMetrics(def.flavour),
      layers: { enable_ngap: true, enable_rrc: true, enable_pdcp: true, enable_app_usage: true },
      periodicity: {
        cu_cp_report_period: period,
        cu_up_report_period: period,
        app_usage_report_period: period,
      },
    },
    remote_control: { enabled: true, bind_addr: "0.0.0.0", port: REMOTE_CONTROL_PORT },
  };
}
