// Reads what preflight judges (preflight/checks.ts) off the cluster: nodes with their labels and
// annotations, the installed CRDs, and — when asked — whether each RAN image runs its binary, by a short
// Job per image on a node of the role that will run it.
import { setTimeout as delay } from "node:timers/promises";
import {
  ApiException,
  ApiextensionsV1Api,
  BatchV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Job,
} from "@kubernetes/client-node";
import type { ContainerImages, RanSoftware } from "../../domain/resource-definition.ts";
import type { FactNode, ImageProbe } from "../../preflight/checks.ts";
import { ROLE_LABEL } from "../../preflight/checks.ts";
import { RAN_BINARIES } from "../../srsran/binaries.ts";

/** Marks a node KWOK simulates: nothing really runs there. */
const SIMULATED_NODE_ANNOTATION = "kwok.x-k8s.io/node";
export const PREFLIGHT_NAMESPACE = "ranaas-preflight";

/** The nodes, and the CRDs' names (undefined when this identity may not read them). */
export async function readNodesAndCrds(
  config: KubeConfig,
): Promise<{ nodes: FactNode[]; crds: string[] | undefined }> {
  const core = config.makeApiClient(CoreV1Api);
  const ext = config.makeApiClient(ApiextensionsV1Api);
  const [nodes, crds] = await Promise.all([
    core.listNode(),
    ext.listCustomResourceDefinition().catch((err: unknown) => {
      if (err instanceof ApiException && err.code === 403) return undefined;
      throw err;
    }),
  ]);
  return {
    nodes: nodes.items.map((n) => ({
      name: n.metadata?.name ?? "",
      labels: n.metadata?.labels ?? {},
      annotations: n.metadata?.annotations ?? {},
    })),
    crds: crds?.items.map((c) => c.metadata?.name ?? ""),
  };
}

const ROLE_OF: Record<keyof ContainerImages, string> = { cu: "central", du: "edge", ruEmulator: "edge" };

/**
 * Runs each image's binary once (`--version`; ru_emulator has none, so it is looked up on the PATH) as a
 * Job on a node of the role that will run it, and says how it went. The Jobs are deleted afterwards.
 */
export async function probeImages(
  config: KubeConfig,
  software: RanSoftware,
  timeoutMs: number,
): Promise<ImageProbe[]> {
  const core = config.makeApiClient(CoreV1Api);
  const batch = config.makeApiClient(BatchV1Api);
  await core
    .createNamespace({
      body: {
        metadata: { name: PREFLIGHT_NAMESPACE, labels: { "app.kubernetes.io/managed-by": "ranaas" } },
      },
    })
    .catch((err: unknown) => {
      if (!(err instanceof ApiException && err.code === 409)) throw err;
    });
  const components = Object.keys(software.images) as (keyof ContainerImages)[];
  const suffix = Date.now().toString(36);
  return Promise.all(
    components.map(async (component): Promise<ImageProbe> => {
      const image = software.images[component];
      const binary = RAN_BINARIES[software.flavour][component];
      const name = `probe-${component.toLowerCase()}-${suffix}`;
      const script = component === "ruEmulator" ? `command -v ${binary}` : `${binary} --version`;
      const job: V1Job = {
        metadata: { name, namespace: PREFLIGHT_NAMESPACE },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: Math.ceil(timeoutMs / 1000),
          ttlSecondsAfterFinished: 600,
          template: {
            spec: {
              restartPolicy: "Never",
              nodeSelector: { [ROLE_LABEL]: ROLE_OF[component] },
              automountServiceAccountToken: false,
              containers: [
                {
                  name: "probe",
                  image,
                  command: ["/bin/sh", "-c", script],
                  terminationMessagePolicy: "FallbackToLogsOnError",
                  resources: {
                    requests: { cpu: "100m", memory: "64Mi" },
                    limits: { cpu: "1", memory: "256Mi" },
                  },
                },
              ],
            },
          },
        },
      };
      await batch.createNamespacedJob({ namespace: PREFLIGHT_NAMESPACE, body: job });
      try {
        return await probeOutcome(config, name, component, image, timeoutMs);
      } finally {
        await batch
          .deleteNamespacedJob({ name, namespace: PREFLIGHT_NAMESPACE, propagationPolicy: "Background" })
          .catch(() => undefined);
      }
    }),
  );
}

async function probeOutcome(
  config: KubeConfig,
  job: string,
  component: keyof ContainerImages,
  image: string,
  timeoutMs: number,
): Promise<ImageProbe> {
  const core = config.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  let seen = "no pod yet";
  for (;;) {
    const pods = await core.listNamespacedPod({
      namespace: PREFLIGHT_NAMESPACE,
      labelSelector: `job-name=${job}`,
    });
    const pod = pods.items[0];
    if (pod !== undefined) {
      const status = pod.status?.containerStatuses?.[0];
      const waiting = status?.state?.waiting;
      const done = status?.state?.terminated;
      const node = pod.spec?.nodeName;
      if (
        waiting?.reason !== undefined &&
        /ErrImagePull|ImagePullBackOff|InvalidImageName/.test(waiting.reason)
      )
        return {
          component,
          image,
          outcome: "failed",
          detail: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`,
        };
      if (done !== undefined || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") {
        const simulated =
          node !== undefined &&
          (await core.readNode({ name: node })).metadata?.annotations?.[SIMULATED_NODE_ANNOTATION] !==
            undefined;
        const said = (done?.message ?? "").trim().split("\n").filter(Boolean).at(-1) ?? "";
        if (simulated) return { component, image, outcome: "simulated", detail: `on simulated node ${node}` };
        return (done?.exitCode ?? (pod.status?.phase === "Succeeded" ? 0 : 1)) === 0
          ? { component, image, outcome: "ran", detail: said || "ran" }
          : {
              component,
              image,
              outcome: "failed",
              detail: `exited with code ${done?.exitCode ?? "?"} on ${node ?? "?"}${said ? `: ${said}` : ""}`,
            };
      }
      seen = `pod ${pod.status?.phase ?? "Pending"}${waiting?.reason ? ` (${waiting.reason})` : ""}`;
    }
    if (Date.now() >= deadline)
      return {
        component,
        image,
        outcome: "failed",
        detail: `no answer within ${Math.round(timeoutMs / 1000)} s: ${seen}`,
      };
    await delay(500);
  }
}
