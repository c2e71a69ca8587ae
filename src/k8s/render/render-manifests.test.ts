import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import { DEFAULT_IMAGES } from "../../domain/resource-definition.ts";
import { renderRequest } from "../../offline/render-request.ts";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import { ENTRYPOINT_SCRIPT } from "./entrypoint-script.ts";
import { renderManifests } from "./render-manifests.ts";

function definition(extra: Record<string, unknown> = {}): ResourceDefinition {
  const result = renderRequest(
    {
      name: "lab",
      amf: [{ address: "amf.core" }, { address: "10.0.0.6" }],
      plmn: "00101",
      tac: 7,
      slices: [{ sst: 1 }],
      cells: [
        { band: 78, bandwidthMHz: 20 },
        { band: 78, bandwidthMHz: 20 },
      ],
      ...extra,
    },
    { deploymentId: "0190a5c4-7e1d-7000-8000-0000000000bb", tenant: "acme", images: DEFAULT_IMAGES },
  );
  assert.ok(result.ok);
  return result.definition;
}

const deployments = (def: ResourceDefinition) =>
  renderManifests(def).objects.filter((o): o is V1Deployment => o.kind === "Deployment");

describe("renderManifests", () => {
  it("puts everything in the deployment's namespace with the standard labels, namespace first", () => {
    const def = definition();
    const { objects } = renderManifests(def);
    assert.equal(objects[0]?.kind, "Namespace");
    for (const object of objects) {
      const labels = object.metadata?.labels ?? {};
      assert.equal(labels["app.kubernetes.io/managed-by"], "ranaas");
      assert.equal(labels["ranaas.io/deployment-id"], def.deploymentId);
      assert.equal(labels["ranaas.io/tenant"], "acme");
      if (object.kind !== "Namespace") assert.equal(object.metadata?.namespace, def.namespace);
    }
  });

  it("runs one CU, one DU and an RU emulator per cell, each pinned to its planned node", () => {
    const def = definition();
    const byName = new Map(deployments(def).map((d) => [d.metadata?.name, d]));
    assert.deepEqual([...byName.keys()], ["cu", "du", "ru-emulator-0", "ru-emulator-1"]);
    const node = (name: string) =>
      byName.get(name)?.spec?.template.spec?.nodeSelector?.["kubernetes.io/hostname"];
    assert.equal(node("cu"), def.cu.node);
    assert.equal(node("du"), def.du.node);
    assert.equal(node("ru-emulator-1"), def.cells[1]?.ruNode);
  });

  it("grants only SYS_NICE, NET_RAW and NET_ADMIN, never privileged, with Guaranteed resources", () => {
    for (const deployment of deployments(definition())) {
      const container = deployment.spec?.template.spec?.containers[0];
      assert.equal(container?.securityContext?.privileged, false);
      assert.deepEqual(container?.securityContext?.capabilities, {
        drop: ["ALL"],
        add: ["SYS_NICE", "NET_RAW", "NET_ADMIN"],
      });
      assert.deepEqual(container?.resources?.requests, container?.resources?.limits);
    }
  });

  it("attaches the DU and each RU emulator to the fronthaul with the planned MACs", () => {
    const def = definition();
    const networks = (name: string) =>
      JSON.parse(
        deployments(def).find((d) => d.metadata?.name === name)?.spec?.template.metadata?.annotations?.[
          "k8s.v1.cni.cncf.io/networks"
        ] ?? "[]",
      ) as { interface: string; mac: string }[];
    assert.deepEqual(
      networks("du").map((n) => [n.interface, n.mac]),
      def.cells.map((c, i) => [`net${i + 1}`, c.fronthaul.duMac]),
    );
    assert.deepEqual(networks("ru-emulator-1"), [
      { name: "fronthaul", interface: "net1", mac: def.cells[1]?.fronthaul.ruMac },
    ]);
  });

  it("passes every AMF to the CU's entry step and points the DU at the CU's F1-C Service", () => {
    const def = definition();
    const env = (name: string) =>
      Object.fromEntries(
        (
          deployments(def).find((d) => d.metadata?.name === name)?.spec?.template.spec?.containers[0]?.env ??
          []
        ).map((e) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]),
      );
    assert.deepEqual(env("cu"), {
      RANAAS_ADDR_POD_IP: "status.podIP",
      RANAAS_ADDR_AMF_0: "amf.core",
      RANAAS_ADDR_AMF_1: "10.0.0.6",
      RANAAS_ADDR_N3_EXT_ADDR: "$(RANAAS_ADDR_POD_IP)",
    });
    assert.equal(env("du").RANAAS_ADDR_CU_F1C_ADDR, `cu-f1c.${def.namespace}.svc.cluster.local`);
  });

  it("exposes N3 with the requested Service type and advertises the given external address", () => {
    const def = definition({ n3ServiceType: "LoadBalancer" });
    const rendered = renderManifests(def, {
      fronthaulMasterInterface: "eth1",
      upfCidrs: ["198.51.100.0/24"],
      n3ExternalAddress: "203.0.113.7",
    });
    const n3 = rendered.objects.find(
      (o): o is V1Service => o.kind === "Service" && o.metadata?.name === "cu-n3",
    );
    assert.equal(n3?.spec?.type, "LoadBalancer");
    assert.deepEqual(n3?.spec?.ports?.[0], { name: "n3", protocol: "UDP", port: 2152, targetPort: 2152 });
    const cu = rendered.objects.find(
      (o): o is V1Deployment => o.kind === "Deployment" && o.metadata?.name === "cu",
    );
    assert.ok(
      cu?.spec?.template.spec?.containers[0]?.env?.some(
        (e) => e.name === "RANAAS_ADDR_N3_EXT_ADDR" && e.value === "203.0.113.7",
      ),
    );
  });

  it("changes only the changed component's config fingerprint", () => {
    const before = definition();
    const after = { ...before, cells: before.cells.map((c, i) => (i === 1 ? { ...c, pci: 900 } : c)) };
    const hash = (def: ResourceDefinition): Record<string, string | undefined> =>
      Object.fromEntries(
        deployments(def).map((d) => [
          d.metadata?.name ?? "",
          d.spec?.template.metadata?.annotations?.["ranaas.io/config-hash"],
        ]),
      );
    const [a, b] = [hash(before), hash(after)];
    assert.equal(a.cu, b.cu);
    assert.notEqual(a.du, b.du);
    assert.equal(a["ru-emulator-0"], b["ru-emulator-0"]);
  });
});

