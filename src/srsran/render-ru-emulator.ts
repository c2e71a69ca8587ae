// srsRAN ru_emulator configuration for the RU of one cell: the mirror image of the DU's ru_ofh cell
// (MACs, VLAN, eAxC ports, UL compression, PRACH format, bandwidth, timing windows), from the emulated
// RU's record.
import type { PlannedCell } from "../domain/resource-definition.ts";
import type { RuEmulatorConfig } from "./config-types.ts";
import { fronthaulInterface, ofhOf } from "./ofh-defaults.ts";

export function renderRuEmulatorConfig(cell: PlannedCell): RuEmulatorConfig {
  const { compression, t2a } = ofhOf(cell.fronthaul);
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
          compr_method_ul: compression.ul.method,
          compr_bitwidth_ul: compression.ul.bitwidth,
          prach_format: cell.prach.format,
          t2a_max_cp_dl: t2a.cpDl.max,
          t2a_min_cp_dl: t2a.cpDl.min,
          t2a_max_cp_ul: t2a.cpUl.max,
          t2a_min_cp_ul: t2a.cpUl.min,
          t2a_max_up: t2a.up.max,
          t2a_min_up: t2a.up.min,
        },
      ],
    },
  };
}
