// srsRAN DU (srsdu, split 7.2) configuration: one cell per RU, an Open Fronthaul (ru_ofh) cell per link,
// F1 towards the CU. Must agree with the CU (gNB ID, PLMN, slices, F1-U ports) and with every RU emulator.
import type { PlannedCell, ResourceDefinition } from "../domain/resource-definition.ts";
import { CU_F1C_ADDR, placeholder, POD_IP } from "./address-placeholders.ts";
import {
  F1U_PORT_CU,
  F1U_PORT_DU,
  fronthaulInterface,
  OFH_COMPRESSION,
  OFH_MTU,
  OFH_TA4,
  OFH_WINDOWS,
  REMOTE_CONTROL_PORT,
} from "./ofh-defaults.ts";
import type { DuCell, DuConfig } from "./config-types.ts";
import { srsranSlice } from "./slices.ts";

export function renderDuConfig(def: ResourceDefinition): DuConfig {
  const podIp = placeholder(POD_IP);
  return {
    gnb_id: def.gnbId,
    gnb_id_bit_length: def.gnbIdBits,
    gnb_du_id: def.du.gnbDuId,
    f1ap: { cu_cp_addr: placeholder(CU_F1C_ADDR), bind_addr: podIp },
    f1u: { bind_port: F1U_PORT_DU, peer_port: F1U_PORT_CU, socket: [{ bind_addr: podIp }] },
    cells: def.cells.map((cell) => renderCell(def, cell)),
    ru_ofh: {
      t1a_max_cp_dl: OFH_WINDOWS.maxCpDl,
      t1a_min_cp_dl: OFH_WINDOWS.minCpDl,
      t1a_max_cp_ul: OFH_WINDOWS.maxCpUl,
      t1a_min_cp_ul: OFH_WINDOWS.minCpUl,
      t1a_max_up: OFH_WINDOWS.maxUp,
      t1a_min_up: OFH_WINDOWS.minUp,
      ta4_max: OFH_TA4.max,
      ta4_min: OFH_TA4.min,
      is_prach_cp_enabled: true,
      compr_method_ul: OFH_COMPRESSION.method,
      compr_bitwidth_ul: OFH_COMPRESSION.bitwidth,
      compr_method_dl: OFH_COMPRESSION.method,
      compr_bitwidth_dl: OFH_COMPRESSION.bitwidth,
      compr_method_prach: OFH_COMPRESSION.method,
      compr_bitwidth_prach: OFH_COMPRESSION.bitwidth,
      iq_scaling: 1.0,
      cells: def.cells.map((cell, link) => ({
        network_interface: fronthaulInterface(link),
        du_mac_addr: cell.fronthaul.duMac,
        ru_mac_addr: cell.fronthaul.ruMac,
        vlan_tag_cp: cell.fronthaul.vlan,
        vlan_tag_up: cell.fronthaul.vlan,
        mtu: OFH_MTU,
        dl_port_id: cell.fronthaul.dlPortIds,
        ul_port_id: cell.fronthaul.ulPortIds,
        prach_port_id: cell.fronthaul.prachPortIds,
      })),
    },
    log: { filename: "stdout", all_level: "warning", ofh_level: "warning" },
    metrics: {
      enable_json: true,
      layers: { enable_sched: true, enable_mac: true, enable_du_low: true, enable_ru: true },
      periodicity: { du_report_period: 1000 },
    },
    remote_control: { enabled: true, bind_addr: "0.0.0.0", port: REMOTE_CONTROL_PORT },
  };
}

function renderCell(def: ResourceDefinition, cell: PlannedCell): DuCell {
  return {
    band: cell.band,
    dl_arfcn: cell.dlArfcn,
    channel_bandwidth_MHz: cell.bandwidthMHz,
    common_scs: cell.scsKHz,
    pci: cell.pci,
    sector_id: cell.sectorId,
    plmn: def.plmn,
    tac: def.tac,
    nof_antennas_dl: cell.fronthaul.dlPortIds.length,
    nof_antennas_ul: cell.fronthaul.ulPortIds.length,
    slicing: def.slices.map(srsranSlice),
    prach: {
      prach_config_index: cell.prach.configIndex,
      prach_root_sequence_index: cell.prach.rootSequenceIndex,
    },
    ...(cell.tdd === undefined
      ? {}
      : {
          tdd_ul_dl_cfg: {
            dl_ul_tx_period: cell.tdd.periodSlots,
            nof_dl_slots: cell.tdd.dlSlots,
            nof_dl_symbols: cell.tdd.dlSymbols,
            nof_ul_slots: cell.tdd.ulSlots,
            nof_ul_symbols: cell.tdd.ulSymbols,
          },
        }),
  };
}
