import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateSpec } from "./validate-spec.ts";

const valid = {
  name: "lab",
  amf: { address: "10.0.0.5" },
  plmn: "00101",
  tac: 7,
  slices: [{ sst: 1 }],
  cells: [{ band: 78, bandwidthMHz: 20 }],
};

function problemsOf(input: unknown): Record<string, string> {
  const result = validateSpec(input);
  assert.equal(result.ok, false, "expected the request to be refused");
  return result.ok ? {} : Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
}

describe("validateSpec", () => {
  it("accepts a minimal request and fills in the defaults", () => {
    const result = validateSpec(valid);
    assert.ok(result.ok);
    assert.deepEqual(result.spec.amf, [{ address: "10.0.0.5", port: 38412 }]);
    assert.equal(result.spec.gnbIdBits, 22);
    assert.equal(result.spec.cells[0]?.scsKHz, 30);
    assert.equal(result.spec.n3ServiceType, "ClusterIP");
    assert.equal(result.carriers[0]?.dlArfcn, 636666);
  });

  it("accepts a DNS name for the AMF", () => {
    const result = validateSpec({ ...valid, amf: { address: "amf.core.svc.cluster.local" } });
    assert.ok(result.ok);
    assert.deepEqual(result.spec.amf, [{ address: "amf.core.svc.cluster.local", port: 38412 }]);
  });

  it("refuses two AMFs for one PLMN, naming both AMFs and the PLMN", () => {
    const problems = problemsOf({
      ...valid,
      amf: [{ address: "10.0.0.5" }, { address: "10.0.0.6", port: 38413 }],
    });
    assert.deepEqual(Object.keys(problems), ["/amf/1"]);
    assert.match(
      problems["/amf/1"] ?? "",
      /^PLMN 00101 is already served by \/amf\/0 \(10\.0\.0\.5:38412\); 10\.0\.0\.6:38413 cannot serve it too: srsRAN's CU serves each PLMN from one AMF/,
    );
  });

  it("accepts several AMFs for several PLMNs (RAN sharing), one AMF per PLMN", () => {
    const result = validateSpec({
      ...valid,
      additionalPlmns: ["00102"],
      amf: [
        { address: "10.0.0.5", plmns: ["00101"] },
        { address: "10.0.0.6", plmns: ["00102"] },
      ],
    });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.deepEqual(result.spec.amf[1], { address: "10.0.0.6", port: 38412, plmns: ["00102"] });
    assert.ok(validateSpec({ ...valid, additionalPlmns: ["00102"] }).ok, "one AMF serves every PLMN");
  });

  it("refuses PLMNs served by no AMF, by an AMF twice, or foreign to the deployment", () => {
    const problems = problemsOf({
      ...valid,
      additionalPlmns: ["00102", "00103", "00101"],
      amf: [
        { address: "10.0.0.5", plmns: ["00101", "00999"] },
        { address: "10.0.0.6", plmns: ["00102", "00101"] },
      ],
    });
    assert.match(problems["/amf/0/plmns/1"] ?? "", /PLMN 00999 is not one of this deployment's PLMNs/);
    assert.match(problems["/amf/1/plmns/1"] ?? "", /PLMN 00101 is already served by \/amf\/0/);
    assert.match(problems["/additionalPlmns/1"] ?? "", /no AMF serves PLMN 00103/);
    assert.equal(problems["/additionalPlmns/2"], "repeats the primary PLMN 00101");
    assert.equal(
      problemsOf({ ...valid, additionalPlmns: ["00102", "00102"] })["/additionalPlmns"],
      "item 1 repeats item 0",
    );
  });

  it("reports every schema problem at once with its JSON path", () => {
    const problems = problemsOf({
      name: "Lab_1",
      amf: { address: "not a host!" },
      plmn: 101,
      tac: -1,
      slices: [{ sst: 256, sd: "xyz" }],
      cells: [{ band: 78, bandwidthMHz: 20, colour: "red" }],
      extra: true,
    });
    assert.match(problems["/name"] ?? "", /lower-case letters/);
    assert.match(problems["/amf/0/address"] ?? "", /IPv4 address or a DNS name/);
    assert.equal(problems["/plmn"], "must be a string");
    assert.equal(problems["/tac"], "must be between 0 and 16777215");
    assert.equal(problems["/slices/0/sst"], "must be between 0 and 255");
    assert.match(problems["/slices/0/sd"] ?? "", /6 hex digits/);
    assert.equal(problems["/cells/0/colour"], "is not a known field");
    assert.equal(problems["/extra"], "is not a known field");
  });

  it("takes a metrics period between 100 ms and a minute, and nothing else under telemetry", () => {
    const accepted = validateSpec({ ...valid, telemetry: { periodMs: 250 } });
    assert.ok(accepted.ok);
    assert.deepEqual(accepted.spec.telemetry, { periodMs: 250 });
    assert.equal(
      problemsOf({ ...valid, telemetry: { periodMs: 50 } })["/telemetry/periodMs"],
      "must be between 100 and 60000",
    );
    assert.equal(
      problemsOf({ ...valid, telemetry: { periodMs: 150.5 } })["/telemetry/periodMs"],
      "must be a whole number",
    );
    assert.equal(
      problemsOf({ ...valid, telemetry: { every: 1 } })["/telemetry/every"],
      "is not a known field",
    );
  });

  it("takes a radio policy and KPI alerts, each threshold as its metric needs and on cells that exist", () => {
    const telemetry = {
      onRadioFailure: { action: "restart", afterSeconds: 120 },
      alerts: [
        { name: "busy", metric: "dlPrbUsage", above: 0.8, forSeconds: 60 },
        { name: "off-air", metric: "cellDown", cells: [0] },
      ],
    };
    const accepted = validateSpec({ ...valid, telemetry });
    assert.ok(accepted.ok);
    assert.deepEqual(accepted.spec.telemetry, telemetry);
    const alert = (extra: Record<string, unknown>) => ({
      ...valid,
      telemetry: { alerts: [{ name: "a", metric: "ues", above: 1, ...extra }] },
    });
    assert.deepEqual(problemsOf(alert({ below: 0 })), {
      "/telemetry/alerts/0": "ues needs exactly one of above or below",
    });
    assert.deepEqual(problemsOf(alert({ metric: "cellDown" })), {
      "/telemetry/alerts/0": "cellDown takes no threshold: leave out above and below",
    });
    assert.deepEqual(problemsOf(alert({ cells: [1] })), {
      "/telemetry/alerts/0/cells/0": "there is no cell 1: the request has 1 (0–0)",
    });
    assert.ok(problemsOf(alert({ metric: "temperature" }))["/telemetry/alerts/0/metric"]);
    const twice = {
      ...valid,
      telemetry: { alerts: [alert({}).telemetry.alerts[0], alert({}).telemetry.alerts[0]] },
    };
    assert.deepEqual(problemsOf(twice), { "/telemetry/alerts/1/name": "repeats /telemetry/alerts/0/name" });
    assert.ok(
      problemsOf({ ...valid, telemetry: { onRadioFailure: { action: "restart", afterSeconds: 5 } } })[
        "/telemetry/onRadioFailure/afterSeconds"
      ],
    );
  });

  it("names missing fields", () => {
    const problems = problemsOf({ name: "x" });
    for (const field of ["amf", "plmn", "tac", "slices", "cells"])
      assert.equal(problems[`/${field}`], "is required");
  });

  it("refuses what the radio cannot do, per cell", () => {
    const problems = problemsOf({
      ...valid,
      cells: [
        { band: 3, bandwidthMHz: 20 },
        { band: 78, bandwidthMHz: 20, scsKHz: 15 },
        { band: 78, bandwidthMHz: 30 },
        { band: 78, bandwidthMHz: 20, dlArfcn: 650001 },
      ],
    });
    assert.match(problems["/cells/0/band"] ?? "", /no 30 kHz SSB/);
    assert.match(problems["/cells/1/scsKHz"] ?? "", /ru_emulator/);
    assert.match(problems["/cells/2/bandwidthMHz"] ?? "", /not a channel bandwidth of band n78/);
    assert.match(problems["/cells/3/dlArfcn"] ?? "", /not on band n78's channel raster/);
  });

  it("refuses repeated PCIs, slices and AMFs, and a gNB ID longer than its bits", () => {
    const problems = problemsOf({
      ...valid,
      amf: [{ address: "10.0.0.5" }, { address: "10.0.0.5", port: 38412 }],
      slices: [
        { sst: 1, sd: "0000aa" },
        { sst: 1, sd: "0000AA" },
      ],
      cells: [
        { band: 78, bandwidthMHz: 20, pci: 7 },
        { band: 78, bandwidthMHz: 20, pci: 7 },
      ],
      gnbId: 5000000,
    });
    assert.equal(problems["/amf/1"], "repeats /amf/0");
    assert.equal(problems["/slices/1"], "repeats /slices/0");
    assert.equal(problems["/cells/1/pci"], "PCI 7 is already used by /cells/0");
    assert.match(problems["/gnbId"] ?? "", /does not fit in 22 bits/);
  });

  it("refuses an IPv4-looking AMF address that is not one, and takes names and addresses", () => {
    for (const address of ["10.0.0.256", "00", "1.2.3", "01.2.3.4", "-amf.local", "amf..local"])
      assert.equal(
        problemsOf({ ...valid, amf: { address } })["/amf/0/address"],
        `${JSON.stringify(address)} is not valid: must be an IPv4 address or a DNS name, e.g. 10.0.0.5 or amf.core.svc.cluster.local`,
        address,
      );
    for (const address of [
      "10.0.0.5",
      "255.255.255.255",
      "amf",
      "amf-1.core.svc.cluster.local",
      "5g.example",
    ])
      assert.equal(validateSpec({ ...valid, amf: { address } }).ok, true, address);
  });

  it("refuses non-objects without throwing", () => {
    for (const input of [null, 42, "spec", [], undefined]) {
      const result = validateSpec(input);
      assert.equal(result.ok, false);
    }
  });
});
