// The Helm chart on the local stack: it lints, its values schema refuses bad values, and what it renders
// applies to a real API server, where the RANaaS pods (and the bundled MongoDB and RabbitMQ) are
// scheduled on the simulated central nodes and become Ready.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type KubernetesObject,
  type V1Deployment,
  type V1LabelSelector,
  type V1StatefulSet,
} from "@kubernetes/client-node";
import { applyObjects } from "../src/k8s/cluster/apply.ts";
import { parseSecretKey } from "../src/platform/secret-box.ts";
import { eventually } from "./support/eventually.ts";
import { lintChart, renderChart, templateChart } from "./support/helm.ts";
import { adminKubeConfig, deleteNamespaceAndWait } from "./support/kube.ts";
import { uniqueName } from "./support/stack.ts";

const images = {
  "ran.images.cu": "registry.example/srsran:25.10",
  "ran.images.du": "registry.example/srsran:25.10",
  "ran.images.ruEmulator": "registry.example/srsran:25.10",
};
const existing = {
  "mongodb.uri": "mongodb://db.example:27017/",
  "rabbitmq.url": "amqp://u:p@mq.example:5672",
  ...images,
};

/** Objects that live outside any namespace: the RBAC cluster roles and the worker's admission policy. */
const isClusterScoped = (o: KubernetesObject) =>
  (o.kind?.startsWith("Cluster") ?? false) || (o.kind?.startsWith("ValidatingAdmissionPolicy") ?? false);

