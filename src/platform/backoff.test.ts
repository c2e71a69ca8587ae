import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffMs } from "./backoff.ts";

describe("backoff", () => {
  it("starts at the first delay, doubles, and stops at the ceiling", () => {
    const policy = { firstMs: 500, maxMs: 10_000 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 50].map((n) => backoffMs(n, policy)),
      [500, 500, 1000, 2000, 4000, 8000, 10_000, 10_000],
    );
  });
});
