// Which AMF serves which PLMN. srsRAN's CU (and OCUDU's) serves each PLMN from exactly one AMF: its
// start-up validator refuses a PLMN listed under two AMFs ("PLMN=… is already supported by another AMF",
// cu_cp_unit_config_validator.cpp), and its F1 setup refuses a cell whose PLMN no AMF serves. Several
// AMFs are therefore for several PLMNs (RAN sharing, MOCN: the cells broadcast the extra PLMNs too).
import type { Problem } from "./problem.ts";
import { DEFAULT_AMF_PORT } from "./ran-deployment-spec.ts";

interface AmfOfSpec {
  address: string;
  port?: number | undefined;
  plmns?: string[] | undefined;
}

interface PlmnsOfSpec {
  plmn: string;
  additionalPlmns?: string[] | undefined;
  amf: AmfOfSpec[];
}

/** Every PLMN the deployment's cells broadcast: the primary one (in the cells' NR-CGI) first. */
export function deploymentPlmns(spec: PlmnsOfSpec): string[] {
  return [spec.plmn, ...(spec.additionalPlmns ?? [])];
}

/** The PLMNs each AMF serves, in the order of `spec.amf`; an AMF that names none serves them all. */
export function plmnsPerAmf(spec: PlmnsOfSpec): string[][] {
  const all = deploymentPlmns(spec);
  return spec.amf.map((amf) => amf.plmns ?? all);
}

/**
 * The problems of a request whose AMFs repeat each other or do not serve each of its PLMNs exactly
 * once (an AMF listed twice is reported as a repeat only).
 */
export function amfPlmnProblems(spec: PlmnsOfSpec): Problem[] {
  const problems: Problem[] = [];
  const names = spec.amf.map(amfName);
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first < i) problems.push({ path: `/amf/${i}`, message: `repeats /amf/${first}` });
  });
  const all = deploymentPlmns(spec);
  (spec.additionalPlmns ?? []).forEach((plmn, i) => {
    if (plmn === spec.plmn)
      problems.push({ path: `/additionalPlmns/${i}`, message: `repeats the primary PLMN ${plmn}` });
  });
  const servedBy = new Map<string, number>();
  plmnsPerAmf(spec).forEach((plmns, i) => {
    if (names.indexOf(names[i]!) < i) return; // reported as a repeat above
    const explicit = spec.amf[i]?.plmns !== undefined;
    plmns.forEach((plmn, j) => {
      const path = explicit ? `/amf/${i}/plmns/${j}` : `/amf/${i}`;
      if (!all.includes(plmn)) {
        problems.push({
          path,
          message: `PLMN ${plmn} is not one of this deployment's PLMNs (${all.join(", ")}): add it to additionalPlmns`,
        });
        return;
      }
      const first = servedBy.get(plmn);
      if (first === undefined) {
        servedBy.set(plmn, i);
        return;
      }
      problems.push({
        path,
        message:
          `PLMN ${plmn} is already served by /amf/${first} (${names[first]}); ` +
          `${names[i]} cannot serve it too: srsRAN's CU serves each PLMN from one AMF. ` +
          "Several AMFs are for several PLMNs (RAN sharing): list the extra PLMNs in additionalPlmns " +
          "and the PLMNs of each AMF in its plmns",
      });
    });
  });
  all.forEach((plmn, i) => {
    if (servedBy.has(plmn)) return;
    problems.push({
      path: i === 0 ? "/plmn" : `/additionalPlmns/${i - 1}`,
      message: `no AMF serves PLMN ${plmn}: name it in the plmns of one AMF (srsRAN's CU refuses a cell whose PLMN no AMF serves)`,
    });
  });
  return problems;
}

function amfName(amf: AmfOfSpec): string {
  return `${amf.address.toLowerCase()}:${amf.port ?? DEFAULT_AMF_PORT}`;
}
