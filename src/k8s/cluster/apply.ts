// Server-side apply of rendered objects under RANaaS's field manager. Rendered objects are plain API
// JSON; the client library serializes through its own model classes (which spell some fields
// differently, e.g. NetworkPolicy's `from` as `_from`), so each object is first read into that model.
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  loadYaml,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";

export const FIELD_MANAGER = "ranaas";

export interface ApplyOptions {
  /** Let the API server validate and default everything without persisting it. */
  dryRun?: boolean;
  /** Whose fields these are (default RANaaS's own, FIELD_MANAGER). */
  fieldManager?: string;
}

export function toClientModel(object: KubernetesObject): KubernetesObject {
  return loadYaml<KubernetesObject>(JSON.stringify(object));
}

/** Applies the objects in order and returns what the API server answered for each. */
export async function applyObjects(
  config: KubeConfig,
  objects: readonly KubernetesObject[],
  options: ApplyOptions = {},
): Promise<KubernetesObject[]> {
  const client = KubernetesObjectApi.makeApiClient(config);
  const applied: KubernetesObject[] = [];
  for (const object of objects) {
    try {
      applied.push(
        await client.patch(
          toClientModel(object),
          undefined,
          options.dryRun === true ? "All" : undefined,
          options.fieldManager ?? FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        ),
      );
    } catch (err) {
      const name = `${object.kind ?? "object"} ${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
      throw new Error(`server-side apply of ${name} failed`, { cause: err });
    }
  }
  return applied;
}

/**
 * Deletes the Deployments and ConfigMaps RANaaS manages in the namespace that are not among `keep`
 * (an update that removed cells leaves their RU emulators behind otherwise).
 */
export async function pruneObjects(
  config: KubeConfig,
  namespace: string,
  keep: readonly KubernetesObject[],
): Promise<string[]> {
  const apps = config.makeApiClient(AppsV1Api);
  const core = config.makeApiClient(CoreV1Api);
  const wanted = new Set(keep.map((o) => `${o.kind}/${o.metadata?.name}`));
  const selector = "app.kubernetes.io/managed-by=ranaas";
  const pruned: string[] = [];
  for (const d of (await apps.listNamespacedDeployment({ namespace, labelSelector: selector })).items) {
    const name = d.metadata?.name ?? "";
    if (!wanted.has(`Deployment/${name}`)) {
      await apps.deleteNamespacedDeployment({ namespace, name });
      pruned.push(`Deployment/${name}`);
    }
  }
  for (const c of (await core.listNamespacedConfigMap({ namespace, labelSelector: selector })).items) {
    const name = c.metadata?.name ?? "";
    if (!wanted.has(`ConfigMap/${name}`)) {
      await core.deleteNamespacedConfigMap({ namespace, name });
      pruned.push(`ConfigMap/${name}`);
    }
  }
  return pruned;
}
