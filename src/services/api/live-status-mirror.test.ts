import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StatusFeedMessage } from "../../bus/status-feed.ts";
import type { DeploymentStatus } from "../../domain/live-status.ts";
import { createLogger } from "../../platform/logger.ts";
import { seededRandom } from "../../../test/support/seeded-random.ts";
import { LiveStatusMirror, type StatusSnapshot } from "./live-status-mirror.ts";

const running = (id: string, restarts = 0): DeploymentStatus => ({
  deploymentId: id,
  phase: "running",
  components: [{ name: "cu", ready: true, replicas: 1, readyReplicas: 1, restarts }],
});

/** A status service's feed: its statuses, its numbering, and what it sent, in order. */
class Writer {
  readonly statuses = new Map<string, DeploymentStatus>();
  seq = 0;
  sent: StatusFeedMessage[] = [];
  constructor(
    readonly writer: string,
    private readonly clock: () => number,
  ) {}

  set(id: string, status: DeploymentStatus | null): void {
    if (status === null) this.statuses.delete(id);
    else this.statuses.set(id, status);
    this.sent.push({
      writer: this.writer,
      seq: ++this.seq,
      sentAt: this.clock(),
      kind: "status",
      deploymentId: id,
      status,
    });
  }

  heartbeat(stale?: string): void {
    this.sent.push({
      writer: this.writer,
      seq: this.seq,
      sentAt: this.clock(),
      kind: "heartbeat",
      ...(stale === undefined ? {} : { stale }),
    });
  }

  snapshot(): StatusSnapshot {
    return {
      writer: this.writer,
      seq: this.seq,
      statuses: [...this.statuses.values()],
      observedAt: this.clock(),
    };
  }
}

function setUp(writer: () => Writer, now: () => number) {
  let seeds = 0;
  const mirror = new LiveStatusMirror({
    fetchSnapshot: () => {
      seeds++;
      return Promise.resolve(writer().snapshot());
    },
    logger: createLogger("silent"),
    silenceMs: 3000,
    now,
  });
  return { mirror, seeds: () => seeds };
}

/**
 * A mirror whose snapshots are taken (`take`) when asked for but answered only when released, oldest
 * first: for what happens while a seed is under way.
 */
function heldMirror(take: () => StatusSnapshot, now: () => number) {
  const held: (() => void)[] = [];
  let asked = 0;
  const mirror = new LiveStatusMirror({
    fetchSnapshot: async () => {
      asked++;
      const snapshot = take();
      await new Promise<void>((resolve) => held.push(resolve));
      return snapshot;
    },
    logger: createLogger("silent"),
    silenceMs: 3000,
    now,
  });
  return { mirror, release: () => held.shift()!(), asked: () => asked };
}

/** Lets the seed's promise settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** The writer's next heartbeat, delivered: what confirms a seed (the feed flows). */
function beat(mirror: LiveStatusMirror, w: Writer, stale?: string): void {
  w.heartbeat(stale);
  for (const m of w.sent.splice(0)) mirror.onMessage(m);
}

