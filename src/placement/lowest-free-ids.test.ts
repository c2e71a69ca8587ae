import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { seededRandom } from "../../test/support/seeded-random.ts";
import { LowestFreeIds } from "./lowest-free-ids.ts";

/** The lowest free id the slow way: count up from 1. */
function scan(ids: ReadonlySet<number>): number {
  let id = 1;
  while (ids.has(id)) id++;
  return id;
}

describe("LowestFreeIds", () => {
  for (const seed of [1, 17, 2026]) {
    it(`answers what counting up from 1 answers through 2,000 random adds and deletes (seed ${seed})`, () => {
      const pick = seededRandom(seed);
      const ids = new LowestFreeIds();
      const reference = new Set<number>();
      for (let step = 0; step < 2000; step++) {
        // Mostly the lowest free (as plans take them), sometimes any id, and deletes anywhere.
        const choice = pick(10);
        if (choice < 4) {
          const id = ids.lowestFree();
          ids.add(id);
          reference.add(id);
        } else if (choice < 6) {
          const id = 1 + pick(300);
          ids.add(id);
          reference.add(id);
        } else {
          const id = 1 + pick(300);
          assert.equal(ids.delete(id), reference.delete(id));
        }
        assert.equal(ids.lowestFree(), scan(reference), `seed ${seed}, step ${step}`);
        assert.equal(ids.size, reference.size);
      }
    });
  }

  it("reads like the set it holds", () => {
    const ids = new LowestFreeIds([3, 1, 2, 7]);
    assert.equal(ids.lowestFree(), 4);
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      [1, 2, 3, 7],
    );
    assert.ok(ids.has(7) && !ids.has(4));
    ids.delete(2);
    assert.equal(ids.lowestFree(), 2);
  });
});
