// The radio's health and each cell's latest KPIs as Prometheus series, read from the collector at each
// scrape. Labels: `deployment` and `tenant`, plus `cell` (its index in the plan) for the cell series — a
// fixed set of series per cell, so the number of series is bounded by the cells RANaaS runs: 2 per
// deployment and 7 per cell (at 1,000 deployments of 2 cells, 16,000 series).
import { Gauge, type Registry } from "prom-client";
import { RADIO } from "../../domain/live-status.ts";
import type { RadioCell, RadioStatus } from "../../srsran/radio-health.ts";

export interface ObservedRadio {
  deploymentId: string;
  tenant: string;
  status: RadioStatus;
}

/** The cell figures exported: each series' name, help and value. */
const CELL_SERIES: [string, string, (cell: RadioCell) => number | undefined][] = [
  [
    "ranaas_cell_active",
    "1 while the DU reports the cell active",
    (c) => (c.active === null ? undefined : +c.active),
  ],
  ["ranaas_cell_ues", "UEs the cell's scheduler served in the last period", (c) => c.ues],
  ["ranaas_cell_dl_bitrate_bps", "the cell's DL bitrate over the last period", (c) => c.dlBitrate],
  ["ranaas_cell_ul_bitrate_bps", "the cell's UL bitrate over the last period", (c) => c.ulBitrate],
  ["ranaas_cell_dl_prb_usage_ratio", "granted DL PRBs ÷ the carrier's (TDD cells)", (c) => c.dlPrbUsage],
  ["ranaas_cell_ul_prb_usage_ratio", "granted UL PRBs ÷ the carrier's (TDD cells)", (c) => c.ulPrbUsage],
  [
    "ranaas_cell_ul_late_ratio",
    "share of the UL packets from the cell's RU that arrived late",
    (c) => c.ulLate,
  ],
];

export function registerRadioMetrics(
  metrics: Registry,
  radios: () => Iterable<ObservedRadio>,
  /** The links to CUs and DUs open or opening (no series without it). */
  links?: () => number,
): void {
  if (links !== undefined)
    new Gauge({
      name: "ranaas_radio_links",
      help: "Remote-control links to CUs and DUs open or opening (one per ready CU and DU pod)",
      registers: [metrics],
      collect() {
        this.set(links());
      },
    });
  new Gauge({
    name: "ranaas_radio_healthy",
    help: "1 while the deployment's radio reports healthy, 0 while degraded (absent while unknown)",
    labelNames: ["deployment", "tenant"],
    registers: [metrics],
    collect() {
      this.reset();
      for (const { deploymentId, tenant, status } of radios())
        if (status.state !== RADIO.unknown)
          this.set({ deployment: deploymentId, tenant }, status.state === RADIO.healthy ? 1 : 0);
    },
  });
  new Gauge({
    name: "ranaas_radio_reasons",
    help: "How many reasons the deployment's radio is not healthy for",
    labelNames: ["deployment", "tenant"],
    registers: [metrics],
    collect() {
      this.reset();
      for (const { deploymentId, tenant, status } of radios())
        this.set({ deployment: deploymentId, tenant }, status.reasons.length);
    },
  });
  for (const [name, help, value] of CELL_SERIES)
    new Gauge({
      name,
      help,
      labelNames: ["deployment", "tenant", "cell"],
      registers: [metrics],
      collect() {
        this.reset();
        for (const { deploymentId, tenant, status } of radios())
          for (const cell of status.cells) {
            const figure = value(cell);
            if (figure !== undefined)
              this.set({ deployment: deploymentId, tenant, cell: String(cell.index) }, figure);
          }
      },
    });
}
