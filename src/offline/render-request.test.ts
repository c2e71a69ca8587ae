// Golden files: every example request renders exactly the committed files under test/golden/<example>/.
// After an intended change, regenerate them with UPDATE_GOLDEN=1 npm run test:unit and review the diff.
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { DEFAULT_IMAGES } from "../domain/resource-definition.ts";
import { renderRequest } from "./render-request.ts";

const examplesDir = fileURLToPath(new URL("../../examples/", import.meta.url));
const goldenDir = fileURLToPath(new URL("../../test/golden/", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

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

  for (const [i, example] of examples.entries()) {
    it(`renders ${example} as committed`, async () => {
      const request = parse(await readFile(join(examplesDir, example), "utf8")) as unknown;
      const result = renderRequest(request, {
        deploymentId: `0190a5c4-7e1d-7000-8000-${String(i + 1).padStart(12, "0")}`,
        tenant: "example",
        images: DEFAULT_IMAGES,
      });
      assert.ok(result.ok, JSON.stringify(result));
      const dir = join(goldenDir, example.replace(/\.(ya?ml|json)$/, ""));
      if (update) {
        await rm(dir, { recursive: true, force: true });
        for (const [path, content] of Object.entries(result.files)) {
          await mkdir(dirname(join(dir, path)), { recursive: true });
          await writeFile(join(dir, path), content);
        }
      }
      assert.deepEqual(await listFiles(dir), Object.keys(result.files).sort(), "rendered file list differs");
      for (const [path, content] of Object.entries(result.files)) {
        assert.equal(
          content,
          await readFile(join(dir, path), "utf8"),
          `${path} differs from its golden file`,
        );
      }
    });
  }
});
