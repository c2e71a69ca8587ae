import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import { previewSoftware, renderRequest } from "../../offline/render-request.ts";
import { parse } from "yaml";
import type { ResourceDefinition } from "../../domain/resource-definition.ts";
import { validateRuPool } from "../../domain/ru-pool.ts";
import type { CuConfig, DuConfig } from "../../srsran/config-types.ts";
import { configViolations } from "../../srsran/config-violations.ts";
import { ENTRYPOINT_SCRIPT } from "./entrypoint-script.ts";
import type { NetworkPolicy } from "./networking.ts";
import { DEFAULT_RENDER_OPTIONS, renderManifests } from "./render-manifests.ts";

function definition(extra: Record<string, unknown> = {}): ResourceDefinition {
  const result = renderRequest(
    {
      name: "lab",
      amf: [
        { address: "amf.core", plmns: ["00101"] },
        { address: "10.0.0.6", plmns: ["00102"] },
      ],
      plmn: "00101",
      additionalPlmns: ["00102"],
      tac: 7,
      slices: [{ sst: 1 }],
      cells: [
        { band: 78, bandwidthMHz: 20 },
        { band: 78, bandwidthMHz: 20 },
      ],
      ...extra,
    },
    {
      deploymentId: "0190a5c4-7e1d-7000-8000-0000000000bb",
      tenant: "acme",
      software: previewSoftware(),
      backhaul: [
        {
          zone: "central",
          interface: "ens2f1",
          cidr: "192.0.2.0/24",
          gateway: "192.0.2.1",
          routes: ["198.51.100.0/24"],
        },
      ],
    },
  );
  assert.ok(result.ok);
  return result.definition;
}

const deployments = (def: ResourceDefinition) =>
  renderManifests(def).objects.filter((o): o is V1Deployment => o.kind === "Deployment");

