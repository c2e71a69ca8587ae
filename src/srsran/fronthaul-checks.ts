// Whether a DU's Open Fronthaul config starts, and agrees with the RU emulators it talks to: srsRAN's
// own start-up rules (apps/units/flexible_o_du/split_7_2/helpers/ru_ofh_config_validator.cpp and the
// option checks in ru_ofh_config_cli11_schema.cpp, release_25_10) and ru_emulator's
// (apps/examples/ofh/ru_emulator.cpp), checked before anything is applied. Each violation names the link.
import { COMPRESSION_METHODS } from "../domain/ru-pool.ts";
import { symbolDurationUs } from "../radio/fronthaul.ts";
import type { DuConfig, OfhLinkParameters, RuEmulatorConfig } from "./config-types.ts";

const MAX_WINDOW_US = 1960;
/** The UL udCompHdr values ru_emulator takes (SUPPORTED_UL_CMPR_HDR): uncompressed 16-bit, or BFP 9-bit. */
const EMULATOR_UL_COMPRESSION = ["none/16", "bfp/9"];
const EMULATOR_MAX_PORTS = 4;

export function fronthaulViolations(
  du: DuConfig,
  /** The ru_emulator config of each emulated link, by the link's index in ru_ofh.cells. */
  emulators: ReadonlyMap<number, RuEmulatorConfig>,
): string[] {
  const violations: string[] = [];
  if (du.ru_ofh.cells.length !== du.cells.length)
    violations.push(
      `the DU has ${du.cells.length} cells but ${du.ru_ofh.cells.length} fronthaul links: one each`,
    );
  du.ru_ofh.cells.forEach((link, i) => {
    const cell = du.cells[i];
    if (cell === undefined) return;
    const at = `fronthaul link ${i} (RU ${link.ru_mac_addr})`;
    const say = (what: string) => violations.push(`${at}: ${what}`);
    const symbol = symbolDurationUs(cell.common_scs);
    for (const [name, min, max] of [
      ["DL C-plane", link.t1a_min_cp_dl, link.t1a_max_cp_dl],
      ["UL C-plane", link.t1a_min_cp_ul, link.t1a_max_cp_ul],
      ["U-plane", link.t1a_min_up, link.t1a_max_up],
    ] as const) {
      if (min < 0 || max > MAX_WINDOW_US)
        say(`the ${name} T1a window ${min}–${max} µs leaves 0–${MAX_WINDOW_US}`);
      if (max - min <= symbol)
        say(`the ${name} T1a window ${min}–${max} µs is not longer than a symbol (${symbol.toFixed(2)} µs)`);
    }
    if (link.ta4_min > link.ta4_max) say(`Ta4 ${link.ta4_min}–${link.ta4_max} µs ends before it starts`);
    if (cell.nof_antennas_dl !== link.dl_port_id.length)
      say(`${link.dl_port_id.length} DL ports for ${cell.nof_antennas_dl} DL antennas`);
    if (cell.nof_antennas_ul > link.ul_port_id.length)
      say(`${link.ul_port_id.length} UL ports for ${cell.nof_antennas_ul} UL antennas`);
    if (cell.nof_antennas_ul > link.prach_port_id.length)
      say(`${link.prach_port_id.length} PRACH ports for ${cell.nof_antennas_ul} UL antennas`);
    for (const [name, ports] of [
      ["DL", link.dl_port_id],
      ["UL", link.ul_port_id],
      ["PRACH", link.prach_port_id],
    ] as const)
      if (new Set(ports).size !== ports.length) say(`duplicated ${name} port ids ${ports.join(", ")}`);
    for (const [name, method, bits] of compressions(link))
      if (!(COMPRESSION_METHODS as readonly string[]).includes(method) || bits < 1 || bits > 16)
        say(`${name} compression ${method} ${bits}-bit is not one srsRAN takes`);
    violations.push(...scalingViolations(link).map((v) => `${at}: ${v}`));
    if (link.mtu < 1500 || link.mtu > 9600) say(`MTU ${link.mtu} leaves 1500–9600`);
    for (const vlan of [link.vlan_tag_cp, link.vlan_tag_up])
      if (vlan < 1 || vlan > 4094) say(`VLAN ${vlan} leaves 1–4094`);

    const emulator = emulators.get(i)?.ru_emu.cells[0];
    if (emulator === undefined) return;
    const differs = (what: string, du: unknown, ru: unknown) =>
      JSON.stringify(du) !== JSON.stringify(ru) &&
      say(`the DU's ${what} ${JSON.stringify(du)} is not the RU emulator's ${JSON.stringify(ru)}`);
    differs("RU MAC", link.ru_mac_addr, emulator.ru_mac_addr);
    differs("DU MAC", link.du_mac_addr, emulator.du_mac_addr);
    differs("C-plane VLAN", link.vlan_tag_cp, emulator.vlan_tag);
    differs("U-plane VLAN", link.vlan_tag_up, emulator.vlan_tag);
    differs("DL ports", link.dl_port_id, emulator.dl_port_id);
    differs("UL ports", link.ul_port_id, emulator.ul_port_id);
    differs("PRACH ports", link.prach_port_id, emulator.prach_port_id);
    differs(
      "UL compression",
      [link.compr_method_ul, link.compr_bitwidth_ul],
      [emulator.compr_method_ul, emulator.compr_bitwidth_ul],
    );
    differs(
      "PRACH compression",
      [link.compr_method_prach, link.compr_bitwidth_prach],
      [emulator.compr_method_ul, emulator.compr_bitwidth_ul],
    );
    differs("bandwidth", cell.channel_bandwidth_MHz, emulator.bandwidth);
    if (!EMULATOR_UL_COMPRESSION.includes(`${emulator.compr_method_ul}/${emulator.compr_bitwidth_ul}`))
      say(
        `ru_emulator sends UL only as ${EMULATOR_UL_COMPRESSION.join(" or ")}, not ${emulator.compr_method_ul}/${emulator.compr_bitwidth_ul}`,
      );
    if (link.enable_ul_static_compr_hdr)
      say("ru_emulator writes a udCompHdr into every UL packet: the DU must not expect a static one");
    for (const [name, ports] of [
      ["DL", emulator.dl_port_id],
      ["UL", emulator.ul_port_id],
      ["PRACH", emulator.prach_port_id],
    ] as const)
      if (ports.length > EMULATOR_MAX_PORTS)
        say(`ru_emulator takes at most ${EMULATOR_MAX_PORTS} ${name} ports, not ${ports.length}`);
    // The emulator's reception windows are the DU's transmission windows (no link delay on one node).
    differs(
      "U-plane T1a window",
      [link.t1a_min_up, link.t1a_max_up],
      [emulator.t2a_min_up, emulator.t2a_max_up],
    );
  });
  return violations;
}

