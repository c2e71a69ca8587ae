// A real O-RAN 7.2 radio in the pool, end to end on the local stack: the provider imports it over the
// API (a bad record is refused naming each field), an operator's cell is planned onto it, and the DU
// is rendered and applied for that radio — its MACs, VLANs, eAxC ids, compression and windows, on the
// attachment its record names — with no RU emulator. The radio itself is outside the cluster; KWOK
// makes the DU's pod ready without running srsRAN. The RU sits on a simulated node of its own site.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { AppsV1Api, CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { parse } from "yaml";
import type { RadioUnitSpec } from "../src/domain/ru-pool.ts";
import type { DuConfig } from "../src/srsran/config-types.ts";
import { cellsRequest } from "./support/api-client.ts";
import { adminKubeConfig } from "./support/kube.ts";
import { addLoadNodes } from "./support/load-nodes.ts";
import { apiAs, ranaasForSuite } from "./support/ranaas.ts";

const load = { sites: 1, nodesPerSite: 1, rus: 0, prefix: "oru", octet: 33 };
const SITE = "oru-1";
const NODE = "oru-1-1";

async function exampleRadio(
  id: string,
  change: (fh: NonNullable<RadioUnitSpec["fronthaul"]>) => void = () => {},
) {
  const pool = parse(await readFile(new URL("../examples/o-ru/pool.yaml", import.meta.url), "utf8")) as {
    rus: RadioUnitSpec[];
  };
  const ru = structuredClone(pool.rus[0]!);
  change(ru.fronthaul!);
  return { ...ru, id, site: SITE, node: NODE };
}

