// What a real cluster must have before RANaaS can start a RAN on it, checked from facts read off the
// cluster: each requirement passes, fails (with the fix), or is unknown (nothing declares it; how to).
// Pure: the adapter (k8s/cluster/cluster-facts.ts) reads the facts, `ranaas preflight` and the
// orchestrator report the results.
import { FRONTHAUL_ANNOTATIONS, PTP_FRONTHAUL_LABEL } from "../placement/inventory.ts";
import { parseVlanRanges } from "../radio/fronthaul.ts";
import { OFH_MTU } from "../srsran/ofh-defaults.ts";

/** Node annotations an operator sets to declare what RANaaS cannot see from the API. */
export const NODE_DECLARATIONS = {
  fronthaulInterface: FRONTHAUL_ANNOTATIONS.interface,
  fronthaulMtu: FRONTHAUL_ANNOTATIONS.mtu,
  fronthaulVlans: FRONTHAUL_ANNOTATIONS.vlans,
  sctp: "ranaas.io/sctp",
  cpuManagerPolicy: "ranaas.io/cpu-manager-policy",
} as const;

export const ROLE_LABEL = "ranaas.io/role";
export const ZONE_LABEL = "topology.kubernetes.io/zone";
export const MULTUS_CRD = "network-attachment-definitions.k8s.cni.cncf.io";

export type CheckStatus = "pass" | "fail" | "unknown";

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do when it does not pass. */
  fix?: string;
}

