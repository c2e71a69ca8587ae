// The RU pool as placement asks about it, kept current one hold or release at a time: free RUs by node
// and by kind (bands, widest bandwidth, readiness), and counts of free RUs by site and kind. A decision
// then reads a few short lists (the first RUs that could serve a cell on a fronthaul group's nodes, a
// count per site) instead of every RU of the pool. No I/O.
import type { CellRequest } from "../domain/ran-deployment-spec.ts";
import type { RadioUnitSpec } from "../domain/ru-pool.ts";
import { fronthaulReady } from "./fronthaul-link.ts";
import type { RadioUnit } from "./inventory.ts";
import { toggleSorted } from "../domain/sorted-list.ts";
import { SiteRanking } from "./site-ranking.ts";

type CellShape = Pick<CellRequest, "band" | "bandwidthMHz">;

/** RUs that are alike to placement: the same bands, widest bandwidth and readiness. */
interface RuKind {
  key: string;
  bands: ReadonlySet<number>;
  maxBandwidthMHz: number;
  ready: boolean;
}

interface PoolEntry {
  spec: RadioUnitSpec;
  /** Its place in the pool (the order plans prefer RUs in). */
  position: number;
  kind: RuKind;
}

function radiates(kind: RuKind, cell: CellShape): boolean {
  return kind.bands.has(cell.band) && cell.bandwidthMHz <= kind.maxBandwidthMHz;
}

/** A site's RUs on one node (an RU names both; placement keeps to the site's RUs). */
function placeKey(site: string, node: string): string {
  return `${site}\u0000${node}`;
}

function withoutHolder(ru: RadioUnitSpec & { allocatedTo?: string | undefined }): RadioUnitSpec {
  if (!("allocatedTo" in ru)) return ru;
  const { allocatedTo: _, ...spec } = ru;
  return spec;
}

/** Rankings kept at once (one per set of RU kinds requests asked about); past it they are made again. */
const MAX_RANKINGS = 32;

export class RuPoolIndex {
  private readonly entries = new Map<string, PoolEntry>();
  private readonly inOrder: PoolEntry[] = [];
  private readonly holders = new Map<string, string>();
  private readonly kinds = new Map<string, RuKind>();
  /** site and node (`placeKey`) → kind → positions of its free RUs, ascending. */
  private readonly freeOnNode = new Map<string, Map<RuKind, number[]>>();
  /** site → kind → how many of its RUs are free. */
  private readonly freeAtSite = new Map<string, Map<RuKind, number>>();
  /** site and node (`placeKey`) → how many of its RUs are free. */
  private readonly freeCountOnNode = new Map<string, number>();
  /** Sites ranked by free RUs of the kinds that serve a request, per set of kinds asked about. */
  private readonly rankings = new Map<string, { serving: ReadonlySet<RuKind>; ranking: SiteRanking }>();

  /** The pool in its order, and who holds what (RU id → deployment; RUs not in the pool are kept too). */
  constructor(rus: readonly RadioUnitSpec[], holders: Iterable<readonly [string, string]> = []) {
    for (const [ruId, deploymentId] of holders) this.holders.set(ruId, deploymentId);
    for (const ru of rus) {
      const spec = withoutHolder(ru);
      const entry: PoolEntry = { spec, position: this.inOrder.length, kind: this.kindOf(spec) };
      this.entries.set(spec.id, entry);
      this.inOrder.push(entry);
      if (!this.holders.has(spec.id)) this.count(entry, +1);
    }
  }

  get size(): number {
    return this.inOrder.length;
  }

  /** The deployment now holds the RU. */
  hold(ruId: string, deploymentId: string): void {
    const wasFree = !this.holders.has(ruId);
    this.holders.set(ruId, deploymentId);
    const entry = this.entries.get(ruId);
    if (wasFree && entry !== undefined) this.count(entry, -1);
  }

  /** The RU was given back. */
  release(ruId: string): void {
    if (!this.holders.delete(ruId)) return;
    const entry = this.entries.get(ruId);
    if (entry !== undefined) this.count(entry, +1);
  }

  holderOf(ruId: string): string | undefined {
    return this.holders.get(ruId);
  }

  /** The RU with who holds it, or undefined when it is not in the pool. */
  get(ruId: string): RadioUnit | undefined {
    const entry = this.entries.get(ruId);
    return entry === undefined ? undefined : this.unit(entry);
  }

  /** Every RU in pool order with who holds it (a scan: for reports and refusals, not for decisions). */
  all(): RadioUnit[] {
    return this.inOrder.map((entry) => this.unit(entry));
  }

  /** How many RUs of the site on the node are free. */
  freeOn(site: string, node: string): number {
    return this.freeCountOnNode.get(placeKey(site, node)) ?? 0;
  }

  /** How many free RUs at the site are usable now and could serve at least one of the cells. */
  capableAt(site: string, cells: readonly CellShape[]): number {
    return this.capableCounter(cells)(site);
  }

