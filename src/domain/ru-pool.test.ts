import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { validateRuPool, type RadioUnitSpec } from "./ru-pool.ts";

const examplePool = new URL("../../examples/o-ru/pool.yaml", import.meta.url);

async function oRu(): Promise<RadioUnitSpec> {
  const pool = parse(await readFile(examplePool, "utf8")) as { rus: RadioUnitSpec[] };
  return pool.rus[0]!;
}

const DELETE = Symbol("delete");

/** A deep copy of `ru` with the field at `pointer` (a JSON pointer) set to `value`, or deleted. */
function changed(ru: RadioUnitSpec, pointer: string, value: unknown): unknown {
  const copy = structuredClone(ru) as unknown as Record<string, unknown>;
  const keys = pointer.split("/").slice(1);
  const last = keys.pop()!;
  let at = copy;
  for (const key of keys) at = at[key] as Record<string, unknown>;
  if (value === DELETE) delete at[last];
  else at[last] = value;
  return copy;
}

describe("the RU pool", () => {
  it("takes the example pool of real O-RUs and a pool of emulated RUs", async () => {
    assert.equal(validateRuPool(parse(await readFile(examplePool, "utf8"))).ok, true);
    const emulated = { id: "ru-1", site: "site-1", node: "edge-1", bands: [78], maxBandwidthMHz: 100 };
    assert.equal(validateRuPool({ rus: [emulated, { ...emulated, id: "ru-2", kind: "emulated" }] }).ok, true);
  });

  const cases: [string, string, unknown, string, RegExp][] = [
    ["no vendor", "/vendor", DELETE, "/rus/0/vendor", /needs its vendor/],
    ["no fronthaul", "/fronthaul", DELETE, "/rus/0/fronthaul", /needs its fronthaul/],
    ["an unknown kind", "/kind", "sdr", "/rus/0/kind", /one of emulated, o-ru/],
    ["a fronthaul on an emulated RU", "/kind", "emulated", "/rus/0/fronthaul", /derived/],
    ["a malformed MAC", "/fronthaul/ruMac", "70:b3:d5", "/rus/0/fronthaul/ruMac", /pattern/],
    ["a multicast MAC", "/fronthaul/ruMac", "01:00:5e:00:00:01", "/rus/0/fronthaul/ruMac", /multicast/],
    ["VLAN 0", "/fronthaul/vlan/uPlane", 0, "/rus/0/fronthaul/vlan/uPlane", />= 1/],
    ["VLAN 4095", "/fronthaul/vlan/cPlane", 4095, "/rus/0/fronthaul/vlan/cPlane", /<= 4094/],
    [
      "fewer DL eAxC ids than antennas",
      "/fronthaul/eaxc/dl",
      [0, 1],
      "/rus/0/fronthaul/eaxc/dl",
      /4 DL antennas/,
    ],
    [
      "fewer PRACH eAxC ids than UL antennas",
      "/fronthaul/eaxc/prach",
      [4],
      "/rus/0/fronthaul/eaxc/prach",
      /2 UL antennas/,
    ],
    ["a repeated eAxC id", "/fronthaul/eaxc/ul", [0, 0], "/rus/0/fronthaul/eaxc/ul", /duplicate/],
    [
      "an unknown compression",
      "/fronthaul/compression/ul/method",
      "lzw",
      "/rus/0/fronthaul/compression/ul/method",
      /one of none, bfp/,
    ],
    [
      "17-bit compression",
      "/fronthaul/compression/dl/bitwidth",
      17,
      "/rus/0/fronthaul/compression/dl/bitwidth",
      /<= 16/,
    ],
    [
      "uncompressed at 9 bits",
      "/fronthaul/compression/dl/method",
      "none",
      "/rus/0/fronthaul/compression/dl/bitwidth",
      /16 bits/,
    ],
    [
      "no static-header flag",
      "/fronthaul/compression/ul/staticHeader",
      DELETE,
      "/rus/0/fronthaul/compression/ul",
      /staticHeader/,
    ],
    [
      "a window that ends before it starts",
      "/fronthaul/windows/t2aUp",
      { min: 390, max: 80 },
      "/rus/0/fronthaul/windows/t2aUp",
      /after max/,
    ],
    [
      "a window past 1960 µs",
      "/fronthaul/windows/ta3/max",
      2000,
      "/rus/0/fronthaul/windows/ta3/max",
      /<= 1960/,
    ],
    [
      "both IQ scaling and a reference level",
      "/fronthaul/scaling",
      { iqScaling: 1, referenceLevelDbfs: -12 },
      "/rus/0/fronthaul/scaling",
      /iqScaling.*or referenceLevelDbfs/,
    ],
    [
      "a positive reference level",
      "/fronthaul/scaling",
      { referenceLevelDbfs: 3 },
      "/rus/0/fronthaul/scaling",
      /iqScaling.*or referenceLevelDbfs/,
    ],
    [
      "an SR-IOV interface without its resource",
      "/fronthaul/du",
      { kind: "sriov", mtu: 9000 },
      "/rus/0/fronthaul/du",
      /macvlan.*sriov/,
    ],
    ["an MTU below 1500", "/fronthaul/du/mtu", 1400, "/rus/0/fronthaul/du", /macvlan.*sriov/],
    [
      "a PTP domain outside its profile's",
      "/fronthaul/ptp/domain",
      44,
      "/rus/0/fronthaul/ptp/domain",
      /24–43/,
    ],
    [
      "an unknown PTP profile",
      "/fronthaul/ptp/profile",
      "G.8265.1",
      "/rus/0/fronthaul/ptp/profile",
      /G\.8275\.1/,
    ],
    ["a field RANaaS does not know", "/fronthaul/vlanPcp", 7, "/rus/0/fronthaul", /no field vlanPcp/],
    ["no cells", "/maxCells", 0, "/rus/0/maxCells", />= 1/],
  ];
  for (const [what, pointer, value, path, message] of cases)
    it(`refuses an O-RU with ${what}, naming ${path}`, async () => {
      const result = validateRuPool({ rus: [changed(await oRu(), pointer, value)] });
      assert.equal(result.ok, false);
      if (result.ok) return;
      const problem = result.problems.find((p) => p.path === path);
      assert.ok(problem !== undefined, `no problem at ${path}: ${JSON.stringify(result.problems)}`);
      assert.match(problem.message, message);
    });

  it("names the problems of every record at once, malformed or not", async () => {
    const ru = await oRu();
    const result = validateRuPool({
      rus: [
        changed(ru, "/fronthaul/vlan/cPlane", "five"),
        changed(changed(ru, "/id", "b") as RadioUnitSpec, "/fronthaul/eaxc/dl", [0]),
      ],
    });
    assert.deepEqual(result.ok ? [] : result.problems.map((p) => p.path), [
      "/rus/0/fronthaul/vlan/cPlane",
      "/rus/1/fronthaul/eaxc/dl",
    ]);
  });

  it("refuses two RUs with one MAC, naming the other", async () => {
    const ru = await oRu();
    const result = validateRuPool({ rus: [ru, { ...ru, id: "other" }] });
    assert.deepEqual(result.ok ? [] : result.problems, [
      { path: "/rus/1/fronthaul/ruMac", message: `${ru.fronthaul!.ruMac} is also RU ${ru.id}'s MAC` },
    ]);
  });
});
