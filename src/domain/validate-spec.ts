// Validates a RAN deployment request: the JSON Schema first, then the radio rules of 3GPP and srsRAN.
// Reports every problem with its JSON path; on success returns the normalized spec (defaults applied)
// and the planned carrier of each cell.
import { Ajv, type ErrorObject } from "ajv";
import {
  planCarrier,
  type Carrier,
  type RadioConstraints,
  EMULATED_RU_CONSTRAINTS,
} from "../radio/carrier.ts";
import { isValidGnbId, maxCellsPerGnb } from "../radio/identity.ts";
import { amfPlmnProblems } from "./amf-plmns.ts";
import type { Problem } from "./problem.ts";
import {
  DEFAULT_AMF_PORT,
  DEFAULT_GNB_ID_BITS,
  RanDeploymentSpecSchema,
  type RanDeploymentSpec,
} from "./ran-deployment-spec.ts";

/** A spec after validation: AMF ports, gNB ID length and SCS filled in, SDs upper-case. */
export interface NormalizedSpec extends RanDeploymentSpec {
  amf: { address: string; port: number; plmns?: string[] }[];
  gnbIdBits: number;
  cells: (RanDeploymentSpec["cells"][number] & { scsKHz: 15 | 30 | 60 })[];
  n3ServiceType: NonNullable<RanDeploymentSpec["n3ServiceType"]>;
  coreNetwork: NonNullable<RanDeploymentSpec["coreNetwork"]>;
}

export type SpecValidation =
  { ok: true; spec: NormalizedSpec; carriers: Carrier[] } | { ok: false; problems: Problem[] };

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateSchema = ajv.compile<RanDeploymentSpec>(RanDeploymentSpecSchema);

export function validateSpec(
  input: unknown,
  constraints: RadioConstraints = EMULATED_RU_CONSTRAINTS,
): SpecValidation {
  const candidate = acceptSingleAmf(input);
  if (!validateSchema(candidate)) return { ok: false, problems: schemaProblems(validateSchema.errors ?? []) };

  const spec = normalize(candidate);
  const problems: Problem[] = [];
  const carriers: Carrier[] = [];
  spec.cells.forEach((cell, i) => {
    const plan = planCarrier(cell, constraints);
    if (plan.ok) carriers.push(plan.carrier);
    else for (const p of plan.problems) problems.push({ path: `/cells/${i}/${p.field}`, message: p.message });
  });
  problems.push(...crossFieldProblems(spec));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, spec, carriers };
}

/** `amf` may be one object instead of a list of one. */
function acceptSingleAmf(input: unknown): unknown {
  if (typeof input === "object" && input !== null && !Array.isArray(input)) {
    const record = input as Record<string, unknown>;
    const amf = record.amf;
    if (typeof amf === "object" && amf !== null && !Array.isArray(amf)) return { ...record, amf: [amf] };
  }
  return input;
}

function normalize(spec: RanDeploymentSpec): NormalizedSpec {
  return {
    ...spec,
    amf: spec.amf.map((a) => ({
      address: a.address,
      port: a.port ?? DEFAULT_AMF_PORT,
      ...(a.plmns === undefined ? {} : { plmns: a.plmns }),
    })),
    slices: spec.slices.map((s) =>
      s.sd === undefined ? { sst: s.sst } : { sst: s.sst, sd: s.sd.toUpperCase() },
    ),
    gnbIdBits: spec.gnbIdBits ?? DEFAULT_GNB_ID_BITS,
    cells: spec.cells.map((c) => ({ ...c, scsKHz: c.scsKHz ?? 30 })),
    n3ServiceType: spec.n3ServiceType ?? "ClusterIP",
    coreNetwork: spec.coreNetwork ?? "pod",
  };
}

