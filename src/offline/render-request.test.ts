// Golden files: every example request renders exactly the committed files under test/golden/<example>/
// (for srsRAN; one example also for OCUDU, under test/golden/<example>.ocudu/), with only keys the
// flavour's schema has and nothing its CU's start-up rules refuse.
// After an intended change, regenerate them with UPDATE_GOLDEN=1 npm run test:unit and review the diff.
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { unknownKeys } from "../srsran/config-keys.ts";
import { cuAmfViolations, f1SetupViolations } from "../../test/support/srsran-validators.ts";
import type { RanFlavour } from "../domain/resource-definition.ts";
import type { CuConfig, DuConfig } from "../srsran/config-types.ts";
import { validateRuPool, type RuPool } from "../domain/ru-pool.ts";
import { previewSoftware, renderRequest } from "./render-request.ts";

const examplesDir = fileURLToPath(new URL("../../examples/", import.meta.url));
const goldenDir = fileURLToPath(new URL("../../test/golden/", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";
const OCUDU_EXAMPLE = "n41-four-cells-two-amfs.json";

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? listFiles(join(dir, e.name), `${prefix}${e.name}/`)
        : Promise.resolve([`${prefix}${e.name}`]),
    ),
  );
  return nested.flat().sort();
}

describe("golden files of the examples", async () => {
  const examples = (await readdir(examplesDir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

  it("covers 1, 2, 4 and 8 cells, TDD and FDD, one and several AMFs, slices with and without SD", async () => {
    const requests = await Promise.all(
      examples.map(
        async (f) => parse(await readFile(join(examplesDir, f), "utf8")) as Record<string, unknown[]>,
      ),
    );
    const cellCounts = new Set(requests.map((r) => (r.cells ?? []).length));
    for (const n of [1, 2, 4, 8]) assert.ok(cellCounts.has(n), `no example with ${n} cells`);
  });

  // Every example for srsRAN; one for OCUDU too (its golden folder is named <example>.ocudu).
  const renders: { example: string; i: number; flavour: RanFlavour }[] = [
    ...examples.map((example, i) => ({ example, i, flavour: "srsran" as const })),
    ...examples
      .map((example, i) => ({ example, i, flavour: "ocudu" as const }))
      .filter((r) => r.example === OCUDU_EXAMPLE),
  ];
  it("renders one example for OCUDU", () => assert.equal(renders.length, examples.length + 1));

  for (const { example, i, flavour } of renders) {
    const name = example.replace(/\.(ya?ml|json)$/, "") + (flavour === "srsran" ? "" : `.${flavour}`);
    it(`renders ${name} as committed, with only keys ${flavour} knows`, () =>
      rendersAsCommitted(join(examplesDir, example), name, i, flavour));
  }

  // Examples for a provider's own radios: examples/<dir>/pool.yaml and the requests beside it, planned
  // against that pool; golden files under test/golden/<dir>/<request>/.
  const poolDirs = (await readdir(examplesDir, { withFileTypes: true })).filter((e) => e.isDirectory());
  for (const dir of poolDirs) {
    const requests = (await readdir(join(examplesDir, dir.name)))
      .filter((f) => /\.(ya?ml|json)$/.test(f) && f !== "pool.yaml")
      .sort();
    for (const [j, example] of requests.entries()) {
      const name = `${dir.name}/${example.replace(/\.(ya?ml|json)$/, "")}`;
      it(`renders ${name} against its RU pool as committed, with only keys srsran knows`, async () => {
        const pool = validateRuPool(parse(await readFile(join(examplesDir, dir.name, "pool.yaml"), "utf8")));
        assert.ok(pool.ok, JSON.stringify(pool));
        await rendersAsCommitted(join(examplesDir, dir.name, example), name, 100 + j, "srsran", pool.pool);
      });
    }
  }
});

async function rendersAsCommitted(
  file: string,
  name: string,
  i: number,
  flavour: RanFlavour,
  pool?: RuPool,
): Promise<void> {
  const request = parse(await readFile(file, "utf8")) as unknown;
  const result = renderRequest(request, {
    deploymentId: `0190a5c4-7e1d-7000-8000-${String(i + 1).padStart(12, "0")}`,
    tenant: "example",
    software: previewSoftware(flavour),
    ...(pool === undefined ? {} : { pool }),
  });
  assert.ok(result.ok, JSON.stringify(result));
  const cu = parse(result.files["srsran/cu.yml"] ?? "") as CuConfig;
  const du = parse(result.files["srsran/du.yml"] ?? "") as DuConfig;
  assert.deepEqual(unknownKeys(flavour, "cu", cu), [], "keys the CU would refuse");
  assert.deepEqual(unknownKeys(flavour, "du", du), [], "keys the DU would refuse");
  for (const [path, text] of Object.entries(result.files))
    if (path.startsWith("srsran/ru-emulator"))
      assert.deepEqual(unknownKeys(flavour, "ru_emulator", parse(text) as object), [], path);
  assert.deepEqual(cuAmfViolations(cu), [], "the CU would refuse its AMFs");
  assert.deepEqual(f1SetupViolations(cu, du), [], "the CU would refuse a cell at F1 setup");
  const dir = join(goldenDir, name);
  if (update) {
    await rm(dir, { recursive: true, force: true });
    for (const [path, content] of Object.entries(result.files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
  }
  assert.deepEqual(await listFiles(dir), Object.keys(result.files).sort(), "rendered file list differs");
  for (const [path, content] of Object.entries(result.files)) {
    assert.equal(content, await readFile(join(dir, path), "utf8"), `${path} differs from its golden file`);
  }
}