  /** `capableAt` for one set of cells at many sites: which kinds of RU serve them is worked out once. */
  capableCounter(cells: readonly CellShape[]): (site: string) => number {
    const serving = this.servingKinds(cells);
    return (site) => {
      let capable = 0;
      for (const [kind, free] of this.freeAtSite.get(site) ?? []) if (serving.has(kind)) capable += free;
      return capable;
    };
  }

  /**
   * The pool's sites, those with the most free RUs that could serve one of the cells first (then by
   * name), with that number. Kept ranked across plans for each set of RU kinds asked about.
   */
  rankedSites(cells: readonly CellShape[]): Iterable<{ site: string; capable: number }> {
    const serving = this.servingKinds(cells);
    const key = [...serving].map((kind) => kind.key).join("|");
    let entry = this.rankings.get(key);
    if (entry === undefined) {
      if (this.rankings.size >= MAX_RANKINGS) this.rankings.clear();
      const count = this.capableCounter(cells);
      entry = { serving, ranking: new SiteRanking([...this.freeAtSite.keys()].map((s) => [s, count(s)])) };
      this.rankings.set(key, entry);
    }
    const { ranking } = entry;
    return (function* () {
      for (const { site, count } of ranking.bestFirst()) yield { site, capable: count };
    })();
  }

  /** The kinds of RU, usable now, that could serve at least one of the cells (in a stable order). */
  private servingKinds(cells: readonly CellShape[]): ReadonlySet<RuKind> {
    return new Set(
      [...this.kinds.values()].filter((kind) => kind.ready && cells.some((cell) => radiates(kind, cell))),
    );
  }

  /**
   * For each cell, the first `limit` free RUs (in pool order) of the site on the given nodes that are
   * usable now and could serve it, leaving out those in `skip`; all of them together, in pool order.
   * With as many per cell as there are cells, these hold a full matching whenever the whole pool does:
   * a cell matched further down its list always has a free one higher up.
   */
  firstCapable(
    site: string,
    nodes: readonly string[],
    cells: readonly CellShape[],
    limit: number,
    skip: ReadonlySet<string> = new Set(),
  ): RadioUnit[] {
    const chosen = new Set<number>();
    const shapes = new Map(cells.map((cell) => [`${cell.band}/${cell.bandwidthMHz}`, cell]));
    for (const cell of shapes.values()) {
      const positions: number[] = [];
      for (const node of nodes) {
        for (const [kind, free] of this.freeOnNode.get(placeKey(site, node)) ?? []) {
          if (!kind.ready || !radiates(kind, cell)) continue;
          let taken = 0;
          for (const position of free) {
            if (taken === limit) break;
            if (skip.has(this.inOrder[position]!.spec.id)) continue;
            positions.push(position);
            taken++;
          }
        }
      }
      positions.sort((a, b) => a - b);
      for (const position of positions.slice(0, limit)) chosen.add(position);
    }
    return [...chosen].sort((a, b) => a - b).map((position) => this.unit(this.inOrder[position]!));
  }

  private unit(entry: PoolEntry): RadioUnit {
    const holder = this.holders.get(entry.spec.id);
    return holder === undefined ? entry.spec : { ...entry.spec, allocatedTo: holder };
  }

  private kindOf(spec: RadioUnitSpec): RuKind {
    const bands = [...new Set(spec.bands)].sort((a, b) => a - b);
    const ready = fronthaulReady(spec);
    const key = `${bands.join(",")}/${spec.maxBandwidthMHz}/${ready}`;
    let kind = this.kinds.get(key);
    if (kind === undefined) {
      kind = { key, bands: new Set(bands), maxBandwidthMHz: spec.maxBandwidthMHz, ready };
      this.kinds.set(key, kind);
    }
    return kind;
  }

  /** Counts the RU as free (+1) or no longer free (-1). */
  private count(entry: PoolEntry, sign: 1 | -1): void {
    const { spec, kind, position } = entry;
    const place = placeKey(spec.site, spec.node);
    let byKind = this.freeOnNode.get(place);
    if (byKind === undefined) this.freeOnNode.set(place, (byKind = new Map<RuKind, number[]>()));
    let list = byKind.get(kind);
    if (list === undefined) byKind.set(kind, (list = []));
    toggleSorted(list, position, sign);
    let atSite = this.freeAtSite.get(spec.site);
    if (atSite === undefined) this.freeAtSite.set(spec.site, (atSite = new Map<RuKind, number>()));
    atSite.set(kind, (atSite.get(kind) ?? 0) + sign);
    this.freeCountOnNode.set(place, (this.freeCountOnNode.get(place) ?? 0) + sign);
    for (const { serving, ranking } of this.rankings.values())
      if (serving.has(kind)) ranking.adjust(spec.site, sign);
  }
}
