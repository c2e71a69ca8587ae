import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isValidTenantName, quotaExceeded } from "./tenant.ts";

describe("tenant quotas", () => {
  const none = { deployments: 0, cells: 0, cpuMillis: 0 };

  it("allows anything without quotas", () => {
    assert.equal(
      quotaExceeded(
        {},
        { deployments: 99, cells: 999, cpuMillis: 1e9 },
        { deployments: 1, cells: 16, cpuMillis: 50_000 },
      ),
      undefined,
    );
  });

  it("allows a request that reaches a quota exactly", () => {
    assert.equal(
      quotaExceeded(
        { deployments: 2 },
        { ...none, deployments: 1 },
        { deployments: 1, cells: 1, cpuMillis: 1 },
      ),
      undefined,
    );
  });

  it("names the quota, the use and the need when a request would exceed it", () => {
    assert.equal(
      quotaExceeded(
        { cells: 4 },
        { ...none, deployments: 1, cells: 3 },
        { deployments: 1, cells: 2, cpuMillis: 1000 },
      ),
      "quota of 4 cells: 3 in use, this request needs 2 more",
    );
    assert.equal(
      quotaExceeded(
        { cpuMillis: 10_000 },
        { ...none, cpuMillis: 8000 },
        { deployments: 1, cells: 1, cpuMillis: 5000 },
      ),
      "quota of 10 CPU: 8 CPU in use, this request needs 5 CPU more",
    );
  });
});

describe("tenant names", () => {
  it("are DNS labels, since they become Kubernetes label values", () => {
    for (const ok of ["acme", "op-1", "a"]) assert.equal(isValidTenantName(ok), true, ok);
    for (const bad of ["", "Acme", "-op", "op-", "a_b", "x".repeat(64)])
      assert.equal(isValidTenantName(bad), false, bad);
  });
});
