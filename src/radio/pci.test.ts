import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { choosePci, choosePcis, PCI_COUNT } from "./pci.ts";

describe("PCI planning", () => {
  it("gives three co-sited cells three different PCI mod 3 values", () => {
    const pcis = choosePcis(new Set(), 3);
    assert.deepEqual(pcis, [0, 1, 2]);
  });

  it("avoids the mod-3 values the site already uses", () => {
    assert.equal(choosePci(new Set([0, 3, 1])), 2);
    assert.equal(choosePci(new Set([0, 1, 2, 5])), 3);
  });

  it("returns undefined when all 1008 PCIs are taken", () => {
    assert.equal(choosePci(new Set(Array.from({ length: PCI_COUNT }, (_, i) => i))), undefined);
  });

  it("never reuses a PCI at a site and balances mod 3", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1007 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 12 }),
        (used, count) => {
          const chosen = choosePcis(new Set(used), count);
          assert.ok(chosen);
          const all = [...used, ...chosen];
          assert.equal(new Set(all).size, all.length);
          for (const pci of chosen) assert.ok(pci >= 0 && pci < PCI_COUNT);
          const counts = [0, 1, 2].map((r) => chosen.filter((p) => p % 3 === r).length);
          if (used.length === 0) assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
        },
      ),
    );
  });
});
