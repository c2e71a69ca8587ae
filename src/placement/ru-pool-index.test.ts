// The pool index must answer what a scan of the whole pool answers, after any sequence of holds and
// releases: random pools (bands, bandwidths, radios whose node lost PTP lock, RUs whose site and node
// disagree) and random sequences, checked against a filter over the pool after every step.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toFronthaul } from "../../test/support/o-ru-fronthaul.ts";
import { seededRandom } from "../../test/support/seeded-random.ts";
import type { RadioUnitSpec } from "../domain/ru-pool.ts";
import { canServe } from "./match-radio-units.ts";
import { RuPoolIndex } from "./ru-pool-index.ts";

const SITES = ["north", "south"];
const NODES = ["edge-1", "edge-2", "edge-3"];
const BANDS = [78, 41, 3];
const WIDTHS = [20, 40, 100];

function randomPool(pick: (n: number) => number, size: number): RadioUnitSpec[] {
  return Array.from({ length: size }, (_, i) => {
    const site = SITES[pick(SITES.length)]!;
    const bands = BANDS.filter(() => pick(2) === 0);
    const lock = pick(6);
    return {
      id: `ru-${i}`,
      site,
      // Mostly the site's own nodes; now and then a node named like another site's.
      node: `${pick(8) === 0 ? SITES[0] : site}-${NODES[pick(NODES.length)]!}`,
      bands: bands.length === 0 ? [78] : bands,
      maxBandwidthMHz: WIDTHS[pick(WIDTHS.length)]!,
      ...(lock < 2
        ? {
            kind: "o-ru" as const,
            vendor: "Acme",
            model: "R1",
            fronthaul: toFronthaul(`ru-${i}`, {
              dl: 2,
              ul: 1,
              vlan: 5,
              synced: lock === 0,
              compression: ["bfp", 9],
              staticHeader: false,
              delay: { min: 0, max: 0 },
            }),
          }
        : {}),
    };
  });
}

function randomCells(pick: (n: number) => number): { band: number; bandwidthMHz: number }[] {
  return Array.from({ length: 1 + pick(4) }, () => ({
    band: BANDS[pick(BANDS.length)]!,
    bandwidthMHz: WIDTHS[pick(WIDTHS.length)]!,
  }));
}

describe("RuPoolIndex", () => {
  for (const seed of [3, 11, 42, 2026, 65537]) {
    it(`agrees with a scan of the pool through 300 random holds and releases (seed ${seed})`, () => {
      const pick = seededRandom(seed);
      const pool = randomPool(pick, 60);
      const holders = new Map<string, string>();
      for (const ru of pool) if (pick(4) === 0) holders.set(ru.id, "d-initial");
      holders.set("ru-gone", "d-gone"); // held, but no longer in the pool
      const index = new RuPoolIndex(pool, holders);
      const scan = () => pool.map((ru) => ({ ...ru, allocatedTo: holders.get(ru.id) }));
      for (let step = 0; step < 300; step++) {
        const ru = pick(10) === 0 ? "ru-gone" : pool[pick(pool.length)]!.id;
        if (pick(2) === 0) {
          index.hold(ru, `d-${step}`);
          holders.set(ru, `d-${step}`);
        } else {
          index.release(ru);
          holders.delete(ru);
        }
        const at = `seed ${seed}, step ${step}`;
        const all = scan();
        const site = SITES[pick(SITES.length)]!;
        const cells = randomCells(pick);
        const nodes = NODES.filter(() => pick(2) === 0).map((n) => `${SITES[pick(SITES.length)]!}-${n}`);
        const skip = new Set(all.filter(() => pick(6) === 0).map((r) => r.id));
        const limit = 1 + pick(4);

        assert.deepEqual(
          index.all().map((r) => r.allocatedTo),
          all.map((r) => r.allocatedTo),
          at,
        );
        assert.equal(
          index.capableAt(site, cells),
          all.filter((r) => r.site === site && cells.some((cell) => canServe(r, cell))).length,
          at,
        );
        // Sites by free capable RUs (then by name), as the kept ranking gives them.
        const counted = SITES.map((s) => ({
          site: s,
          capable: all.filter((r) => r.site === s && cells.some((cell) => canServe(r, cell))).length,
        }));
        assert.deepEqual(
          [...index.rankedSites(cells)].filter((r) => r.capable > 0),
          counted
            .filter((r) => r.capable > 0)
            .sort((a, b) => b.capable - a.capable || (a.site < b.site ? -1 : 1)),
          at,
        );
        for (const node of nodes)
          assert.equal(
            index.freeOn(site, node),
            all.filter((r) => r.site === site && r.node === node && r.allocatedTo === undefined).length,
            at,
          );
        // Each cell's first `limit` capable RUs on the nodes, together in pool order.
        const expected = new Set<string>();
        for (const cell of cells)
          all
            .filter((r) => r.site === site && nodes.includes(r.node) && !skip.has(r.id) && canServe(r, cell))
            .slice(0, limit)
            .forEach((r) => expected.add(r.id));
        assert.deepEqual(
          index.firstCapable(site, nodes, cells, limit, skip).map((r) => r.id),
          all.filter((r) => expected.has(r.id)).map((r) => r.id),
          at,
        );
      }
    });
  }

  it("never hands out an RU with the holder it had before a release", () => {
    const pool = randomPool(seededRandom(5), 4).map((ru) => ({ ...ru, allocatedTo: "d-old" }));
    const index = new RuPoolIndex(pool, [["ru-0", "d-old"]]);
    index.release("ru-0");
    assert.equal(index.get("ru-0")?.allocatedTo, undefined);
    assert.equal(index.holderOf("ru-1"), undefined);
  });
});