describe("Helm chart", { timeout: 300_000 }, () => {
  const kc = adminKubeConfig();
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = uniqueName("ranaas-chart");
  const release = "rc";
  let clusterScoped: KubernetesObject[] = [];

  after(async () => {
    await deleteNamespaceAndWait(kc, namespace);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const admission = kc.makeApiClient(AdmissionregistrationV1Api);
    for (const o of clusterScoped) {
      const name = o.metadata?.name ?? "";
      if (o.kind === "ClusterRole") await rbac.deleteClusterRole({ name }).catch(() => undefined);
      if (o.kind === "ClusterRoleBinding")
        await rbac.deleteClusterRoleBinding({ name }).catch(() => undefined);
      if (o.kind === "ValidatingAdmissionPolicyBinding")
        await admission.deleteValidatingAdmissionPolicyBinding({ name }).catch(() => undefined);
      if (o.kind === "ValidatingAdmissionPolicy")
        await admission.deleteValidatingAdmissionPolicy({ name }).catch(() => undefined);
    }
  });

  it("lints, and its values schema refuses bad values with the field named", async () => {
    const lint = await lintChart(existing);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    const oneApi = await templateChart({ ...existing, "api.replicas": "1" });
    assert.notEqual(oneApi.code, 0);
    assert.match(oneApi.stderr, /\/api\/replicas.*minimum/);
    const typo = await templateChart({ "worker.replica": "3" });
    assert.notEqual(typo.code, 0);
    assert.match(typo.stderr, /at '\/worker': additional properties 'replica' not allowed/);
    const { "ran.images.du": _du, ...noDuImage } = existing;
    for (const [values, missing] of [
      [
        { "mongodb.uri": existing["mongodb.uri"], "rabbitmq.url": existing["rabbitmq.url"] },
        "properties 'cu', 'du', 'ruEmulator'",
      ],
      [noDuImage, "property 'du'"],
    ] as const) {
      const noImages = await templateChart(values);
      assert.notEqual(noImages.code, 0, "installs without RAN images");
      assert.ok(noImages.stderr.includes(`at '/ran/images': missing ${missing}`), noImages.stderr);
    }
    const flavour = await templateChart({ ...existing, "ran.flavour": "oai" });
    assert.notEqual(flavour.code, 0);
    assert.match(flavour.stderr, /at '\/ran\/flavour'.*'srsran', 'ocudu'/);
    const noDatabase = await templateChart({ "rabbitmq.url": existing["rabbitmq.url"], ...images });
    assert.notEqual(noDatabase.code, 0);
    assert.match(
      noDatabase.stderr,
      /mongodb: set mongodb.uri, mongodb.existingSecret, or mongodb.install=true/,
    );
  });

  it("renders least privilege (no secrets access, no RBAC writes, no API token for the API pods) and each service's Node.js options", async () => {
    const objects = await renderChart(release, namespace, existing);
    const roles = objects.filter((o) => o.kind === "ClusterRole") as unknown as {
      rules: { resources: string[]; verbs: string[] }[];
    }[];
    assert.equal(roles.length, 3);
    for (const role of roles)
      for (const rule of role.rules) {
        assert.ok(!rule.resources.includes("secrets") && !rule.resources.includes("*"), JSON.stringify(rule));
        assert.ok(
          !rule.verbs.includes("*") && !rule.verbs.includes("escalate") && !rule.verbs.includes("bind"),
        );
      }
    const deployment = (service: string) =>
      objects.find(
        (o) => o.kind === "Deployment" && o.metadata?.name === `${release}-${service}`,
      ) as V1Deployment;
    const api = deployment("api");
    assert.equal(api.spec?.template.spec?.automountServiceAccountToken, false);
    // Each service runs with its Node.js options (what the benchmarks measured), and they can be changed.
    const nodeOptions = (d: V1Deployment) =>
      d.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === "NODE_OPTIONS")?.value;
    assert.equal(nodeOptions(api), "--expose-gc --max-semi-space-size=4");
    for (const service of ["orchestrator", "worker", "status"])
      assert.equal(nodeOptions(deployment(service)), "--max-semi-space-size=4", service);
    const tuned = await renderChart(release, namespace, { ...existing, "status.nodeOptions": "" });
    const status = tuned.find((o) => o.kind === "Deployment" && o.metadata?.name === `${release}-status`);
    assert.equal(nodeOptions(status as V1Deployment), undefined);
    assert.ok(
      !JSON.stringify(objects.filter((o) => o.kind !== "Secret")).includes("u:p@"),
      "credentials only in the Secret",
    );
  });

  it("runs the bundled backends with authentication, one RabbitMQ user per service, behind NetworkPolicies", async () => {
    const objects = await renderChart(release, namespace, {
      "mongodb.install": "true",
      "rabbitmq.install": "true",
      ...images,
    });
    const named = <T>(kind: string, name: string) =>
      objects.find((o) => o.kind === kind && o.metadata?.name === `${release}-${name}`) as T;
    const secret = named<{ stringData: Record<string, string> }>("Secret", "connections").stringData;
    assert.match(
      secret["mongodb-uri"] ?? "",
      /^mongodb:\/\/ranaas:\w{32}@rc-mongodb:27017\/ranaas\?authSource=ranaas$/,
    );
    assert.equal(secret["amqp-url"], undefined, "no administrator's URL for the services");
    const passwords = new Set<string>();
    for (const service of ["api", "orchestrator", "worker", "status"]) {
      const password = secret[`rabbitmq-password-${service}`] ?? "";
      assert.match(password, /^\w{32}$/);
      passwords.add(password);
      assert.equal(secret[`amqp-url-${service}`], `amqp://ranaas-${service}:${password}@rc-rabbitmq:5672`);
    }
    assert.equal(passwords.size, 4, "a password of its own for each service");

    // Each service sees only its own RabbitMQ login, and only the API and the orchestrator the database's.
    for (const service of ["api", "orchestrator", "worker", "status"]) {
      const env = named<V1Deployment>("Deployment", service).spec?.template.spec?.containers[0]?.env ?? [];
      const names = env.map((e) => e.name).filter((n) => /^(AMQP_URL|MONGODB_URI)/.test(n));
      const database = service === "api" || service === "orchestrator" ? ["MONGODB_URI"] : [];
      assert.deepEqual(names.sort(), [...database, `AMQP_URL_${service.toUpperCase()}`].sort(), service);
      const amqp = env.find((e) => e.name.startsWith("AMQP_URL"));
      assert.equal(amqp?.valueFrom?.secretKeyRef?.key, `amqp-url-${service}`);
    }

    const mongodb = named<V1StatefulSet>("StatefulSet", "mongodb").spec?.template.spec;
    assert.deepEqual(mongodb?.containers[0]?.args, ["--bind_ip_all", "--auth"]);
    const mongoEnv = mongodb?.containers[0]?.env ?? [];
    assert.equal(
      mongoEnv.find((e) => e.name === "MONGO_INITDB_ROOT_PASSWORD")?.valueFrom?.secretKeyRef?.key,
      "mongodb-root-password",
    );
    assert.equal(
      mongoEnv.find((e) => e.name === "RANAAS_MONGODB_PASSWORD")?.valueFrom?.secretKeyRef?.key,
      "mongodb-password",
    );
    assert.ok(
      mongodb?.containers[0]?.volumeMounts?.some((m) => m.mountPath === "/docker-entrypoint-initdb.d"),
    );
    const rabbitmq = named<V1StatefulSet>("StatefulSet", "rabbitmq").spec?.template.spec?.containers[0];
    assert.match(
      rabbitmq?.lifecycle?.postStart?.exec?.command?.join(" ") ?? "",
      /sh \/ranaas\/rabbitmq-users\.sh/,
    );
    const backends = named<{ data: Record<string, string> }>("ConfigMap", "backends").data;
    assert.equal(
      backends["rabbitmq-users.sh"]?.trimEnd(),
      readFileSync(
        new URL("../deploy/helm/ranaas/files/rabbitmq-users.sh", import.meta.url),
        "utf8",
      ).trimEnd(),
      "the chart makes the users the local stack makes",
    );
    assert.match(backends["create-user.js"] ?? "", /role: "readWrite", db: name/);

    // The API seals callback secrets with a generated key that survives an uninstall; only it gets the key.
    const keySecret = named<{
      data: Record<string, string>;
      metadata: { annotations: Record<string, string> };
    }>("Secret", "secrets-key");
    assert.equal(keySecret.metadata.annotations["helm.sh/resource-policy"], "keep");
    const key = parseSecretKey(Buffer.from(keySecret.data["secrets-key"] ?? "", "base64").toString());
    assert.notEqual(typeof key, "string", `a 32-byte key: ${typeof key === "string" ? key : key.id}`);
    for (const service of ["api", "orchestrator", "worker", "status"]) {
      const env = named<V1Deployment>("Deployment", service).spec?.template.spec?.containers[0]?.env ?? [];
      const given = env.find((e) => e.name === "RANAAS_SECRETS_KEY")?.valueFrom?.secretKeyRef;
      assert.deepEqual(
        given,
        service === "api" ? { name: `${release}-secrets-key`, key: "secrets-key" } : undefined,
      );
    }

    // The NetworkPolicies admit exactly the services that use each backend (judged by the policies' own
    // selectors against the rendered pods' labels; the local stack has no CNI that enforces them).
    const podLabels = objects
      .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
      .map((o) => (o as V1Deployment).spec?.template.metadata?.labels ?? {});
    for (const [backend, port, admitted] of [
      ["mongodb", 27017, ["api", "orchestrator"]],
      ["rabbitmq", 5672, ["api", "orchestrator", "status", "worker"]],
    ] as const) {
      const policy = named<{ spec?: RenderedPolicy }>("NetworkPolicy", backend).spec;
      assert.deepEqual(policy?.policyTypes, ["Ingress"]);
      const selected = podLabels.filter((l) => selects(policy?.podSelector ?? {}, l));
      assert.deepEqual(
        selected.map((l) => l["app.kubernetes.io/component"]),
        [backend],
      );
      const rules = policy?.ingress ?? [];
      assert.equal(rules.length, 1);
      assert.deepEqual(rules[0]?.ports, [{ protocol: "TCP", port }]);
      const from = podLabels
        .filter((l) =>
          rules[0]?.from?.some(
            (peer) => peer.namespaceSelector === undefined && selects(peer.podSelector ?? {}, l),
          ),
        )
        .map((l) => l["app.kubernetes.io/component"])
        .sort();
      assert.deepEqual(from, admitted, backend);
      // Another release's pods, or anything else in the namespace, are not admitted.
      assert.ok(
        !rules[0]?.from?.some((peer) =>
          selects(peer.podSelector ?? {}, { "app.kubernetes.io/component": "api" }),
        ),
      );
    }
  });

  it("applies to the local stack, where every pod is scheduled and becomes Ready", async () => {
    const objects = await renderChart(release, namespace, {
      "mongodb.install": "true",
      "mongodb.persistence.enabled": "false",
      "rabbitmq.install": "true",
      "rabbitmq.persistence.enabled": "false",
      "worker.autoscaling.enabled": "true",
      "nodeSelector.ranaas\\.io/role": "central",
      ...images,
    });
    clusterScoped = objects.filter(isClusterScoped);
    await applyObjects(kc, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }]);
    await applyObjects(
      kc,
      objects.map((o) => (isClusterScoped(o) ? o : { ...o, metadata: { ...o.metadata, namespace } })),
    );

    const want: Record<string, number> = { api: 2, orchestrator: 2, worker: 1, status: 1 };
    const deployments = await eventually(
      async () => {
        const list = (await apps.listNamespacedDeployment({ namespace })).items;
        const ready = (d: V1Deployment) => (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1);
        return list.length === 4 && list.every(ready) ? list : undefined;
      },
      { timeoutMs: 120_000, what: "the RANaaS Deployments to be available" },
    );
    for (const d of deployments) {
      const component = d.metadata?.labels?.["app.kubernetes.io/component"] ?? "";
      assert.equal(d.status?.readyReplicas, want[component], component);
    }
    await eventually(
      async () => {
        const sets = (await apps.listNamespacedStatefulSet({ namespace })).items;
        return sets.length === 2 && sets.every((s: V1StatefulSet) => s.status?.readyReplicas === 1)
          ? true
          : undefined;
      },
      { timeoutMs: 120_000, what: "MongoDB and RabbitMQ to be ready" },
    );

    const pods = (await core.listNamespacedPod({ namespace })).items;
    assert.equal(pods.length, 8);
    const nodes = new Map(
      (await core.listNode()).items.map((n) => [n.metadata?.name, n.metadata?.labels?.["ranaas.io/role"]]),
    );
    for (const pod of pods) {
      assert.equal(nodes.get(pod.spec?.nodeName), "central", `${pod.metadata?.name} runs on a central node`);
      assert.ok(
        pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        `${pod.metadata?.name} is Ready`,
      );
      if (
        pod.metadata?.labels?.["app.kubernetes.io/component"]?.match(/^(api|orchestrator|worker|status)$/)
      ) {
        const container = pod.spec?.containers[0];
        assert.equal(container?.securityContext?.runAsNonRoot, true);
        assert.equal(container?.securityContext?.readOnlyRootFilesystem, true);
        assert.deepEqual(container?.securityContext?.capabilities?.drop, ["ALL"]);
        assert.equal(container?.readinessProbe?.httpGet?.path, "/readyz");
        assert.equal(container?.livenessProbe?.httpGet?.path, "/healthz");
      }
    }
    const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler");
    assert.ok(hpa, "the worker autoscaler is rendered and accepted by the API server");
  });
});

/** A NetworkPolicy as rendered (YAML's `from`, which the client's types call `_from`). */
interface RenderedPolicy {
  podSelector?: V1LabelSelector;
  policyTypes?: string[];
  ingress?: {
    from?: { podSelector?: V1LabelSelector; namespaceSelector?: V1LabelSelector }[];
    ports?: unknown[];
  }[];
}

/** Whether a label selector (matchLabels and matchExpressions) selects these labels. */
function selects(selector: V1LabelSelector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case "In":
        return value !== undefined && (e.values ?? []).includes(value);
      case "NotIn":
        return value === undefined || !(e.values ?? []).includes(value);
      case "Exists":
        return value !== undefined;
      default:
        return value === undefined;
    }
  });
  return byLabel && byExpression;
}
