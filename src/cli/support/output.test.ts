import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeploymentView } from "../../api-client/api-client.ts";
import { age, describeDeployment, formatData, formatTable } from "./output.ts";

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
  it("says what became of a deployment's callbacks, and why the last one failed", () => {
    const view = {
      id: "01a241d0-d9a2-7403-9395-a46d765410b7",
      name: "hooked",
      state: "ready",
      revision: 3,
      plan: null,
      connection: null,
      callbacks: {
        delivered: 2,
        pending: 4,
        abandoned: 0,
        lastError: { message: "hooks.example.com does not resolve", at: "2026-12-04T16:09:03.380Z" },
      },
    } as unknown as DeploymentView;
    assert.match(
      describeDeployment(view),
      /\nCallbacks: {2}2 delivered, 4 pending, 0 given up — last failure at 2026-12-04T16:09:03\.380Z: hooks\.example\.com does not resolve$/,
    );
    assert.doesNotMatch(
      describeDeployment({ ...view, callbacks: undefined } as unknown as DeploymentView),
      /Callbacks/,
    );
  });

  it("says what the radio reports, and why it is not healthy", () => {
    const view = {
      id: "01a241d0-d9a2-7403-9395-a46d765410b7",
      name: "radio",
      state: "degraded",
      reason: "radio: AMF 10.0.0.5 lost 4 s ago",
      revision: 5,
      plan: null,
      connection: null,
      radio: {
        state: "degraded",
        since: "2026-12-05T07:20:02.500Z",
        reasons: ["AMF 10.0.0.5 lost 40 s ago", "cell 1: 97% of UL packets late"],
        f1: "up",
        amfs: [{ address: "10.0.0.5", connected: false }],
        cells: [
          { index: 0, pci: 1, active: true },
          { index: 1, pci: 2, active: true },
        ],
      },
    } as unknown as DeploymentView;
    assert.match(
      describeDeployment(view),
      /\nRadio: {6}degraded since 2026-12-05T07:20:02\.500Z {2}\(AMF 10\.0\.0\.5 down; F1 up; cells 0 on, 1 on\)\n {2}- AMF 10\.0\.0\.5 lost 40 s ago\n {2}- cell 1: 97% of UL packets late$/,
    );
    assert.doesNotMatch(
      describeDeployment({ ...view, radio: undefined } as unknown as DeploymentView),
      /Radio/,
    );
  });
});
