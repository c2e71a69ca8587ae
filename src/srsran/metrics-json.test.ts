import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  cellsReport,
  cuCpReport,
  frame,
  ruReport,
  usageReport,
} from "../../test/support/gnb-telemetry-simulator.ts";
import { parseMetricsFrame } from "./metrics-json.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/srsran-metrics/${name}`, import.meta.url), "utf8");

/** Every key path of a JSON value (array items merged), e.g. "cu-cp.ngaps.ngap[].connected". */
function paths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((item) => paths(item, `${prefix}[]`)))].sort();
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value)
    .flatMap(([key, inner]) => paths(inner, prefix === "" ? key : `${prefix}.${key}`))
    .sort();
}

describe("srsRAN's JSON metrics", () => {
  it("reads every message a real gNB sent, in a recorded session", () => {
    const lines = fixture("gnb-session-head.jsonl").trim().split("\n");
    const kinds = lines.map((line) => parseMetricsFrame(line).kind);
    assert.equal(kinds[0], "reply");
    assert.ok(!kinds.includes("invalid"), kinds.join());
    assert.ok(kinds.includes("cu-cp") && kinds.includes("cells"), kinds.join());
    assert.deepEqual(parseMetricsFrame(fixture("cmd.json")), { kind: "reply", cmd: "metrics_subscribe" });
    const cuCp = parseMetricsFrame(fixture("cu-cp.json"));
    assert.deepEqual(cuCp, {
      kind: "cu-cp",
      at: "2026-12-01T22:42:50.352",
      amfs: [{ name: "localamf", connected: true }],
      gnbDuIds: [0],
      rrcConnections: 0,
    });
    const cells = parseMetricsFrame(fixture("cells.json"));
    assert.equal(cells.kind, "cells");
    assert.deepEqual(cells.kind === "cells" && cells.cells, [
      {
        pci: 0,
        ues: 0,
        dlBitrate: 0,
        ulBitrate: 0,
        errorIndications: 0,
        dlPrbsPerSlot: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ulPrbsPerSlot: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
    ]);
    assert.deepEqual(parseMetricsFrame(fixture("du_low.json")).kind, "other");
  });

  it("the simulator's reports have exactly the fields of the recorded ones", () => {
    const recordedCuCp = JSON.parse(fixture("cu-cp.json")) as unknown;
    assert.deepEqual(paths(cuCpReport([{ name: "localamf", connected: true }], [0])), paths(recordedCuCp));
    const recordedCells = JSON.parse(fixture("cells.json")) as unknown;
    const tdd = { periodSlots: 10, dlSlots: 6, ulSlots: 3 };
    assert.deepEqual(
      paths(cellsReport([{ pci: 0, tdd, dlPrbs: 0, ulPrbs: 0, ues: 0 }])),
      paths(recordedCells),
    );
    // Pretty-printed, one report and a newline per frame, as srslog's text formatter writes it.
    assert.match(frame(usageReport(1, 2)), /^\{\n {2}"app_resource_usage": \{\n[\s\S]*\}\n$/);
  });

  it("reads UEs, PRBs, fronthaul counters and resource usage", () => {
    const tdd = { periodSlots: 10, dlSlots: 6, ulSlots: 3 };
    const cells = parseMetricsFrame(frame(cellsReport([{ pci: 7, tdd, dlPrbs: 50, ulPrbs: 20, ues: 2 }])));
    assert.equal(cells.kind, "cells");
    const cell = cells.kind === "cells" ? cells.cells[0] : undefined;
    assert.deepEqual(
      [cell?.ues, cell?.dlBitrate, cell?.ulBitrate, cell?.cqi, cell?.dlMcs, cell?.ulMcs],
      [2, 2_500_000, 360_000, 15, 27, 20],
    );
    assert.equal(cell?.dlBler, 8 / 808);
    assert.equal(cell?.ulBler, 4 / 404);
    assert.deepEqual(cell?.dlPrbsPerSlot, [50, 50, 50, 50, 50, 50, 0, 0, 0, 0]);
    assert.deepEqual(cell?.ulPrbsPerSlot, [0, 0, 0, 0, 0, 0, 0, 20, 20, 20]);
    const at = new Date(Date.UTC(2026, 11, 5, 7, 0, 0, 42));
    assert.deepEqual(
      parseMetricsFrame(frame(ruReport([{ pci: 7, total: 1000, late: 970, early: 10 }], at))),
      {
        kind: "ru",
        at: "2026-12-05T07:00:00.042",
        cells: [{ pci: 7, ulTotal: 1000, ulEarly: 10, ulOnTime: 20, ulLate: 970, dlLate: 0 }],
      },
    );
    const usage = parseMetricsFrame(frame(usageReport(143.2, 1840.5)));
    assert.deepEqual(
      usage.kind === "app_resource_usage" && [usage.cpuPercent, usage.memoryMiB],
      [143.2, 1840.5],
    );
  });

  it("answers anything else as invalid or not read, and never throws", () => {
    assert.deepEqual(parseMetricsFrame("{"), { kind: "invalid", reason: "not JSON" });
    assert.equal(parseMetricsFrame("[1]").kind, "invalid");
    assert.equal(parseMetricsFrame('{"cells": 3, "timestamp": "x"}').kind, "invalid");
    assert.equal(parseMetricsFrame('{"a": 1, "b": 2, "timestamp": "x"}').kind, "invalid");
    assert.deepEqual(parseMetricsFrame('{"buffer_pool":{"central_cache_size":1},"timestamp":"t"}'), {
      kind: "other",
      key: "buffer_pool",
      at: "t",
    });
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom("cu-cp", "cells", "ru", "app_resource_usage", "x"),
        (body, key) => {
          parseMetricsFrame(JSON.stringify({ [key]: body, timestamp: "t" }));
          parseMetricsFrame(JSON.stringify(body));
        },
      ),
    );
  });
});
