// `ranaas preflight`: checks the cluster (KUBECONFIG) for everything a RAN needs before the first create
// and prints each requirement as pass / fail / unknown with its fix. Exit code 1 when any fails.
import type { Command } from "commander";
import type { ContainerImages } from "../../domain/resource-definition.ts";
import { IMAGE_ENV, loadConfig } from "../../platform/config.ts";
import { preflightChecks, type CheckResult, type ImageProbe } from "../../preflight/checks.ts";
import { RadioUnitsRepository } from "../../store/rus-repository.ts";
import { withDatabase } from "../with-database.ts";

interface PreflightFlags {
  images: boolean;
  timeout: string;
  output?: string;
}

export function registerPreflightCommand(program: Command): void {
  program
    .command("preflight")
    .description(
      "check the cluster for what a RAN needs (node roles and zones, RU pool, Multus, fronthaul, SCTP, CPU manager, images)",
    )
    .option("--no-images", "do not run each RAN image's binary once on the cluster")
    .option("--timeout <seconds>", "how long an image probe may take", "120")
    .option("-o, --output <format>", "json for the results as JSON")
    .action(async (flags: PreflightFlags) => {
      process.exitCode = await preflight(flags);
    });
}

async function preflight(flags: PreflightFlags): Promise<number> {
  const config = loadConfig();
  // Loaded here, not with the command line: every `ranaas` command would carry the Kubernetes client.
  const { probeImages, readNodesAndCrds } = await import("../../k8s/cluster/cluster-facts.ts");
  const { openKubeCluster } = await import("../../k8s/cluster/kube-client.ts");
  const kube = openKubeCluster(config.kubeconfig);
  try {
    const { nodes, crds } = await readNodesAndCrds(kube.config);
    const rus = await withDatabase((db) => new RadioUnitsRepository(db).list()).then(
      (list) => list.map((ru) => ({ id: ru.id, node: ru.node })),
      () => undefined,
    );
    let images: ImageProbe[] | undefined;
    if (flags.images) {
      images =
        config.images === undefined
          ? (Object.keys(IMAGE_ENV) as (keyof ContainerImages)[]).map((component) => ({
              component,
              image: "(none)",
              outcome: "failed" as const,
              detail: `${IMAGE_ENV[component]} is not set`,
            }))
          : await probeImages(
              kube.config,
              { flavour: config.flavour, images: config.images },
              Number(flags.timeout) * 1000,
            );
    }
    const results = preflightChecks({
      nodes,
      crds,
      rus,
      images,
      fronthaulInterface: config.fronthaulInterface,
    });
    if (flags.output === "json") console.log(JSON.stringify(results, null, 2));
    else printResults(results);
    return results.some((r) => r.status === "fail") ? 1 : 0;
  } finally {
    kube.close();
  }
}

function printResults(results: CheckResult[]): void {
  const width = Math.max(...results.map((r) => r.title.length));
  for (const r of results) {
    console.log(`${r.status.toUpperCase().padEnd(7)} ${r.title.padEnd(width)}  ${r.detail}`);
    if (r.status !== "pass" && r.fix !== undefined) console.log(`${" ".repeat(8 + width + 2)}fix: ${r.fix}`);
  }
  const count = (s: string) => results.filter((r) => r.status === s).length;
  console.log(`\n${count("pass")} pass, ${count("fail")} fail, ${count("unknown")} unknown`);
}
