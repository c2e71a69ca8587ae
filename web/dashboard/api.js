// The dashboard's client of the RANaaS API: the same /v1 endpoints as the CLI, with the API key the user
// signed in with (kept in sessionStorage: it goes when the tab closes).
const KEY = "ranaas.apiKey";

export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.problem = problem;
  }
}

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set key(value) {
    if (value === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, value);
  },
};

export async function api(method, path, body, key = session.key) {
  const headers = { accept: "application/json", authorization: `Bearer ${key}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError({ status: 0, detail: `cannot reach the API: ${err.message}` });
  }
  const text = await response.text();
  const data = text === "" ? undefined : JSON.parse(text);
  if (!response.ok) throw new ApiError({ status: response.status, ...(data ?? {}) });
  return data;
}

/** Splits a growing buffer of server-sent events into whole events and the unfinished rest. */
function parseEvents(buffer) {
  const held = buffer.endsWith("\r") ? "\r" : "";
  const blocks = buffer
    .slice(0, buffer.length - held.length)
    .replace(/\r\n?/g, "\n")
    .split("\n\n");
  const rest = blocks.pop() + held;
  const events = [];
  for (const block of blocks) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return { events, rest };
}

/**
 * Follows a server-sent event stream (fetch, so the key goes in a header), calling onEvent for each
 * event and reconnecting after a drop until stop() is called.
 */
export function follow(path, onEvent, onState = () => {}) {
  const controller = new AbortController();
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(path, {
          headers: { accept: "text/event-stream", authorization: `Bearer ${session.key}` },
          signal: controller.signal,
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        onState("live");
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const parsed = parseEvents(buffer);
          buffer = parsed.rest;
          for (const e of parsed.events) onEvent(e.event, JSON.parse(e.data));
        }
        if (path.includes("/ran-deployments/")) return; // a deployment's stream ends when it is deleted
      } catch (err) {
        if (controller.signal.aborted) return;
        onState(`reconnecting (${err.message})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  void run();
  return { stop: () => controller.abort() };
}
