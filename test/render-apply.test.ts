// `ranaas render` output is accepted by a real API server: the manifest files it writes for every
// example pass server-side dry-run apply unchanged, and one example applied for real runs its CU, DU
// and RU emulators on the nodes the plan chose.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { AppsV1Api, CoreV1Api, dumpYaml, type KubernetesObject } from "@kubernetes/client-node";
import { parse } from "yaml";
import type { ResourceDefinition } from "../src/domain/resource-definition.ts";
import { applyObjects } from "../src/k8s/cluster/apply.ts";
import { runCli } from "./support/cli.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, deleteNamespaceAndWait } from "./support/kube.ts";

const examplesDir = fileURLToPath(new URL("../examples/", import.meta.url));

interface RenderedExample {
  definition: ResourceDefinition;
  /** The manifest files `ranaas render` wrote, parsed, in kustomization order. */
  objects: KubernetesObject[];
}

/** Runs `ranaas render` on every example with its own deployment id and reads back what it wrote. */
async function renderExamples(): Promise<RenderedExample[]> {
  const files = (await readdir(examplesDir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  const rendered: RenderedExample[] = [];
  for (const [i, file] of files.entries()) {
    const out = await mkdtemp(join(tmpdir(), "ranaas-e2e-"));
    const id = `00000000-0000-8000-8000-${(0xe2e000 + i).toString(16).padStart(12, "0")}`;
    const result = await runCli([
      "render",
      join(examplesDir, file),
      "--out",
      out,
      "--id",
      id,
      "--tenant",
      "tests",
    ]);
    assert.equal(result.code, 0, `${file}: ${result.stderr}`);
    const kustomization = parse(await readFile(join(out, "manifests", "kustomization.yaml"), "utf8")) as {
      resources: string[];
    };
    const objects = await Promise.all(
      kustomization.resources.map(
        async (name) => parse(await readFile(join(out, "manifests", name), "utf8")) as KubernetesObject,
      ),
    );
    const definition = JSON.parse(
      await readFile(join(out, "resource-definition.json"), "utf8"),
    ) as ResourceDefinition;
    rendered.push({ definition, objects });
  }
  return rendered;
}

/** Paths of `expected`'s leaves that `actual` lacks or holds differently (quantities are canonicalized by the server). */
function missingFields(expected: unknown, actual: unknown, path = ""): string[] {
  if (path.includes("/resources/")) return [];
  if (typeof expected !== "object" || expected === null)
    return expected === actual ? [] : [`${path} (${JSON.stringify(actual)})`];
  if (typeof actual !== "object" || actual === null) return [path];
  return Object.entries(expected).flatMap(([key, value]) =>
    missingFields(value, (actual as Record<string, unknown>)[key], `${path}/${key}`),
  );
}

describe("rendered manifests on a real API server", () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  let examples: RenderedExample[] = [];

  before(async () => {
    examples = await renderExamples();
  });

  after(async () => {
    await Promise.all(examples.map(({ definition }) => deleteNamespaceAndWait(kc, definition.namespace)));
  });

  it("accepts every object of every example in a server-side dry run, field for field", async () => {
    assert.ok(examples.length >= 4);
    for (const { definition: def, objects } of examples) {
      const [namespace, ...rest] = objects as [KubernetesObject, ...KubernetesObject[]];
      assert.equal(namespace.kind, "Namespace");
      await applyObjects(kc, [namespace]);
      const answers = await applyObjects(kc, rest, { dryRun: true });
      answers.forEach((answer, i) => {
        const sent = rest[i]!;
        const missing = missingFields(sent, parse(dumpYaml(answer)));
        assert.deepEqual(missing, [], `${sent.kind} ${sent.metadata?.name} in ${def.name} lost fields`);
      });
    }
  });

  it("runs the CU, DU and RU emulators of an applied example on the planned nodes", async () => {
    const example = examples.find((e) => e.definition.name === "lab-n78");
    assert.ok(example);
    const def = example.definition;
    await applyObjects(kc, example.objects);
    const planned = new Map<string, string>([
      ["cu", def.cu.node],
      ["du", def.du.node],
      ...def.cells.map((c): [string, string] => [`ru-emulator-${c.index}`, c.ruNode]),
    ]);
    await eventually(
      async () => {
        const list = await apps.listNamespacedDeployment({ namespace: def.namespace });
        const available = list.items.filter((d) => d.status?.availableReplicas === 1).length;
        return available === planned.size ? true : undefined;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: `${planned.size} Deployments of ${def.name} to be available`,
      },
    );
    const pods = await core.listNamespacedPod({ namespace: def.namespace });
    assert.equal(pods.items.length, planned.size);
    for (const pod of pods.items) {
      const owner = pod.metadata?.labels?.["app.kubernetes.io/component"];
      const cell = pod.metadata?.labels?.["ranaas.io/cell"];
      const name = owner === "ru-emulator" ? `ru-emulator-${cell}` : owner;
      assert.equal(pod.spec?.nodeName, planned.get(name ?? ""), `pod ${pod.metadata?.name}`);
    }
  });
});
