// Checks a rendered srsRAN config against the key list extracted from srsRAN's own schema
// (test/fixtures/srsran/srsran-keys.json): returns the path of every key srsRAN would not know.
import keys from "../fixtures/srsran/srsran-keys.json" with { type: "json" };

type SrsranApp = "cu" | "du" | "ru_emulator";
const schema = keys as unknown as Record<SrsranApp, Record<string, string[]>>;

export function unknownSrsranKeys(app: SrsranApp, config: object): string[] {
  const sections = schema[app];
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
