import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_COMPUTE_PROFILE, duResources } from "./compute-profile.ts";

describe("the DU's compute", () => {
  const cpus = (cells: { bandwidthMHz: number; dlAntennas: number }[]) =>
    duResources(DEFAULT_COMPUTE_PROFILE, cells).cpuMillis / 1000;

  it("grows with each cell's bandwidth and DL antennas, in whole CPUs", () => {
    assert.equal(cpus([]), 2, "non-real-time work and the fronthaul timing thread");
    assert.equal(cpus([{ bandwidthMHz: 20, dlAntennas: 1 }]), 3);
    assert.equal(cpus([{ bandwidthMHz: 40, dlAntennas: 1 }]), 4);
    assert.equal(cpus([{ bandwidthMHz: 100, dlAntennas: 1 }]), 6);
    // srsRAN's chart: 12 CPUs for a gNB (CU included) with one 100 MHz 4T2R O-RU cell.
    assert.equal(
      cpus([{ bandwidthMHz: 100, dlAntennas: 4 }]) + DEFAULT_COMPUTE_PROFILE.cu.cpuMillis / 1000,
      12,
    );
    assert.equal(cpus(Array.from({ length: 4 }, () => ({ bandwidthMHz: 100, dlAntennas: 1 }))), 18);
  });
});