describe("LiveStatusMirror", () => {
  it("answers nothing until seeded, then the status service's statuses and `absent` for the rest", async () => {
    let clock = 1_000;
    const w = new Writer("w1", () => clock);
    w.set("a", running("a"));
    const { mirror } = setUp(
      () => w,
      () => clock,
    );
    assert.equal(mirror.answer("a"), undefined);
    mirror.onReady();
    await settle();
    assert.equal(mirror.answer("a"), undefined, "seeded, but nothing heard over the feed yet");
    beat(mirror, w);
    assert.deepEqual(mirror.answer("a"), {
      ...running("a"),
      stale: false,
      observedAt: new Date(1_000).toISOString(),
    });
    assert.deepEqual(mirror.answer("b"), { phase: "absent", stale: false });
    // Changes after the seed, and a heartbeat saying the cache may be stale.
    clock = 2_000;
    w.set("b", running("b"));
    w.set("a", null);
    w.heartbeat("watch of pods lost");
    for (const m of w.sent.splice(0)) mirror.onMessage(m);
    assert.deepEqual(mirror.answer("a"), { phase: "absent", stale: true });
    assert.deepEqual(mirror.answer("b"), {
      ...running("b"),
      stale: true,
      staleReason: "watch of pods lost",
      observedAt: new Date(2_000).toISOString(),
    });
    mirror.stop();
  });

  it("applies what came during the seed past the snapshot's number, and nothing twice", async () => {
    const clock = 0;
    const w = new Writer("w1", () => clock);
    w.set("a", running("a", 0));
    const { mirror, release } = heldMirror(
      () => w.snapshot(),
      () => clock,
    );
    mirror.onReady();
    await settle();
    // The snapshot was taken at seq 1; a change at seq 2 arrives before its answer does, with seq 1 again.
    w.set("a", running("a", 1));
    mirror.onMessage({ ...w.sent[0]! });
    mirror.onMessage({ ...w.sent[1]! });
    release();
    await settle();
    assert.equal(mirror.trusted, true);
    assert.deepEqual((mirror.answer("a") as DeploymentStatus).components[0]?.restarts, 1);
    mirror.stop();
  });

  it("stops answering on a skipped number or a heartbeat ahead of it, and answers again once seeded afresh", async () => {
    const clock = 0;
    const w = new Writer("w1", () => clock);
    const { mirror, seeds } = setUp(
      () => w,
      () => clock,
    );
    mirror.onReady();
    await settle();
    w.set("a", running("a"));
    w.set("b", running("b")); // lost
    w.set("c", running("c"));
    mirror.onMessage(w.sent[0]!);
    mirror.onMessage(w.sent[2]!);
    assert.equal(mirror.answer("a"), undefined, "a gap: not trusted");
    await settle();
    assert.equal(seeds(), 2);
    w.sent = [];
    beat(mirror, w);
    assert.equal((mirror.answer("b") as DeploymentStatus).phase, "running");
    // The last change lost, the heartbeat tells.
    w.set("d", running("d"));
    w.heartbeat();
    mirror.onMessage(w.sent[1]!);
    assert.equal(mirror.trusted, false);
    await settle();
    w.sent = [];
    beat(mirror, w);
    assert.equal((mirror.answer("d") as DeploymentStatus).phase, "running");
    assert.equal(seeds(), 3);
    mirror.stop();
  });

  it("stops answering when its writer goes silent, and trusts a new one (a restarted status service) once seeded from it", async () => {
    let clock = 0;
    let w = new Writer("w1", () => clock);
    w.set("a", running("a"));
    const { mirror } = setUp(
      () => w,
      () => clock,
    );
    mirror.onReady();
    await settle();
    beat(mirror, w);
    assert.equal(mirror.trusted, true);
    clock = 3_001;
    assert.equal(mirror.answer("a"), undefined);
    // Another writer's messages are not taken before a seed from it.
    w = new Writer("w2", () => clock);
    w.set("b", running("b"));
    mirror.onMessage(w.sent[0]!);
    assert.equal(mirror.trusted, false);
    // The periodic check sees the old writer silent and seeds again, from the new one (no rebinding).
    mirror.checkSilence();
    await settle();
    w.sent = [];
    beat(mirror, w);
    assert.deepEqual(mirror.answer("a"), { phase: "absent", stale: false });
    assert.equal((mirror.answer("b") as DeploymentStatus).phase, "running");
    mirror.stop();
  });

  it("takes the cache's staleness and time from the newest of the snapshot and the messages, not from one sent before the snapshot", async () => {
    let clock = 1_500;
    const w = new Writer("w1", () => clock);
    w.heartbeat(); // sent at 1,500, before the snapshot: delivered late, during the seed
    const { mirror, release } = heldMirror(
      () => ({ ...w.snapshot(), stale: "pods: watch lost", observedAt: 2_000 }),
      () => clock,
    );
    mirror.onReady();
    await settle();
    for (const m of w.sent.splice(0)) mirror.onMessage(m);
    release();
    await settle();
    clock = 2_500;
    w.set("a", running("a"));
    for (const m of w.sent.splice(0)) mirror.onMessage(m);
    assert.deepEqual(mirror.answer("a"), {
      ...running("a"),
      stale: true,
      staleReason: "pods: watch lost",
      observedAt: new Date(2_500).toISOString(),
    });
    mirror.stop();
  });

  it("throws away a snapshot asked for before its queue was bound again, and asks once more", async () => {
    const clock = 0;
    const w = new Writer("w1", () => clock);
    w.set("a", running("a"));
    const { mirror, release, asked } = heldMirror(
      () => w.snapshot(),
      () => clock,
    );
    mirror.onReady();
    await settle();
    w.set("a", null); // sent while the queue was down: lost; the queue is bound again
    w.sent = [];
    mirror.onReady();
    release(); // the first snapshot (still holding "a") comes back
    await settle();
    assert.equal(asked(), 2, "asked again");
    release();
    await settle();
    beat(mirror, w);
    assert.deepEqual(mirror.answer("a"), { phase: "absent", stale: false });
    mirror.stop();
  });

  for (const seed of [1, 2, 3, 4])
    it(`answers, whenever it is trusted and all sent has arrived, exactly the writer's statuses (random losses, seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const clock = 0;
      const w = new Writer("w1", () => clock);
      const { mirror } = setUp(
        () => w,
        () => clock,
      );
      const ids = ["a", "b", "c", "d", "e", "f"];
      mirror.onReady();
      await settle();
      beat(mirror, w);
      let checked = 0;
      for (let step = 0; step < 400; step++) {
        const id = ids[random(ids.length)]!;
        if (random(4) === 0) w.set(id, null);
        else w.set(id, running(id, random(5)));
        if (random(3) === 0) w.heartbeat();
        if (random(5) !== 0) continue;
        w.heartbeat(); // tells what was lost before it: it arrives
        const batch = w.sent.splice(0);
        const heartbeat = batch.pop()!;
        for (const m of batch) if (random(10) !== 0) mirror.onMessage(m);
        mirror.onMessage(heartbeat);
        await settle();
        if (!mirror.trusted) continue;
        checked++;
        for (const each of ids) {
          const expected = w.statuses.get(each);
          const answer = mirror.answer(each) as { phase: string; components?: unknown };
          if (expected === undefined) assert.equal(answer.phase, "absent", `${each} at step ${step}`);
          else assert.deepEqual(answer.components, expected.components, `${each} at step ${step}`);
        }
      }
      assert.ok(checked > 10, `checked ${checked} times`);
      mirror.stop();
    });
});
