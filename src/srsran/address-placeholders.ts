// srsRAN takes IP addresses only and binds to them, but pod IPs are known only when the pod starts. The
// rendered configs therefore carry placeholders that the pod's entry step replaces before srsRAN starts:
// each placeholder ${NAME} is filled from the environment variable RANAAS_ADDR_NAME, resolving DNS names.

export const PLACEHOLDER_ENV_PREFIX = "RANAAS_ADDR_";

export function placeholder(name: string): string {
  return `\${${name}}`;
}

/** This pod's IP (from the downward API). */
export const POD_IP = "POD_IP";
/** The CU's F1-C address, as the DU reaches it (the CU's F1-C Service name, resolved at start). */
export const CU_F1C_ADDR = "CU_F1C_ADDR";
/** The N3 address the CU advertises to the core in NGAP: where the UPF sends GTP-U. */
export const N3_EXT_ADDR = "N3_EXT_ADDR";

/** The i-th AMF's address (an IP, or a DNS name resolved at start). */
export function amfAddr(index: number): string {
  return `AMF_${index}`;
}

/**
 * The PCI address of the SR-IOV VF of the DU's n-th fronthaul link (DPDK): the entry step takes it from
 * the SR-IOV device plugin's variable, as RANAAS_VF_PCI_<n> (`<variable>:<index>`) says.
 */
export function vfPci(link: number): string {
  return `PCI_${link}`;
}

export const VF_ENV_PREFIX = "RANAAS_VF_";

/** The CPUs the container may run on (its cpuset: its own cores under the static CPU manager). */
export const CPUSET = "CPUSET";

/** The variable in which the SR-IOV device plugin lists the PCI addresses a pod got of a resource. */
export function deviceEnvName(resourceName: string): string {
  return `PCIDEVICE_${resourceName.toUpperCase().replace(/[./]/g, "_")}`;
}
