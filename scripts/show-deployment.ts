// Prints a RAN deployment answer of the API (JSON on stdin) as the lines an operator needs.
import { text } from "node:stream/consumers";

interface Answer {
  code?: string;
  detail?: string;
  id: string;
  name: string;
  state: string;
  reason?: string;
  plan: null | {
    gnbId: number;
    gnbIdBits: number;
    site: string;
    cu: { node: string };
    du: { node: string };
    cells: {
      index: number;
      band: number;
      bandwidthMHz: number;
      dlArfcn: number;
      pci: number;
      nrCgi: string;
      ruId: string;
    }[];
  };
  connection: null | {
    n2: { sourceAddress: string; amf: { address: string; port: number }[] };
    n3: { address: string; port: number; serviceType: string };
  };
}

const d = JSON.parse(await text(process.stdin)) as Answer;
if (d.code !== undefined) {
  console.log(`refused: ${d.code}: ${d.detail ?? ""}`);
  process.exit(1);
}
console.log(`deployment ${d.name} (${d.id}): ${d.state}${d.reason === undefined ? "" : ` — ${d.reason}`}`);
if (d.plan !== null) {
  console.log(
    `  gNB ID ${d.plan.gnbId} (${d.plan.gnbIdBits} bits) at ${d.plan.site}; CU on ${d.plan.cu.node}, DU on ${d.plan.du.node}`,
  );
  for (const c of d.plan.cells) {
    console.log(
      `  cell ${c.index}: n${c.band} ${c.bandwidthMHz} MHz ARFCN ${c.dlArfcn} PCI ${c.pci} NR-CGI ${c.nrCgi} via ${c.ruId}`,
    );
  }
}
if (d.connection !== null) {
  const amfs = d.connection.n2.amf.map((a) => `${a.address}:${a.port}`).join(", ");
  console.log(`  N2: AMF ${amfs} will see SCTP from ${d.connection.n2.sourceAddress}`);
  console.log(
    `  N3: UPF sends GTP-U to ${d.connection.n3.address}:${d.connection.n3.port} (${d.connection.n3.serviceType})`,
  );
}
