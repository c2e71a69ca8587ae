import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KeyedWorkQueue } from "./work-queue.ts";

/** A promise and the functions that settle it. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const QUIET = { backoff: { firstMs: 1, maxMs: 8 }, onError: () => undefined };

describe("keyed work queue", () => {
  it("works a key added many times while it waits once", async () => {
    const rounds: string[] = [];
    const gate = deferred();
    const queue = new KeyedWorkQueue(
      async (key) => {
        rounds.push(key);
        if (key === "blocker") await gate.promise; // holds the one slot
      },
      { ...QUIET, concurrency: 1 },
    );
    queue.add("blocker");
    await until(() => rounds.length === 1, "the blocker's round");
    queue.add("a");
    queue.add("b");
    queue.add("a");
    queue.add("a");
    assert.equal(queue.depth, 2);
    gate.resolve();
    await queue.idle();
    assert.deepEqual(rounds, ["blocker", "a", "b"]);
    await queue.stop();
  });

  it("never works one key in two rounds at once, and works a key added during its round once more after it", async () => {
    let running = 0;
    let most = 0;
    let rounds = 0;
    const gates = [deferred(), deferred()];
    const queue = new KeyedWorkQueue(
      async () => {
        running++;
        most = Math.max(most, running);
        await gates[rounds++]?.promise;
        running--;
      },
      { ...QUIET, concurrency: 4 },
    );
    queue.add("a");
    await until(() => running === 1, "the first round");
    queue.add("a");
    queue.add("a");
    gates[0]?.resolve();
    await until(() => rounds === 2, "the second round");
    gates[1]?.resolve();
    await queue.idle();
    assert.equal(rounds, 2, "the adds during the round made one more round, not two");
    assert.equal(most, 1);
    await queue.stop();
  });

  it("works different keys side by side, up to its concurrency", async () => {
    let running = 0;
    let most = 0;
    const gate = deferred();
    const queue = new KeyedWorkQueue(
      async () => {
        running++;
        most = Math.max(most, running);
        await gate.promise;
        running--;
      },
      { ...QUIET, concurrency: 3 },
    );
    for (const key of ["a", "b", "c", "d", "e"]) queue.add(key);
    await until(() => running === 3, "three rounds at once");
    assert.equal(queue.depth, 2);
    gate.resolve();
    await queue.idle();
    assert.equal(most, 3);
    await queue.stop();
  });

  it("tries a failing key again with growing delays, and forgets its failures once a round succeeds", async () => {
    const tried: number[] = [];
    const errors: number[] = [];
    const queue = new KeyedWorkQueue(
      (key) => {
        tried.push(Date.now());
        return tried.length < 4 ? Promise.reject(new Error(`${key} is not ready`)) : Promise.resolve();
      },
      {
        concurrency: 1,
        backoff: { firstMs: 20, maxMs: 1_000 },
        onError: (_key, _err, failures) => errors.push(failures),
      },
    );
    queue.add("a");
    await until(() => tried.length === 4, "the fourth attempt");
    await queue.idle();
    assert.deepEqual(errors, [1, 2, 3]);
    const gaps = tried.slice(1).map((at, i) => at - (tried[i] ?? at));
    assert.ok(
      gaps.every((gap, i) => gap >= 20 * 2 ** i - 2),
      `each delay at least the backoff's: ${gaps.join(", ")} ms`,
    );
    assert.equal(queue.failuresOf("a"), 0);
    await queue.stop();
  });

  it("keeps the failures of a key whose round asked to be tried again, so its delay grows", async () => {
    const queue = new KeyedWorkQueue(
      (key) => {
        queue.addRateLimited(key); // e.g. the broker did not take the command: try again later
        return Promise.resolve();
      },
      { ...QUIET, concurrency: 1, backoff: { firstMs: 60_000, maxMs: 60_000 } },
    );
    queue.add("a");
    await queue.idle();
    assert.equal(queue.failuresOf("a"), 1);
    queue.add("a");
    await queue.idle();
    assert.equal(queue.failuresOf("a"), 2);
    await queue.stop();
  });

  it("runs a key's exclusive work in the order asked, between its rounds, never beside them", async () => {
    const log: string[] = [];
    const gate = deferred();
    const queue = new KeyedWorkQueue(
      async (key) => {
        log.push(`round ${key} starts`);
        await gate.promise;
        log.push(`round ${key} ends`);
      },
      { ...QUIET, concurrency: 2 },
    );
    queue.add("a");
    const first = queue.exclusive("a", () => {
      log.push("report 1");
      return Promise.resolve(1);
    });
    const second = queue.exclusive("a", () => {
      log.push("report 2");
      return Promise.reject(new Error("report 2 failed"));
    });
    const third = queue.exclusive("a", () => {
      log.push("report 3");
      return Promise.resolve(3);
    });
    const other = queue.exclusive("b", () => {
      log.push("report on b");
      return Promise.resolve();
    });
    await other;
    assert.deepEqual(log, ["round a starts", "report on b"], "another key does not wait");
    gate.resolve();
    assert.equal(await first, 1);
    await assert.rejects(second, /report 2 failed/);
    assert.equal(await third, 3, "a failure does not stop the line");
    assert.deepEqual(log, [
      "round a starts",
      "report on b",
      "round a ends",
      "report 1",
      "report 2",
      "report 3",
    ]);
    await queue.stop();
  });

  it("adds a key once its delay is over, the earliest of several delays winning", async () => {
    const rounds: number[] = [];
    const queue = new KeyedWorkQueue(
      () => {
        rounds.push(Date.now());
        return Promise.resolve();
      },
      { ...QUIET, concurrency: 1 },
    );
    const start = Date.now();
    queue.addAfter("a", 60_000);
    queue.addAfter("a", 30);
    queue.addAfter("a", 60_000);
    await until(() => rounds.length === 1, "the delayed round");
    assert.ok((rounds[0] ?? 0) - start >= 25, "not before its delay");
    await queue.stop();
  });

  it("starts nothing once stopped, and waits for the round under way", async () => {
    let rounds = 0;
    let ended = false;
    const gate = deferred();
    const queue = new KeyedWorkQueue(
      async () => {
        rounds++;
        await gate.promise;
        ended = true;
      },
      { ...QUIET, concurrency: 1 },
    );
    queue.add("a");
    queue.add("b");
    await until(() => rounds === 1, "the first round");
    const stopping = queue.stop();
    queue.add("c");
    gate.resolve();
    await stopping;
    assert.ok(ended, "stop waited for the round under way");
    assert.equal(rounds, 1, "b and c never started");
  });
});
