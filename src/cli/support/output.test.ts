import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { age, formatData, formatTable } from "./output.ts";

describe("client output", () => {
  it("aligns table columns to the widest cell", () => {
    assert.equal(
      formatTable(
        ["NAME", "STATE"],
        [
          ["a-long-name", "ready"],
          ["b", "failed"],
        ],
      ),
      "NAME          STATE\na-long-name   ready\nb             failed",
    );
  });

  it("shows ages as kubectl does", () => {
    const now = Date.parse("2026-01-02T00:00:00Z");
    assert.equal(age("2026-01-01T23:59:30Z", now), "30s");
    assert.equal(age("2026-01-01T23:00:00Z", now), "60m");
    assert.equal(age("2026-01-01T00:00:00Z", now), "24h");
    assert.equal(age("2025-12-20T00:00:00Z", now), "13d");
  });

  it("prints data as JSON or YAML for scripts", () => {
    assert.equal(formatData({ a: [1] }, "json"), '{\n  "a": [\n    1\n  ]\n}');
    assert.equal(formatData({ a: [1] }, "yaml"), "a:\n  - 1");
  });
});
