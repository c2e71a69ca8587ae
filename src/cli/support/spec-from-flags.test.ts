import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAmf, parseSlice, resizeCells, specFromFlags } from "./spec-from-flags.ts";

describe("ranaas create flags", () => {
  it("builds a whole request from flags alone", () => {
    const spec = specFromFlags(
      undefined,
      { cells: 2, band: 78, bandwidth: 20, plmn: "00101", tac: 7, amf: ["10.0.0.5"] },
      "k3x9",
    );
    assert.deepEqual(spec, {
      name: "ran-k3x9",
      plmn: "00101",
      tac: 7,
      amf: [{ address: "10.0.0.5" }],
      slices: [{ sst: 1 }],
      cells: [
        { band: 78, bandwidthMHz: 20 },
        { band: 78, bandwidthMHz: 20 },
      ],
    });
  });

  it("overrides a spec file field by field and resizes its cells from the last one", () => {
    const base = {
      name: "campus",
      plmn: "00101",
      tac: 1,
      amf: [{ address: "amf" }],
      slices: [{ sst: 1, sd: "000001" }],
      cells: [{ band: 78, bandwidthMHz: 40, pci: 10 }],
    };
    const spec = specFromFlags(base, { tac: 9, cells: 3, amf: ["amf.core:38413", "10.1.1.1"] }, "x");
    assert.equal(spec.name, "campus");
    assert.equal(spec.tac, 9);
    assert.deepEqual(spec.amf, [{ address: "amf.core", port: 38413 }, { address: "10.1.1.1" }]);
    assert.deepEqual(spec.slices, [{ sst: 1, sd: "000001" }]);
    assert.deepEqual(spec.cells, [
      { band: 78, bandwidthMHz: 40, pci: 10 },
      { band: 78, bandwidthMHz: 40 },
      { band: 78, bandwidthMHz: 40 },
    ]);
  });

  it("leaves out what was not given, so the API names the missing fields", () => {
    const spec = specFromFlags(undefined, { name: "a" }, "x");
    assert.deepEqual(spec, { name: "a", slices: [{ sst: 1 }] });
  });

  it("parses AMF and slice flags", () => {
    assert.deepEqual(parseAmf("10.0.0.5:38412"), { address: "10.0.0.5", port: 38412 });
    assert.deepEqual(parseAmf("amf.example"), { address: "amf.example" });
    assert.deepEqual(parseAmf("10.0.0.6:38413@00102,00103"), {
      address: "10.0.0.6",
      port: 38413,
      plmns: ["00102", "00103"],
    });
    assert.deepEqual(parseSlice("1:0000AB"), { sst: 1, sd: "0000AB" });
    assert.deepEqual(parseSlice("3"), { sst: 3 });
  });

  it("shrinks cells from the end", () => {
    assert.deepEqual(resizeCells([{ pci: 1 }, { pci: 2 }, { pci: 3 }], 1), [{ pci: 1 }]);
  });
});