describe("a real O-RU in the pool", { timeout: 180_000 }, () => {
  const kc = adminKubeConfig();
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  // RANaaS stops first (its after hook is declared first), so its namespaces go while their node is there.
  const ranaas = ranaasForSuite({ "op-oru": "operator", "provider-oru": "admin" }, "ranaas_oru");
  let removeNodes = async () => {};
  before(async () => {
    removeNodes = await addLoadNodes(kc, load);
  });
  after(() => removeNodes());
  const api = apiAs(ranaas, "op-oru");
  const admin = apiAs(ranaas, "provider-oru");

  it("refuses a bad O-RU record over the API naming each field, and keeps nothing of it", async () => {
    const bad = await exampleRadio("oru-bad", (fh) => {
      fh.eaxc.dl = [0, 1];
      fh.vlan.cPlane = 5000;
      fh.ptp.domain = 60;
    });
    const answer = await admin<{ code: string; problems: { path: string; message: string }[] }>(
      "POST",
      "/v1/rus",
      bad,
    );
    assert.equal(answer.status, 422, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.problems.map((p) => p.path).sort(), ["/fronthaul/vlan/cPlane"]);
    // Past the schema, the combinations srsRAN refuses.
    const combos = await admin<{ problems: { path: string; message: string }[] }>(
      "POST",
      "/v1/rus",
      await exampleRadio("oru-bad", (fh) => {
        fh.eaxc.dl = [0, 1];
        fh.ptp.domain = 60;
      }),
    );
    assert.equal(combos.status, 422);
    assert.deepEqual(combos.body.problems.map((p) => p.path).sort(), [
      "/fronthaul/eaxc/dl",
      "/fronthaul/ptp/domain",
    ]);
    const pool = await admin<{ items: { id: string }[] }>("GET", "/v1/rus");
    assert.ok(!pool.body.items.some((ru) => ru.id === "oru-bad"), "nothing of the bad record was kept");
  });

  it("provisions a cell on the O-RU with the DU rendered from its record and no emulator", async () => {
    const radio = await exampleRadio("oru-a");
    assert.equal((await admin("POST", "/v1/rus", radio)).status, 201);
    const created = await api(
      "POST",
      "/v1/ran-deployments",
      {
        ...cellsRequest("oru-cell", 1, { site: SITE }),
        cells: [{ band: 78, bandwidthMHz: 100 }],
      },
      { prefer: "wait=60" },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.plan?.cells[0]?.ruId, "oru-a");
    const namespace = created.body.plan?.namespace ?? "";
    const names = (await apps.listNamespacedDeployment({ namespace })).items
      .map((d) => d.metadata?.name)
      .sort();
    assert.deepEqual(names, ["cu", "du"], "no RU emulator for a real radio");

    const fh = radio.fronthaul!;
    const du = parse(
      (await core.readNamespacedConfigMap({ name: "du-config", namespace })).data?.["du.yml"] ?? "",
    ) as DuConfig;
    const link = du.ru_ofh.cells[0]!;
    assert.deepEqual(
      [
        link.ru_mac_addr,
        link.du_mac_addr,
        link.vlan_tag_cp,
        link.vlan_tag_up,
        link.dl_port_id,
        link.ul_port_id,
        link.prach_port_id,
      ],
      [fh.ruMac, fh.duMac, fh.vlan.cPlane, fh.vlan.uPlane, fh.eaxc.dl, fh.eaxc.ul, fh.eaxc.prach],
    );
    assert.deepEqual(
      [
        link.compr_method_dl,
        link.compr_bitwidth_dl,
        link.enable_dl_static_compr_hdr,
        link.enable_ul_static_compr_hdr,
        link.iq_scaling,
      ],
      ["bfp", 9, false, false, 5.5],
    );
    assert.deepEqual([link.t1a_min_up, link.t1a_max_up, link.ta4_min, link.ta4_max], [80, 390, 25, 500]);
    assert.deepEqual([du.cells[0]?.nof_antennas_dl, du.cells[0]?.nof_antennas_ul], [4, 2]);

    // The DU's pod attaches to the network on the NIC the record names, with the MAC the RU expects.
    const nad = (await custom.getNamespacedCustomObject({
      group: "k8s.cni.cncf.io",
      version: "v1",
      namespace,
      plural: "network-attachment-definitions",
      name: "fronthaul-enp1s0f0-9000",
    })) as { spec: { config: string } };
    assert.deepEqual(
      (({ type, master, mtu }) => ({ type, master, mtu }))(
        JSON.parse(nad.spec.config) as Record<string, unknown>,
      ),
      { type: "macvlan", master: "enp1s0f0", mtu: 9000 },
    );
    const duPod = (
      await core.listNamespacedPod({ namespace, labelSelector: "app.kubernetes.io/component=du" })
    ).items[0];
    const networks = JSON.parse(
      duPod?.metadata?.annotations?.["k8s.v1.cni.cncf.io/networks"] ?? "[]",
    ) as unknown[];
    assert.deepEqual(networks, [{ name: "fronthaul-enp1s0f0-9000", interface: "net1", mac: fh.duMac }]);
    assert.equal(duPod?.spec?.nodeName, NODE);
    assert.equal((await api("DELETE", `/v1/ran-deployments/${created.body.id}`)).status, 202);
  });

  it("leaves out an O-RU whose node lost PTP lock and says so", async () => {
    const unsynced = await exampleRadio("oru-b", (fh) => {
      fh.ruMac = "70:b3:d5:e1:5b:99";
      fh.ptp.synced = false;
    });
    assert.equal((await admin("POST", "/v1/rus", unsynced)).status, 201);
    // oru-a is still held while its deployment goes; ask for two cells so both radios would be needed.
    const refused = await api<{ code: string; detail?: string; message?: string }>(
      "POST",
      "/v1/ran-deployments",
      {
        ...cellsRequest("oru-two", 2, { site: SITE }),
        cells: [
          { band: 78, bandwidthMHz: 100 },
          { band: 78, bandwidthMHz: 100 },
        ],
      },
      { prefer: "wait=60" },
    );
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "insufficient-rus");
    assert.match(JSON.stringify(refused.body), /not PTP-synchronised.*oru-b on oru-1-1/);
  });
});
