// What a work command may make a worker touch: one RAN deployment's namespace (named after its id) and
// the kinds of object a RAN deployment consists of. The worker checks every command against this before
// it acts, so a forged or corrupted command on the queue cannot point it at another namespace (the
// cluster's admission policy, deploy/helm/ranaas/templates/admission-policy.yaml, holds the same line).
import type { KubernetesObject } from "@kubernetes/client-node";
import { isUuid, namespaceOf } from "../../domain/ids.ts";
import type { WorkCommand } from "../../domain/messages.ts";

/** The kinds a worker writes. */
export const WORKER_KINDS: readonly string[] = [
  "Namespace",
  "ConfigMap",
  "Service",
  "Deployment",
  "NetworkPolicy",
  "NetworkAttachmentDefinition",
];

/** Why a command may not be carried out (empty: it may). */
export function commandScopeProblems(command: WorkCommand): string[] {
  const id = command.deploymentId;
  if (!isUuid(id)) return [`the deployment id "${id}" is not a UUID`];
  const namespace = namespaceOf(id);
  const problems: string[] = [];
  if (command.type === "teardown") {
    if (command.payload.namespace !== namespace)
      problems.push(
        `the teardown names namespace ${command.payload.namespace}, not the deployment's ${namespace}`,
      );
    return problems;
  }
  const def = command.payload.definition;
  if (def.deploymentId !== id)
    problems.push(`the definition is deployment ${def.deploymentId}'s, not the command's ${id}`);
  if (def.namespace !== namespace)
    problems.push(`the definition names namespace ${def.namespace}, not the deployment's ${namespace}`);
  return problems;
}

/** Why rendered objects may not be applied for a deployment in `namespace` (empty: they may). */
export function objectScopeProblems(objects: readonly KubernetesObject[], namespace: string): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const what = `${o.kind ?? "an object"} ${o.metadata?.name ?? ""}`;
    if (!WORKER_KINDS.includes(o.kind ?? ""))
      problems.push(`${what}: a worker does not write ${o.kind ?? "it"}`);
    else if (o.kind === "Namespace" ? o.metadata?.name !== namespace : o.metadata?.namespace !== namespace)
      problems.push(`${what}: outside the deployment's namespace ${namespace}`);
  }
  return problems;
}
