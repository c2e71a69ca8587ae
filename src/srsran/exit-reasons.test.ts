import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exitReason } from "./exit-reasons.ts";

// The end of srscu's log when its AMF refuses the association (the lines srsRAN prints, in order).
const AMF_REFUSED = [
  "--== srsRAN CU (commit d2f4b70dd) ==--",
  "Connecting to AMF on 10.0.0.5:38412",
  'N2: Failed to connect to AMF on 10.0.0.5:38412. error="Connection refused" timeout=3ms',
  "CU-CP failed to connect to AMF",
].join("\n");

describe("why a RAN container stopped", () => {
  it("names the AMF that did not answer, and lets the CU try again", () => {
    assert.deepEqual(exitReason({ container: "cu", message: AMF_REFUSED, exitCode: 1 }), {
      reason:
        "AMF 10.0.0.5:38412 did not answer (Connection refused): the CU does not start without its AMFs",
      retryable: true,
    });
  });

  it("names the config key a binary refused, and does not retry what cannot change", () => {
    const unknownKey = exitReason({
      container: "du",
      message: "INI was not able to parse cells.ssb_period\nRun with --help for more information.",
      exitCode: 105,
    });
    assert.equal(unknownKey.retryable, false);
    assert.match(unknownKey.reason, /^the du refused config key cells\.ssb_period: /);
    const cpu = exitReason({
      container: "du",
      message:
        "The CPU does not support the required CPU features that were configured during compile time: avx2 fma",
    });
    assert.equal(cpu.retryable, false);
    assert.match(cpu.reason, /CPU lacks features the du image was built for \(avx2 fma\): rebuild/);
    const sigill = exitReason({ container: "cu", message: "", exitCode: 132 });
    assert.equal(sigill.retryable, false);
    assert.match(sigill.reason, /illegal instruction/);
  });

  it("gives the DU's F1 failures, the entry step's own words and validation failures", () => {
    assert.deepEqual(
      exitReason({ container: "du", message: "F1 Setup failed. Cause: F1-C TNL connection failed\n" }),
      { reason: "F1 setup between the DU and the CU failed: F1-C TNL connection failed", retryable: true },
    );
    assert.deepEqual(exitReason({ container: "cu", message: "ranaas: cannot resolve amf.core.example" }), {
      reason: "the cu's entry step: cannot resolve amf.core.example",
      retryable: true,
    });
    assert.deepEqual(
      exitReason({
        container: "cu",
        message: "PLMN=00101 is already supported by another AMF\nInvalid configuration detected.\n",
        exitCode: 1,
      }),
      {
        reason: "the cu refused its config: PLMN=00101 is already supported by another AMF",
        retryable: false,
      },
    );
  });

  it("falls back to the last line printed, and the exit code", () => {
    assert.deepEqual(
      exitReason({ container: "ru-emulator", message: "one\nsomething broke\n\n", exitCode: 2 }),
      {
        reason: "the ru-emulator exited with code 2: something broke",
        retryable: true,
      },
    );
    assert.equal(
      exitReason({ container: "cu", message: "", reason: "OOMKilled", exitCode: 137 }).retryable,
      false,
    );
  });
});