describe("the pod entry step", () => {
  const run = promisify(execFile);

  it("fills placeholders from RANAAS_ADDR_ variables and starts the binary with the filled config", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ranaas-entry-"));
    await writeFile(join(dir, "entrypoint.sh"), ENTRYPOINT_SCRIPT);
    await writeFile(join(dir, "cu.yml"), 'bind: "${POD_IP}"\namf: "${AMF_0}"\n');
    await writeFile(join(dir, "fake-srscu"), '#!/bin/sh\necho "$1"; cat "$2"\n', { mode: 0o755 });
    const { stdout } = await run(
      "sh",
      [join(dir, "entrypoint.sh"), join(dir, "cu.yml"), join(dir, "fake-srscu")],
      {
        env: { PATH: process.env.PATH, RANAAS_ADDR_POD_IP: "10.244.0.9", RANAAS_ADDR_AMF_0: "localhost" },
      },
    );
    assert.equal(stdout, '-c\nbind: "10.244.0.9"\namf: "127.0.0.1"\n');
    assert.equal(
      await readFile(join(dir, "cu.yml"), "utf8"),
      'bind: "${POD_IP}"\namf: "${AMF_0}"\n',
      "template untouched",
    );
  });

  it("refuses to start srsRAN while a placeholder has no value", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ranaas-entry-"));
    await writeFile(join(dir, "entrypoint.sh"), ENTRYPOINT_SCRIPT);
    await writeFile(join(dir, "du.yml"), 'cu: "${CU_F1C_ADDR}"\n');
    await assert.rejects(
      run("sh", [join(dir, "entrypoint.sh"), join(dir, "du.yml"), "/bin/true"], {
        env: { PATH: process.env.PATH },
      }),
      (err: { code?: number; stderr?: string }) =>
        err.code === 1 && /no RANAAS_ADDR_ value/.test(err.stderr ?? ""),
    );
  });
});
