// What a placement decision reads: the nodes, the RU pool and the identities in use, each indexed so a
// decision costs what one site's worth of nodes and RUs costs, not what the whole cluster does. The
// orchestrator keeps the pool and identity indexes current across plans; `indexInventory` builds all of
// them from a plain inventory (offline rendering, tests).
import type { Inventory, UsedIdentities } from "./inventory.ts";
import { LowestFreeIds } from "./lowest-free-ids.ts";
import { NodeIndex } from "./node-index.ts";
import { RuPoolIndex } from "./ru-pool-index.ts";

/** The identities in use, with gNB IDs that also answer the lowest free one. */
export interface IndexedIdentities extends Omit<UsedIdentities, "gnbIds"> {
  gnbIds: LowestFreeIds;
}

export interface PlacementView {
  nodes: NodeIndex;
  pool: RuPoolIndex;
  used: IndexedIdentities;
}

export function indexInventory(inventory: Inventory): PlacementView {
  const holders: [string, string][] = [];
  for (const ru of inventory.rus) if (ru.allocatedTo !== undefined) holders.push([ru.id, ru.allocatedTo]);
  const { gnbIds } = inventory.used;
  return {
    nodes: new NodeIndex(inventory.nodes),
    pool: new RuPoolIndex(inventory.rus, holders),
    used: {
      ...inventory.used,
      gnbIds: gnbIds instanceof LowestFreeIds ? gnbIds : new LowestFreeIds(gnbIds),
    },
  };
}
