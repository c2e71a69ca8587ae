import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEvents, readEvents } from "./sse.ts";

describe("server-sent events", () => {
  it("splits complete events, keeps the unfinished rest and skips heartbeats", () => {
    const { events, rest } = parseEvents(
      'event: deployment\ndata: {"a":1}\n\n: heartbeat\n\ndata: one\ndata: two\n\nevent: depl',
    );
    assert.deepEqual(events, [
      { event: "deployment", data: '{"a":1}' },
      { event: "message", data: "one\ntwo" },
    ]);
    assert.equal(rest, "event: depl");
  });

  it("reads events split across arbitrary chunk boundaries", async () => {
    const text = 'event: a\r\ndata: 1\r\n\r\nevent: b\ndata: {"x":"é"}\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    const seen = [];
    for await (const event of readEvents(body)) seen.push(event);
    assert.deepEqual(seen, [
      { event: "a", data: "1" },
      { event: "b", data: '{"x":"é"}' },
    ]);
  });
});
