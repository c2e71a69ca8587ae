import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "./logger.ts";
import { ShutdownCoordinator } from "./shutdown.ts";

describe("graceful shutdown", () => {
  it("closes in reverse order, goes on past a closer that fails or never ends, and closes once", async () => {
    const closed: string[] = [];
    const shutdown = new ShutdownCoordinator(createLogger("silent"), 50);
    shutdown.add("database", () => {
      closed.push("database");
      return Promise.resolve();
    });
    shutdown.add("broker, already gone", () => new Promise<void>(() => undefined));
    shutdown.add("server", () => {
      closed.push("server");
      return Promise.reject(new Error("already closed"));
    });
    await Promise.all([shutdown.close(), shutdown.close()]);
    assert.deepEqual(closed, ["server", "database"]);
  });
});
