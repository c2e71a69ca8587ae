// The FR1 NR operating bands RANaaS plans for: frequencies and duplex mode (TS 38.101-1 Table 5.2-1),
// channel raster (TS 38.104 Table 5.4.2.3-1), SSB subcarrier spacing (TS 38.104 Table 5.4.3.3-1) and
// channel bandwidths per SCS (TS 38.101-1 V15.7.0 Table 5.3.5-1; n48, which that version lacks, gets the
// n77/n78 set, a subset of what later releases list for it — later releases only add bandwidths).

export type Duplex = "FDD" | "TDD";
export type Scs = 15 | 30 | 60;

export interface FrequencyRangeMHz {
  low: number;
  high: number;
}

/** One row of TS 38.104 Table 5.4.2.3-1: N_REF from first, in steps of step, to last. */
export interface ChannelRaster {
  /** ΔF_Raster in kHz; bands with two rows (15/30 kHz) use the one equal to the SCS. */
  rasterKHz: 15 | 30 | 100;
  dl: { first: number; step: number; last: number };
  ul: { first: number; step: number; last: number };
}

export interface NrBand {
  band: number;
  duplex: Duplex;
  dl: FrequencyRangeMHz;
  ul: FrequencyRangeMHz;
  rasters: readonly ChannelRaster[];
  ssbScsKHz: readonly Scs[];
  bandwidthsMHz: Readonly<Partial<Record<Scs, readonly number[]>>>;
}

const raster100 = (dlFirst: number, dlLast: number, ulFirst = dlFirst, ulLast = dlLast): ChannelRaster[] => [
  {
    rasterKHz: 100,
    dl: { first: dlFirst, step: 20, last: dlLast },
    ul: { first: ulFirst, step: 20, last: ulLast },
  },
];
const tddRaster = (rasterKHz: 15 | 30, first: number, step: number, last: number): ChannelRaster => ({
  rasterKHz,
  dl: { first, step, last },
  ul: { first, step, last },
});

// Bandwidth sets shared by several bands in TS 38.101-1 V15.7.0 Table 5.3.5-1.
const COMMON = { 15: [5, 10, 15, 20], 30: [10, 15, 20], 60: [10, 15, 20] } as const;
const LOW_BAND = { 15: [5, 10, 15, 20], 30: [10, 15, 20] } as const;
const MID_BAND = {
  15: [10, 15, 20, 40, 50],
  30: [10, 15, 20, 40, 50, 60, 80, 100],
  60: [10, 15, 20, 40, 50, 60, 80, 100],
} as const;

