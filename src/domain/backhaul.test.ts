import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { firstFreeAddress, parseBackhaulNetworks } from "./backhaul.ts";

describe("backhaul networks", () => {
  it("give out the lowest free address, skipping the gateway, within the range", () => {
    const net = {
      zone: "central",
      interface: "ens2f1",
      cidr: "192.0.2.0/29",
      gateway: "192.0.2.1",
      routes: [],
    };
    assert.equal(firstFreeAddress(net, new Set()), "192.0.2.2");
    assert.equal(firstFreeAddress(net, new Set(["192.0.2.2", "192.0.2.3"])), "192.0.2.4");
    assert.equal(
      firstFreeAddress(net, new Set(["192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5", "192.0.2.6"])),
      undefined,
      "network and broadcast addresses are never given out",
    );
    const ranged = { ...net, cidr: "192.0.2.0/24", rangeStart: "192.0.2.100", rangeEnd: "192.0.2.101" };
    assert.equal(firstFreeAddress(ranged, new Set(["192.0.2.100"])), "192.0.2.101");
    assert.equal(firstFreeAddress(ranged, new Set(["192.0.2.100", "192.0.2.101"])), undefined);
  });

  it("refuse a bad RANAAS_BACKHAUL_NETWORKS entry, naming it and the field", () => {
    const parsed = parseBackhaulNetworks(
      JSON.stringify([
        {
          zone: "central",
          interface: "ens2f1",
          cidr: "192.0.2.0/24",
          gateway: "198.51.100.1",
          routes: ["10.0.0.0/8"],
        },
        {
          zone: "central",
          interface: "an-interface-name-too-long",
          cidr: "192.0.2.0/33",
          routes: ["10.0.0.0/8"],
        },
      ]),
    );
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.problems, [
      { path: "/0/gateway", message: "198.51.100.1 is not in 192.0.2.0/24" },
      { path: "/1/zone", message: "zone central has a backhaul network already" },
      { path: "/1/interface", message: "must be a host interface name (1-15 characters)" },
      { path: "/1/cidr", message: "must be an IPv4 CIDR with a prefix of /8 to /30" },
      { path: "/1/routes", message: "needs a gateway to route through" },
    ]);
    assert.deepEqual(parseBackhaulNetworks("[]"), { ok: true, networks: [] });
    assert.ok(!parseBackhaulNetworks("{").ok);
  });
});
