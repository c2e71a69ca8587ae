// The labels every object of a RAN deployment carries, so it can be found, selected and removed.
import type { ResourceDefinition } from "../../domain/resource-definition.ts";

export const MANAGED_BY = "ranaas";
export const LABEL_DEPLOYMENT_ID = "ranaas.io/deployment-id";
export const LABEL_TENANT = "ranaas.io/tenant";
export const LABEL_CELL = "ranaas.io/cell";
export const LABEL_COMPONENT = "app.kubernetes.io/component";
export const LABEL_INSTANCE = "app.kubernetes.io/instance";

export type Component = "cu" | "du" | "ru-emulator";

export function deploymentLabels(def: ResourceDefinition): Record<string, string> {
  return {
    "app.kubernetes.io/name": "srsran",
    [LABEL_INSTANCE]: def.shortId,
    "app.kubernetes.io/part-of": "ranaas",
    "app.kubernetes.io/managed-by": MANAGED_BY,
    [LABEL_DEPLOYMENT_ID]: def.deploymentId,
    [LABEL_TENANT]: def.tenant,
  };
}

/** Labels that select one component's pods (and, for an RU emulator, one cell's). */
export function componentSelector(
  def: ResourceDefinition,
  component: Component,
  cell?: number,
): Record<string, string> {
  return {
    [LABEL_INSTANCE]: def.shortId,
    [LABEL_COMPONENT]: component,
    ...(cell === undefined ? {} : { [LABEL_CELL]: String(cell) }),
  };
}

export function componentLabels(
  def: ResourceDefinition,
  component: Component,
  cell?: number,
): Record<string, string> {
  return { ...deploymentLabels(def), ...componentSelector(def, component, cell) };
}
