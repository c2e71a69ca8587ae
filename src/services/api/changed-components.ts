// Which components an update restarts: those whose rendered config (and so config-hash annotation) or
// placement changes, plus the RU emulators that come or go.
import type { V1Deployment } from "@kubernetes/client-node";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import { renderManifests } from "../../k8s/render/render-manifests.ts";

function templates(def: ResourceDefinition): Map<string, string> {
  return new Map(
    renderManifests(def)
      .objects.filter((o): o is V1Deployment => o.kind === "Deployment")
      .map((d) => [d.metadata?.name ?? "", JSON.stringify(d.spec?.template)]),
  );
}

export function changedComponents(before: ResourceDefinition, after: ResourceDefinition): string[] {
  const [a, b] = [templates(before), templates(after)];
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names]
    .filter((name) => a.get(name) !== b.get(name))
    .sort((x, y) => x.localeCompare(y, undefined, { numeric: true }));
}
