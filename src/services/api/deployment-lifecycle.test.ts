import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { retryDelayMs } from "./deployment-lifecycle.ts";

describe("retrying a failed update or heal", () => {
  it("waits 5 s first, doubling each time, and never more than 5 minutes", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 20].map(retryDelayMs),
      [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000],
    );
  });
});
