import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeploymentKpis, DeploymentView } from "../../api-client/api-client.ts";
import { mapBounded, si, topDeployment, topTable } from "./top.ts";

const view = (name: string, radio?: DeploymentView["radio"]): DeploymentView =>
  ({
    id: `01a241d0-d9a2-7403-9395-a46d765410b${name.length}`,
    name,
    state: radio?.state === "healthy" ? "ready" : "degraded",
    ...(radio === undefined ? {} : { radio }),
  }) as unknown as DeploymentView;

const radio = (amfConnected: boolean): NonNullable<DeploymentView["radio"]> => ({
  state: amfConnected ? "healthy" : "degraded",
  since: "2026-12-04T16:09:03.380Z",
  reasons: amfConnected ? [] : ["AMF 10.0.0.5 lost 12 s ago"],
  f1: "up",
  amfs: [{ address: "10.0.0.5", connected: amfConnected }],
  cells: [
    { index: 0, pci: 10, active: true },
    { index: 1, pci: 11, active: null },
  ],
});

const kpis: DeploymentKpis = {
  deploymentId: "x",
  bucketSeconds: 10,
  cells: [
    { index: 0, pci: 10 },
    { index: 1, pci: 11 },
  ],
  buckets: [
    {
      at: "2026-12-04T16:09:00.000Z",
      cells: [{ ues: 1, dlBitrate: 1_000_000 }, { ues: 4 }],
    },
    {
      at: "2026-12-04T16:09:10.000Z",
      cells: [
        {
          ues: 2.5,
          dlBitrate: 2_500_000,
          ulBitrate: 360_000,
          dlPrbUsage: 0.51,
          ulPrbUsage: 0.255,
          cqi: 14.04,
          ulLate: 0,
        },
        {},
      ],
    },
  ],
};

describe("ranaas top", () => {
  it("takes each cell's figures from the newest bucket that has any", () => {
    const top = topDeployment(view("campus", radio(true)), kpis);
    assert.deepEqual(
      top.cells.map((c) => [c.index, c.pci, c.active, c.at, c.kpis.ues]),
      [
        [0, 10, true, "2026-12-04T16:09:10.000Z", 2.5],
        [1, 11, null, "2026-12-04T16:09:00.000Z", 4],
      ],
    );
  });

  it("lists the radio's cells, without figures, when its KPIs could not be read", () => {
    const top = topDeployment(view("campus", radio(true)), null);
    assert.deepEqual(
      top.cells.map((c) => [c.index, c.at, c.kpis]),
      [
        [0, null, {}],
        [1, null, {}],
      ],
    );
  });

  it("prints a row per deployment and cell, '-' without radio data, then why radios are not healthy", () => {
    const table = topTable([
      topDeployment(view("campus", radio(true)), kpis),
      topDeployment(view("lab", radio(false)), { ...kpis, buckets: [] }),
      topDeployment(view("no-radio"), { ...kpis, cells: [], buckets: [] }),
    ]);
    assert.equal(
      table,
      [
        "NAME       STATE      RADIO      CELL   PCI   ACTIVE   UES   DL-BIT/S   UL-BIT/S   DL-PRB   UL-PRB   CQI   UL-LATE",
        "campus     ready      healthy    0      10    yes      2.5   2.5M       360k       51%      25.5%    14    0%",
        "campus     ready      healthy    1      11    ?        4     -          -          -        -        -     -",
        "lab        degraded   degraded   0      10    yes      -     -          -          -        -        -     -",
        "lab        degraded   degraded   1      11    ?        -     -          -          -        -        -     -",
        "no-radio   degraded   -          -      -     -        -     -          -          -        -        -     -",
        "",
        "lab: AMF 10.0.0.5 lost 12 s ago",
      ].join("\n"),
    );
  });

  it("writes bit rates as top does", () => {
    assert.deepEqual([0, 12.4, 999, 1000, 180_000, 2_500_000, 1.234e9].map(si), [
      "0",
      "12",
      "999",
      "1k",
      "180k",
      "2.5M",
      "1.23G",
    ]);
  });

  it("reads a few deployments at a time, keeping their order", async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve, n));
      running -= 1;
      return n * 10;
    });
    assert.deepEqual(results, [50, 10, 40, 20, 30, 0]);
    assert.equal(most, 2);
  });
});
