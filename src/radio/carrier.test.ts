import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { allowedBandwidths, channelRaster, findBand, NR_BANDS, type Scs } from "./bands.ts";
import { planCarrier, resourceBlocks, type RadioConstraints } from "./carrier.ts";
import { arfcnToKHz } from "./nr-arfcn.ts";

const ANY_SCS: RadioConstraints = { supportedScsKHz: [15, 30, 60], scsReason: "test" };

describe("channel bandwidths per band (TS 38.101-1 V15.7.0 Table 5.3.5-1)", () => {
  // [band, SCS kHz, bandwidths in MHz]: each row is that table's row for the band.
  const rows: [number, Scs, number[]][] = [
    [1, 15, [5, 10, 15, 20]],
    [3, 15, [5, 10, 15, 20, 25, 30]],
    [3, 30, [10, 15, 20, 25, 30]],
    [5, 30, [10, 15, 20]],
    [28, 15, [5, 10, 15, 20]],
    [39, 30, [10, 15, 20, 25, 30, 40]],
    [40, 30, [10, 15, 20, 25, 30, 40, 50, 60, 80]],
    [41, 15, [10, 15, 20, 40, 50]],
    [41, 30, [10, 15, 20, 40, 50, 60, 80, 100]],
    [66, 30, [10, 15, 20, 40]],
    [77, 30, [10, 15, 20, 40, 50, 60, 80, 100]],
    [78, 15, [10, 15, 20, 40, 50]],
    [78, 30, [10, 15, 20, 40, 50, 60, 80, 100]],
    [79, 30, [40, 50, 60, 80, 100]],
  ];
  for (const [band, scs, expected] of rows) {
    it(`n${band} at ${scs} kHz: ${expected.join(", ")} MHz`, () => {
      const info = findBand(band);
      assert.ok(info);
      assert.deepEqual(allowedBandwidths(info, scs), expected);
    });
  }

  it("N_RB per bandwidth and SCS (TS 38.104 Table 5.3.2-1)", () => {
    assert.equal(resourceBlocks(5, 15), 25);
    assert.equal(resourceBlocks(20, 30), 51);
    assert.equal(resourceBlocks(40, 30), 106);
    assert.equal(resourceBlocks(100, 30), 273);
    assert.equal(resourceBlocks(100, 15), undefined);
  });
});

