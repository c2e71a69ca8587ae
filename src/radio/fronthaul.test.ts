import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { chooseVlan, fronthaulMacs, isLocallyAdministeredUnicast } from "./fronthaul.ts";

describe("fronthaul identities", () => {
  it("derives distinct locally administered unicast MACs for the two ends of a link", () => {
    const { duMac, ruMac } = fronthaulMacs(0x66c001);
    assert.equal(duMac, "02:00:00:66:c0:01");
    assert.equal(ruMac, "06:00:00:66:c0:01");
  });

  it("gives different links different MACs, all locally administered and unicast", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 36 - 1 }),
        fc.integer({ min: 0, max: 2 ** 36 - 1 }),
        (a, b) => {
          const ma = fronthaulMacs(a);
          const mb = fronthaulMacs(b);
          for (const mac of [ma.duMac, ma.ruMac]) assert.ok(isLocallyAdministeredUnicast(mac), mac);
          assert.notEqual(ma.duMac, ma.ruMac);
          if (a !== b) assert.notEqual(ma.duMac, mb.duMac);
        },
      ),
    );
  });

  it("chooses the lowest free VLAN from 100, then below it", () => {
    assert.equal(chooseVlan(new Set()), 100);
    assert.equal(chooseVlan(new Set([100, 101])), 102);
    const allAbove = new Set(Array.from({ length: 3995 }, (_, i) => 100 + i));
    assert.equal(chooseVlan(allAbove), 1);
  });
});
