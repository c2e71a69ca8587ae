// Reads an RU pool file (YAML or JSON) for a command: the pool, or undefined after saying on stderr why
// it is unreadable or which fields are bad (the caller then exits 2).
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { validateRuPool, type RuPool } from "../domain/ru-pool.ts";

export async function readRuPool(file: string, command: string): Promise<RuPool | undefined> {
  let raw: unknown;
  try {
    raw = parse(await readFile(file, "utf8"));
  } catch (err) {
    console.error(
      `ranaas ${command}: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return undefined;
  }
  const validated = validateRuPool(raw);
  if (validated.ok) return validated.pool;
  console.error(`ranaas ${command}: ${file} is not a valid RU pool:`);
  for (const p of validated.problems) console.error(`  ${p.path || "(file)"}: ${p.message}`);
  return undefined;
}
