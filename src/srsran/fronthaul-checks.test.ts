import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { validateRuPool } from "../domain/ru-pool.ts";
import { previewSoftware, renderRequest } from "../offline/render-request.ts";
import type { DuConfig, RuEmulatorConfig } from "./config-types.ts";
import type { ResourceDefinition } from "../domain/resource-definition.ts";
import { configViolations } from "./config-violations.ts";
import { fronthaulViolations } from "./fronthaul-checks.ts";

const examples = new URL("../../examples/", import.meta.url);

/** The DU config and RU emulator configs an example renders (against its pool, when it has one). */
async function rendered(
  example: string,
  pool?: string,
): Promise<{ du: DuConfig; emulators: Map<number, RuEmulatorConfig>; definition: ResourceDefinition }> {
  const request = parse(await readFile(new URL(example, examples), "utf8")) as unknown;
  const validated =
    pool === undefined ? undefined : validateRuPool(parse(await readFile(new URL(pool, examples), "utf8")));
  if (validated !== undefined) assert.ok(validated.ok);
  const result = renderRequest(request, {
    deploymentId: "0190a5c4-7e1d-7000-8000-00000000000f",
    tenant: "t",
    software: previewSoftware(),
    ...(validated?.ok === true ? { pool: validated.pool } : {}),
  });
  assert.ok(result.ok, JSON.stringify(result));
  const emulators = new Map<number, RuEmulatorConfig>();
  for (const [path, text] of Object.entries(result.files)) {
    const cell = /^srsran\/ru-emulator-(\d+)\.yml$/.exec(path)?.[1];
    if (cell !== undefined) emulators.set(Number(cell), parse(text) as RuEmulatorConfig);
  }
  return { du: parse(result.files["srsran/du.yml"]!) as DuConfig, emulators, definition: result.definition };
}

describe("the DU's fronthaul checks", () => {
  it("pass for emulated RUs and for the example's real O-RUs", async () => {
    const emulated = await rendered("n78-two-cells.yaml");
    assert.equal(emulated.emulators.size, 2);
    assert.deepEqual(fronthaulViolations(emulated.du, emulated.emulators), []);
    const real = await rendered("o-ru/n78-two-o-rus.yaml", "o-ru/pool.yaml");
    assert.equal(real.emulators.size, 0);
    assert.deepEqual(fronthaulViolations(real.du, real.emulators), []);
  });

  const cases: [string, (c: { du: DuConfig; emulators: Map<number, RuEmulatorConfig> }) => void, RegExp][] = [
    [
      "a U-plane window no longer than a symbol",
      ({ du }) => (du.ru_ofh.cells[0]!.t1a_max_up = du.ru_ofh.cells[0]!.t1a_min_up + 35),
      /link 0.*U-plane T1a window .* not longer than a symbol \(35\.71 µs\)/,
    ],
    [
      "fewer DL ports than antennas",
      ({ du }) => (du.ru_ofh.cells[1]!.dl_port_id = []),
      /link 1.*0 DL ports for 1 DL antennas/,
    ],
    [
      "a repeated UL port",
      ({ du }) => ((du.cells[0]!.nof_antennas_ul = 1), (du.ru_ofh.cells[0]!.ul_port_id = [0, 0])),
      /duplicated UL port ids 0, 0/,
    ],
    [
      "both IQ scaling and a reference level",
      ({ du }) => (du.ru_ofh.cells[0]!.ru_reference_level_dBFS = -12),
      /cannot be set together/,
    ],
    [
      "no IQ scaling at all",
      ({ du }) => delete du.ru_ofh.cells[0]!.iq_scaling,
      /no IQ scaling and no reference level/,
    ],
    [
      "an RU MAC the emulator does not have",
      ({ emulators }) => (emulators.get(0)!.ru_emu.cells[0]!.ru_mac_addr = "06:00:00:00:00:99"),
      /RU MAC .* is not the RU emulator's "06:00:00:00:00:99"/,
    ],
    [
      "a UL compression the emulator cannot send",
      ({ du, emulators }) => {
        du.ru_ofh.cells[0]!.compr_bitwidth_ul = 8;
        du.ru_ofh.cells[0]!.compr_bitwidth_prach = 8;
        emulators.get(0)!.ru_emu.cells[0]!.compr_bitwidth_ul = 8;
      },
      /sends UL only as none\/16 or bfp\/9, not bfp\/8/,
    ],
    [
      "a static UL header towards an emulator",
      ({ du }) => (du.ru_ofh.cells[0]!.enable_ul_static_compr_hdr = true),
      /must not expect a static one/,
    ],
    [
      "a VLAN the emulator does not tag",
      ({ emulators }) => (emulators.get(1)!.ru_emu.cells[0]!.vlan_tag = 7),
      /link 1.*C-plane VLAN \d+ is not the RU emulator's 7/,
    ],
  ];
  for (const [what, breakIt, expected] of cases)
    it(`name the link for ${what}`, async () => {
      const configs = await rendered("n78-two-cells.yaml");
      breakIt(configs);
      const violations = fronthaulViolations(configs.du, configs.emulators);
      assert.ok(
        violations.some((v) => expected.test(v)),
        violations.join("\n"),
      );
    });
});

describe("the worker's config check", () => {
  it("passes every example, emulated and real O-RU, and names what a mutated definition breaks", async () => {
    const top = (await readdir(examples)).filter((f) => /\.(ya?ml|json)$/.test(f));
    const all: { file: string; pool?: string }[] = [
      ...top.map((file) => ({ file })),
      { file: "o-ru/n78-two-o-rus.yaml", pool: "o-ru/pool.yaml" },
    ];
    for (const { file, pool } of all) {
      const { definition } = await rendered(file, pool);
      assert.deepEqual(configViolations(definition), [], file);
    }
    const { definition } = await rendered("o-ru/n78-two-o-rus.yaml", "o-ru/pool.yaml");
    definition.cells[1]!.fronthaul.ofh!.t1a.up = { min: 80, max: 100 };
    definition.cells[0]!.fronthaul.prachPortIds = [4];
    assert.deepEqual(configViolations(definition), [
      "fronthaul link 0 (RU 70:b3:d5:e1:5b:06): 1 PRACH ports for 2 UL antennas",
      "fronthaul link 1 (RU 70:b3:d5:e1:5b:07): the U-plane T1a window 80–100 µs is not longer than a symbol (35.71 µs)",
    ]);
  });
});
