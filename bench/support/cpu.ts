// CPU time spent by processes, read from Linux's /proc (utime + stime of /proc/<pid>/stat): what a
// benchmark round cost each RANaaS service and each part of the control plane it runs on.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** The control plane's processes by their command name (/proc/<pid>/comm). */
const CONTROL_PLANE: Record<string, string> = {
  "kube-apiserver": "kube-apiserver",
  etcd: "etcd",
  "kube-controller": "kube-controller-manager",
  "kube-scheduler": "kube-scheduler",
  kwok: "kwok",
  ferretdb: "ferretdb",
  postgres: "postgresql",
  "beam.smp": "rabbitmq",
};

function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces, in parentheses): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined; // gone
  }
}

/** CPU seconds so far per group: the given processes by name, and the control plane's by command. */
export function cpuSeconds(processes: Record<string, number[]>): Record<string, number> {
  const totals: Record<string, number> = {};
  const add = (group: string, seconds: number | undefined) => {
    if (seconds !== undefined) totals[group] = (totals[group] ?? 0) + seconds;
  };
  for (const [group, pids] of Object.entries(processes))
    for (const pid of pids) add(group, cpuSecondsOf(pid));
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    const group = CONTROL_PLANE[comm];
    if (group !== undefined) add(group, cpuSecondsOf(Number(entry)));
  }
  return totals;
}

/** What each group spent between two readings (seconds, two decimals). */
export function cpuSpent(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([group, seconds]) => [
      group,
      Number((seconds - (before[group] ?? 0)).toFixed(2)),
    ]),
  );
}
