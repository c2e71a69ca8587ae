import assert from "node:assert/strict";
import { it } from "node:test";
import { TokenBuckets } from "./token-bucket.ts";

it("allows a burst, then the sustained rate, per key", () => {
  const buckets = new TokenBuckets(10, 3);
  const t = 1_000_000;
  assert.deepEqual(
    [0, 1, 2].map(() => buckets.take("a", t)),
    [0, 0, 0],
  );
  assert.ok(Math.abs(buckets.take("a", t) - 0.1) < 1e-9, "the fourth waits a tenth of a second");
  assert.equal(buckets.take("b", t), 0, "another caller has its own bucket");
  assert.equal(buckets.take("a", t + 100), 0, "a token came back after 100 ms");
  assert.ok(buckets.take("a", t + 100) > 0);
  assert.equal(buckets.take("a", t + 10_000), 0, "refilled, never beyond the burst");
});
