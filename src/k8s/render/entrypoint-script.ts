// The entry step of every srsRAN pod: srsRAN binds to and advertises IP addresses taken from its config,
// and accepts no DNS names, so before starting it this script fills each ${NAME} placeholder with
// RANAAS_ADDR_NAME, resolving names (the AMF, the CU's Service) with a deadline. When it cannot, it says
// why in the container's termination message (`ranaas: …`), which the worker turns into the deployment's
// reason (srsran/exit-reasons.ts); srsRAN's own last words reach it through the end of the log.
export const ENTRYPOINT_FILE = "entrypoint.sh";

export const ENTRYPOINT_SCRIPT = `#!/bin/sh
# RANaaS entry step: fill this pod's addresses into the srsRAN config, then start srsRAN.
# Usage: entrypoint.sh <config template> <srsRAN binary>
set -eu
template=$1
binary=$2
config=/tmp/$(basename "$template")
deadline=$(( $(date +%s) + \${RANAAS_RESOLVE_TIMEOUT:-120} ))

fail() {
  echo "ranaas: $*" >&2
  echo "ranaas: $*" > "\${RANAAS_TERMINATION_LOG:-/dev/termination-log}" 2>/dev/null || true
  exit 1
}

resolve() {
  case $1 in
    *[!0-9.]*) ;;
    *) echo "$1"; return 0 ;;
  esac
  while :; do
    ip=$(getent ahostsv4 "$1" 2>/dev/null | awk 'NR == 1 { print $1 }')
    if [ -n "$ip" ]; then echo "$ip"; return 0; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then fail "cannot resolve $1"; fi
    sleep 1
  done
}

cp "$template" "$config"
for name in $(env | sed -n 's/^RANAAS_ADDR_\\([A-Za-z0-9_]*\\)=.*/\\1/p'); do
  address=$(resolve "$(printenv "RANAAS_ADDR_$name")") || exit 1
  sed -i "s|\\\${$name}|$address|g" "$config"
done
# DPDK: each SR-IOV VF's PCI address, from the device plugin's list (RANAAS_VF_<name>=<variable>:<index>).
for name in $(env | sed -n 's/^RANAAS_VF_\\([A-Za-z0-9_]*\\)=.*/\\1/p'); do
  spec=$(printenv "RANAAS_VF_$name")
  list=$(printenv "\${spec%:*}") || fail "no \${spec%:*}: the SR-IOV device plugin gave this pod no VF"
  pci=$(echo "$list" | awk -F, -v n=$(( \${spec##*:} + 1 )) '{ print $n }')
  if [ -z "$pci" ]; then fail "\${spec%:*} lists no VF number \${spec##*:} ($list)"; fi
  sed -i "s|\\\${$name}|$pci|g" "$config"
done
# DPDK's lcores run on the container's own CPUs.
if grep -q '\${CPUSET}' "$config"; then
  cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
  sed -i "s|\\\${CPUSET}|$cpus|g" "$config"
fi
if missing=$(grep -o '\${[A-Z0-9_]*}' "$config"); then
  fail "no RANAAS_ADDR_ value for" $missing
fi
echo "ranaas: starting $binary with $config" >&2
exec "$binary" -c "$config"
`;
