import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isValidGnbId, maxCellsPerGnb, nci, nciHex, nrCgi, parsePlmn } from "./identity.ts";

describe("gNB ID and NCI", () => {
  it("puts the gNB ID in the leftmost bits of the 36-bit NCI", () => {
    // srsRAN's defaults: gnb_id 411 with 22 bits; sector 1 → NCI 0x00066C001.
    assert.equal(nci(411, 22, 1), 411 * 2 ** 14 + 1);
    assert.equal(nciHex(nci(411, 22, 1)), "00066C001");
    assert.equal(nciHex(nci(2 ** 32 - 1, 32, 15)), "FFFFFFFFF");
  });

  it("refuses gNB IDs outside their bit length and cell IDs outside the rest", () => {
    assert.equal(isValidGnbId(2 ** 22, 22), false);
    assert.equal(isValidGnbId(5, 21), false);
    assert.throws(() => nci(1, 22, maxCellsPerGnb(22)), RangeError);
    assert.throws(() => nci(2 ** 22, 22, 0), RangeError);
  });

  it("recovers the gNB ID from the NCI's leftmost bits for every bit length", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 22, max: 32 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        (bits, f, c) => {
          const gnbId = Math.floor(f * 2 ** bits) % 2 ** bits;
          const cellId = c % maxCellsPerGnb(bits);
          const value = nci(gnbId, bits, cellId);
          assert.ok(value < 2 ** 36);
          assert.equal(Math.floor(value / 2 ** (36 - bits)), gnbId);
          assert.equal(value % 2 ** (36 - bits), cellId);
        },
      ),
    );
  });

  it("formats the NR-CGI from PLMN and NCI", () => {
    assert.deepEqual(parsePlmn("310410"), { mcc: "310", mnc: "410" });
    assert.equal(nrCgi("00101", nci(411, 22, 1)), "001-01-00066C001");
    assert.throws(() => parsePlmn("0010"), RangeError);
  });
});
