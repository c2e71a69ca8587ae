// Graceful shutdown: on SIGINT/SIGTERM run the registered closers in reverse order, once, then exit.
import type { Logger } from "./logger.ts";

export type Closer = () => Promise<void>;

export class ShutdownCoordinator {
  private readonly closers: { name: string; close: Closer }[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    /** How long one closer may take before shutdown goes on without it. */
    private readonly closeDeadlineMs = 5_000,
  ) {}

  /** Registers something to close; later registrations close first (they usually depend on earlier ones). */
  add(name: string, close: Closer): void {
    this.closers.push({ name, close });
  }

  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  /** Closes everything on the first SIGINT or SIGTERM and exits; a second signal exits at once. */
  handleSignals(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.closing !== undefined) process.exit(1);
      this.logger.info({ signal }, "shutting down");
      void this.close().then(() => process.exit(0));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }

  private async closeAll(): Promise<void> {
    for (const { name, close } of [...this.closers].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        // A closer waiting on a dependency that is gone (a broker or database already stopped) is
        // given up after its deadline, so the rest still close and the process exits.
        const outcome = await Promise.race([
          close().then(() => "closed" as const),
          new Promise<"late">((resolve) => {
            timer = setTimeout(() => resolve("late"), this.closeDeadlineMs);
          }),
        ]);
        if (outcome === "late")
          this.logger.warn(
            { component: name, afterMs: this.closeDeadlineMs },
            "close did not end in time; going on",
          );
      } catch (err) {
        this.logger.warn({ err, component: name }, "close failed");
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
