import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Slots } from "./slots.ts";

describe("Slots", () => {
  it("gives each key at most `limit` at once, and a slot back once released", () => {
    const slots = new Slots(2);
    const a1 = slots.take("a");
    const a2 = slots.take("a");
    assert.ok(a1 && a2);
    assert.equal(slots.take("a"), undefined, "a third for the same key is refused");
    assert.ok(slots.take("b"), "another key has its own");
    a1();
    assert.equal(slots.heldBy("a"), 1);
    assert.ok(slots.take("a"), "a released slot can be taken again");
  });

  it("counts a release once however often it is called", () => {
    const slots = new Slots(1);
    const release = slots.take("a");
    assert.ok(release);
    release();
    release();
    assert.equal(slots.heldBy("a"), 0);
    const again = slots.take("a");
    assert.ok(again);
    assert.equal(slots.take("a"), undefined);
  });
});
