// `ranaas render` output is accepted by a real API server: every example's objects pass server-side
// dry-run apply unchanged, and one example applied for real runs its CU, DU and RU emulators on the
// nodes the plan chose.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { AppsV1Api, CoreV1Api, dumpYaml, type KubernetesObject } from "@kubernetes/client-node";
import { parse } from "yaml";
import { DEFAULT_IMAGES, type ResourceDefinition } from "../src/domain/resource-definition.ts";
import { applyObjects } from "../src/k8s/cluster/apply.ts";
import { renderManifests } from "../src/k8s/render/render-manifests.ts";
import { renderRequest } from "../src/offline/render-request.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, deleteNamespaceAndWait } from "./support/kube.ts";

const examplesDir = fileURLToPath(new URL("../examples/", import.meta.url));

async function exampleDefinitions(): Promise<ResourceDefinition[]> {
  const files = (await readdir(examplesDir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  const definitions: ResourceDefinition[] = [];
  for (const [i, file] of files.entries()) {
    const request = parse(await readFile(`${examplesDir}${file}`, "utf8")) as unknown;
    const id = `00000000-0000-8000-8000-${(0xe2e000 + i).toString(16).padStart(12, "0")}`;
    const rendered = renderRequest(request, { deploymentId: id, tenant: "tests", images: DEFAULT_IMAGES });
    assert.ok(rendered.ok, `${file}: ${JSON.stringify(rendered)}`);
    definitions.push(rendered.definition);
  }
  return definitions;
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
  let definitions: ResourceDefinition[] = [];

  before(async () => {
    definitions = await exampleDefinitions();
  });

  after(async () => {
    await Promise.all(definitions.map((def) => deleteNamespaceAndWait(core, def.namespace)));
  });

  it("accepts every object of every example in a server-side dry run, field for field", async () => {
    assert.ok(definitions.length >= 4);
    for (const def of definitions) {
      const [namespace, ...rest] = renderManifests(def).objects as [KubernetesObject, ...KubernetesObject[]];
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
    const def = definitions.find((d) => d.name === "lab-n78");
    assert.ok(def);
    await applyObjects(kc, renderManifests(def).objects);
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
