// The services need no more than the Helm chart's RBAC grants: run the orchestrator, a worker and the status
// service each with its own ServiceAccount's token, provision and delete a deployment and read its live
// status; the worker's identity is refused everything else.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  type V1Deployment,
} from "@kubernetes/client-node";
import { MongoClient } from "mongodb";
import { stringify } from "yaml";
import { applyObjects } from "../src/k8s/cluster/apply.ts";
import { localRadioUnits } from "../src/placement/local-inventory.ts";
import { issueApiKey } from "../src/platform/api-keys.ts";
import { RadioUnitsRepository } from "../src/store/rus-repository.ts";
import { TenantsRepository } from "../src/store/tenants-repository.ts";
import { call, cellsRequest } from "./support/api-client.ts";
import { purgeQueues } from "./support/bus.ts";
import { renderChart } from "./support/helm.ts";
import { eventually } from "./support/eventually.ts";
import { adminKubeConfig, deleteNamespaceAndWait, statusOf } from "./support/kube.ts";
import { ServiceFleet } from "./support/services.ts";
import { SIMULATED_SOFTWARE, stackConfig, uniqueName } from "./support/stack.ts";

/** The chart's ServiceAccounts, ClusterRoles and bindings, as `helm install ranaas -n ranaas-system` makes them. */
async function chartRbac(): Promise<KubernetesObject[]> {
  const objects = await renderChart("ranaas", "ranaas-system", {
    "mongodb.uri": "mongodb://unused:27017/",
    "rabbitmq.url": "amqp://unused:5672",
    "ran.images.cu": SIMULATED_SOFTWARE.images.cu,
    "ran.images.du": SIMULATED_SOFTWARE.images.du,
    "ran.images.ruEmulator": SIMULATED_SOFTWARE.images.ruEmulator,
  });
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "ranaas-system", labels: { "ranaas.io/system": "true" } },
    },
    ...objects.filter((o) =>
      [
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
      ].includes(o.kind ?? ""),
    ),
  ];
}

/** Mints a token for the ServiceAccount and writes a kubeconfig (mode 0600) that uses it. */
async function serviceAccountKubeconfig(admin: KubeConfig, name: string, file: string): Promise<string> {
  const token = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    name,
    namespace: "ranaas-system",
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = admin.getCurrentCluster();
  assert.ok(cluster && token.status?.token);
  await writeFile(
    file,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: "local", cluster: { server: cluster.server, "certificate-authority": cluster.caFile } },
      ],
      users: [{ name, user: { token: token.status.token } }],
      contexts: [{ name, context: { cluster: "local", user: name } }],
      "current-context": name,
    }),
    { mode: 0o600 },
  );
  return file;
}

