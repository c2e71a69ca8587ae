// srsRAN ru_emulator configuration for the RU of one cell: the mirror image of the DU's ru_ofh cell
// (MACs, VLAN, eAxC ports, UL compression, PRACH format, bandwidth, timing windows).
import type { PlannedCell } from "../domain/resource-definition.ts";
import type { RuEmulatorConfig } from "./config-types.ts";
import { fronthaulInterface, OFH_COMPRESSION, OFH_WINDOWS } from "./ofh-defaults.ts";

export function renderRuEmulatorConfig(cell: PlannedCell): RuEmulatorConfig {
  return {
    log: { filename: "stdout", level: "warning" },
    ru_emu: {
      cells: [
        {
          bandwidth: cell.bandwidthMHz,
          network_interface: fronthaulInterface(0),
          ru_mac_addr: cell.fronthaul.ruMac,
          du_mac_addr: cell.fronthaul.duMac,
          vlan_tag: cell.fronthaul.vlan,
          enable_promiscuous: false,
          dl_port_id: cell.fronthaul.dlPortIds,
          ul_port_id: cell.fronthaul.ulPortIds,
          prach_port_id: cell.fronthaul.prachPortIds,
          compr_method_ul: OFH_COMPRESSION.method,
          compr_bitwidth_ul: OFH_COMPRESSION.bitwidth,
          prach_format: cell.prach.format,
          t2a_max_cp_dl: OFH_WINDOWS.maxCpDl,
          t2a_min_cp_dl: OFH_WINDOWS.minCpDl,
          t2a_max_cp_ul: OFH_WINDOWS.maxCpUl,
          t2a_min_cp_ul: OFH_WINDOWS.minCpUl,
          t2a_max_up: OFH_WINDOWS.maxUp,
          t2a_min_up: OFH_WINDOWS.minUp,
        },
      ],
    },
  };
}
