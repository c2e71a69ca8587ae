// How the client commands print: aligned tables and descriptions for people, JSON or YAML for scripts.
import { Option } from "commander";
import { stringify } from "yaml";
import type { DeploymentView } from "../../api-client/api-client.ts";

export type OutputFormat = "table" | "json" | "yaml";

/** The `-o, --output` option every client command that prints takes. */
export function outputOption(): Option {
  return new Option("-o, --output <format>", "table, json or yaml")
    .choices(["table", "json", "yaml"])
    .default("table");
}

export function formatData(data: unknown, format: "json" | "yaml"): string {
  return format === "json" ? JSON.stringify(data, null, 2) : stringify(data).trimEnd();
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/** "3s", "4m", "2h", "5d": how long ago, as kubectl shows ages. */
export function age(iso: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

export function deploymentTable(views: readonly DeploymentView[], now: number): string {
  return formatTable(
    ["NAME", "ID", "STATE", "SITE", "CELLS", "GNB-ID", "AGE"],
    views.map((v) => [
      v.name,
      v.id,
      v.state,
      v.plan?.site ?? "-",
      String(v.spec.cells.length),
      v.plan === null ? "-" : String(v.plan.gnbId),
      age(v.createdAt, now),
    ]),
  );
}

/** The connection details the operator's core needs (what `create --wait` ends with). */
export function describeConnection(view: DeploymentView): string[] {
  const c = view.connection;
  if (c === null) return [];
  const amfs = c.n2.amf.map((a) => `${a.address}:${a.port}`).join(", ");
  return [
    "Connection:",
    `  N2   AMF ${amfs} sees SCTP from ${c.n2.sourceAddress}` +
      (c.n2.amfSeesOutsideCluster === undefined
        ? ""
        : ` (an AMF outside the cluster: from ${c.n2.amfSeesOutsideCluster}, the CU node's address after SNAT)`),
    `  N3   UPF sends GTP-U to ${c.n3.address}:${c.n3.port} (${c.network === "backhaul" ? "backhaul network" : c.n3.serviceType})`,
  ];
}

export function describeDeployment(view: DeploymentView): string {
  const lines = [
    `Name:       ${view.name}`,
    `ID:         ${view.id}`,
    `State:      ${view.state}${view.reason === undefined ? "" : ` — ${view.reason}`}`,
    `Revision:   ${view.revision}`,
  ];
  const plan = view.plan;
  if (plan !== null) {
    lines.push(
      `Site:       ${plan.site} (namespace ${plan.namespace})`,
      `gNB ID:     ${plan.gnbId} (${plan.gnbIdBits} bits)`,
      `CU:         ${plan.cu.node}`,
      `DU:         ${plan.du.node} (gNB-DU ID ${plan.du.gnbDuId})`,
      "Cells:",
      formatTable(
        ["  #", "BAND", "MHZ", "DL-ARFCN", "PCI", "NCI", "NR-CGI", "RU"],
        plan.cells.map((c) => [
          `  ${c.index}`,
          `n${c.band} ${c.duplex}`,
          String(c.bandwidthMHz),
          String(c.dlArfcn),
          String(c.pci),
          c.nci,
          c.nrCgi,
          `${c.ruId} on ${c.ruNode}`,
        ]),
      ),
    );
  }
  const components = view.status?.components;
  if (components !== undefined && components.length > 0) {
    lines.push(
      `Components: ${view.status?.phase ?? ""}${view.status?.stale === true ? " (status is stale)" : ""}`,
      formatTable(
        ["  NAME", "READY", "RESTARTS", "NODE", "MESSAGE"],
        components.map((c) => [
          `  ${c.name}`,
          c.ready ? "yes" : "no",
          String(c.restarts),
          c.node ?? "-",
          c.message ?? "",
        ]),
      ),
    );
  }
  const radio = view.radio;
  if (radio !== undefined) {
    const amfs = radio.amfs.map(
      (a) => `${a.address} ${a.connected === null ? "?" : a.connected ? "up" : "down"}`,
    );
    const cells = radio.cells.map((c) => `${c.index} ${c.active === null ? "?" : c.active ? "on" : "off"}`);
    lines.push(
      `Radio:      ${radio.state} since ${radio.since}` +
        `  (AMF ${amfs.join(", ") || "-"}; F1 ${radio.f1}; cells ${cells.join(", ") || "-"})`,
      ...radio.reasons.map((reason) => `  - ${reason}`),
    );
  }
  const callbacks = view.callbacks;
  if (callbacks !== undefined) {
    lines.push(
      `Callbacks:  ${callbacks.delivered} delivered, ${callbacks.pending} pending, ${callbacks.abandoned} given up` +
        (callbacks.lastError === undefined
          ? ""
          : ` — last failure at ${callbacks.lastError.at}: ${callbacks.lastError.message}`),
    );
  }
  lines.push(...describeConnection(view));
  return lines.join("\n");
}
