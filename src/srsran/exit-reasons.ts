// Why a CU, DU or RU emulator container stopped, in an operator's words, from what srsRAN or OCUDU (or
// RANaaS's entry step) printed last — the container's termination message, which Kubernetes fills with
// the end of its log (terminationMessagePolicy FallbackToLogsOnError). The messages are the upstream
// ones (srsRAN Project release_25_10, the same in OCUDU release_26_04):
// - lib/gateways/sctp_network_client_impl.cpp: `N2: Failed to connect to AMF on 10.0.0.5:38412. error="…"`
//   and `F1-C: Failed to connect to CU-CP on …`;
// - apps/cu/cu.cpp: `CU-CP failed to connect to AMF`, `Invalid configuration detected.`, `The CPU does
//   not support the required CPU features that were configured during compile time: …`;
// - lib/du/du_high/du_manager/procedures/du_setup_procedure.cpp: `F1 Setup failed. Cause: …`;
// - CLI11 (external/CLI/CLI11.hpp): `INI was not able to parse <key>` for a key the schema lacks.
// Pure: the worker reads the pod statuses.

export interface ContainerExit {
  /** The container's name: cu, du or ru-emulator. */
  container: string;
  /** The termination message (the end of the log, or what the entry step wrote). */
  message: string;
  exitCode?: number | undefined;
  /** Kubernetes' reason, e.g. Error, OOMKilled. */
  reason?: string | undefined;
}

export interface ExitReason {
  reason: string;
  /** Whether starting again may help (an AMF or the CU that is not up yet); else fail at once. */
  retryable: boolean;
}

const SIGILL_EXIT = 128 + 4;

interface Rule {
  pattern: RegExp;
  retryable: boolean;
  say: (m: RegExpExecArray, exit: ContainerExit) => string;
}

// Most specific first: srsRAN prints the SCTP line before its summary line.
const RULES: Rule[] = [
  {
    pattern: /N2: Failed to connect to AMF on (\S+?):(\d+)\. error="([^"]*)"/,
    retryable: true,
    say: (m) => `AMF ${m[1]}:${m[2]} did not answer (${m[3]}): the CU does not start without its AMFs`,
  },
  {
    pattern: /CU-CP failed to connect to AMF/,
    retryable: true,
    say: () => "the CU could not connect to its AMFs: it does not start without them",
  },
  {
    pattern: /F1-C: Failed to connect to CU-CP on (\S+?):(\d+)\. error="([^"]*)"/,
    retryable: true,
    say: (m) => `the DU could not reach the CU's F1-C endpoint ${m[1]}:${m[2]} (${m[3]})`,
  },
  {
    pattern: /F1 Setup failed\. Cause: ([^\n]+)/,
    retryable: true,
    say: (m) => `F1 setup between the DU and the CU failed: ${m[1]?.trim()}`,
  },
  {
    pattern: /INI was not able to parse (\S+)/,
    retryable: false,
    say: (m, exit) =>
      `the ${exit.container} refused config key ${m[1]}: the image's release does not have it ` +
      "(check ran.flavour and the image's version, docs/ran-images.md)",
  },
  {
    pattern:
      /The CPU does not support the required CPU features that were configured during compile time: ([^\n]+)/,
    retryable: false,
    say: (m, exit) =>
      `the node's CPU lacks features the ${exit.container} image was built for (${m[1]?.trim()}): ` +
      "rebuild it with a MARCH your nodes have (docs/ran-images.md)",
  },
  {
    pattern: /^ranaas: (cannot resolve [^\n]+)$/m,
    retryable: true,
    say: (m, exit) => `the ${exit.container}'s entry step: ${m[1]}`,
  },
  {
    pattern: /^ranaas: ([^\n]+)$/m,
    retryable: false,
    say: (m, exit) => `the ${exit.container}'s entry step: ${m[1]}`,
  },
];

export function exitReason(exit: ContainerExit): ExitReason {
  for (const rule of RULES) {
    const m = rule.pattern.exec(exit.message);
    if (m !== null) return { reason: rule.say(m, exit), retryable: rule.retryable };
  }
  if (exit.exitCode === SIGILL_EXIT)
    return {
      reason:
        `the ${exit.container} died of an illegal instruction: the node's CPU lacks an instruction set ` +
        "(e.g. AVX2, AVX-512) the image was built for; rebuild it with a MARCH your nodes have (docs/ran-images.md)",
      retryable: false,
    };
  if (exit.reason === "OOMKilled")
    return { reason: `the ${exit.container} ran out of memory (its limit) and was killed`, retryable: false };
  const lines = exit.message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const invalid = lines.findIndex((l) => l.includes("Invalid configuration detected"));
  if (invalid >= 0)
    return {
      reason: `the ${exit.container} refused its config${invalid > 0 ? `: ${lines[invalid - 1]}` : ""}`,
      retryable: false,
    };
  const last = lines.at(-1);
  const code = exit.exitCode === undefined ? "" : ` with code ${exit.exitCode}`;
  return {
    reason: `the ${exit.container} exited${code}${last === undefined ? "" : `: ${last}`}`,
    retryable: true,
  };
}
