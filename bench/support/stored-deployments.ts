// Stored deployments for the read benchmarks: copies of one real (planned) deployment record, each with
// its own id and name, of the tenant `seed`, written past the API as an older install's records are.
import assert from "node:assert/strict";
import type { Collection, Db } from "mongodb";
import { call, cellsRequest } from "../../test/support/api-client.ts";
import { adminKubeConfig } from "../../test/support/kube.ts";
import { addLoadNodes, loadRuPool } from "../../test/support/load-nodes.ts";
import { cleanUpAll, startRanaas, type Ranaas } from "../../test/support/ranaas.ts";

type Doc = { _id: string } & Record<string, unknown>;

export class StoredDeployments {
  /** The ids stored so far, the template's first. */
  readonly ids: string[];
  private readonly deployments: Collection<Doc>;
  private readonly listing: Collection<Doc>;

  private constructor(
    db: Db,
    private readonly template: Doc,
  ) {
    this.deployments = db.collection<Doc>("deployments");
    this.listing = db.collection<Doc>("deployment_listing");
    this.ids = [template._id];
  }

  /** Copies of the stored deployment `templateId`. */
  static async of(db: Db, templateId: string): Promise<StoredDeployments> {
    const template = await db.collection<Doc>("deployments").findOne({ _id: templateId });
    assert.ok(template, `deployment ${templateId} is stored`);
    return new StoredDeployments(db, template);
  }

  /** Stores copies until `total` deployments are stored, the template included. */
  async growTo(total: number): Promise<void> {
    while (this.ids.length < total) {
      const batch = Array.from({ length: Math.min(500, total - this.ids.length) }, (_, k) => {
        const n = this.ids.length - 1 + k;
        const id = `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
        return {
          ...this.template,
          _id: id,
          tenant: "seed",
          name: `seed-${n}`,
          activeName: `seed-${n}`,
          state: "ready",
        };
      });
      this.ids.push(...batch.map((d) => d._id));
      await this.deployments.insertMany(batch);
      // Written past the repository, so their listing entries too (see DeploymentsRepository.list).
      await this.listing.insertMany(
        batch.map((d) => ({ _id: d._id, tenant: "seed", state: "ready", revision: 1 })),
      );
    }
  }

  /** Removes the copies (their namespace is the template's). */
  async remove(): Promise<void> {
    await this.deployments.deleteMany({ tenant: "seed" });
    await this.listing.deleteMany({ tenant: "seed" });
  }
}

/** A RANaaS for the read benchmarks, with one planned deployment to copy and the load nodes it plans on. */
export interface ReadBench {
  ranaas: Ranaas;
  url: string;
  auth: Record<string, string>;
  stored: StoredDeployments;
  /** Stores copies until `total` are stored, and starts the API again so it seeds them, as a starting replica does. */
  storeUpTo(total: number): Promise<void>;
  /** Starts the API again, so it seeds its read model from what is stored; resolves once it is ready. */
  restartApi(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a RANaaS for a read benchmark (`prefix` and `octet` keep its load nodes apart from other runs'). */
export async function startReadBench(database: string, prefix: string, octet: number): Promise<ReadBench> {
  const kube = adminKubeConfig();
  const cluster = { sites: 10, nodesPerSite: 2, rus: 400, prefix, octet, centralNodes: 2 };
  const removeNodes = await addLoadNodes(kube, cluster);
  let ranaas: Ranaas;
  try {
    ranaas = await startRanaas(
      { bench: "admin", seed: "operator" },
      database,
      // The stored copies say `ready` with nothing running: the periodic drift sweep would find each
      // drifted and mark it `degraded`, 5,000 writes in the middle of the measurement. It is kept out.
      {
        RANAAS_RATE_LIMIT_PER_SECOND: "100000",
        RANAAS_RATE_LIMIT_BURST: "100000",
        RANAAS_SELF_HEAL: "false",
        RANAAS_DRIFT_SWEEP_MS: "3600000",
      },
      0,
    );
  } catch (err) {
    await removeNodes();
    throw err;
  }
  const url = ranaas.fleet.apiUrl;
  const auth = { authorization: `Bearer ${ranaas.keys.bench}` };
  let stored: StoredDeployments | undefined;
  const stop = () =>
    cleanUpAll(
      () => stored?.remove() ?? Promise.resolve(),
      () => ranaas.stop(),
      removeNodes,
    );
  try {
    await loadRuPool(ranaas.db, cluster);
    // One real deployment (planned, with a definition), copied to make the stored ones look like real
    // records of another tenant, each with its own id and name.
    const first = await call<{ id: string }>(
      url,
      "POST",
      "/v1/ran-deployments",
      cellsRequest("template", 2),
      auth,
    );
    assert.equal(first.status, 202, JSON.stringify(first.body));
    stored = await StoredDeployments.of(ranaas.db, first.body.id);
  } catch (err) {
    await stop();
    throw err;
  }
  const copies = stored;
  const restartApi = async () => {
    for (const api of ranaas.fleet.running("api")) await ranaas.fleet.stop(api);
    await ranaas.fleet.start("api");
  };
  return {
    ranaas,
    url,
    auth,
    stored: copies,
    async storeUpTo(total) {
      await copies.growTo(total);
      await restartApi();
    },
    restartApi,
    stop,
  };
}
