import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runHealthChecks } from "./health.ts";

describe("runHealthChecks", () => {
  it("is ready when every check passes", async () => {
    const report = await runHealthChecks([{ name: "a", check: () => Promise.resolve() }]);
    assert.equal(report.ready, true);
    assert.equal(report.checks[0]?.ok, true);
  });

  it("is not ready and names the reason when a check fails", async () => {
    const report = await runHealthChecks([
      { name: "ok", check: () => Promise.resolve() },
      { name: "db", check: () => Promise.reject(new Error("connection refused")) },
    ]);
    assert.equal(report.ready, false);
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.ok, c.message]),
      [
        ["ok", true, undefined],
        ["db", false, "connection refused"],
      ],
    );
  });

  it("treats a check that never answers as failed once the timeout passes", async () => {
    const report = await runHealthChecks([{ name: "hung", check: () => new Promise(() => {}) }], 20);
    assert.equal(report.ready, false);
    assert.match(report.checks[0]?.message ?? "", /no answer within 20 ms/);
  });
});
