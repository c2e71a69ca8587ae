// The binaries each RAN flavour's images run: names from the upstream CMake targets (srsRAN Project
// release_25_10: apps/cu → srscu, apps/du → srsdu; OCUDU release_26_04: apps/cu → ocu, apps/du → odu;
// both: apps/examples/ofh → ru_emulator), installed on the PATH (/usr/local/bin) by `make install`.
import type { ContainerImages, RanFlavour } from "../domain/resource-definition.ts";

export const RAN_BINARIES: Readonly<Record<RanFlavour, Readonly<ContainerImages>>> = {
  srsran: { cu: "srscu", du: "srsdu", ruEmulator: "ru_emulator" },
  ocudu: { cu: "ocu", du: "odu", ruEmulator: "ru_emulator" },
};
