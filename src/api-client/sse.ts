// Server-sent events (text/event-stream) parsed incrementally: feed text as it arrives, get whole events.
export interface ServerSentEvent {
  event: string;
  data: string;
}

/** Splits a growing text buffer into complete events; returns them and the unfinished rest. */
export function parseEvents(buffer: string): { events: ServerSentEvent[]; rest: string } {
  const events: ServerSentEvent[] = [];
  // A trailing CR may be the first half of a CRLF still on its way: keep it for the next round.
  const held = buffer.endsWith("\r") ? "\r" : "";
  const normalized = buffer.slice(0, buffer.length - held.length).replace(/\r\n?/g, "\n");
  const blocks = normalized.split("\n\n");
  const rest = (blocks.pop() ?? "") + held;
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue; // comments are heartbeats
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return { events, rest };
}

/** Reads a byte stream of server-sent events as an async sequence of events. */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    const parsed = parseEvents(buffer);
    buffer = parsed.rest;
    yield* parsed.events;
  }
}
