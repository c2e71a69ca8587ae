// Stored deployments for the read benchmarks: copies of one real (planned) deployment record, each with
// its own id and name, of the tenant `seed`, written past the API as an older install's records are.
import assert from "node:assert/strict";
import type { Collection, Db } from "mongodb";

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
