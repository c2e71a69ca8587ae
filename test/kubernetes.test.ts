// Kubernetes is real: a Deployment pinned to one simulated site is scheduled there and becomes Available,
// namespace deletion completes, and RBAC refuses a narrowly bound ServiceAccount outside its Role.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  Watch,
  type V1Deployment,
} from "@kubernetes/client-node";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, deleteNamespaceAndWait, statusOf } from "./support/kube.ts";
import { uniqueName } from "./support/stack.ts";

const SITE = "site-2";

describe("Kubernetes (kube-apiserver, controllers, scheduler, KWOK nodes)", () => {
  const kc = adminKubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const namespace = uniqueName("ranaas-it");
  const otherNamespace = `${namespace}-other`;

  before(async () => {
    for (const name of [namespace, otherNamespace]) {
      await core.createNamespace({
        body: { metadata: { name, labels: { "app.kubernetes.io/managed-by": "ranaas-tests" } } },
      });
    }
  });

  after(async () => {
    for (const name of [namespace, otherNamespace]) {
      await core.deleteNamespace({ name }).catch((err: unknown) => {
        if (statusOf(err) !== 404) throw err;
      });
    }
  });

  it("schedules a Deployment pinned to one site onto that site's nodes and watches it become Available", async () => {
    const deployment: V1Deployment = {
      metadata: { name: "du", labels: { "app.kubernetes.io/component": "du" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { "app.kubernetes.io/component": "du" } },
        template: {
          metadata: { labels: { "app.kubernetes.io/component": "du" } },
          spec: {
            nodeSelector: { "topology.kubernetes.io/zone": SITE, "ranaas.io/role": "edge" },
            containers: [
              {
                name: "du",
                image: "registry.invalid/srsran/srsdu:test",
                resources: { requests: { cpu: "2", memory: "4Gi" } },
              },
            ],
          },
        },
      },
    };

    const available = waitForDeploymentAvailable(kc, namespace, "du", 60_000);
    await apps.createNamespacedDeployment({ namespace, body: deployment });
    const seen = await available;
    assert.equal(seen.status?.availableReplicas, 2);

    const pods = await core.listNamespacedPod({ namespace, labelSelector: "app.kubernetes.io/component=du" });
    assert.equal(pods.items.length, 2);
    const siteNodes = await core.listNode({ labelSelector: `topology.kubernetes.io/zone=${SITE}` });
    const siteNodeNames = new Set(siteNodes.items.map((n) => n.metadata?.name));
    for (const pod of pods.items) {
      assert.ok(siteNodeNames.has(pod.spec?.nodeName), `pod on ${pod.spec?.nodeName}, not a ${SITE} node`);
      assert.equal(pod.status?.phase, "Running");
      assert.match(pod.status?.podIP ?? "", /^10\.244\./);
    }
  });

  it("refuses a ServiceAccount bound to a narrow Role anything outside that Role", async () => {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: "reader" } } });
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: "pod-reader" },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: "reader-reads-pods" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
        subjects: [{ kind: "ServiceAccount", name: "reader", namespace }],
      },
    });
    const token = await core.createNamespacedServiceAccountToken({
      name: "reader",
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const asReader = asServiceAccount(kc, token.status?.token ?? "");
    const readerCore = asReader.makeApiClient(CoreV1Api);

    // RBAC propagates through the apiserver's informers: poll until the binding takes effect.
    await eventually(async () => (await readerCore.listNamespacedPod({ namespace })).items, {
      timeoutMs: 10_000,
      what: "the RoleBinding to allow listing pods",
    });

    const refusals: [string, () => Promise<unknown>][] = [
      ["list pods in another namespace", () => readerCore.listNamespacedPod({ namespace: otherNamespace })],
      ["list secrets in its namespace", () => readerCore.listNamespacedSecret({ namespace })],
      [
        "create a config map",
        () => readerCore.createNamespacedConfigMap({ namespace, body: { metadata: { name: "x" } } }),
      ],
      ["list nodes", () => readerCore.listNode()],
    ];
    for (const [what, attempt] of refusals) {
      const status = await attempt().then(
        () => 200,
        (err: unknown) => statusOf(err) ?? err,
      );
      assert.equal(status, 403, `expected 403 for: ${what}`);
    }
  });

  it("deletes the namespace with everything in it", async () => {
    await deleteNamespaceAndWait(kc, namespace);
    const leftovers = await core.listPodForAllNamespaces({
      fieldSelector: `metadata.namespace=${namespace}`,
    });
    assert.equal(leftovers.items.length, 0);
  });
});

/** A kubeconfig for the same cluster that authenticates with a ServiceAccount token instead of the admin cert. */
function asServiceAccount(admin: KubeConfig, token: string): KubeConfig {
  const cluster = admin.getCurrentCluster();
  assert.ok(cluster);
  const config = new KubeConfig();
  config.loadFromClusterAndUser(cluster, { name: "service-account", token });
  return config;
}

/** Watches one Deployment until its Available condition is True; rejects after timeoutMs. */
async function waitForDeploymentAvailable(
  kc: KubeConfig,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<V1Deployment> {
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<V1Deployment>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`deployment ${name} not Available within ${timeoutMs} ms`)),
        timeoutMs,
      );
      new Watch(kc)
        .watch(
          `/apis/apps/v1/namespaces/${namespace}/deployments`,
          { fieldSelector: `metadata.name=${name}` },
          (_phase, object: V1Deployment) => {
            const availableCondition = object.status?.conditions?.find((c) => c.type === "Available");
            if (
              availableCondition?.status === "True" &&
              object.status?.availableReplicas === object.spec?.replicas
            ) {
              resolve(object);
            }
          },
          (err: unknown) => {
            if (err !== null && err !== undefined)
              reject(new Error("deployment watch failed", { cause: err }));
          },
        )
        .then((controller) => (abort = controller), reject);
    });
  } finally {
    clearTimeout(timer);
    abort?.abort();
  }
}
