// The deployment states are named in one place, domain/deployment-states.ts: code elsewhere asks about a
// state through STATE and the state sets derived from the transition table, never by spelling it, so a
// renamed or added state cannot leave a stale comparison behind. This test reads the sources (and the
// dashboard's scripts, which get the states from the API) and refuses a state spelled out.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DEPLOYMENT_STATES } from "./deployment-states.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const STATES = DEPLOYMENT_STATES.join("|");
const SPELLED_OUT = [
  new RegExp(`\\.state\\s*[!=]==?\\s*"(${STATES})"`), // x.state === "ready"
  new RegExp(`"(${STATES})"\\s*[!=]==?\\s*[\\w.?]*\\.state\\b`), // "ready" === x.state
  new RegExp(`\\b(inStates|waitUntilSettled|waitSettled)\\([^;]*?"(${STATES})"`), // inStates(["degraded"])
  new RegExp(`\\bstate:\\s*"(${STATES})"`), // { state: "ready" }
];

/** Lines that spell a state out, as "file:line: text". */
export function spelledOutStates(file: string, text: string): string[] {
  return text
    .split("\n")
    .flatMap((line, i) =>
      SPELLED_OUT.some((pattern) => pattern.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
    );
}

function sources(dir: string, extension: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(extension) && !f.endsWith(".test.ts"))
    .map((f) => join(ROOT, dir, f));
}

describe("deployment states outside the domain", () => {
  it("are never spelled out in the code or the dashboard", () => {
    const home = join(ROOT, "src/domain/deployment-states.ts");
    const found = [...sources("src", ".ts"), ...sources("web", ".js")]
      .filter((file) => file !== home)
      .flatMap((file) => spelledOutStates(relative(ROOT, file), readFileSync(file, "utf8")));
    assert.deepEqual(found, []);
  });

  it("are caught when spelled out", () => {
    for (const line of [
      'if (record.state === "ready") {',
      'const gone = "deleted" !== view?.state;',
      'await store.deployments.inStates(["degraded"]);',
      'await waitSettled(client, view, 10, ["deleted", "failed"]);',
      'return { state: "failed" };',
    ])
      assert.equal(spelledOutStates("x.ts", line).length, 1, line);
    assert.deepEqual(spelledOutStates("x.ts", 'if (record.state === STATE.ready) step("ready");'), []);
  });
});
