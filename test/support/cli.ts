// Runs the `ranaas` CLI from source, as a user would, and captures its exit code and output.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves when the command exits. */
  result: Promise<CliResult>;
  stdout: () => string;
}

/** Starts the CLI; `input` is written to its stdin (closed afterwards). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = process.env, input = ""): RunningCli {
  const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], { env, stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const result = once(child, "close").then(([code, signal]: unknown[]) => ({
    code: typeof code === "number" ? code : signal === null ? 1 : 128,
    stdout,
    stderr,
  }));
  return { child, result, stdout: () => stdout };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env, input = ""): Promise<CliResult> {
  return startCli(args, env, input).result;
}
