// `ranaas top`: the caller's deployments cell by cell, with the radio's state and each cell's latest KPIs
// (the newest 10 s bucket its DU reported in, from /kpis), once or again every few seconds (--watch).
import { setTimeout as delay } from "node:timers/promises";
import { InvalidArgumentError, type Command } from "commander";
import {
  ApiError,
  UnreachableError,
  type DeploymentKpis,
  type DeploymentView,
  type RanaasClient,
} from "../../api-client/api-client.ts";
import { STATE } from "../../domain/deployment-states.ts";
import type { KpiSample } from "../../srsran/kpi-window.ts";
import { formatData, formatTable, outputOption, type OutputFormat } from "../support/output.ts";
import { withClient } from "../support/session.ts";

/** How far back a cell's latest figures are looked for: the bucket being filled and the two before it. */
const KPI_WINDOW_SECONDS = 30;
/** Deployments read at once (each is two requests). */
const CONCURRENCY = 4;
const DEFAULT_WATCH_SECONDS = 2;
/** Why a table has no radio figures at all. */
export const RADIO_OFF_HINT =
  '(no radio figures: RANaaS reads the radio only where its CU and DU run — RANAAS_RADIO_TELEMETRY is off on the simulated local stack, see README, "The radio\'s own health")';

export interface TopCell {
  index: number;
  pci: number;
  /** Whether the DU reports the cell active (null: not reported). */
  active: boolean | null;
  /** The start of the bucket the figures are from (null: nothing reported in the last seconds). */
  at: string | null;
  kpis: KpiSample;
}

export interface TopDeployment {
  id: string;
  name: string;
  state: string;
  /** The radio's health (null when RANaaS does not read this deployment's radio). */
  radio: NonNullable<DeploymentView["radio"]> | null;
  cells: TopCell[];
}

/** A deployment for `top`, from its view and its KPIs (null: they could not be read). */
export function topDeployment(view: DeploymentView, kpis: DeploymentKpis | null): TopDeployment {
  const radio = view.radio ?? null;
  const cells = kpis !== null && kpis.cells.length > 0 ? kpis.cells : (radio?.cells ?? []);
  return {
    id: view.id,
    name: view.name,
    state: view.state,
    radio,
    cells: cells.map((cell, i) => {
      // The bucket's cells are in the order of the answer's cells.
      const latest = kpis?.buckets.findLast((b) => Object.keys(b.cells[i] ?? {}).length > 0);
      return {
        index: cell.index,
        pci: cell.pci,
        active: radio?.cells.find((c) => c.index === cell.index)?.active ?? null,
        at: latest?.at ?? null,
        kpis: latest?.cells[i] ?? {},
      };
    }),
  };
}

