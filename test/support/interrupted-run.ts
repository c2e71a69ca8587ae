// A run that is interrupted: it adds load nodes (prefix from argv[2]) and starts a status service, says
// so on stdout, and waits to be signalled. test/cleanup.test.ts sends it SIGTERM and checks that
// neither the nodes nor the service outlive it.
import { adminKubeConfig } from "./kube.ts";
import { addLoadNodes } from "./load-nodes.ts";
import { ServiceFleet } from "./services.ts";
import { uniqueName } from "./stack.ts";

const prefix = process.argv[2] ?? "interrupted";
await addLoadNodes(adminKubeConfig(), { sites: 1, nodesPerSite: 2, rus: 0, prefix, octet: 39 });
const fleet = await ServiceFleet.create(uniqueName("ranaas_interrupted").replaceAll("-", "_"));
const status = await fleet.start("status");
console.log(JSON.stringify({ ready: true, servicePid: status.child.pid }));
setInterval(() => undefined, 60_000); // until a signal ends it
