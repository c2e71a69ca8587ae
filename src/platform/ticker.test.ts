import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startTicker } from "./ticker.ts";

/** Resolves when `check` holds, polling every few ms (fails after 2 s). */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    assert.ok(Date.now() < deadline, "condition not met within 2 s");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("ticker", () => {
  it("runs rounds one after another until stopped, never two at once", async () => {
    let running = 0;
    let most = 0;
    let rounds = 0;
    const ticker = startTicker(
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        rounds++;
      },
      { delayMs: 1, immediately: true, onError: () => assert.fail("no round throws") },
    );
    await until(() => rounds >= 5);
    ticker.stop();
    const atStop = rounds;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.ok(rounds <= atStop + 1, "at most the round under way finishes after stop");
    assert.equal(most, 1);
  });

  it("goes on after a failing round, with the delay its failures in a row ask for, and ends on done", async () => {
    const delaysAsked: number[] = [];
    const errors: number[] = [];
    let calls = 0;
    let done = false;
    startTicker(
      () => {
        calls++;
        if (calls <= 3) return Promise.reject(new Error(`round ${calls}`));
        done = true;
        return Promise.resolve("done" as const);
      },
      {
        delayMs: (failures) => {
          delaysAsked.push(failures);
          return 1;
        },
        immediately: true,
        onError: (_err, failures) => errors.push(failures),
      },
    );
    await until(() => done);
    assert.deepEqual(errors, [1, 2, 3]);
    assert.deepEqual(delaysAsked, [1, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(calls, 4, "no round after done");
  });
});
