// Physical cell identity planning: PCIs 0–1007, unique among the cells of one site, preferring a PCI
// mod 3 (the PSS sequence, TS 38.211 §7.4.2.2) not used by the site's other cells so co-sited cells'
// synchronisation signals stay distinguishable.

export const PCI_COUNT = 1008;

export function isValidPci(pci: number): boolean {
  return Number.isInteger(pci) && pci >= 0 && pci < PCI_COUNT;
}

/**
 * Chooses a PCI not in usedAtSite: among free PCIs, the one whose mod-3 value the fewest of the site's
 * cells share (ties → lowest PCI). Returns undefined when all 1008 are taken.
 */
export function choosePci(usedAtSite: ReadonlySet<number>): number | undefined {
  const sharing = [0, 0, 0];
  for (const pci of usedAtSite) sharing[pci % 3]! += 1;
  let best: number | undefined;
  for (let pci = 0; pci < PCI_COUNT; pci++) {
    if (usedAtSite.has(pci)) continue;
    if (best === undefined || sharing[pci % 3]! < sharing[best % 3]!) best = pci;
  }
  return best;
}

/** Chooses PCIs for several new cells at one site, each choice seeing the ones before it. */
export function choosePcis(usedAtSite: ReadonlySet<number>, count: number): number[] | undefined {
  const used = new Set(usedAtSite);
  const chosen: number[] = [];
  for (let i = 0; i < count; i++) {
    const pci = choosePci(used);
    if (pci === undefined) return undefined;
    used.add(pci);
    chosen.push(pci);
  }
  return chosen;
}
