// The RU pool file a provider loads with `ranaas ru import` (and `/v1/rus`): the radio units, where each
// is attached, what it can serve and — for a real O-RAN 7.2 radio — everything the DU needs to reach it.
// An emulated RU (srsRAN ru_emulator on the DU's node) has no `fronthaul`: RANaaS derives its values.
import { Type, type Static } from "@sinclair/typebox";
import { Ajv, type ErrorObject } from "ajv";
import type { Problem } from "./problem.ts";
import { SITE_PATTERN } from "./ran-deployment-spec.ts";

const NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
const MAC_PATTERN = "^([0-9a-f]{2}:){5}[0-9a-f]{2}$";
/** srsRAN's Open Fronthaul timing options take 0..1960 µs (ru_ofh_config_cli11_schema.cpp). */
const MAX_WINDOW_US = 1960;

/** The compression methods srsRAN's ru_ofh accepts (compression_method_check in the same file). */
export const COMPRESSION_METHODS = [
  "none",
  "bfp",
  "bfp selective",
  "block scaling",
  "mu law",
  "modulation",
  "modulation selective",
] as const;

/** A string that is one of `values` (a JSON Schema enum: one clear error naming the allowed values). */
function oneOf<const T extends readonly string[]>(values: T, description?: string) {
  return Type.Unsafe<T[number]>({
    type: "string",
    enum: [...values],
    ...(description ? { description } : {}),
  });
}

const Micros = Type.Integer({ minimum: 0, maximum: MAX_WINDOW_US, description: "µs" });
const Window = Type.Object(
  { min: Micros, max: Micros },
  { additionalProperties: false, description: "[min, max] µs before (or after) the air time" },
);
const Compression = Type.Object(
  {
    method: oneOf(COMPRESSION_METHODS),
    bitwidth: Type.Integer({ minimum: 1, maximum: 16 }),
    staticHeader: Type.Boolean({
      description:
        "true: the RU was configured with the compression (no udCompHdr in U-plane packets); false: every packet carries one",
    }),
  },
  { additionalProperties: false },
);
const PrachCompression = Type.Object(
  { method: oneOf(COMPRESSION_METHODS), bitwidth: Type.Integer({ minimum: 1, maximum: 16 }) },
  {
    additionalProperties: false,
    description: "PRACH packets carry a udCompHdr as UL ones do (ul.staticHeader)",
  },
);
const PortIds = Type.Array(Type.Integer({ minimum: 0, maximum: 65535 }), {
  minItems: 1,
  maxItems: 16,
  uniqueItems: true,
});

