// The course project RANaaS grew from — ekelhala/ds-course: a Flask + pika API server and an Express
// status service over MongoDB and the Kubernetes API — run from its public source at a pinned commit,
// beside RANaaS, for the side-by-side benchmark (bench/original.bench.ts). Nothing of it is in this
// repository: its source is downloaded (or taken from a local git copy) into the cache, outside the
// repository, and run there with its own pinned dependencies (PyPI, npm).
//
// What is changed in it, and nothing else (applied to the cached copy, each checked to match once):
// - its status service loads the stack's kubeconfig instead of the in-cluster config
//   (`loadFromCluster()` → `loadFromDefault()`, which reads KUBECONFIG);
// - its status service listens on 127.0.0.1 only (`app.listen(PORT, …)` → `app.listen(PORT, "127.0.0.1", …)`),
//   as everything of a local run does. Its API server is started with Flask's own `--host 127.0.0.1`.
// Its API server calls the status service at the fixed `http://localhost:8000`, so port 8000 must be free.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { eventually } from "../../test/support/eventually.ts";

const run = promisify(execFile);

export const ORIGINAL = {
  repository: "https://github.com/ekelhala/ds-course",
  commit: "a43a9e976032ac569f8acf61c3ba87cfca50cbea",
} as const;

/** The port its API server calls its status service on (fixed in its source). */
const STATUS_PORT = 8000;

export interface OriginalProject {
  /** Its API server's base URL (`/api/ran_resources/…`). */
  apiUrl: string;
  stop(): Promise<void>;
}

const cacheDir = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
  "ranaas",
  "original",
  ORIGINAL.commit.slice(0, 12),
);
const sourceDir = join(cacheDir, "src");

/**
 * Puts its source at the pinned commit into the cache: from a git directory that holds the commit
 * (RANAAS_ORIGINAL_GIT), else downloaded from GitHub. Returns why not, when neither can be had.
 */
async function fetchSource(): Promise<string | undefined> {
  if (existsSync(join(sourceDir, ".complete"))) return undefined;
  rmSync(sourceDir, { recursive: true, force: true });
  mkdirSync(sourceDir, { recursive: true });
  const gitDir = process.env.RANAAS_ORIGINAL_GIT;
  const reasons: string[] = [];
  if (gitDir !== undefined && gitDir !== "") {
    try {
      await run("bash", [
        "-c",
        `git --git-dir "$1" archive "$2" | tar -x -C "$3"`,
        "archive",
        gitDir,
        ORIGINAL.commit,
        sourceDir,
      ]);
      writeFileSync(join(sourceDir, ".complete"), `${ORIGINAL.commit}\n`);
      return undefined;
    } catch (err) {
      reasons.push(`RANAAS_ORIGINAL_GIT=${gitDir}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  const tarball = `https://codeload.github.com/ekelhala/ds-course/tar.gz/${ORIGINAL.commit}`;
  try {
    const answer = await fetch(tarball, { signal: AbortSignal.timeout(30_000) });
    if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
    const file = join(cacheDir, "source.tar.gz");
    writeFileSync(file, Buffer.from(await answer.arrayBuffer()));
    await run("tar", ["-xzf", file, "-C", sourceDir, "--strip-components=1"]);
    writeFileSync(join(sourceDir, ".complete"), `${ORIGINAL.commit}\n`);
    return undefined;
  } catch (err) {
    const cause = (err as Error).cause;
    reasons.push(`${tarball}: ${cause instanceof Error ? cause.message : (err as Error).message}`);
  }
  return reasons.join("; ");
}

/** Replaces `from` by `to` in a file of its source, where `from` must occur exactly once. */
function swap(file: string, from: string, to: string): void {
  const path = join(sourceDir, file);
  const text = readFileSync(path, "utf8");
  if (text.includes(to)) return;
  const parts = text.split(from);
  if (parts.length !== 2)
    throw new Error(`${file}: expected "${from}" once, found it ${parts.length - 1} times`);
  writeFileSync(path, parts.join(to));
}

/** Installs its pinned dependencies (once per commit: a marker says they are there). */
async function install(): Promise<void> {
  const venv = join(cacheDir, "venv");
  if (!existsSync(join(venv, ".complete"))) {
    rmSync(venv, { recursive: true, force: true });
    await run("python3", ["-m", "venv", venv]);
    await run(join(venv, "bin/pip"), [
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "-r",
      join(sourceDir, "app/api_server/requirements.txt"),
    ]);
    writeFileSync(join(venv, ".complete"), "");
  }
  const statusDir = join(sourceDir, "app/status-service");
  if (!existsSync(join(statusDir, "node_modules/.complete"))) {
    await run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: statusDir });
    writeFileSync(join(statusDir, "node_modules/.complete"), "");
  }
  swap(
    "app/status-service/src/k8sInteractor.ts",
    "kubeConfig.loadFromCluster()",
    "kubeConfig.loadFromDefault()",
  );
  swap(
    "app/status-service/src/index.ts",
    "app.listen(PORT, () =>",
    'app.listen(Number(PORT), "127.0.0.1", () =>',
  );
}

async function portFree(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch {
    return true;
  }
}

function startProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  });
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal === null) console.error(`[original] ${command} exited ${code}: ${tail}`);
  });
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the original's API server (on `apiPort`) and status service against the stack's database and
 * Kubernetes API. Returns why it cannot run, when its source or dependencies cannot be had.
 */
export async function startOriginal(options: {
  mongodbUri: string;
  kubeconfig: string;
  apiPort: number;
}): Promise<OriginalProject | { unavailable: string }> {
  const missing = await fetchSource();
  if (missing !== undefined) return { unavailable: `its source could not be had (${missing})` };
  try {
    await install();
  } catch (err) {
    return {
      unavailable: `its dependencies could not be installed: ${(err as Error).message.split("\n")[0]}`,
    };
  }
  if (!(await portFree(STATUS_PORT)))
    return { unavailable: `port ${STATUS_PORT}, which its API server calls its status service on, is taken` };
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
  };
  try {
    const statusDir = join(sourceDir, "app/status-service");
    children.push(
      startProcess(join(statusDir, "node_modules/.bin/ts-node"), ["./src/index.ts"], statusDir, {
        PORT: String(STATUS_PORT),
        MONGODB_URI: options.mongodbUri,
        KUBECONFIG: options.kubeconfig,
      }),
    );
    children.push(
      startProcess(
        join(cacheDir, "venv/bin/flask"),
        ["--app", "api_server.app", "run", "--host", "127.0.0.1", "--port", String(options.apiPort)],
        join(sourceDir, "app"),
        { MONGODB_URI: options.mongodbUri },
      ),
    );
    const apiUrl = `http://127.0.0.1:${options.apiPort}`;
    await eventually(
      async () => {
        const [api, status] = await Promise.all([
          fetch(`${apiUrl}/api/ran_resources/`).catch(() => undefined),
          fetch(`http://127.0.0.1:${STATUS_PORT}/status/none`).catch(() => undefined),
        ]);
        return api?.status === 200 && status?.status === 404 ? true : undefined;
      },
      { timeoutMs: 120_000, what: "the original's API server and status service to answer" },
    );
    return { apiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
