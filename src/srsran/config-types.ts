// The shapes of the srsRAN and OCUDU configs RANaaS renders: a typed subset of their schemas (every key
// here exists in srsRAN 25.10 or OCUDU 26.04, as marked; the tests check each flavour's rendered files
// against that flavour's full key list).

export interface SrsranSlice {
  sst: number;
  sd?: number;
}

interface TrackingArea {
  tac: number;
  plmn_list: { plmn: string; tai_slice_support_list: SrsranSlice[] }[];
}

/**
 * Where an SCTP association goes and binds. srsRAN: one address each (`addr`, `bind_addr`; for the DU's
 * F1-C `cu_cp_addr`). OCUDU: lists (`addrs`, `bind_addrs`) for SCTP multi-homing; it still reads the
 * single-address names, but as aliases it marks for removal (OCUDU 8891f5e269), so they are not used.
 */
export type SctpPeer = { addr: string; bind_addr: string } | { addrs: string[]; bind_addrs: string[] };
export type SctpBind = { bind_addr: string } | { bind_addrs: string[] };
export type F1cPeer = { cu_cp_addr: string; bind_addr: string } | { addrs: string[]; bind_addrs: string[] };

export type CuAmf = SctpPeer & {
  port: number;
  supported_tracking_areas: TrackingArea[];
};

interface Socket {
  bind_addr: string;
  ext_addr?: string;
}

export interface RemoteControl {
  enabled: boolean;
  bind_addr: string;
  port: number;
}

export interface CuConfig {
  gnb_id: number;
  gnb_id_bit_length: number;
  ran_node_name: string;
  cu_cp: { amf: CuAmf; extra_amfs?: CuAmf[]; f1ap: SctpBind };
  cu_up: { ngu: { socket: Socket[] }; f1u: { bind_port: number; peer_port: number; socket: Socket[] } };
  log: { filename: string; all_level: string };
  metrics: {
    enable_json: boolean;
    layers: { enable_ngap: boolean; enable_rrc: boolean; enable_pdcp: boolean; enable_app_usage: boolean };
    periodicity: {
      cu_cp_report_period: number;
      cu_up_report_period: number;
      app_usage_report_period: number;
    };
  };
  remote_control: RemoteControl;
}

export interface DuCell {
  band: number;
  dl_arfcn: number;
  channel_bandwidth_MHz: number;
  common_scs: number;
  pci: number;
  sector_id: number;
  plmn: string;
  additional_plmns?: string[];
  tac: number;
  nof_antennas_dl: number;
  nof_antennas_ul: number;
  slicing: SrsranSlice[];
  prach: { prach_config_index: number; prach_root_sequence_index: number };
  tdd_ul_dl_cfg?: {
    dl_ul_tx_period: number;
    nof_dl_slots: number;
    nof_dl_symbols: number;
    nof_ul_slots: number;
    nof_ul_symbols: number;
  };
}

export interface OfhLink {
  network_interface: string;
  du_mac_addr: string;
  ru_mac_addr: string;
  vlan_tag_cp: number;
  vlan_tag_up: number;
  mtu: number;
  dl_port_id: number[];
  ul_port_id: number[];
  prach_port_id: number[];
}

/** One link's RU-specific values; srsRAN takes them per ru_ofh cell as well as for all cells. */
export interface OfhLinkParameters {
  t1a_max_cp_dl: number;
  t1a_min_cp_dl: number;
  t1a_max_cp_ul: number;
  t1a_min_cp_ul: number;
  t1a_max_up: number;
  t1a_min_up: number;
  ta4_max: number;
  ta4_min: number;
  /** Whether UL U-plane packets carry no udCompHdr (the compression is agreed statically). */
  enable_ul_static_compr_hdr: boolean;
  enable_dl_static_compr_hdr: boolean;
  compr_method_ul: string;
  compr_bitwidth_ul: number;
  compr_method_dl: string;
  compr_bitwidth_dl: number;
  compr_method_prach: string;
  compr_bitwidth_prach: number;
  /** Either a linear factor or a reference level (with an optional back-off), never both. */
  iq_scaling?: number;
  ru_reference_level_dBFS?: number;
  subcarrier_rms_backoff_dB?: number;
}

export interface RuOfh {
  is_prach_cp_enabled: boolean;
  cells: (OfhLink & OfhLinkParameters)[];
}

export interface DuConfig {
  gnb_id: number;
  gnb_id_bit_length: number;
  gnb_du_id: number;
  f1ap: F1cPeer;
  f1u: { bind_port: number; peer_port: number; socket: Socket[] };
  cells: DuCell[];
  ru_ofh: RuOfh;
  /** DPDK's EAL arguments, when the DU drives its fronthaul VFs with DPDK. */
  hal?: { eal_args: string };
  log: { filename: string; all_level: string; ofh_level: string };
  metrics: {
    enable_json: boolean;
    layers: {
      enable_sched: boolean;
      enable_mac: boolean;
      enable_du_low: boolean;
      enable_ru: boolean;
      enable_app_usage: boolean;
    };
    periodicity: { du_report_period: number; app_usage_report_period: number };
  };
  remote_control: RemoteControl;
}

export interface RuEmulatorCell {
  bandwidth: number;
  network_interface: string;
  ru_mac_addr: string;
  du_mac_addr: string;
  vlan_tag: number;
  enable_promiscuous: boolean;
  dl_port_id: number[];
  ul_port_id: number[];
  prach_port_id: number[];
  compr_method_ul: string;
  compr_bitwidth_ul: number;
  prach_format: "long" | "short";
  t2a_max_cp_dl: number;
  t2a_min_cp_dl: number;
  t2a_max_cp_ul: number;
  t2a_min_cp_ul: number;
  t2a_max_up: number;
  t2a_min_up: number;
}

export interface RuEmulatorConfig {
  log: { filename: string; level: string };
  ru_emu: { cells: RuEmulatorCell[] };
}
