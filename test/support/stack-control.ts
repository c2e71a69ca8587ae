// Fault injection on the local stack: kill one component's process (as a crash would) and bring it back
// with the stack's own `up`, which starts whatever is not running and waits until it is healthy; or make
// RabbitMQ refuse messages to a queue, with a policy.
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

/** Runs the stack's own rabbitmqctl against the local node (its settings come from stack/lib.sh). */
async function rabbitmqctl(...args: string[]): Promise<string> {
  const script = `source "${project}stack/lib.sh" && rabbitmqctl -q "$@"`;
  const { stdout } = await promisify(execFile)("bash", ["-c", script, "rabbitmqctl", ...args], {
    cwd: project,
  });
  return stdout;
}

/**
 * Makes RabbitMQ refuse (nack) every message to `queue` past the one it holds — a reject-publish policy
 * of length 0; a quorum queue still takes a message while it is empty — until the returned function
 * lifts it. Resolves once the queue applies the policy.
 */
export async function refuseMessagesTo(queue: string): Promise<() => Promise<void>> {
  const policy = `ranaas-test-refuse-${process.pid}`;
  const pattern = `^${queue.replaceAll(".", "\\.")}$`;
  const limitTo = (maxLength: number) =>
    rabbitmqctl(
      "set_policy",
      "--apply-to",
      "queues",
      "--priority",
      "100",
      policy,
      pattern,
      JSON.stringify({ "max-length": maxLength, overflow: "reject-publish" }),
    );
  await limitTo(0);
  await eventually(
    async () => {
      const rows = (await rabbitmqctl("list_queues", "name", "policy")).split("\n");
      const applied = rows.some((row) => {
        const [name, applying] = row.split("\t");
        return name === queue && applying === policy;
      });
      return applied ? true : undefined;
    },
    { timeoutMs: 10_000, what: `the policy on ${queue}` },
  );
  return async () => {
    // Lifted in two steps: RabbitMQ 3.10's quorum queues tell the publishers they refused that they may
    // publish again only when a limit is re-evaluated, which a removed policy never is.
    await limitTo(1_000_000);
    await rabbitmqctl("clear_policy", policy);
  };
}

/**
 * What the broker holds now, for a failure's diagnostics: each queue's ready and unacknowledged messages
 * and consumers, and any resource alarm (which blocks every publisher until it clears).
 */
export async function brokerSnapshot(): Promise<string> {
  const [queues, alarms] = await Promise.all([
    rabbitmqctl("list_queues", "name", "messages_ready", "messages_unacknowledged", "consumers").catch(
      (err: unknown) => `list_queues failed: ${String(err)}`,
    ),
    rabbitmqctl("eval", "rabbit_alarm:get_alarms().").catch(
      (err: unknown) => `alarms unknown: ${String(err)}`,
    ),
  ]);
  return `queues (name ready unacked consumers):\n${queues.trim()}\nalarms: ${alarms.trim()}`;
}
