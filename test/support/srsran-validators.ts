// Start-up rules of srsRAN's (and OCUDU's) own validators that a key list cannot see, restated from the
// upstream sources so rendered configs can be checked without the binaries:
// - apps/units/o_cu_cp/cu_cp/cu_cp_unit_config_validator.cpp, validate_amf_appconfig: a PLMN is supported
//   by one AMF only ("PLMN=… is already supported by another AMF"), and a PLMN's slice list is not empty;
// - lib/cu_cp/du_processor/du_configuration_manager.cpp: F1 setup refuses a cell whose NR-CGI PLMN the
//   CU-CP's AMFs do not serve ("Served Cell CGI PLMN is not supported by the CU-CP").
import type { CuAmf, CuConfig, DuConfig } from "../../src/srsran/config-types.ts";

function amfsOf(cu: CuConfig): CuAmf[] {
  return [cu.cu_cp.amf, ...(cu.cu_cp.extra_amfs ?? [])];
}

/** srsRAN's words for each rule the CU config breaks; empty when srscu would start. */
export function cuAmfViolations(cu: CuConfig): string[] {
  const violations: string[] = [];
  const seen = new Set<string>();
  for (const amf of amfsOf(cu)) {
    for (const ta of amf.supported_tracking_areas)
      for (const item of ta.plmn_list) {
        if (seen.has(item.plmn)) violations.push(`PLMN=${item.plmn} is already supported by another AMF`);
        seen.add(item.plmn);
        if (item.tai_slice_support_list.length === 0)
          violations.push(`TAI slice support list for PLMN=${item.plmn} and TAC=${ta.tac} is empty`);
      }
  }
  return violations;
}

/** The cells of the DU that the CU would refuse at F1 setup. */
export function f1SetupViolations(cu: CuConfig, du: DuConfig): string[] {
  const served = new Set(
    amfsOf(cu).flatMap((amf) =>
      amf.supported_tracking_areas.flatMap((ta) => ta.plmn_list.map((p) => p.plmn)),
    ),
  );
  return du.cells
    .filter((cell) => !served.has(cell.plmn))
    .map((cell) => `cell PCI ${cell.pci}: Served Cell CGI PLMN is not supported by the CU-CP`);
}