describe("planCarrier", () => {
  it("picks the raster point nearest the centre of n78 for a 20 MHz channel at 30 kHz", () => {
    const plan = planCarrier({ band: 78, bandwidthMHz: 20 });
    assert.ok(plan.ok);
    assert.equal(plan.carrier.scsKHz, 30);
    assert.equal(plan.carrier.duplex, "TDD");
    assert.equal(plan.carrier.dlArfcn, 636666);
    assert.equal(plan.carrier.ulArfcn, 636666);
    assert.equal(plan.carrier.resourceBlocks, 51);
  });

  it("pairs the UL ARFCN of an FDD band with the DL one (n66, TS 38.104 Table 5.4.2.3-1)", () => {
    const plan = planCarrier({ band: 66, bandwidthMHz: 20, dlArfcn: 431000 });
    assert.ok(plan.ok);
    assert.equal(plan.carrier.duplex, "FDD");
    assert.equal(plan.carrier.dlCentreMHz, 2155);
    assert.equal(plan.carrier.ulArfcn, 351000);
    assert.equal(plan.carrier.ulCentreMHz, 1755);
  });

  it("accepts a given DL ARFCN on the raster", () => {
    const plan = planCarrier({ band: 78, bandwidthMHz: 20, dlArfcn: 650000 });
    assert.ok(plan.ok);
    assert.equal(plan.carrier.dlArfcn, 650000);
  });

  const refusals: [string, Parameters<typeof planCarrier>[0], string, RegExp][] = [
    ["an unknown band", { band: 99, bandwidthMHz: 20 }, "band", /n99 is not supported/],
    ["100 MHz on n3", { band: 3, bandwidthMHz: 100, scsKHz: 15 }, "scsKHz", /ru_emulator/],
    ["15 kHz on emulated RUs", { band: 78, bandwidthMHz: 20, scsKHz: 15 }, "scsKHz", /only at 30 kHz/],
    ["a band with only a 15 kHz SSB", { band: 3, bandwidthMHz: 20 }, "band", /no 30 kHz SSB/],
    [
      "a bandwidth the band lacks",
      { band: 78, bandwidthMHz: 30 },
      "bandwidthMHz",
      /allowed: 10, 15, 20, 40, 50, 60, 80, 100/,
    ],
    ["an ARFCN off the raster", { band: 78, bandwidthMHz: 20, dlArfcn: 650001 }, "dlArfcn", /steps of 2/],
    [
      "an ARFCN outside the band",
      { band: 78, bandwidthMHz: 20, dlArfcn: 700000 },
      "dlArfcn",
      /620000–653332/,
    ],
    [
      "a channel over the band edge",
      { band: 78, bandwidthMHz: 100, dlArfcn: 620000 },
      "dlArfcn",
      /does not fit/,
    ],
  ];
  for (const [what, request, field, message] of refusals) {
    it(`refuses ${what} and names the field`, () => {
      const plan = planCarrier(request);
      assert.equal(plan.ok, false);
      if (!plan.ok) {
        assert.equal(plan.problems[0]?.field, field);
        assert.match(plan.problems[0]?.message ?? "", message);
      }
    });
  }

  it("refuses 100 MHz on n3 even at 15 kHz, because the band does not allow it", () => {
    const plan = planCarrier({ band: 3, bandwidthMHz: 100, scsKHz: 15 }, ANY_SCS);
    assert.equal(plan.ok, false);
    if (!plan.ok)
      assert.match(plan.problems[0]?.message ?? "", /100 MHz is not a channel bandwidth of band n3/);
  });

  it("puts every default carrier on the band's raster with the whole channel inside the band", () => {
    const cases = NR_BANDS.flatMap((band) =>
      ([15, 30] as Scs[])
        .filter((scs) => band.ssbScsKHz.includes(scs))
        .flatMap((scs) => allowedBandwidths(band, scs).map((bw) => ({ band, scs, bw }))),
    );
    fc.assert(
      fc.property(fc.constantFrom(...cases), ({ band, scs, bw }) => {
        const plan = planCarrier({ band: band.band, bandwidthMHz: bw, scsKHz: scs }, ANY_SCS);
        assert.ok(plan.ok, `n${band.band} ${bw} MHz @${scs}`);
        const raster = channelRaster(band, scs);
        const { dlArfcn, ulArfcn } = plan.carrier;
        assert.equal((dlArfcn - raster.dl.first) % raster.dl.step, 0);
        assert.ok(dlArfcn >= raster.dl.first && dlArfcn <= raster.dl.last);
        const half = (bw * 1000) / 2;
        assert.ok(arfcnToKHz(dlArfcn) - half >= band.dl.low * 1000);
        assert.ok(arfcnToKHz(dlArfcn) + half <= band.dl.high * 1000);
        assert.ok(arfcnToKHz(ulArfcn) - half >= band.ul.low * 1000);
        assert.ok(arfcnToKHz(ulArfcn) + half <= band.ul.high * 1000);
      }),
    );
  });

  it("accepts exactly the raster points whose channel fits, for any requested ARFCN", () => {
    const n78 = findBand(78);
    assert.ok(n78);
    fc.assert(
      fc.property(fc.integer({ min: 615000, max: 660000 }), fc.constantFrom(10, 20, 40, 100), (arfcn, bw) => {
        const plan = planCarrier({ band: 78, bandwidthMHz: bw, dlArfcn: arfcn });
        const onRaster = arfcn >= 620000 && arfcn <= 653332 && arfcn % 2 === 0;
        const centre = arfcnToKHz(arfcn);
        const fits = centre - (bw * 1000) / 2 >= 3_300_000 && centre + (bw * 1000) / 2 <= 3_800_000;
        assert.equal(plan.ok, onRaster && fits);
      }),
    );
  });
});