describe("services with least-privilege RBAC", () => {
  const database = uniqueName("ranaas_rbac").replaceAll("-", "_");
  const kc = adminKubeConfig();
  const mongo = new MongoClient(stackConfig().mongodbUri);
  let fleet: ServiceFleet;
  let key = "";
  let workerKubeconfig = "";
  const namespaces: string[] = [];

  before(async () => {
    await purgeQueues();
    const dir = await mkdtemp(join(tmpdir(), "ranaas-rbac-"));
    const kubeconfigs: Record<string, string> = {};
    await applyObjects(kc, await chartRbac());
    for (const service of ["orchestrator", "worker", "status"]) {
      kubeconfigs[service] = await serviceAccountKubeconfig(
        kc,
        `ranaas-${service}`,
        join(dir, `${service}.kubeconfig`),
      );
    }
    workerKubeconfig = kubeconfigs.worker ?? "";
    await mongo.connect();
    await new RadioUnitsRepository(mongo.db(database)).upsert(localRadioUnits());
    const issued = issueApiKey();
    await new TenantsRepository(mongo.db(database)).create("rbac-operator", "operator", issued.record);
    key = issued.key;
    fleet = await ServiceFleet.create(database);
    await fleet.start("status", { KUBECONFIG: kubeconfigs.status });
    await fleet.start("orchestrator", { KUBECONFIG: kubeconfigs.orchestrator });
    await fleet.start("worker", { KUBECONFIG: workerKubeconfig });
    await fleet.start("api");
  });

  after(async () => {
    await fleet.stopAll();
    await Promise.all(namespaces.map((ns) => deleteNamespaceAndWait(kc, ns)));
    await mongo.db(database).dropDatabase();
    await mongo.close();
  });

  it("provisions and deletes a deployment", async () => {
    const auth = { authorization: `Bearer ${key}` };
    const created = await call<{ id: string; state: string; plan: { namespace: string } | null }>(
      fleet.apiUrl,
      "POST",
      "/v1/ran-deployments",
      cellsRequest("rbac-cells", 2),
      { ...auth, prefer: "wait=30" },
    );
    assert.equal(created.body.state, "ready", JSON.stringify(created.body));
    if (created.body.plan !== null) namespaces.push(created.body.plan.namespace);
    const live = await call<{ status?: { phase: string; stale: boolean } }>(
      fleet.apiUrl,
      "GET",
      `/v1/ran-deployments/${created.body.id}`,
      undefined,
      auth,
    );
    assert.equal(live.body.status?.stale, false, "the status service watches with its own identity");
    const deleted = await call<{ state: string }>(
      fleet.apiUrl,
      "DELETE",
      `/v1/ran-deployments/${created.body.id}`,
      undefined,
      {
        ...auth,
        prefer: "wait=60",
      },
    );
    assert.equal(deleted.body.state, "deleted");
  });

  it("refuses the worker's identity anything beyond its role", async () => {
    const worker = new KubeConfig();
    worker.loadFromFile(workerKubeconfig);
    const core = worker.makeApiClient(CoreV1Api);
    for (const [what, attempt] of [
      ["list secrets", () => core.listSecretForAllNamespaces()],
      [
        "create a service account",
        () =>
          core.createNamespacedServiceAccount({ namespace: "default", body: { metadata: { name: "x" } } }),
      ],
      ["delete a node", () => core.deleteNode({ name: "central-1" })],
    ] as const) {
      const status = await attempt().then(
        () => 200,
        (err: unknown) => statusOf(err),
      );
      assert.equal(status, 403, `expected 403 for: ${what}`);
    }
  });
  it("confines the worker's identity to RAN namespaces and RAN-shaped pods (the chart's admission policy)", async () => {
    const worker = new KubeConfig();
    worker.loadFromFile(workerKubeconfig);
    const core = worker.makeApiClient(CoreV1Api);
    const apps = worker.makeApiClient(AppsV1Api);
    const adminCore = kc.makeApiClient(CoreV1Api);
    const managed = { "app.kubernetes.io/managed-by": "ranaas" };
    // Every attempt is a dry run: it goes through authorization and admission but changes nothing, so a
    // policy that did not hold cannot harm the stack (kube-system included).
    const dryRun = "All";
    const outcome = (attempt: Promise<unknown>) =>
      attempt.then(
        () => ({ status: 200, message: "" }),
        (err: unknown) => ({
          status: statusOf(err),
          message: err instanceof Error ? err.message : String(err),
        }),
      );
    const ranNamespace = `ran-${randomBytes(6).toString("hex")}`;
    const foreignRan = `ran-${randomBytes(6).toString("hex")}`;
    const victim = uniqueName("victim");
    await adminCore.createNamespace({ body: { metadata: { name: ranNamespace, labels: managed } } });
    await adminCore.createNamespace({ body: { metadata: { name: foreignRan } } }); // not RANaaS's
    await adminCore.createNamespace({ body: { metadata: { name: victim } } });
    namespaces.push(ranNamespace, foreignRan, victim);

    const pod = (changes: (d: V1Deployment) => void = () => undefined): V1Deployment => {
      const deployment: V1Deployment = {
        metadata: { name: "du", namespace: ranNamespace, labels: managed },
        spec: {
          selector: { matchLabels: { "app.kubernetes.io/component": "du" } },
          template: {
            metadata: { labels: { ...managed, "app.kubernetes.io/component": "du" } },
            spec: {
              containers: [
                {
                  name: "du",
                  image: "simulated.invalid/srsran/du:25.10",
                  securityContext: {
                    privileged: false,
                    capabilities: { drop: ["ALL"], add: ["SYS_NICE", "NET_RAW", "NET_ADMIN"] },
                  },
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { medium: "Memory" } }],
            },
          },
        },
      };
      changes(deployment);
      return deployment;
    };
    /** A dry-run create of a RAN pod in the RAN namespace, changed as given. */
    const createPod = (changes?: (d: V1Deployment) => void) =>
      apps.createNamespacedDeployment({ namespace: ranNamespace, body: pod(changes), dryRun });
    const spec = (d: V1Deployment) =>
      d.spec?.template.spec as NonNullable<V1Deployment["spec"]>["template"]["spec"] & object;

    // The policy is enforced once the API server has loaded it: wait for the first refusal.
    await eventually(
      async () => {
        const kubeSystem = await outcome(
          core.createNamespacedConfigMap({
            namespace: "kube-system",
            body: { metadata: { name: "ranaas-probe", labels: managed } },
            dryRun,
          }),
        );
        return kubeSystem.status === 403 ? kubeSystem : undefined;
      },
      { timeoutMs: 30_000, what: "the admission policy to refuse a ConfigMap in kube-system" },
    );

    const refused: [what: string, attempt: () => Promise<unknown>, reason: RegExp][] = [
      [
        "relabel kube-system",
        async () => {
          const ns = await adminCore.readNamespace({ name: "kube-system" });
          ns.metadata = {
            ...ns.metadata,
            labels: {
              ...ns.metadata?.labels,
              ...managed,
              "pod-security.kubernetes.io/enforce": "privileged",
            },
          };
          return core.replaceNamespace({ name: "kube-system", body: ns, dryRun });
        },
        /RAN namespaces/,
      ],
      [
        "delete a namespace that is not RANaaS's",
        () => core.deleteNamespace({ name: victim, dryRun }),
        /RAN namespaces/,
      ],
      [
        "create a Service in kube-system",
        () =>
          core.createNamespacedService({
            namespace: "kube-system",
            body: { metadata: { name: "x", labels: managed }, spec: { ports: [{ port: 80 }] } },
            dryRun,
          }),
        /RAN namespaces/,
      ],
      [
        "create a RAN-named namespace without RANaaS's label",
        () =>
          core.createNamespace({
            body: { metadata: { name: `ran-${randomBytes(6).toString("hex")}` } },
            dryRun,
          }),
        /managed-by=ranaas/,
      ],
      [
        "take over a RAN-named namespace RANaaS did not create",
        async () => {
          const ns = await adminCore.readNamespace({ name: foreignRan });
          ns.metadata = { ...ns.metadata, labels: { ...ns.metadata?.labels, ...managed } };
          return core.replaceNamespace({ name: foreignRan, body: ns, dryRun });
        },
        /never takes over/,
      ],
      [
        "create a privileged pod",
        () =>
          createPod((d) => {
            const c = spec(d).containers[0];
            if (c?.securityContext) c.securityContext.privileged = true;
          }),
        /not privileged/,
      ],
      [
        "add SYS_ADMIN",
        () =>
          createPod((d) => {
            const c = spec(d).containers[0];
            if (c?.securityContext?.capabilities) c.securityContext.capabilities.add = ["SYS_ADMIN"];
          }),
        /adds no capability/,
      ],
      [
        "mount a host path",
        () =>
          createPod((d) => {
            spec(d).volumes = [{ name: "root", hostPath: { path: "/" } }];
          }),
        /no hostPath/,
      ],
      [
        "use the host network for a DU",
        () =>
          createPod((d) => {
            spec(d).hostNetwork = true;
          }),
        /only a CU pod/,
      ],
      [
        "share the host PID namespace",
        () =>
          createPod((d) => {
            spec(d).hostPID = true;
          }),
        /no host PID/,
      ],
    ];
    for (const [what, attempt, reason] of refused) {
      const answer = await outcome(attempt());
      assert.equal(answer.status, 403, `expected 403 for: ${what} (${answer.message})`);
      assert.match(answer.message, reason, what);
    }
    // What the worker does for a RAN deployment is still allowed.
    for (const [what, attempt] of [
      [
        "create a RAN namespace",
        () =>
          core.createNamespace({
            body: { metadata: { name: `ran-${randomBytes(6).toString("hex")}`, labels: managed } },
            dryRun,
          }),
      ],
      ["create a RAN pod", () => createPod()],
      ["delete a RAN namespace", () => core.deleteNamespace({ name: ranNamespace, dryRun })],
    ] as const) {
      const answer = await outcome(attempt());
      assert.equal(answer.status, 200, `expected the worker may ${what} (${answer.message})`);
    }
  });
});
