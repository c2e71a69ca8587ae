// The operator's path through the CLI alone, against a running RANaaS on the local stack: login, create
// with --wait (progress, then connection details), list/get in every format, scale, watch, delete, and
// the exit codes scripts rely on.
import assert from "node:assert/strict";
import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { runCli, startCli } from "./support/cli.ts";
import { freePort } from "./support/services.ts";
import { startRanaas, type Ranaas } from "./support/ranaas.ts";

interface View {
  id: string;
  name: string;
  state: string;
  spec: { cells: unknown[] };
  plan: { cells: { pci: number; nrCgi: string }[] } | null;
  connection: { n3: { address: string } } | null;
}

/** `create` flags for a valid request of `cells` n78 cells. */
const cellFlags = (cells: number) => [
  ...["--cells", String(cells), "--band", "78", "--bandwidth", "20"],
  ...["--plmn", "00101", "--tac", "7", "--amf", "10.0.0.5"],
];

describe("ranaas CLI client", { timeout: 300_000 }, () => {
  let ranaas: Ranaas;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let id = "";

  before(async () => {
    ranaas = await startRanaas({ "op-cli": "operator", provider: "admin" }, "ranaas_cli");
    home = await mkdtemp(join(tmpdir(), "ranaas-cli-"));
    const { RANAAS_URL: _u, RANAAS_API_KEY: _k, ...rest } = process.env;
    env = { ...rest, RANAAS_CONFIG: join(home, "ranaas", "config.json") };
  });

  after(async () => {
    await ranaas.stop();
    await rm(home, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli(args, env);

  it("refuses commands before login, then logs in and keeps the key in a 0600 file", async () => {
    const before = await cli("list");
    assert.equal(before.code, 5, before.stderr);
    assert.match(before.stderr, /not logged in/);

    const wrong = await runCli(["login", ranaas.fleet.apiUrl, "--api-key-stdin"], env, "rns_bad_key\n");
    assert.equal(wrong.code, 5, wrong.stderr);

    const login = await runCli(
      ["login", ranaas.fleet.apiUrl, "--api-key-stdin"],
      env,
      `${ranaas.keys["op-cli"]}\n`,
    );
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /as tenant op-cli \(operator\)/);
    assert.ok(!login.stdout.includes(ranaas.keys["op-cli"] ?? "?"), "the key is not printed");
    const file = await stat(env.RANAAS_CONFIG ?? "");
    assert.equal(file.mode & 0o777, 0o600);
  });

  it("creates from flags with --wait: progress per component, then the connection details", async () => {
    const result = await cli("create", "--name", "cli-campus", ...cellFlags(2), "--wait", "--timeout", "2m");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /accepted/);
    assert.match(result.stderr, /→ ready/);
    for (const component of ["cu", "du", "ru-emulator-0", "ru-emulator-1"])
      assert.match(result.stderr, new RegExp(`✓ ${component} ready on \\S+`));
    assert.match(result.stdout, /State:\s+ready/);
    assert.match(result.stdout, /N2\s+AMF 10\.0\.0\.5:38412 sees SCTP from \d+\.\d+\.\d+\.\d+/);
    assert.match(result.stdout, /N3\s+UPF sends GTP-U to \d+\.\d+\.\d+\.\d+:2152/);
  });

  it("lists and gets as a table, JSON and YAML", async () => {
    const table = await cli("list");
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+ID\s+STATE\s+SITE\s+CELLS\s+GNB-ID\s+AGE\n/);
    assert.match(table.stdout, /cli-campus\s+\S+\s+ready\s+site-\d\s+2\s+\d+/);

    const json = JSON.parse((await cli("list", "-o", "json")).stdout) as View[];
    const found = json.find((v) => v.name === "cli-campus");
    assert.ok(found);
    id = found.id;

    const yaml = parse((await cli("get", id, "-o", "yaml")).stdout) as View;
    assert.equal(yaml.state, "ready");
    const byName = parse((await cli("get", "cli-campus", "-o", "yaml")).stdout) as View;
    assert.equal(byName.id, id, "a deployment can be named by its name too");
    const missing = await cli("get", "no-such-deployment");
    assert.equal(missing.code, 4, missing.stderr);
    assert.match(missing.stderr, /no deployment named no-such-deployment/);
    assert.equal(yaml.plan?.cells.length, 2);
    assert.ok(yaml.connection?.n3.address);
  });

  it("scales with --wait and watch streams the changes until the deployment is deleted", async () => {
    const watch = startCli(["watch", id, "-o", "json"], env);
    const scaled = await cli("scale", id, "--cells", "3", "--wait", "-o", "json");
    assert.equal(scaled.code, 0, scaled.stderr);
    const view = JSON.parse(scaled.stdout) as View;
    assert.equal(view.state, "ready");
    assert.equal(view.plan?.cells.length, 3);

    const deleted = await cli("delete", id, "--wait");
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /cli-campus \(\S+\) deleted/);

    const watched = await watch.result; // ends by itself once the deployment is deleted
    assert.equal(watched.code, 0, watched.stderr);
    const states = watched.stdout
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as View).state);
    for (const state of ["updating", "ready", "deleting", "deleted"])
      assert.ok(states.includes(state), `${state} in ${states.join(",")}`);
  });

  it("answers with exit codes scripts can rely on", async () => {
    const missing = await cli("get", "01900000-0000-7000-8000-000000000000");
    assert.equal(missing.code, 4, missing.stderr);

    const invalid = await cli("create", "--name", "bad", "--band", "78", "--plmn", "1");
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /\/plmn: "1" is not valid/);
    assert.match(invalid.stderr, /\/amf: is required/);

    const tooBig = await cli("create", ...cellFlags(16));
    assert.equal(tooBig.code, 3, tooBig.stderr);
    assert.match(tooBig.stderr, /needs 16 RUs at one site/);

    const forbidden = await cli("rus");
    assert.equal(forbidden.code, 5, forbidden.stderr);

    const down = await runCli(["list"], { ...env, RANAAS_URL: `http://127.0.0.1:${await freePort()}` });
    assert.equal(down.code, 8, down.stderr);
    assert.match(down.stderr, /cannot reach the RANaaS API/);
  });

  it("works for an admin from the environment alone, and refuses a config file others can read", async () => {
    const admin = { ...env, RANAAS_URL: ranaas.fleet.apiUrl, RANAAS_API_KEY: ranaas.keys.provider };
    const rus = await runCli(["rus"], admin);
    assert.equal(rus.code, 0, rus.stderr);
    assert.match(rus.stdout, /^ID\s+SITE\s+NODE\s+BANDS\s+ALLOCATED-TO\n/);
    assert.equal(rus.stdout.trim().split("\n").length, 25, "the 24 seeded RUs and a header");
    const capacity = await runCli(["capacity"], admin);
    assert.equal(capacity.code, 0, capacity.stderr);
    assert.match(capacity.stdout, /site-1\s+\d+\s+n\d+/);
    assert.match(capacity.stdout, /central\s+-\s+-\s+2\s+/);

    await chmod(env.RANAAS_CONFIG ?? "", 0o644);
    const loose = await cli("list");
    assert.equal(loose.code, 5);
    assert.match(loose.stderr, /can be read by others/);
    await chmod(env.RANAAS_CONFIG ?? "", 0o600);
  });
});
