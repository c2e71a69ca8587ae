// `ranaas ru import` as a provider runs it: a pool file with bad O-RU records exits 2 naming every bad
// field of every record, an unreadable or malformed file exits 2 saying why, and a good one is imported
// into the pool (here into a database of the test's own), real radios with their fronthaul.
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MongoClient } from "mongodb";
import { parse, stringify } from "yaml";
import type { RadioUnitSpec } from "../src/domain/ru-pool.ts";
import { runCli } from "./support/cli.ts";
import { stackConfig, uniqueName } from "./support/stack.ts";

const examplePool = new URL("../examples/o-ru/pool.yaml", import.meta.url);

describe("ranaas ru import", () => {
  const database = uniqueName("ranaas_ru").replaceAll("-", "_");
  const env = { ...process.env, MONGODB_URI: stackConfig().mongodbUri, RANAAS_MONGODB_DATABASE: database };
  after(async () => {
    const client = new MongoClient(stackConfig().mongodbUri);
    await client.connect();
    await client.db(database).dropDatabase();
    await client.close();
  });

  it("exits 2 naming every bad field of every record, and imports nothing", async () => {
    const { rus } = parse(await readFile(examplePool, "utf8")) as { rus: RadioUnitSpec[] };
    // a: a combination srsRAN refuses; b: a value the schema refuses; c: a's MAC and a reversed window.
    const [a, b, c] = [rus[0], rus[1], rus[1]].map((ru) => structuredClone(ru!));
    a!.fronthaul!.eaxc.dl = [0, 1];
    b!.fronthaul!.compression.ul.method = "lzw" as "bfp";
    c!.id = "ran550-c";
    c!.fronthaul!.ruMac = a!.fronthaul!.ruMac;
    c!.fronthaul!.windows.t2aUp = { min: 400, max: 100 };
    const dir = await mkdtemp(join(tmpdir(), "ranaas-ru-"));
    const file = join(dir, "pool.yaml");
    await writeFile(file, stringify({ rus: [a, b, c] }));
    const result = await runCli(["ru", "import", file], env);
    assert.equal(result.code, 2, result.stderr);
    const named = result.stderr.split("\n").filter((line) => line.startsWith("  /"));
    assert.deepEqual(named.map((line) => line.trim().split(":")[0]).sort(), [
      "/rus/0/fronthaul/eaxc/dl",
      "/rus/1/fronthaul/compression/ul/method",
      "/rus/2/fronthaul/ruMac",
      "/rus/2/fronthaul/windows/t2aUp",
    ]);
    assert.match(result.stderr, /\/rus\/2\/fronthaul\/ruMac: 70:b3:d5:e1:5b:06 is also RU ran550-a's MAC/);
    const listed = await runCli(["ru", "list"], env);
    assert.equal(listed.stdout.trim(), "", "nothing was imported");
  });

  it("exits 2 saying why for a file it cannot read or parse", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ranaas-ru-"));
    const missing = await runCli(["ru", "import", join(dir, "nope.yaml")], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.yaml: ENOENT/);
    const broken = join(dir, "broken.yaml");
    await writeFile(broken, "rus: [ {id: x\n");
    const malformed = await runCli(["ru", "import", broken], env);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /cannot read .*broken\.yaml/);
  });

  it("imports the example's real O-RUs and lists them with their radio and PTP lock", async () => {
    const imported = await runCli(["ru", "import", new URL(examplePool).pathname], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /imported 2 RUs \(2 new\)/);
    const listed = await runCli(["ru", "list"], env);
    assert.deepEqual(listed.stdout.trim().split("\n"), [
      "ran550-a\tmetro-east\tedge-east-1\tn78\t≤100 MHz\tBenetel RAN550\tPTP locked",
      "ran550-b\tmetro-east\tedge-east-1\tn78\t≤100 MHz\tBenetel RAN550\tPTP locked",
    ]);
  });
});
