// The offline pipeline behind `ranaas render`: validate a request, plan it against the local stack's
// topology (no cluster needed), render srsRAN configs and Kubernetes objects, and lay them out as files
// for review or GitOps. Pure: the CLI reads the request and writes the files.
import { stringify } from "yaml";
import type { BackhaulNetwork } from "../domain/backhaul.ts";
import type { Problem } from "../domain/problem.ts";
import type { RanFlavour, RanSoftware, ResourceDefinition } from "../domain/resource-definition.ts";
import { validateSpec } from "../domain/validate-spec.ts";
import {
  DEFAULT_RENDER_OPTIONS,
  renderManifests,
  type RenderOptions,
} from "../k8s/render/render-manifests.ts";
import {
  DEFAULT_LOCAL_TOPOLOGY,
  localInventory,
  poolInventory,
  type LocalTopology,
} from "../placement/local-inventory.ts";
import type { RuPool } from "../domain/ru-pool.ts";
import type { PlanRejection } from "../domain/plan-rejection.ts";
import { planDeployment } from "../placement/plan-deployment.ts";

/**
 * Image names for a render made without real ones (`ranaas render` without --image-*, the examples): in
 * the reserved `.invalid` domain, so nothing can ever pull them by mistake.
 */
export function previewSoftware(flavour: RanFlavour = "srsran"): RanSoftware {
  const image = (component: string) => `preview.invalid/${flavour}/${component}:unset`;
  return { flavour, images: { cu: image("cu"), du: image("du"), ruEmulator: image("ru-emulator") } };
}

export interface OfflineRenderOptions {
  deploymentId: string;
  tenant: string;
  software: RanSoftware;
  /** The provider's backhaul networks, for requests with coreNetwork backhaul. */
  backhaul?: readonly BackhaulNetwork[];
  /** Overrides the request's `site`. */
  site?: string | undefined;
  topology?: LocalTopology;
  /** Plan against this RU pool (its sites and nodes) instead of the local topology. */
  pool?: RuPool;
  render?: RenderOptions;
}

export type OfflineRender =
  | { ok: true; definition: ResourceDefinition; files: Record<string, string> }
  | { ok: false; problems: Problem[] }
  | { ok: false; rejection: PlanRejection };

export function renderRequest(request: unknown, options: OfflineRenderOptions): OfflineRender {
  const validated = validateSpec(withSite(request, options.site));
  if (!validated.ok) return validated;
  const planned = planDeployment(
    {
      deploymentId: options.deploymentId,
      tenant: options.tenant,
      revision: 1,
      spec: validated.spec,
      carriers: validated.carriers,
      software: options.software,
      backhaul: options.backhaul ?? [],
    },
    options.pool === undefined
      ? localInventory(options.topology ?? DEFAULT_LOCAL_TOPOLOGY)
      : poolInventory(options.pool),
  );
  if (!planned.ok) return planned;
  const rendered = renderManifests(planned.definition, options.render ?? DEFAULT_RENDER_OPTIONS);
  const files: Record<string, string> = {
    "resource-definition.json": `${JSON.stringify(planned.definition, null, 2)}\n`,
  };
  for (const [name, text] of Object.entries(rendered.srsranConfigs)) files[`srsran/${name}`] = text;
  const manifestNames: string[] = [];
  rendered.objects.forEach((object, i) => {
    const name = `${String(i).padStart(2, "0")}-${object.kind?.toLowerCase() ?? "object"}-${object.metadata?.name ?? i}.yaml`;
    manifestNames.push(name);
    files[`manifests/${name}`] = stringify(object, { lineWidth: 0, aliasDuplicateObjects: false });
  });
  files["manifests/kustomization.yaml"] = stringify({
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: manifestNames,
  });
  return { ok: true, definition: planned.definition, files };
}

function withSite(request: unknown, site: string | undefined): unknown {
  if (site === undefined || typeof request !== "object" || request === null || Array.isArray(request))
    return request;
  return { ...(request as Record<string, unknown>), site };
}