describe("renderManifests", () => {
  it("runs a host-network CU in its node's network, and only the CU", () => {
    const def = definition({ coreNetwork: "host" });
    const byName = new Map(deployments(def).map((d) => [d.metadata?.name, d.spec?.template.spec]));
    assert.equal(byName.get("cu")?.hostNetwork, true);
    assert.equal(byName.get("cu")?.dnsPolicy, "ClusterFirstWithHostNet");
    assert.equal(byName.get("du")?.hostNetwork, undefined);
  });

  it("binds N2 and N3 of a backhaul CU to its allocated address on the backhaul attachment", () => {
    const def = definition({ coreNetwork: "backhaul" });
    const { objects, srsranConfigs } = renderManifests(def);
    const nad = objects.find(
      (o) => o.kind === "NetworkAttachmentDefinition" && o.metadata?.name === "backhaul",
    ) as { spec: { config: string } } | undefined;
    assert.ok(nad !== undefined, "a backhaul NetworkAttachmentDefinition");
    assert.deepEqual(JSON.parse(nad.spec.config), {
      cniVersion: "0.3.1",
      type: "macvlan",
      master: "ens2f1",
      mode: "bridge",
      capabilities: { ips: true },
      ipam: { type: "static", routes: [{ dst: "198.51.100.0/24", gw: "192.0.2.1" }] },
    });
    const cu = deployments(def).find((d) => d.metadata?.name === "cu");
    assert.deepEqual(
      JSON.parse(cu?.spec?.template.metadata?.annotations?.["k8s.v1.cni.cncf.io/networks"] ?? "[]"),
      [{ name: "backhaul", interface: "bh0", ips: ["192.0.2.2/24"] }],
    );
    const config = parse(srsranConfigs["cu.yml"] ?? "") as CuConfig;
    const amfs = [config.cu_cp.amf, ...(config.cu_cp.extra_amfs ?? [])];
    for (const amf of amfs)
      assert.equal("bind_addr" in amf && amf.bind_addr, "192.0.2.2", "N2 from the backhaul address");
    assert.deepEqual(config.cu_up.ngu.socket, [{ bind_addr: "192.0.2.2", ext_addr: "192.0.2.2" }]);
    assert.ok(
      !(cu?.spec?.template.spec?.containers[0]?.env ?? []).some((e) => e.name === "RANAAS_ADDR_N3_EXT_ADDR"),
      "no N3 address to fill in at start",
    );
    const attachments = (d: ResourceDefinition) =>
      renderManifests(d).objects.filter((o) => o.kind === "NetworkAttachmentDefinition").length;
    assert.equal(attachments(def), 2);
    assert.equal(attachments(definition()), 1, "a pod-network deployment has only its fronthaul attachment");
  });

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
    // The local nodes declare their fronthaul NIC (ens1f0, MTU 9000): both ends attach to a macvlan on it.
    assert.deepEqual(networks("ru-emulator-1"), [
      { name: "fronthaul-ens1f0-9000", interface: "net1", mac: def.cells[1]?.fronthaul.ruMac },
    ]);
    const nads = renderManifests(def).objects.filter((o) => o.kind === "NetworkAttachmentDefinition");
    assert.deepEqual(
      nads.map((n) => [
        n.metadata?.name,
        JSON.parse((n as unknown as { spec: { config: string } }).spec.config) as unknown,
      ]),
      [
        [
          "fronthaul-ens1f0-9000",
          { cniVersion: "0.3.1", type: "macvlan", master: "ens1f0", mode: "bridge", mtu: 9000, ipam: {} },
        ],
      ],
    );
  });

  it("attaches each end to its own node's declared NIC, at its MTU, and an undeclared one to the cluster's", () => {
    const def = definition();
    const [first, second] = def.cells;
    assert.ok(first !== undefined && second !== undefined);
    const ofh = first.fronthaul.ofh!;
    first.fronthaul.ofh = { ...ofh, interface: { kind: "macvlan", master: "enp7s0", mtu: 1500 } };
    delete second.fronthaul.ofh;
    const nads = renderManifests(def, { ...DEFAULT_RENDER_OPTIONS, fronthaulMasterInterface: "eth9" })
      .objects.filter((o) => o.kind === "NetworkAttachmentDefinition")
      .map((n) => {
        const cni = JSON.parse((n as unknown as { spec: { config: string } }).spec.config) as {
          master: string;
          mtu: number;
        };
        return [n.metadata?.name, cni.master, cni.mtu];
      });
    assert.deepEqual(nads, [
      ["fronthaul-enp7s0-1500", "enp7s0", 1500],
      ["fronthaul-ens1f0-9000", "ens1f0", 9000],
      ["fronthaul", "eth9", 9000],
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

  it("lets RAN pods send only inside their deployment and to DNS, and the CU to its AMFs and the UPFs", () => {
    const policiesOf = (def: ResourceDefinition) =>
      new Map(
        renderManifests(def, { ...DEFAULT_RENDER_OPTIONS, upfCidrs: ["198.51.100.0/24"] })
          .objects.filter((o): o is NetworkPolicy => o.kind === "NetworkPolicy")
          .map((p) => [p.metadata?.name, p.spec]),
      );
    const policies = policiesOf(definition());
    const all = policies.get("egress");
    assert.deepEqual(all?.podSelector, { matchLabels: { "app.kubernetes.io/instance": "0000000000bb" } });
    assert.deepEqual(all?.policyTypes, ["Egress"]);
    assert.deepEqual(all?.egress, [
      { to: [{ podSelector: {} }] },
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ]);
    const core = policies.get("egress-core");
    assert.equal(core?.podSelector.matchLabels?.["app.kubernetes.io/component"], "cu");
    // One AMF is named by DNS (amf.core): N2 may go to any address, on the SCTP port only.
    assert.deepEqual(core?.egress?.[0], { ports: [{ protocol: "SCTP", port: 38412 }] });
    assert.deepEqual(core?.egress?.[1], {
      to: [{ ipBlock: { cidr: "198.51.100.0/24" } }],
      ports: [{ protocol: "UDP", port: 2152 }],
    });
    // With AMFs at addresses, N2 goes only there.
    const byAddress = policiesOf(
      definition({
        amf: [
          { address: "10.0.0.5", port: 38413, plmns: ["00101"] },
          { address: "10.0.0.6", plmns: ["00102"] },
        ],
      }),
    ).get("egress-core");
    assert.deepEqual(byAddress?.egress?.[0], {
      to: [{ ipBlock: { cidr: "10.0.0.5/32" } }, { ipBlock: { cidr: "10.0.0.6/32" } }],
      ports: [
        { protocol: "SCTP", port: 38413 },
        { protocol: "SCTP", port: 38412 },
      ],
    });
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
    const terminationLog = join(dir, "termination-log");
    await assert.rejects(
      run("sh", [join(dir, "entrypoint.sh"), join(dir, "du.yml"), "/bin/true"], {
        env: { PATH: process.env.PATH, RANAAS_TERMINATION_LOG: terminationLog },
      }),
      (err: { code?: number; stderr?: string }) =>
        err.code === 1 && /no RANAAS_ADDR_ value for \$\{CU_F1C_ADDR\}/.test(err.stderr ?? ""),
    );
    assert.equal(
      await readFile(terminationLog, "utf8"),
      "ranaas: no RANAAS_ADDR_ value for ${CU_F1C_ADDR}\n",
      "the reason is the container's termination message",
    );
  });

  it("fills a DPDK VF's PCI address from the device plugin's list and DPDK's CPUs from the container's", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ranaas-entry-"));
    await writeFile(join(dir, "entrypoint.sh"), ENTRYPOINT_SCRIPT);
    await writeFile(join(dir, "du.yml"), 'nic: "${PCI_1}"\neal: "(0-1)@(${CPUSET}) -a ${PCI_0}"\n');
    await writeFile(join(dir, "fake-srsdu"), '#!/bin/sh\ncat "$2"\n', { mode: 0o755 });
    const env = {
      PATH: process.env.PATH,
      PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK: "0000:af:02.0,0000:af:02.1",
      RANAAS_VF_PCI_0: "PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK:0",
      RANAAS_VF_PCI_1: "PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK:1",
    };
    const { stdout } = await run(
      "sh",
      [join(dir, "entrypoint.sh"), join(dir, "du.yml"), join(dir, "fake-srsdu")],
      { env },
    );
    const cpus = /^Cpus_allowed_list:\s*(\S+)$/m.exec(await readFile("/proc/self/status", "utf8"))?.[1];
    assert.equal(stdout, `nic: "0000:af:02.1"\neal: "(0-1)@(${cpus}) -a 0000:af:02.0"\n`);
    // A pod the device plugin gave no VF (or fewer than it needs) does not start, and says why.
    await assert.rejects(
      run("sh", [join(dir, "entrypoint.sh"), join(dir, "du.yml"), "/bin/true"], {
        env: { ...env, PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK: "0000:af:02.0" },
      }),
      (err: { stderr?: string }) =>
        /PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK lists no VF number 1 \(0000:af:02.0\)/.test(err.stderr ?? ""),
    );
  });
});

describe("a DU that drives its fronthaul with DPDK", () => {
  it("takes each VF by its PCI address, with srsRAN's hal section, hugepages and the VFs requested", async () => {
    const pool = validateRuPool(
      parse(await readFile(new URL("../../../examples/o-ru/pool.yaml", import.meta.url), "utf8")),
    );
    assert.ok(pool.ok);
    for (const ru of pool.pool.rus)
      ru.fronthaul!.du = {
        kind: "sriov",
        resourceName: "intel.com/intel_sriov_dpdk",
        mtu: 9000,
        dpdk: true,
        hugepagesGiB: 4,
      };
    const request = parse(
      await readFile(new URL("../../../examples/o-ru/n78-two-o-rus.yaml", import.meta.url), "utf8"),
    ) as unknown;
    const result = renderRequest(request, {
      deploymentId: "0190a5c4-7e1d-7000-8000-0000000000dd",
      tenant: "t",
      software: previewSoftware(),
      pool: pool.pool,
    });
    assert.ok(result.ok, JSON.stringify(result));
    const du = parse(result.files["srsran/du.yml"]!) as DuConfig;
    assert.deepEqual(
      du.ru_ofh.cells.map((c) => c.network_interface),
      ["${PCI_0}", "${PCI_1}"],
    );
    assert.equal(du.hal?.eal_args, "--lcores (0-1)@(${CPUSET}) -a ${PCI_0} -a ${PCI_1}");
    assert.deepEqual(configViolations(result.definition), [], "srsRAN knows hal.eal_args");
    const deployment = renderManifests(result.definition).objects.find(
      (o) => o.kind === "Deployment" && o.metadata?.name === "du",
    ) as V1Deployment;
    const pod = deployment.spec!.template.spec!;
    const container = pod.containers[0]!;
    assert.deepEqual(
      [
        container.resources?.limits?.["intel.com/intel_sriov_dpdk"],
        container.resources?.limits?.["hugepages-1Gi"],
      ],
      ["2", "4Gi"],
    );
    assert.deepEqual(container.resources?.requests, container.resources?.limits, "Guaranteed");
    assert.deepEqual(
      container.env?.filter((e) => e.name.startsWith("RANAAS_VF_")).map((e) => [e.name, e.value]),
      [
        ["RANAAS_VF_PCI_0", "PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK:0"],
        ["RANAAS_VF_PCI_1", "PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK:1"],
      ],
    );
    assert.ok(container.securityContext?.capabilities?.add?.includes("IPC_LOCK"));
    assert.ok(pod.volumes?.some((v) => v.emptyDir?.medium === "HugePages-1Gi"));
    const nad = renderManifests(result.definition).objects.find(
      (o) => o.kind === "NetworkAttachmentDefinition",
    );
    assert.equal(
      nad?.metadata?.annotations?.["k8s.v1.cni.cncf.io/resourceName"],
      "intel.com/intel_sriov_dpdk",
    );
  });
});
