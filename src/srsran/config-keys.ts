// Checks a rendered config against the key list extracted from its flavour's own schema sources
// (schema/srsran/srsran-keys.json, schema/ocudu/ocudu-keys.json, each with its source commit): returns
// the path of every key that flavour's binary would not know. Unknown keys are fatal to srsRAN and OCUDU,
// or — in list items parsed in capture mode, such as ru_ofh.cells[] — silently ignored.
import type { RanFlavour } from "../domain/resource-definition.ts";
import ocuduKeys from "./schema/ocudu/ocudu-keys.json" with { type: "json" };
import srsranKeys from "./schema/srsran/srsran-keys.json" with { type: "json" };

export type RanApp = "cu" | "du" | "ru_emulator";
type Schema = Record<RanApp, Record<string, string[]>>;
const schemas: Record<RanFlavour, Schema> = {
  srsran: srsranKeys,
  ocudu: ocuduKeys,
};

export function unknownKeys(flavour: RanFlavour, app: RanApp, config: object): string[] {
  const sections = schemas[flavour][app];
  const unknown: string[] = [];
  const walk = (node: Record<string, unknown>, path: string): void => {
    for (const [key, value] of Object.entries(node)) {
      const child = path === "." ? key : `${path}.${key}`;
      const known = (sections[path] ?? []).includes(key) || child in sections || `${child}[]` in sections;
      if (!known) {
        unknown.push(child);
        continue;
      }
      if (Array.isArray(value)) {
        for (const item of value) if (isMap(item)) walk(item, `${child}[]`);
      } else if (isMap(value)) walk(value, child);
    }
  };
  walk(config as Record<string, unknown>, ".");
  return unknown;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
