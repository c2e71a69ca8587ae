// The KPI thresholds a tenant sets on its cells (spec `telemetry.alerts`), judged against what the DU
// reports: an alert fires on a cell once its condition has held for `forSeconds`, and stops firing as
// soon as it no longer holds. Pure: the radio tracker asks with the cells' latest figures and the time.
import { alertKey } from "../domain/live-status.ts";
import { DEFAULT_ALERT_FOR_SECONDS, type KpiAlert } from "../domain/ran-deployment-spec.ts";

/** A cell's figures as the tracker has them (srsran/radio-health.ts RadioCell). */
export type AlertedCell = { index: number; active: boolean | null } & Partial<
  Record<Exclude<KpiAlert["metric"], "cellDown">, number>
>;

/** An alert firing on a cell: since when its condition holds (ms), and the figure when it fired. */
export interface FiringAlert {
  name: string;
  cell: number;
  since: number;
  value: number;
}

/** The figure an alert looks at on a cell (cellDown: 1 when the DU reports it inactive); undefined: none reported. */
function figure(alert: KpiAlert, cell: AlertedCell): number | undefined {
  if (alert.metric === "cellDown") return cell.active === null ? undefined : cell.active ? 0 : 1;
  return cell[alert.metric];
}

/** Whether the alert's condition holds for the figure. */
function breached(alert: KpiAlert, value: number): boolean {
  if (alert.metric === "cellDown") return value === 1;
  if (alert.above !== undefined) return value > alert.above;
  return alert.below !== undefined && value < alert.below;
}

export class KpiAlerts {
  /** Per alert and cell (alertKey): since when its condition holds, and the figure once it fired. */
  private readonly held = new Map<string, { name: string; since: number; firedWith?: number }>();

  constructor(private rules: readonly KpiAlert[]) {}

  /** Takes new rules; what held for an alert that is kept (same name and condition) goes on holding. */
  replace(rules: readonly KpiAlert[]): void {
    const kept = new Set(
      rules.filter((r) => this.rules.some((o) => JSON.stringify(o) === JSON.stringify(r))).map((r) => r.name),
    );
    for (const [key, held] of this.held) if (!kept.has(held.name)) this.held.delete(key);
    this.rules = rules;
  }

  /** The alerts firing at `now` on `cells`, in the rules' order then the cells'. */
  evaluate(cells: readonly AlertedCell[], now: number): FiringAlert[] {
    const firing: FiringAlert[] = [];
    for (const alert of this.rules) {
      const forMs = (alert.forSeconds ?? DEFAULT_ALERT_FOR_SECONDS) * 1000;
      for (const cell of cells) {
        if (alert.cells !== undefined && !alert.cells.includes(cell.index)) continue;
        const key = alertKey({ name: alert.name, cell: cell.index });
        const value = figure(alert, cell);
        if (value === undefined || !breached(alert, value)) {
          this.held.delete(key);
          continue;
        }
        let held = this.held.get(key);
        if (held === undefined) this.held.set(key, (held = { name: alert.name, since: now }));
        if (now - held.since < forMs) continue;
        held.firedWith ??= value;
        firing.push({ name: alert.name, cell: cell.index, since: held.since, value: held.firedWith });
      }
    }
    return firing;
  }
}
