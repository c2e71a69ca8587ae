// `ranaas render` as a user runs it: files for a good request, exit code 2 with the field for a bad one,
// exit code 3 with what is missing when the topology cannot hold it.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "./support/cli.ts";

const example = fileURLToPath(new URL("../examples/n78-two-cells.yaml", import.meta.url));

describe("ranaas render", () => {
  it("plans against a provider's own RU pool with --pool, and refuses a bad pool naming each field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ranaas-pool-"));
    const pool = join(dir, "pool.yaml");
    await writeFile(
      pool,
      "rus:\n" +
        "  - {id: oru-a1, site: metro-east, node: edge-east-1, bands: [78], maxBandwidthMHz: 100}\n" +
        "  - {id: oru-a2, site: metro-east, node: edge-east-1, bands: [78], maxBandwidthMHz: 100}\n",
    );
    const out = join(dir, "out");
    const result = await runCli(["render", example, "--pool", pool, "--site", "metro-east", "--out", out]);
    assert.equal(result.code, 0, result.stderr);
    const def = JSON.parse(await readFile(join(out, "resource-definition.json"), "utf8")) as {
      site: string;
      du: { node: string };
      cu: { node: string };
      cells: { ruId: string; ruNode: string }[];
    };
    assert.equal(def.site, "metro-east");
    assert.equal(def.du.node, "edge-east-1");
    assert.equal(def.cu.node, "central");
    assert.deepEqual(
      def.cells.map((c) => `${c.ruId}@${c.ruNode}`),
      ["oru-a1@edge-east-1", "oru-a2@edge-east-1"],
    );
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "rus:\n  - {id: BAD, site: s, node: n, bands: [], maxBandwidthMHz: 1}\n");
    const refused = await runCli(["render", example, "--pool", bad, "--out", out]);
    assert.equal(refused.code, 2);
    for (const field of ["/rus/0/id", "/rus/0/bands", "/rus/0/maxBandwidthMHz"])
      assert.ok(refused.stderr.includes(field), `${field} is named: ${refused.stderr}`);
  });

  it("writes the srsRAN configs, manifests and resource definition of an example", async () => {
    const out = await mkdtemp(join(tmpdir(), "ranaas-render-"));
    const result = await runCli(["render", example, "--out", out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /site site-2/);
    assert.deepEqual((await readdir(join(out, "srsran"))).sort(), [
      "cu.yml",
      "du.yml",
      "ru-emulator-0.yml",
      "ru-emulator-1.yml",
    ]);
    const manifests = await readdir(join(out, "manifests"));
    assert.ok(manifests.includes("kustomization.yaml"));
    assert.equal(manifests.filter((f) => f.includes("-deployment-")).length, 4);
    const def = JSON.parse(await readFile(join(out, "resource-definition.json"), "utf8")) as {
      site: string;
      cells: unknown[];
    };
    assert.equal(def.site, "site-2");
    assert.equal(def.cells.length, 2);
  });

  it("renders the same files twice for the same request", async () => {
    const [a, b] = [
      await mkdtemp(join(tmpdir(), "ranaas-render-")),
      await mkdtemp(join(tmpdir(), "ranaas-render-")),
    ];
    await runCli(["render", example, "--out", a]);
    await runCli(["render", example, "--out", b]);
    for (const file of ["srsran/du.yml", "resource-definition.json"]) {
      assert.equal(await readFile(join(a, file), "utf8"), await readFile(join(b, file), "utf8"));
    }
  });

  it("exits 2 and names every bad field of an invalid request", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ranaas-render-"));
    const spec = join(dir, "bad.yaml");
    await writeFile(
      spec,
      "name: bad\namf: {address: 10.0.0.5}\nplmn: 00101\ntac: 7\nslices: [{sst: 1}]\ncells: [{band: 3, bandwidthMHz: 100}]\n",
    );
    const result = await runCli(["render", spec, "--out", join(dir, "out")]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\/plmn: must be a string/);
    await writeFile(
      spec,
      'name: bad\namf: {address: 10.0.0.5}\nplmn: "00101"\ntac: 7\nslices: [{sst: 1}]\ncells: [{band: 3, bandwidthMHz: 20}]\n',
    );
    const radio = await runCli(["render", spec, "--out", join(dir, "out")]);
    assert.equal(radio.code, 2);
    assert.match(radio.stderr, /\/cells\/0\/band: band n3 has no 30 kHz SSB/);
    await writeFile(
      spec,
      'name: bad\namf: [{address: 10.0.0.5}, {address: 10.0.0.6}]\nplmn: "00101"\ntac: 7\nslices: [{sst: 1}]\ncells: [{band: 78, bandwidthMHz: 20}]\n',
    );
    const amfs = await runCli(["render", spec, "--out", join(dir, "out")]);
    assert.equal(amfs.code, 2);
    assert.match(
      amfs.stderr,
      /\/amf\/1: PLMN 00101 is already served by \/amf\/0 \(10\.0\.0\.5:38412\); 10\.0\.0\.6:38412 cannot serve it too/,
    );
    assert.deepEqual(await readdir(dir), ["bad.yaml"], "nothing written for an invalid request");
  });

  it("exits 2 for a file it cannot read", async () => {
    const result = await runCli(["render", "/nonexistent/spec.yaml", "--out", tmpdir()]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot read \/nonexistent\/spec.yaml/);
  });

  it("exits 3 and says what is missing when no site can hold the request", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ranaas-render-"));
    const spec = join(dir, "big.json");
    const cells = Array.from({ length: 9 }, () => ({ band: 78, bandwidthMHz: 20 }));
    await writeFile(
      spec,
      JSON.stringify({
        name: "big",
        amf: { address: "10.0.0.5" },
        plmn: "00101",
        tac: 7,
        slices: [{ sst: 1 }],
        cells,
      }),
    );
    const result = await runCli(["render", spec, "--out", join(dir, "out")]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /insufficient-rus.*needs 9 RUs at one site/);
  });
});