/** 2500000 → "2.5M", 180000 → "180k", 12 → "12". */
export function si(value: number): string {
  const units = ["", "k", "M", "G", "T"];
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? Math.round(scaled) : Number(scaled.toPrecision(3))}${units[unit]}`;
}

const share = (value: number) => `${Number((value * 100).toFixed(1))}%`;
const decimal = (value: number) => String(Number(value.toFixed(1)));

/** The columns after a deployment's name, state and radio: each a heading and how a cell fills it. */
const CELL_COLUMNS: [string, (cell: TopCell) => string][] = [
  ["CELL", (c) => String(c.index)],
  ["PCI", (c) => String(c.pci)],
  ["ACTIVE", (c) => (c.active === null ? "?" : c.active ? "yes" : "no")],
  ...(
    [
      ["UES", "ues", decimal],
      ["DL-BIT/S", "dlBitrate", si],
      ["UL-BIT/S", "ulBitrate", si],
      ["DL-PRB", "dlPrbUsage", share],
      ["UL-PRB", "ulPrbUsage", share],
      ["CQI", "cqi", decimal],
      ["UL-LATE", "ulLate", share],
    ] as const
  ).map(([heading, kpi, format]): [string, (cell: TopCell) => string] => [
    heading,
    (c) => {
      const value = c.kpis[kpi];
      return value === undefined ? "-" : format(value);
    },
  ]),
];

/** One row per deployment and cell ("-" where there is no radio data), then why radios are not healthy. */
export function topTable(deployments: readonly TopDeployment[]): string {
  const rows = deployments.flatMap((d) => {
    const head = [d.name, d.state, d.radio?.state ?? "-"];
    if (d.cells.length === 0) return [[...head, ...CELL_COLUMNS.map(() => "-")]];
    return d.cells.map((cell) => [...head, ...CELL_COLUMNS.map(([, fill]) => fill(cell))]);
  });
  const reasons = deployments.flatMap((d) => (d.radio?.reasons ?? []).map((r) => `${d.name}: ${r}`));
  const table = formatTable(["NAME", "STATE", "RADIO", ...CELL_COLUMNS.map(([heading]) => heading)], rows);
  return reasons.length === 0 ? table : `${table}\n\n${reasons.join("\n")}`;
}

/** `work` on each item, at most `limit` at a time; the results in the items' order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Every deployment the key may see (but the deleted), by name, with its radio and latest KPIs. */
export async function readTop(client: RanaasClient): Promise<TopDeployment[]> {
  const listed = (await client.listDeployments()).filter((v) => v.state !== STATE.deleted);
  const read = await mapBounded(listed, CONCURRENCY, async ({ id }) => {
    const [view, kpis] = await Promise.all([
      // One deleted since the list was read is left out.
      client.getDeployment(id).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
      }),
      // KPIs the API cannot answer now are shown as "-".
      client.kpis(id, KPI_WINDOW_SECONDS).catch((err: unknown) => {
        if (err instanceof ApiError) return null;
        throw err;
      }),
    ]);
    return view === undefined ? undefined : topDeployment(view, kpis);
  });
  return read
    .filter((d): d is TopDeployment => d !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a number of seconds above 0");
  return n;
}

/** A failure that may pass: the API unreachable, one of its dependencies away, or asked too often. */
function passing(err: unknown): boolean {
  return (
    err instanceof UnreachableError || (err instanceof ApiError && [429, 502, 503, 504].includes(err.status))
  );
}

interface TopOptions {
  watch?: number | true;
  json?: boolean;
  output: OutputFormat;
}

export function registerTopCommand(program: Command): void {
  program
    .command("top")
    .description("your deployments cell by cell: the radio's state and each cell's latest KPIs")
    .option(
      "-w, --watch [seconds]",
      `refresh every few seconds (default ${DEFAULT_WATCH_SECONDS}) until interrupted`,
      seconds,
    )
    .option("--json", "print JSON (as -o json); with --watch, one object per line")
    .addOption(outputOption())
    .action((options: TopOptions) =>
      withClient("top", async (client) => {
        const format: OutputFormat = options.json === true ? "json" : options.output;
        const show = (deployments: TopDeployment[], watching: boolean): string => {
          const at = new Date().toISOString();
          if (format === "table") return topTable(deployments);
          if (watching && format === "json") return JSON.stringify({ at, deployments });
          return formatData({ at, deployments }, format);
        };
        if (options.watch === undefined) {
          const deployments = await readTop(client);
          console.log(show(deployments, false));
          // A table of dashes says nothing by itself: say why (on stderr, so the JSON stays clean).
          if (format === "table" && deployments.length > 0 && deployments.every((d) => d.radio === null))
            console.error(RADIO_OFF_HINT);
          return;
        }

        const everyMs = (options.watch === true ? DEFAULT_WATCH_SECONDS : options.watch) * 1000;
        const stop = new AbortController();
        process.once("SIGINT", () => stop.abort());
        const screen = format === "table" && process.stdout.isTTY;
        while (!stop.signal.aborted) {
          try {
            const text = show(await readTop(client), true);
            if (stop.signal.aborted) break;
            if (format !== "table") console.log(text);
            else {
              const title = `every ${everyMs / 1000}s: ranaas top   ${new Date().toLocaleTimeString()}`;
              // On a terminal the table is redrawn in place, as top does; otherwise one after another.
              process.stdout.write(screen ? `\x1b[H\x1b[2J${title}\n\n${text}\n` : `${title}\n${text}\n\n`);
            }
          } catch (err) {
            if (!passing(err)) throw err;
            console.error(`(${(err as Error).message}; trying again)`);
          }
          await delay(everyMs, undefined, { signal: stop.signal }).catch(() => undefined);
        }
      }),
    );
}
