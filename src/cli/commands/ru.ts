// `ranaas ru import|list`: the provider's RU pool in the database.
import type { Command } from "commander";
import { RadioUnitsRepository, type RadioUnitRecord } from "../../store/rus-repository.ts";
import { readRuPool } from "../read-ru-pool.ts";
import { withDatabase } from "../with-database.ts";

/** Adds or replaces RUs in the pool; used by `ru import` and by `stack up` for the simulated sites. */
export function importRadioUnits(rus: readonly RadioUnitRecord[]): Promise<number> {
  return withDatabase((db) => new RadioUnitsRepository(db).upsert(rus));
}

export function registerRuCommand(program: Command): void {
  const ru = program.command("ru").description("the provider's pool of radio units");
  ru.command("import")
    .description(
      "add or replace the RUs of a pool file (YAML or JSON: rus: [{id, site, node, bands, maxBandwidthMHz, kind, fronthaul…}]; README: The RU pool)",
    )
    .argument("<file>")
    .action(async (file: string) => {
      const pool = await readRuPool(file, "ru import");
      if (pool === undefined) {
        process.exitCode = 2;
        return;
      }
      const added = await importRadioUnits(pool.rus);
      console.log(`imported ${pool.rus.length} RUs (${added} new)`);
    });
  ru.command("list")
    .description("the RUs in the pool")
    .action(async () => {
      for (const r of await withDatabase((db) => new RadioUnitsRepository(db).list())) {
        const radio = r.kind === "o-ru" ? `${r.vendor ?? "?"} ${r.model ?? "?"}` : "emulated";
        const ptp =
          r.fronthaul === undefined ? "" : r.fronthaul.ptp.synced ? "\tPTP locked" : "\tPTP NOT locked";
        console.log(
          `${r.id}\t${r.site}\t${r.node}\tn${r.bands.join(",n")}\t≤${r.maxBandwidthMHz} MHz\t${radio}${ptp}`,
        );
      }
    });
}
