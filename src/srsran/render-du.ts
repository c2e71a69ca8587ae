// The DU's configuration (srsRAN srsdu, OCUDU odu; split 7.2): one cell per RU, an Open Fronthaul (ru_ofh) cell per link,
// F1 towards the CU. Must agree with the CU (gNB ID, PLMN, slices, F1-U ports) and with every RU emulator.
import { DEFAULT_METRICS_PERIOD_MS } from "../domain/ran-deployment-spec.ts";
import type { PlannedCell, ResourceDefinition } from "../domain/resource-definition.ts";
import { CPUSET, CU_F1C_ADDR, placeholder, POD_IP, vfPci } from "./address-placeholders.ts";
import { drivenByDpdk, type OfhParameters } from "../radio/fronthaul.ts";
import {
  F1U_PORT_CU,
  F1U_PORT_DU,
  fronthaulInterface,
  ofhOf,
  OFH_MTU,
  REMOTE_CONTROL_PORT,
} from "./ofh-defaults.ts";
import type { DuCell, DuConfig, OfhLinkParameters } from "./config-types.ts";
import { f1cPeer } from "./sctp-addresses.ts";
import { srsranSlice } from "./slices.ts";

export function renderDuConfig(def: ResourceDefinition): DuConfig {
  const podIp = placeholder(POD_IP);
  return {
    gnb_id: def.gnbId,
    gnb_id_bit_length: def.gnbIdBits,
    gnb_du_id: def.du.gnbDuId,
    f1ap: f1cPeer(def.flavour, placeholder(CU_F1C_ADDR), podIp),
    f1u: { bind_port: F1U_PORT_DU, peer_port: F1U_PORT_CU, socket: [{ bind_addr: podIp }] },
    cells: def.cells.map((cell) => renderCell(def, cell)),
    ru_ofh: {
      is_prach_cp_enabled: true,
      // Everything that depends on the RU goes in its own cell, from its record: srsRAN copies the
      // section-wide values into every cell first, and a section-wide iq_scaling would clash with a
      // cell's ru_reference_level_dBFS.
      cells: def.cells.map((cell, link) => ({
        // DPDK takes the VF by its PCI address; a kernel interface goes by its name in the pod.
        network_interface: drivenByDpdk(cell.fronthaul) ? placeholder(vfPci(link)) : fronthaulInterface(link),
        du_mac_addr: cell.fronthaul.duMac,
        ru_mac_addr: cell.fronthaul.ruMac,
        vlan_tag_cp: cell.fronthaul.vlan,
        vlan_tag_up: cell.fronthaul.vlanUp ?? cell.fronthaul.vlan,
        mtu: ofhOf(cell.fronthaul).interface?.mtu ?? OFH_MTU,
        dl_port_id: cell.fronthaul.dlPortIds,
        ul_port_id: cell.fronthaul.ulPortIds,
        prach_port_id: cell.fronthaul.prachPortIds,
        ...linkParameters(ofhOf(cell.fronthaul)),
      })),
    },
    ...dpdkHal(def),
    log: { filename: "stdout", all_level: "warning", ofh_level: "warning" },
    metrics: {
      enable_json: true,
      layers: {
        enable_sched: true,
        enable_mac: true,
        enable_du_low: true,
        enable_ru: true,
        enable_app_usage: true,
      },
      periodicity: {
        du_report_period: def.metricsPeriodMs ?? DEFAULT_METRICS_PERIOD_MS,
        app_usage_report_period: def.metricsPeriodMs ?? DEFAULT_METRICS_PERIOD_MS,
      },
    },
    remote_control: { enabled: true, bind_addr: "0.0.0.0", port: REMOTE_CONTROL_PORT },
  };
}

/**
 * srsRAN's `hal` section when any link is driven by DPDK: its lcores on the container's own CPUs and
 * each DPDK VF allowed by its PCI address (both filled in by the entry step).
 */
function dpdkHal(def: ResourceDefinition): Pick<DuConfig, "hal"> {
  const vfs = def.cells.flatMap((cell, link) =>
    drivenByDpdk(cell.fronthaul) ? [placeholder(vfPci(link))] : [],
  );
  if (vfs.length === 0) return {};
  return {
    hal: { eal_args: [`--lcores (0-1)@(${placeholder(CPUSET)})`, ...vfs.map((vf) => `-a ${vf}`)].join(" ") },
  };
}

function linkParameters(ofh: OfhParameters): OfhLinkParameters {
  const { t1a, ta4, compression, scaling } = ofh;
  return {
    t1a_max_cp_dl: t1a.cpDl.max,
    t1a_min_cp_dl: t1a.cpDl.min,
    t1a_max_cp_ul: t1a.cpUl.max,
    t1a_min_cp_ul: t1a.cpUl.min,
    t1a_max_up: t1a.up.max,
    t1a_min_up: t1a.up.min,
    ta4_max: ta4.max,
    ta4_min: ta4.min,
    enable_ul_static_compr_hdr: compression.ul.staticHeader,
    enable_dl_static_compr_hdr: compression.dl.staticHeader,
    compr_method_ul: compression.ul.method,
    compr_bitwidth_ul: compression.ul.bitwidth,
    compr_method_dl: compression.dl.method,
    compr_bitwidth_dl: compression.dl.bitwidth,
    compr_method_prach: compression.prach.method,
    compr_bitwidth_prach: compression.prach.bitwidth,
    ...("iqScaling" in scaling
      ? { iq_scaling: scaling.iqScaling }
      : {
          ru_reference_level_dBFS: scaling.referenceLevelDbfs,
          ...(scaling.subcarrierBackoffDb === undefined
            ? {}
            : { subcarrier_rms_backoff_dB: scaling.subcarrierBackoffDb }),
        }),
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
    ...(def.additionalPlmns.length > 0 ? { additional_plmns: def.additionalPlmns } : {}),
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
