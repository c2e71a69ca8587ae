import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { arfcnToKHz, arfcnToMHz, kHzToArfcn } from "./nr-arfcn.ts";

describe("NR-ARFCN ↔ frequency (TS 38.104 §5.4.2.1)", () => {
  // [NR-ARFCN, MHz, where the pair comes from]
  const rows: [number, number, string][] = [
    [0, 0, "Table 5.4.2.1-1: first N_REF of 0–3000 MHz"],
    [599999, 2999.995, "Table 5.4.2.1-1: last N_REF of 0–3000 MHz (ΔF_Global 5 kHz)"],
    [600000, 3000, "Table 5.4.2.1-1: N_REF-Offs 600000 ↔ F_REF-Offs 3000 MHz"],
    [2016666, 24249.99, "Table 5.4.2.1-1: last N_REF of 3000–24250 MHz (ΔF_Global 15 kHz)"],
    [2016667, 24250.08, "Table 5.4.2.1-1: N_REF-Offs 2016667 ↔ F_REF-Offs 24250.08 MHz"],
    [422000, 2110, "Table 5.4.2.3-1 n1 first DL N_REF = TS 38.101-1 Table 5.2-1 n1 F_DL_low"],
    [434000, 2170, "Table 5.4.2.3-1 n1 last DL N_REF = n1 F_DL_high"],
    [361000, 1805, "Table 5.4.2.3-1 n3 first DL N_REF = n3 F_DL_low"],
    [173800, 869, "Table 5.4.2.3-1 n5 first DL N_REF = n5 F_DL_low"],
    [158200, 791, "Table 5.4.2.3-1 n20 first DL N_REF = n20 F_DL_low"],
    [151600, 758, "Table 5.4.2.3-1 n28 first DL N_REF = n28 F_DL_low"],
    [499200, 2496, "Table 5.4.2.3-1 n41 first N_REF = n41 F_low"],
    [620000, 3300, "Table 5.4.2.3-1 n77/n78 first N_REF = F_low 3300 MHz"],
    [653333, 3799.995, "Table 5.4.2.3-1 n78 last N_REF, 15 kHz raster"],
    [680000, 4200, "Table 5.4.2.3-1 n77 last N_REF = F_high 4200 MHz"],
    [693334, 4400.01, "Table 5.4.2.3-1 n79 first N_REF"],
    [733333, 4999.995, "Table 5.4.2.3-1 n79 last N_REF, 15 kHz raster"],
    [636667, 3550.005, "Table 5.4.2.3-1 n48 first N_REF, 15 kHz raster"],
    [650000, 3750, "srsRAN example DU config: dl_arfcn 650000 on n78"],
  ];
  for (const [arfcn, mhz, source] of rows) {
    it(`${arfcn} ↔ ${mhz} MHz (${source})`, () => {
      assert.equal(arfcnToMHz(arfcn), mhz);
      assert.equal(kHzToArfcn(Math.round(mhz * 1000)), arfcn);
    });
  }

  it("refuses NR-ARFCNs outside the global raster", () => {
    assert.throws(() => arfcnToKHz(-1), RangeError);
    assert.throws(() => arfcnToKHz(3279166), RangeError);
    assert.throws(() => arfcnToKHz(1.5), RangeError);
  });

  it("says a frequency between raster points has no NR-ARFCN", () => {
    assert.equal(kHzToArfcn(2_110_001), undefined);
    assert.equal(kHzToArfcn(3_300_010), undefined);
  });

  it("round-trips every NR-ARFCN of FR1", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2016666 }), (arfcn) => kHzToArfcn(arfcnToKHz(arfcn)) === arfcn),
    );
  });
});
