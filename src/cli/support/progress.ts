// What `create --wait` shows while a deployment provisions: a line per step (state changes, each
// component as it becomes ready) and, on a terminal, a spinner with what is still outstanding.
import type { DeploymentView } from "../../api-client/api-client.ts";
import { LEAVING_STATES } from "../../domain/deployment-states.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  private state: string | undefined;
  private readonly ready = new Map<string, boolean>();
  private status = "waiting for the first update";
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(private readonly out: ProgressOutput) {
    if (out.isTTY === true) this.timer = setInterval(() => this.draw(), 100);
  }

  /** Records what changed since the last view and prints a line for each change. */
  update(view: DeploymentView): void {
    if (view.state !== this.state) {
      this.line(
        `${this.state === undefined ? "" : `${this.state} → `}${view.state}${view.reason === undefined ? "" : ` (${view.reason})`}`,
      );
      this.state = view.state;
    }
    const components = view.status?.components ?? [];
    for (const c of components) {
      const was = this.ready.get(c.name);
      if (c.ready && was !== true)
        this.line(`✓ ${c.name} ready${c.node === undefined ? "" : ` on ${c.node}`}`);
      else if (!c.ready && was === true) {
        const leaving = (LEAVING_STATES as readonly string[]).includes(view.state);
        this.line(
          leaving
            ? `- ${c.name} stopped`
            : `✗ ${c.name} not ready${c.message === undefined ? "" : `: ${c.message}`}`,
        );
      }
      this.ready.set(c.name, c.ready);
    }
    const readyCount = components.filter((c) => c.ready).length;
    this.status = `${view.state}: ${readyCount}/${components.length} components ready`;
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.out.isTTY === true) this.out.write("\r\x1b[K");
  }

  private line(text: string): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1).padStart(5);
    if (this.out.isTTY === true) this.out.write("\r\x1b[K");
    this.out.write(`[${seconds}s] ${text}\n`);
    this.draw();
  }

  private draw(): void {
    if (this.out.isTTY !== true) return;
    this.frame = (this.frame + 1) % FRAMES.length;
    const seconds = Math.floor((Date.now() - this.started) / 1000);
    this.out.write(`\r\x1b[K${FRAMES[this.frame] ?? ""} ${this.status} (${seconds}s)`);
  }
}
