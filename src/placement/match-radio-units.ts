// Assigns one free, capable radio unit to each cell (bipartite matching by augmenting paths, so a cell
// that only one RU can serve still gets it when a less picky cell could have taken it).
import type { CellRequest } from "../domain/ran-deployment-spec.ts";
import { fronthaulReady } from "./fronthaul-link.ts";
import type { RadioUnit } from "./inventory.ts";

/** Whether the RU is free, usable now and radiates the cell's band and bandwidth. */
export function canServe(ru: RadioUnit, cell: Pick<CellRequest, "band" | "bandwidthMHz">): boolean {
  return ru.allocatedTo === undefined && fronthaulReady(ru) && radiates(ru, cell);
}

/** Whether the RU radiates the cell's band and bandwidth (whatever else stands in its way). */
export function radiates(ru: RadioUnit, cell: Pick<CellRequest, "band" | "bandwidthMHz">): boolean {
  return ru.bands.includes(cell.band) && cell.bandwidthMHz <= ru.maxBandwidthMHz;
}

/** RU for each cell in order, or undefined when the RUs cannot serve every cell. */
export function matchRadioUnits(
  cells: readonly Pick<CellRequest, "band" | "bandwidthMHz">[],
  rus: readonly RadioUnit[],
): RadioUnit[] | undefined {
  const ruOfCell: (number | undefined)[] = cells.map(() => undefined);
  const cellOfRu = new Map<number, number>();

  const capable = (r: number, cell: number): boolean => canServe(rus[r]!, cells[cell]!);
  const augment = (cell: number, visited: Set<number>): boolean => {
    // A free RU first, in pool order, so the plan is stable and reads naturally; only then displace.
    for (let r = 0; r < rus.length; r++) {
      if (!visited.has(r) && !cellOfRu.has(r) && capable(r, cell)) {
        cellOfRu.set(r, cell);
        ruOfCell[cell] = r;
        return true;
      }
    }
    for (let r = 0; r < rus.length; r++) {
      if (visited.has(r) || !capable(r, cell)) continue;
      visited.add(r);
      const holder = cellOfRu.get(r);
      if (holder !== undefined && augment(holder, visited)) {
        cellOfRu.set(r, cell);
        ruOfCell[cell] = r;
        return true;
      }
    }
    return false;
  };

  for (let cell = 0; cell < cells.length; cell++) {
    if (!augment(cell, new Set())) return undefined;
  }
  return ruOfCell.map((r) => rus[r!]!);
}
