// What would stop a deployment's RAN from starting, found from its resource definition alone — the same
// checks the tests make, run by the worker before it applies anything: every key of the CU, DU and RU
// emulator configs against the flavour's own key list, and the DU's fronthaul against srsRAN's start-up
// rules and each emulated RU (fronthaul-checks.ts).
import { isEmulated, type ResourceDefinition } from "../domain/resource-definition.ts";
import { unknownKeys, type RanApp } from "./config-keys.ts";
import { fronthaulViolations } from "./fronthaul-checks.ts";
import { renderCuConfig } from "./render-cu.ts";
import { renderDuConfig } from "./render-du.ts";
import { renderRuEmulatorConfig } from "./render-ru-emulator.ts";

export function configViolations(def: ResourceDefinition): string[] {
  const software = def.flavour === "ocudu" ? "OCUDU" : "srsRAN";
  const unknown = (app: RanApp, config: object, whose: string) =>
    unknownKeys(def.flavour, app, config).map(
      (key) => `${whose} config has ${key}, which ${software} does not know`,
    );
  const emulators = new Map(
    def.cells.flatMap((cell, link) =>
      isEmulated(cell) ? [[link, renderRuEmulatorConfig(cell)] as const] : [],
    ),
  );
  const du = renderDuConfig(def);
  return [
    ...unknown("cu", renderCuConfig(def), "the CU's"),
    ...unknown("du", du, "the DU's"),
    ...[...emulators].flatMap(([link, config]) => unknown("ru_emulator", config, `RU emulator ${link}'s`)),
    ...fronthaulViolations(du, emulators),
  ];
}
