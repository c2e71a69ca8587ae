// `ranaas ru import|list`: the provider's RU pool in the database.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parse } from "yaml";
import { validateRuPool } from "../../domain/ru-pool.ts";
import { RadioUnitsRepository, type RadioUnitRecord } from "../../store/rus-repository.ts";
import { withDatabase } from "../with-database.ts";

/** Adds or replaces RUs in the pool; used by `ru import` and by `stack up` for the simulated sites. */
export function importRadioUnits(rus: readonly RadioUnitRecord[]): Promise<number> {
  return withDatabase((db) => new RadioUnitsRepository(db).upsert(rus));
}

export function registerRuCommand(program: Command): void {
  const ru = program.command("ru").description("the provider's pool of radio units");
  ru.command("import")
    .description(
      "add or replace the RUs of a pool file (YAML or JSON: rus: [{id, site, node, bands, maxBandwidthMHz}])",
    )
    .argument("<file>")
    .action(async (file: string) => {
      const validated = validateRuPool(parse(await readFile(file, "utf8")));
      if (!validated.ok) {
        console.error(`ranaas ru import: ${file} is not a valid RU pool:`);
        for (const p of validated.problems) console.error(`  ${p.path || "(file)"}: ${p.message}`);
        process.exitCode = 2;
        return;
      }
      const added = await importRadioUnits(validated.pool.rus);
      console.log(`imported ${validated.pool.rus.length} RUs (${added} new)`);
    });
  ru.command("list")
    .description("the RUs in the pool")
    .action(async () => {
      for (const r of await withDatabase((db) => new RadioUnitsRepository(db).list())) {
        console.log(`${r.id}\t${r.site}\t${r.node}\tn${r.bands.join(",n")}\t≤${r.maxBandwidthMHz} MHz`);
      }
    });
}