export const NR_BANDS: readonly NrBand[] = [
  {
    band: 1,
    duplex: "FDD",
    ul: { low: 1920, high: 1980 },
    dl: { low: 2110, high: 2170 },
    rasters: raster100(422000, 434000, 384000, 396000),
    ssbScsKHz: [15],
    bandwidthsMHz: COMMON,
  },
  {
    band: 3,
    duplex: "FDD",
    ul: { low: 1710, high: 1785 },
    dl: { low: 1805, high: 1880 },
    rasters: raster100(361000, 376000, 342000, 357000),
    ssbScsKHz: [15],
    bandwidthsMHz: { 15: [5, 10, 15, 20, 25, 30], 30: [10, 15, 20, 25, 30], 60: [10, 15, 20, 25, 30] },
  },
  {
    band: 5,
    duplex: "FDD",
    ul: { low: 824, high: 849 },
    dl: { low: 869, high: 894 },
    rasters: raster100(173800, 178800, 164800, 169800),
    ssbScsKHz: [15, 30],
    bandwidthsMHz: LOW_BAND,
  },
  {
    band: 7,
    duplex: "FDD",
    ul: { low: 2500, high: 2570 },
    dl: { low: 2620, high: 2690 },
    rasters: raster100(524000, 538000, 500000, 514000),
    ssbScsKHz: [15],
    bandwidthsMHz: COMMON,
  },
  {
    band: 8,
    duplex: "FDD",
    ul: { low: 880, high: 915 },
    dl: { low: 925, high: 960 },
    rasters: raster100(185000, 192000, 176000, 183000),
    ssbScsKHz: [15],
    bandwidthsMHz: LOW_BAND,
  },
  {
    band: 20,
    duplex: "FDD",
    ul: { low: 832, high: 862 },
    dl: { low: 791, high: 821 },
    rasters: raster100(158200, 164200, 166400, 172400),
    ssbScsKHz: [15],
    bandwidthsMHz: LOW_BAND,
  },
  {
    band: 28,
    duplex: "FDD",
    ul: { low: 703, high: 748 },
    dl: { low: 758, high: 803 },
    rasters: raster100(151600, 160600, 140600, 149600),
    ssbScsKHz: [15],
    bandwidthsMHz: LOW_BAND,
  },
  {
    band: 38,
    duplex: "TDD",
    ul: { low: 2570, high: 2620 },
    dl: { low: 2570, high: 2620 },
    rasters: raster100(514000, 524000),
    ssbScsKHz: [15, 30],
    bandwidthsMHz: COMMON,
  },
  {
    band: 39,
    duplex: "TDD",
    ul: { low: 1880, high: 1920 },
    dl: { low: 1880, high: 1920 },
    rasters: raster100(376000, 384000),
    ssbScsKHz: [15, 30],
    bandwidthsMHz: {
      15: [5, 10, 15, 20, 25, 30, 40],
      30: [10, 15, 20, 25, 30, 40],
      60: [10, 15, 20, 25, 30, 40],
    },
  },
  {
    band: 40,
    duplex: "TDD",
    ul: { low: 2300, high: 2400 },
    dl: { low: 2300, high: 2400 },
    rasters: raster100(460000, 480000),
    ssbScsKHz: [30],
    bandwidthsMHz: {
      15: [5, 10, 15, 20, 25, 30, 40, 50],
      30: [10, 15, 20, 25, 30, 40, 50, 60, 80],
      60: [10, 15, 20, 25, 30, 40, 50, 60, 80],
    },
  },
  {
    band: 41,
    duplex: "TDD",
    ul: { low: 2496, high: 2690 },
    dl: { low: 2496, high: 2690 },
    rasters: [tddRaster(15, 499200, 3, 537999), tddRaster(30, 499200, 6, 537996)],
    ssbScsKHz: [15, 30],
    bandwidthsMHz: MID_BAND,
  },
  {
    band: 48,
    duplex: "TDD",
    ul: { low: 3550, high: 3700 },
    dl: { low: 3550, high: 3700 },
    rasters: [tddRaster(15, 636667, 1, 646666), tddRaster(30, 636668, 2, 646666)],
    ssbScsKHz: [30],
    bandwidthsMHz: MID_BAND,
  },
  {
    band: 66,
    duplex: "FDD",
    ul: { low: 1710, high: 1780 },
    dl: { low: 2110, high: 2200 },
    rasters: raster100(422000, 440000, 342000, 356000),
    ssbScsKHz: [15, 30],
    bandwidthsMHz: { 15: [5, 10, 15, 20, 40], 30: [10, 15, 20, 40], 60: [10, 15, 20, 40] },
  },
  {
    band: 77,
    duplex: "TDD",
    ul: { low: 3300, high: 4200 },
    dl: { low: 3300, high: 4200 },
    rasters: [tddRaster(15, 620000, 1, 680000), tddRaster(30, 620000, 2, 680000)],
    ssbScsKHz: [30],
    bandwidthsMHz: MID_BAND,
  },
  {
    band: 78,
    duplex: "TDD",
    ul: { low: 3300, high: 3800 },
    dl: { low: 3300, high: 3800 },
    rasters: [tddRaster(15, 620000, 1, 653333), tddRaster(30, 620000, 2, 653332)],
    ssbScsKHz: [30],
    bandwidthsMHz: MID_BAND,
  },
  {
    band: 79,
    duplex: "TDD",
    ul: { low: 4400, high: 5000 },
    dl: { low: 4400, high: 5000 },
    rasters: [tddRaster(15, 693334, 1, 733333), tddRaster(30, 693334, 2, 733332)],
    ssbScsKHz: [30],
    bandwidthsMHz: { 15: [40, 50], 30: [40, 50, 60, 80, 100], 60: [40, 50, 60, 80, 100] },
  },
];

const BY_NUMBER = new Map(NR_BANDS.map((b) => [b.band, b]));

export function findBand(band: number): NrBand | undefined {
  return BY_NUMBER.get(band);
}

export const SUPPORTED_BANDS: readonly number[] = NR_BANDS.map((b) => b.band);

/** The band's channel raster for a subcarrier spacing: the SCS-specific row where the band has one. */
export function channelRaster(band: NrBand, scsKHz: Scs): ChannelRaster {
  const exact = band.rasters.find((r) => r.rasterKHz === scsKHz);
  const raster = exact ?? band.rasters.find((r) => r.rasterKHz === 100) ?? band.rasters[0];
  if (raster === undefined) throw new Error(`band n${band.band} has no channel raster`);
  return raster;
}

export function allowedBandwidths(band: NrBand, scsKHz: Scs): readonly number[] {
  return band.bandwidthsMHz[scsKHz] ?? [];
}
