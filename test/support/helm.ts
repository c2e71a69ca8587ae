// Renders the Helm chart with the helm binary the stack builds (stack/build.sh), as a user would.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";

export const chartDir = fileURLToPath(new URL("../../deploy/helm/ranaas", import.meta.url));
const versions = readFileSync(fileURLToPath(new URL("../../stack/versions.sh", import.meta.url)), "utf8");
const helmVersion = /^HELM_VERSION=(\S+)$/m.exec(versions)?.[1] ?? "";
const cacheDir = process.env.RANAAS_CACHE_DIR ?? join(homedir(), ".cache", "ranaas");
export const helmBinary = join(cacheDir, "bin", `helm-${helmVersion}`, "helm");
export const KUBE_VERSION = /^KUBERNETES_VERSION=(\S+)$/m.exec(versions)?.[1] ?? "";

export async function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(helmBinary, args, { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const setFlags = (values: Record<string, string>) =>
  Object.entries(values).flatMap(([k, v]) => ["--set", `${k}=${v}`]);

/** `helm lint` of the chart with these values, for the stack's Kubernetes version. */
export function lintChart(values: Record<string, string>): ReturnType<typeof helm> {
  return helm(["lint", chartDir, "--kube-version", KUBE_VERSION, ...setFlags(values)]);
}

/** `helm template` of the chart with these values, for the stack's Kubernetes version. */
export function templateChart(
  values: Record<string, string>,
  release = "ranaas",
  extra: string[] = [],
): ReturnType<typeof helm> {
  return helm(["template", release, chartDir, "--kube-version", KUBE_VERSION, ...setFlags(values), ...extra]);
}

/** `helm template` of the chart as release `release` in `namespace`, parsed into objects. */
export async function renderChart(
  release: string,
  namespace: string,
  values: Record<string, string>,
  extra: string[] = [],
): Promise<KubernetesObject[]> {
  const result = await templateChart(values, release, ["--namespace", namespace, ...extra]);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}
