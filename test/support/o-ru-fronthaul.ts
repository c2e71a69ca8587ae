// A real radio's fronthaul record for unit tests, from a few choices (antennas, VLAN, PTP lock,
// compression, header, transport delay); the rest are an O-RU's usual values.
import type { RadioUnitSpec } from "../../src/domain/ru-pool.ts";

export function toFronthaul(
  id: string,
  f: {
    dl: number;
    ul: number;
    vlan: number;
    synced: boolean;
    compression: [method: "bfp" | "none", bitwidth: number];
    staticHeader: boolean;
    delay: { min: number; max: number };
  },
): NonNullable<RadioUnitSpec["fronthaul"]> {
  const [method, bitwidth] = f.compression;
  const n = Number.parseInt(id.replace(/\D/g, ""), 10) % 250;
  return {
    ruMac: `70:b3:d5:00:00:${n.toString(16).padStart(2, "0")}`,
    vlan: { cPlane: f.vlan, uPlane: f.vlan },
    antennas: { dl: f.dl, ul: f.ul },
    eaxc: {
      dl: Array.from({ length: f.dl }, (_, i) => i),
      ul: Array.from({ length: f.ul }, (_, i) => i),
      prach: Array.from({ length: f.ul }, (_, i) => 4 + i),
    },
    compression: {
      dl: { method, bitwidth, staticHeader: f.staticHeader },
      ul: { method, bitwidth, staticHeader: f.staticHeader },
      prach: { method, bitwidth },
    },
    windows: {
      t2aCpDl: { min: 286, max: 535 },
      t2aCpUl: { min: 286, max: 535 },
      t2aUp: { min: 80, max: 390 },
      ta3: { min: 25, max: 500 },
      transportDelay: f.delay,
    },
    scaling: { iqScaling: 5.5 },
    du: { kind: "macvlan", master: "enp1s0f0", mtu: 9000 },
    ptp: { profile: "G.8275.1", domain: 24, synced: f.synced },
  };
}
