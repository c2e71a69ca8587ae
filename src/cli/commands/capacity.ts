// `ranaas capacity` (what could still be had, per site, and an operator's quota) and `ranaas rus` (the
// RU pool, for admins), through the API.
import type { Command } from "commander";
import type { Capacity } from "../../domain/capacity.ts";
import { formatData, formatTable, outputOption, type OutputFormat } from "../support/output.ts";
import { withClient } from "../support/session.ts";

const cpus = (millis: number) => (millis / 1000).toFixed(1);
const gib = (mib: number) => `${(mib / 1024).toFixed(0)}Gi`;

export function capacityTable(capacity: Capacity): string {
  const rows = capacity.sites.map((s) => [
    s.site,
    String(s.freeRus),
    s.bands.map((b) => `n${b.band}`).join(" ") || "-",
    String(s.edge.nodes),
    cpus(s.edge.free.cpuMillis),
    gib(s.edge.free.memoryMiB),
  ]);
  const c = capacity.central;
  rows.push(["central", "-", "-", String(c.nodes), cpus(c.free.cpuMillis), gib(c.free.memoryMiB)]);
  return formatTable(["SITE", "FREE-RUS", "BANDS", "NODES", "FREE-CPU", "FREE-MEMORY"], rows);
}

export function registerCapacityCommands(program: Command): void {
  program
    .command("capacity")
    .description("free RUs and compute per site (and, for an operator, its quota)")
    .addOption(outputOption())
    .action((options: { output: OutputFormat }) =>
      withClient("capacity", async (client) => {
        const capacity = await client.capacity();
        if (options.output !== "table") return console.log(formatData(capacity, options.output));
        console.log(capacityTable(capacity as unknown as Capacity));
        const quota = capacity.quota as { remaining?: Record<string, number | null> } | undefined;
        if (quota?.remaining !== undefined) {
          const left = Object.entries(quota.remaining).map(([k, v]) => `${k} ${v ?? "unlimited"}`);
          console.log(`\nQuota left: ${left.join(", ")}`);
        }
      }),
    );

  program
    .command("rus")
    .description("the provider's radio units and which deployment holds each (admins)")
    .addOption(outputOption())
    .action((options: { output: OutputFormat }) =>
      withClient("rus", async (client) => {
        const { items } = await client.rus();
        if (options.output !== "table") return console.log(formatData(items, options.output));
        const text = (v: unknown) =>
          v === null || v === undefined ? "-" : JSON.stringify(v).replace(/^"|"$/g, "");
        console.log(
          formatTable(
            ["ID", "SITE", "NODE", "BANDS", "ALLOCATED-TO"],
            items.map((ru) => [
              text(ru.id),
              text(ru.site),
              text(ru.node),
              text(ru.bands),
              text(ru.allocatedTo),
            ]),
          ),
        );
      }),
    );
}
