// `ranaas stack ...`: installs, starts, stops and inspects the local real stack (stack/*.sh do the work).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { localRadioUnits, DEFAULT_LOCAL_TOPOLOGY } from "../../placement/local-inventory.ts";
import { importRadioUnits } from "./ru.ts";

/** The repository's stack/ folder, found from this file in src/ or dist/. */
function stackScriptsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dir !== dirname(dir)) {
    const candidate = join(dir, "stack");
    if (existsSync(join(candidate, "lib.sh"))) return candidate;
    dir = dirname(dir);
  }
  throw new Error("stack/ scripts not found: `ranaas stack` runs from a checkout of the repository");
}

function runScript(script: string, args: string[]): number {
  const result = spawnSync("bash", [join(stackScriptsDir(), script), ...args], { stdio: "inherit" });
  return result.status ?? 1;
}

function exitWith(script: string, args: string[]): never {
  process.exit(runScript(script, args));
}

export function registerStackCommand(program: Command): void {
  const stack = program
    .command("stack")
    .description("the local real stack: RabbitMQ, FerretDB, Kubernetes (etcd, apiserver, controllers, KWOK)");

  stack
    .command("install")
    .description(
      "install system packages and build the Go components into ~/.cache/ranaas (cached per version)",
    )
    .action(() => exitWith("install.sh", []));

  stack
    .command("up")
    .description("start every component on 127.0.0.1, wait until each is healthy, create the simulated nodes")
    .option("--sites <n>", "sites (zones) with edge nodes", "3")
    .option("--edge-nodes-per-site <n>", "edge nodes at each site", "2")
    .option("--central-nodes <n>", "central nodes (no site)", "2")
    .action(async (options: { sites: string; edgeNodesPerSite: string; centralNodes: string }) => {
      const args = [
        "--sites",
        options.sites,
        "--edge-nodes-per-site",
        options.edgeNodesPerSite,
        "--central-nodes",
        options.centralNodes,
      ];
      const status = runScript("up.sh", args);
      if (status !== 0) process.exit(status);
      // The simulated sites get emulated RUs on every edge node, as a provider's pool file would list them.
      const rus = localRadioUnits({
        ...DEFAULT_LOCAL_TOPOLOGY,
        sites: Number(options.sites),
        edgeNodesPerSite: Number(options.edgeNodesPerSite),
        centralNodes: Number(options.centralNodes),
      });
      const added = await importRadioUnits(rus);
      console.error(`[stack] RU pool: ${rus.length} emulated RUs on the edge nodes (${added} new)`);
    });

  stack
    .command("down")
    .description("stop what `stack up` started (keeps data; --purge removes it)")
    .option("--purge", "also delete the stack's state directory")
    .action((options: { purge?: boolean }) => exitWith("down.sh", options.purge === true ? ["--purge"] : []));

  stack
    .command("status")
    .description("each component's state and version")
    .action(() => exitWith("status.sh", []));

  stack
    .command("env")
    .description('print the connection settings as shell exports: eval "$(ranaas stack env)"')
    .action(() => exitWith("env.sh", []));
}
