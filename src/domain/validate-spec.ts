// Validates a RAN deployment request: the JSON Schema first, then the radio rules of 3GPP and srsRAN.
// Reports every problem with its JSON path; on success returns the normalized spec (defaults applied)
// and the planned carrier of each cell.
import { Ajv } from "ajv";
import {
  planCarrier,
  type Carrier,
  type RadioConstraints,
  EMULATED_RU_CONSTRAINTS,
} from "../radio/carrier.ts";
import { isValidGnbId, maxCellsPerGnb } from "../radio/identity.ts";
import { amfPlmnProblems } from "./amf-plmns.ts";
import type { Problem } from "./problem.ts";
import { schemaProblems } from "./schema-problems.ts";
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
  problems.push(...alertProblems(spec));
  return problems;
}

/** A KPI alert names its threshold as its metric needs, watches cells that exist, and has its own name. */
function alertProblems(spec: NormalizedSpec): Problem[] {
  const problems: Problem[] = [];
  const names = new Map<string, number>();
  (spec.telemetry?.alerts ?? []).forEach((alert, i) => {
    const path = `/telemetry/alerts/${i}`;
    const first = names.get(alert.name);
    if (first !== undefined)
      problems.push({ path: `${path}/name`, message: `repeats /telemetry/alerts/${first}/name` });
    else names.set(alert.name, i);
    const thresholds = [alert.above, alert.below].filter((t) => t !== undefined).length;
    if (alert.metric === "cellDown" && thresholds > 0)
      problems.push({ path, message: "cellDown takes no threshold: leave out above and below" });
    if (alert.metric !== "cellDown" && thresholds !== 1)
      problems.push({ path, message: `${alert.metric} needs exactly one of above or below` });
    (alert.cells ?? []).forEach((cell, j) => {
      if (cell >= spec.cells.length)
        problems.push({
          path: `${path}/cells/${j}`,
          message: `there is no cell ${cell}: the request has ${spec.cells.length} (0–${spec.cells.length - 1})`,
        });
    });
  });
  return problems;
}
