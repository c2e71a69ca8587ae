import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { RANAAS_VERSION } from "./version.ts";

it("matches package.json's version", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  assert.equal(RANAAS_VERSION, pkg.version);
});