function compressions(link: OfhLinkParameters): [string, string, number][] {
  return [
    ["DL", link.compr_method_dl, link.compr_bitwidth_dl],
    ["UL", link.compr_method_ul, link.compr_bitwidth_ul],
    ["PRACH", link.compr_method_prach, link.compr_bitwidth_prach],
  ];
}

/** srsRAN takes a linear IQ scaling (0, 100] or a reference level ≤ 0 dBFS with an optional back-off ≥ 0. */
function scalingViolations(link: OfhLinkParameters): string[] {
  const linear = link.iq_scaling !== undefined;
  const level = link.ru_reference_level_dBFS !== undefined;
  if (linear && (level || link.subcarrier_rms_backoff_dB !== undefined))
    return ["IQ scaling cannot be set together with a reference level or back-off"];
  if (!linear && !level) return ["no IQ scaling and no reference level: srsRAN refuses to start"];
  if (linear && (link.iq_scaling! <= 0 || link.iq_scaling! > 100))
    return [`IQ scaling ${link.iq_scaling} leaves (0, 100]`];
  if (level && link.ru_reference_level_dBFS! > 0)
    return [`reference level ${link.ru_reference_level_dBFS} dBFS is above 0`];
  if (link.subcarrier_rms_backoff_dB !== undefined && link.subcarrier_rms_backoff_dB < 0)
    return [`back-off ${link.subcarrier_rms_backoff_dB} dB is negative`];
  return [];
}