export const RuFronthaulSchema = Type.Object(
  {
    ruMac: Type.String({ pattern: MAC_PATTERN, description: "the RU's fronthaul MAC, lower case" }),
    duMac: Type.Optional(
      Type.String({
        pattern: MAC_PATTERN,
        description: "the DU MAC the RU is configured to talk to; RANaaS picks one when absent",
      }),
    ),
    vlan: Type.Object(
      {
        cPlane: Type.Integer({ minimum: 1, maximum: 4094 }),
        uPlane: Type.Integer({ minimum: 1, maximum: 4094 }),
      },
      { additionalProperties: false },
    ),
    antennas: Type.Object(
      { dl: Type.Integer({ minimum: 1, maximum: 16 }), ul: Type.Integer({ minimum: 1, maximum: 16 }) },
      { additionalProperties: false },
    ),
    eaxc: Type.Object({ dl: PortIds, ul: PortIds, prach: PortIds }, { additionalProperties: false }),
    compression: Type.Object(
      { dl: Compression, ul: Compression, prach: PrachCompression },
      { additionalProperties: false },
    ),
    windows: Type.Object(
      {
        t2aCpDl: Window,
        t2aCpUl: Window,
        t2aUp: Window,
        ta3: Window,
        transportDelay: Type.Optional(Window),
      },
      {
        additionalProperties: false,
        description:
          "the RU's reception windows (T2a) and its UL transmission window (Ta3), as its data sheet gives them, and the one-way delay of the link between DU and RU (default 0–0)",
      },
    ),
    scaling: Type.Union([
      Type.Object(
        { iqScaling: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          referenceLevelDbfs: Type.Number({ maximum: 0 }),
          subcarrierBackoffDb: Type.Optional(Type.Number({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ]),
    du: Type.Union([
      Type.Object(
        {
          kind: Type.Literal("macvlan"),
          master: Type.String({ minLength: 1, maxLength: 15, description: "host NIC on the DU's node" }),
          mtu: Type.Integer({ minimum: 1500, maximum: 9600 }),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          kind: Type.Literal("sriov"),
          resourceName: Type.String({
            minLength: 1,
            pattern: "^[a-z0-9.-]+/[A-Za-z0-9_.-]+$",
            description: "the SR-IOV device plugin's VF resource, e.g. intel.com/intel_sriov_netdevice",
          }),
          mtu: Type.Integer({ minimum: 1500, maximum: 9600 }),
          dpdk: Type.Optional(
            Type.Boolean({
              description:
                "the VFs are bound to vfio-pci and the DU drives them with DPDK (srsRAN's hal section, hugepages)",
            }),
          ),
          hugepagesGiB: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 64, description: "1 GiB hugepages for DPDK (default 2)" }),
          ),
        },
        { additionalProperties: false },
      ),
    ]),
    ptp: Type.Object(
      {
        profile: oneOf(["G.8275.1", "G.8275.2"] as const),
        domain: Type.Integer({ minimum: 0, maximum: 255 }),
        synced: Type.Boolean({ description: "whether the DU-side node is locked to the PTP grandmaster" }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type RuFronthaul = Static<typeof RuFronthaulSchema>;

export const RadioUnitSchema = Type.Object(
  {
    id: Type.String({ pattern: NAME_PATTERN, maxLength: 63, description: "lower-case id" }),
    site: Type.String({ minLength: 1, maxLength: 63, pattern: SITE_PATTERN }),
    node: Type.String({
      minLength: 1,
      maxLength: 253,
      pattern: NAME_PATTERN,
      description: "the Kubernetes node the RU is attached to",
    }),
    bands: Type.Array(Type.Integer({ minimum: 1, maximum: 1024 }), { minItems: 1, uniqueItems: true }),
    maxBandwidthMHz: Type.Integer({ minimum: 5, maximum: 400 }),
    kind: Type.Optional(
      oneOf(
        ["emulated", "o-ru"] as const,
        "emulated (srsRAN ru_emulator, the default) or a real O-RAN 7.2 radio",
      ),
    ),
    vendor: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    maxCells: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 16, description: "carriers the RU can serve; RANaaS uses one" }),
    ),
    fronthaul: Type.Optional(RuFronthaulSchema),
  },
  { additionalProperties: false },
);
export type RadioUnitSpec = Static<typeof RadioUnitSchema>;

export const RuPoolSchema = Type.Object(
  { rus: Type.Array(RadioUnitSchema) },
  { additionalProperties: false },
);
export type RuPool = Static<typeof RuPoolSchema>;

const ajv = new Ajv({ allErrors: true });
const checkShape = ajv.compile<{ rus: unknown[] }>(
  Type.Object({ rus: Type.Array(Type.Unknown()) }, { additionalProperties: false }),
);
const checkRu = ajv.compile<RadioUnitSpec>(RadioUnitSchema);

/**
 * The pool, or every problem with it at once: each record's schema errors, the combinations srsRAN
 * would refuse in each well-formed one, and ids or MACs given twice — so one pass fixes the file.
 */
export function validateRuPool(
  input: unknown,
): { ok: true; pool: RuPool } | { ok: false; problems: Problem[] } {
  if (!checkShape(input)) return { ok: false, problems: schemaProblems(checkShape.errors ?? []) };
  const problems: Problem[] = [];
  const ids = new Map<string, number>();
  const macs = new Map<string, string>();
  input.rus.forEach((ru, i) => {
    const at = `/rus/${i}`;
    if (!checkRu(ru)) {
      problems.push(...schemaProblems(checkRu.errors ?? [], at));
      return;
    }
    if (ids.has(ru.id)) problems.push({ path: `${at}/id`, message: `${ru.id} appears twice` });
    ids.set(ru.id, i);
    problems.push(...radioUnitProblems(ru, at));
    const mac = ru.fronthaul?.ruMac;
    if (mac !== undefined) {
      const other = macs.get(mac);
      if (other !== undefined)
        problems.push({ path: `${at}/fronthaul/ruMac`, message: `${mac} is also RU ${other}'s MAC` });
      macs.set(mac, ru.id);
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, pool: input as RuPool };
}

/** What to say when a value matches no branch of a union (the branches' own complaints say less). */
const UNION_HINTS: Record<string, string> = {
  scaling: "give iqScaling (a linear factor), or referenceLevelDbfs with an optional subcarrierBackoffDb",
  du: "give kind macvlan with master and mtu, or kind sriov with resourceName and mtu",
};

function schemaProblems(errors: readonly ErrorObject[], prefix = ""): Problem[] {
  const inUnion = (e: ErrorObject) => /anyOf\/\d+\//.test(e.schemaPath);
  return errors
    .filter((e) => !inUnion(e))
    .map((e) => {
      const field = e.instancePath.split("/").pop() ?? "";
      const message =
        e.keyword === "anyOf"
          ? (UNION_HINTS[field] ?? "matches none of the allowed shapes")
          : e.keyword === "enum"
            ? `must be one of ${(e.params as { allowedValues: string[] }).allowedValues.join(", ")}`
            : e.keyword === "additionalProperties"
              ? `has no field ${(e.params as { additionalProperty: string }).additionalProperty}`
              : (e.message ?? "is not valid");
      return { path: `${prefix}${e.instancePath}`, message };
    });
}

/** What the schema alone cannot say about one RU: the combinations srsRAN's validators refuse. */
export function radioUnitProblems(ru: RadioUnitSpec, at: string): Problem[] {
  const problems: Problem[] = [];
  const kind = ru.kind ?? "emulated";
  const fh = ru.fronthaul;
  if (kind === "emulated") {
    if (fh !== undefined)
      problems.push({
        path: `${at}/fronthaul`,
        message: "an emulated RU's fronthaul is derived by RANaaS; give kind o-ru to describe a real radio",
      });
    return problems;
  }
  for (const field of ["vendor", "model", "fronthaul"] as const)
    if (ru[field] === undefined)
      problems.push({ path: `${at}/${field}`, message: `an o-ru needs its ${field}` });
  if (fh === undefined) return problems;
  const path = `${at}/fronthaul`;
  if (!isUnicast(fh.ruMac))
    problems.push({ path: `${path}/ruMac`, message: `${fh.ruMac} is a multicast address` });
  if (fh.duMac !== undefined && !isUnicast(fh.duMac))
    problems.push({ path: `${path}/duMac`, message: `${fh.duMac} is a multicast address` });
  // srsRAN ru_ofh_config_validator.cpp: DL ports = DL antennas; UL and PRACH ports ≥ UL antennas.
  if (fh.eaxc.dl.length !== fh.antennas.dl)
    problems.push({
      path: `${path}/eaxc/dl`,
      message: `${fh.eaxc.dl.length} DL eAxC ids for ${fh.antennas.dl} DL antennas: give one per antenna`,
    });
  for (const direction of ["ul", "prach"] as const)
    if (fh.eaxc[direction].length < fh.antennas.ul)
      problems.push({
        path: `${path}/eaxc/${direction}`,
        message: `${fh.eaxc[direction].length} ${direction.toUpperCase()} eAxC ids for ${fh.antennas.ul} UL antennas: give at least one per antenna`,
      });
  for (const direction of ["dl", "ul", "prach"] as const) {
    const c = fh.compression[direction];
    if (c.method === "none" && c.bitwidth !== 16)
      problems.push({
        path: `${path}/compression/${direction}/bitwidth`,
        message: "uncompressed IQ is 16 bits wide",
      });
  }
  for (const name of ["t2aCpDl", "t2aCpUl", "t2aUp", "ta3", "transportDelay"] as const) {
    const w = fh.windows[name];
    if (w !== undefined && w.min > w.max)
      problems.push({ path: `${path}/windows/${name}`, message: `min ${w.min} µs is after max ${w.max} µs` });
  }
  if (fh.du.kind === "sriov" && fh.du.hugepagesGiB !== undefined && fh.du.dpdk !== true)
    problems.push({ path: `${path}/du/hugepagesGiB`, message: "hugepages are for DPDK: give dpdk true too" });
  const range = PTP_DOMAINS[fh.ptp.profile];
  if (fh.ptp.domain < range.min || fh.ptp.domain > range.max)
    problems.push({
      path: `${path}/ptp/domain`,
      message: `${fh.ptp.profile} uses domains ${range.min}–${range.max}`,
    });
  return problems;
}

/** ITU-T G.8275.1 and G.8275.2 domain number ranges. */
const PTP_DOMAINS = { "G.8275.1": { min: 24, max: 43 }, "G.8275.2": { min: 44, max: 63 } } as const;

function isUnicast(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 0;
}