function crossFieldProblems(spec: NormalizedSpec): Problem[] {
  const problems: Problem[] = [];
  spec.amf.forEach((amf, i) => {
    if (/^[0-9.]+$/.test(amf.address) && !isIpv4(amf.address)) {
      problems.push({ path: `/amf/${i}/address`, message: `"${amf.address}" is not a valid IPv4 address` });
    }
  });
  problems.push(...amfPlmnProblems(spec));
  const sliceSeen = new Map<string, number>();
  spec.slices.forEach((slice, i) => {
    const key = `${slice.sst}/${slice.sd ?? ""}`;
    const first = sliceSeen.get(key);
    if (first !== undefined) problems.push({ path: `/slices/${i}`, message: `repeats /slices/${first}` });
    else sliceSeen.set(key, i);
  });
  const pciSeen = new Map<number, number>();
  spec.cells.forEach((cell, i) => {
    if (cell.pci === undefined) return;
    const first = pciSeen.get(cell.pci);
    if (first !== undefined) {
      problems.push({
        path: `/cells/${i}/pci`,
        message: `PCI ${cell.pci} is already used by /cells/${first}`,
      });
    } else pciSeen.set(cell.pci, i);
  });
  if (spec.gnbId !== undefined && !isValidGnbId(spec.gnbId, spec.gnbIdBits)) {
    problems.push({
      path: "/gnbId",
      message: `gNB ID ${spec.gnbId} does not fit in ${spec.gnbIdBits} bits (0–${2 ** spec.gnbIdBits - 1})`,
    });
  }
  if (spec.cells.length > maxCellsPerGnb(spec.gnbIdBits)) {
    problems.push({
      path: "/cells",
      message: `a ${spec.gnbIdBits}-bit gNB ID leaves room for ${maxCellsPerGnb(spec.gnbIdBits)} cells`,
    });
  }
  return problems;
}

function isIpv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

const TYPE_NAMES: Record<string, string> = {
  integer: "a whole number",
  number: "a number",
  string: "a string",
  array: "a list",
  object: "an object",
  boolean: "true or false",
};

/** Turns Ajv's errors into one readable problem per field. */
function schemaProblems(errors: ErrorObject[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.schemaPath.includes("/anyOf/")) continue; // reported once by the anyOf error itself
    const problem = describe(error);
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

/** The problem for one schema error; the request itself is "/" (an empty pointer would name nothing). */
function describe(error: ErrorObject): Problem {
  const problem = describeAt(error);
  return problem.path === "" ? { ...problem, path: "/" } : problem;
}

/** Echoes a bad value into a message, cut short so a huge value cannot make a huge answer. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}

function describeAt(error: ErrorObject): Problem {
  const path = error.instancePath;
  const schema = error.parentSchema as Record<string, unknown> | undefined;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: `${path}/${String(params.missingProperty)}`, message: "is required" };
    case "additionalProperties":
      return { path: `${path}/${String(params.additionalProperty)}`, message: "is not a known field" };
    case "type":
      return { path, message: `must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}` };
    case "minimum":
    case "maximum":
      return { path, message: `must be between ${Number(schema?.minimum)} and ${Number(schema?.maximum)}` };
    case "minLength":
    case "maxLength":
      return {
        path,
        message: `must be ${Number(schema?.minLength ?? 0)} to ${Number(schema?.maxLength)} characters long`,
      };
    case "minItems":
    case "maxItems":
      return {
        path,
        message: `must have ${Number(schema?.minItems ?? 0)} to ${Number(schema?.maxItems)} items`,
      };
    case "pattern":
      return {
        path,
        message: `${shown(error.data)} is not valid: must be ${String(schema?.description)}`,
      };
    case "uniqueItems": {
      const [earlier, later] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return { path, message: `item ${later} repeats item ${earlier}` };
    }
    case "anyOf": {
      const options = (schema?.anyOf as { const?: unknown }[] | undefined)?.map((s) =>
        JSON.stringify(s.const),
      );
      return { path, message: `must be one of ${options?.join(", ") ?? "the documented values"}` };
    }
    default:
      return { path, message: error.message ?? "is not valid" };
  }
}
