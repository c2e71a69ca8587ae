// Fault injection on the local stack: kill one component's process (as a crash would) and bring it back
// with the stack's own `up`, which starts whatever is not running and waits until it is healthy.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { eventually } from "./eventually.ts";

const project = fileURLToPath(new URL("../../", import.meta.url));
const runDir =
  process.env.RANAAS_STACK_DIR === undefined ? `${project}.stack/run` : `${process.env.RANAAS_STACK_DIR}/run`;

export type StackComponent = "rabbitmq" | "ferretdb" | "kube-apiserver" | "etcd" | "kwok";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs the component and waits until its process is gone. */
export async function killComponent(component: StackComponent): Promise<void> {
  const pid = Number((await readFile(`${runDir}/${component}.pid`, "utf8")).trim());
  process.kill(pid, "SIGKILL");
  await eventually(() => Promise.resolve(alive(pid) ? undefined : true), {
    timeoutMs: 10_000,
    what: `${component} to die`,
  });
}

/** Starts every stopped component again and waits until the stack is healthy. */
export async function restartStack(): Promise<void> {
  await promisify(execFile)("bash", [`${project}stack/up.sh`], { cwd: project, maxBuffer: 8 * 1024 * 1024 });
}
