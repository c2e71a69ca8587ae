// Server-side apply of rendered objects under RANaaS's field manager. Rendered objects are plain API
// JSON; the client library serializes through its own model classes (which spell some fields
// differently, e.g. NetworkPolicy's `from` as `_from`), so each object is first read into that model.
import {
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
          FIELD_MANAGER,
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