export interface FactNode {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ImageProbe {
  component: "cu" | "du" | "ruEmulator";
  image: string;
  /** ran: the binary answered; failed: it did not (detail says how); simulated: a KWOK node ran nothing. */
  outcome: "ran" | "failed" | "simulated";
  detail: string;
}

export interface ClusterFacts {
  nodes: FactNode[];
  /** The installed CRDs' names; undefined when they could not be read (no permission). */
  crds: string[] | undefined;
  /** The RU pool's RUs and the node each is attached to; undefined when the database could not be read. */
  rus: { id: string; node: string }[] | undefined;
  /** undefined when the images were not probed. */
  images: ImageProbe[] | undefined;
  /** The host interface RANaaS renders as the fronthaul master (RANAAS_FRONTHAUL_INTERFACE). */
  fronthaulInterface: string;
}

/** Lists at most a few names, then how many more. */
function some(items: string[], max = 5): string {
  return items.length <= max
    ? items.join(", ")
    : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

/** A check's verdict, without its id and title. */
type Outcome = Omit<CheckResult, "id" | "title">;

const check = (id: string, title: string, outcome: Outcome): CheckResult => ({ id, title, ...outcome });

/**
 * A node annotation's verdict: unknown when the node does not declare it, else pass when `ok` holds
 * for the value, else fail with `why`.
 */
function declaration(
  key: string,
  ok: (value: string) => boolean,
  why: (value: string) => string,
): (node: FactNode) => { status: CheckStatus; why?: string } {
  return (node) => {
    const value = node.annotations[key];
    if (value === undefined) return { status: "unknown" };
    return ok(value) ? { status: "pass" } : { status: "fail", why: why(value) };
  };
}

function perNode(
  nodes: FactNode[],
  judge: (node: FactNode) => { status: CheckStatus; why?: string },
  fix: (bad: string[]) => string,
  passed: string,
): Outcome {
  if (nodes.length === 0)
    return { status: "unknown", detail: "no edge nodes to look at", fix: "label the edge nodes first" };
  const judged = nodes.map((n) => ({ node: n.name, ...judge(n) }));
  const failed = judged.filter((j) => j.status === "fail");
  const unknown = judged.filter((j) => j.status === "unknown");
  if (failed.length > 0)
    return {
      status: "fail",
      detail: some(failed.map((j) => `${j.node}: ${j.why ?? ""}`)),
      fix: fix(failed.map((j) => j.node)),
    };
  if (unknown.length > 0)
    return {
      status: "unknown",
      detail: `not declared on ${some(unknown.map((j) => j.node))}`,
      fix: fix(unknown.map((j) => j.node)),
    };
  return { status: "pass", detail: passed };
}

export function preflightChecks(facts: ClusterFacts): CheckResult[] {
  const edge = facts.nodes.filter((n) => n.labels[ROLE_LABEL] === "edge");
  const central = facts.nodes.filter((n) => n.labels[ROLE_LABEL] === "central");
  const label = (role: string) => `kubectl label node <node> ${ROLE_LABEL}=${role}`;
  const role = (nodes: FactNode[], name: string): Outcome =>
    nodes.length > 0
      ? { status: "pass", detail: `${nodes.length}: ${some(nodes.map((n) => n.name))}` }
      : { status: "fail", detail: `no node is labelled ${ROLE_LABEL}=${name}`, fix: label(name) };
  const annotate = (key: string, value: string) => (bad: string[]) =>
    `kubectl annotate node ${bad.length === 1 ? bad[0] : "<node>"} ${key}=${value} (on ${some(bad)})`;
  const onEdge = (what: string) => `${what} on all ${edge.length} edge nodes`;
  const ptpNodes = edge.filter((n) => n.labels[PTP_FRONTHAUL_LABEL] === "true");
  return [
    check("edge-nodes", "Edge nodes (DU, RU emulators)", role(edge, "edge")),
    check("central-nodes", "Central nodes (CU)", role(central, "central")),
    check("zones", "Sites (zone of each edge node)", zonesOutcome(edge, label("edge"))),
    check("ru-pool", "RU pool", ruPoolOutcome(facts.rus, edge)),
    check("multus", "Multus (fronthaul attachments)", multusOutcome(facts.crds)),
    check(
      "fronthaul-interface",
      "Fronthaul interface",
      perNode(
        edge,
        declaration(
          NODE_DECLARATIONS.fronthaulInterface,
          (value) => /^[^\s/:]{1,15}$/.test(value),
          (value) => `declares ${JSON.stringify(value)}, which is not a Linux interface name`,
        ),
        annotate(NODE_DECLARATIONS.fronthaulInterface, facts.fronthaulInterface),
        `${onEdge("declared")}: each DU and RU emulator is attached to its own node's`,
      ),
    ),
    check(
      "fronthaul-vlans",
      "Fronthaul VLAN trunk between PTP-synchronised nodes",
      ptpNodes.length === 0
        ? {
            status: "pass",
            detail: "no node declares PTP-synchronised fronthaul: DUs serve their own node's RUs",
          }
        : perNode(
            ptpNodes,
            declaration(
              NODE_DECLARATIONS.fronthaulVlans,
              (value) => parseVlanRanges(value) !== undefined,
              (value) => `declares ${JSON.stringify(value)}, not a list of VLAN ids and ranges 1–4094`,
            ),
            annotate(NODE_DECLARATIONS.fronthaulVlans, "100-199"),
            `on all ${ptpNodes.length} PTP-synchronised nodes: RANaaS gives links between nodes only VLANs both trunk`,
          ),
    ),
    check(
      "fronthaul-mtu",
      `Fronthaul MTU ≥ ${OFH_MTU}`,
      perNode(
        edge,
        declaration(
          NODE_DECLARATIONS.fronthaulMtu,
          (value) => Number.isInteger(Number(value)) && Number(value) >= OFH_MTU,
          (value) => `MTU ${value}: Open Fronthaul frames need ${OFH_MTU} (jumbo frames)`,
        ),
        annotate(NODE_DECLARATIONS.fronthaulMtu, String(OFH_MTU)),
        onEdge(`MTU ≥ ${OFH_MTU}`),
      ),
    ),
    check(
      "sctp",
      "SCTP (N2, F1-C)",
      perNode(
        [...edge, ...central],
        declaration(
          NODE_DECLARATIONS.sctp,
          (value) => value === "true",
          (value) => `declared ${value}`,
        ),
        (bad) =>
          `modprobe sctp (and list it in /etc/modules-load.d), then ${annotate(NODE_DECLARATIONS.sctp, "true")(bad)}`,
        `the sctp module on all ${edge.length + central.length} edge and central nodes`,
      ),
    ),
    check(
      "cpu-manager",
      "CPU manager policy static (dedicated cores for the DU)",
      perNode(
        edge,
        declaration(
          NODE_DECLARATIONS.cpuManagerPolicy,
          (value) => value === "static",
          (value) => `policy ${value}: the DU's real-time threads share cores`,
        ),
        (bad) =>
          `set cpuManagerPolicy: static in the kubelet config, then ${annotate(NODE_DECLARATIONS.cpuManagerPolicy, "static")(bad)}`,
        onEdge("static"),
      ),
    ),
    check("images", "RAN images", imagesOutcome(facts.images)),
  ];
}

function zonesOutcome(edge: FactNode[], labelEdge: string): Outcome {
  if (edge.length === 0) return { status: "unknown", detail: "no edge nodes", fix: labelEdge };
  const unzoned = edge.filter((n) => (n.labels[ZONE_LABEL] ?? "") === "");
  if (unzoned.length > 0)
    return {
      status: "fail",
      detail: `no ${ZONE_LABEL} on ${some(unzoned.map((n) => n.name))}: RANaaS places a DU and its RUs within one site`,
      fix: `kubectl label node <node> ${ZONE_LABEL}=<site>`,
    };
  const zones = new Set(edge.map((n) => n.labels[ZONE_LABEL] ?? ""));
  return { status: "pass", detail: `${zones.size} sites: ${some([...zones].sort())}` };
}

function ruPoolOutcome(rus: ClusterFacts["rus"], edge: FactNode[]): Outcome {
  if (rus === undefined)
    return {
      status: "unknown",
      detail: "the database could not be read",
      fix: "set MONGODB_URI (and RANAAS_MONGODB_DATABASE) to RANaaS's database",
    };
  if (rus.length === 0)
    return {
      status: "fail",
      detail: "the RU pool is empty: nothing can be provisioned",
      fix: "ranaas ru import <pool file> (rus: [{id, site, node, bands, maxBandwidthMHz}])",
    };
  const edgeNames = new Set(edge.map((n) => n.name));
  const stray = rus.filter((ru) => !edgeNames.has(ru.node));
  if (stray.length > 0)
    return {
      status: "fail",
      detail: `RUs on nodes that are not edge nodes: ${some(stray.map((ru) => `${ru.id} (${ru.node})`))}`,
      fix: "attach each RU to an existing edge node (ranaas ru import), or label its node edge",
    };
  return { status: "pass", detail: `${rus.length} RUs, each on an edge node` };
}

function multusOutcome(crds: ClusterFacts["crds"]): Outcome {
  if (crds === undefined)
    return { status: "unknown", detail: "the CRDs could not be read", fix: `kubectl get crd ${MULTUS_CRD}` };
  if (crds.includes(MULTUS_CRD)) return { status: "pass", detail: `CRD ${MULTUS_CRD} is installed` };
  return {
    status: "fail",
    detail: `CRD ${MULTUS_CRD} is missing: the DU and RU pods cannot get their fronthaul interfaces`,
    fix: "install Multus CNI (https://github.com/k8snetworkplumbingwg/multus-cni)",
  };
}

function imagesOutcome(images: ClusterFacts["images"]): Outcome {
  if (images === undefined)
    return {
      status: "unknown",
      detail: "not probed",
      fix: "run ranaas preflight (without --no-images) to run each image's binary once",
    };
  const said = (probes: ImageProbe[]) =>
    probes.map((p) => `${p.component} ${p.image}: ${p.detail}`).join("; ");
  const failed = images.filter((p) => p.outcome === "failed");
  if (failed.length > 0)
    return {
      status: "fail",
      detail: said(failed),
      fix: "push the images where the nodes can pull them, built for their CPU (docs/ran-images.md)",
    };
  const simulated = images.some((p) => p.outcome === "simulated");
  return { status: "pass", detail: said(images) + (simulated ? " (simulated nodes: nothing ran)" : "") };
}
