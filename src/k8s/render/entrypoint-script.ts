// The entry step of every srsRAN pod: srsRAN binds to and advertises IP addresses taken from its config,
// and accepts no DNS names, so before starting it this script fills each ${NAME} placeholder with
// RANAAS_ADDR_NAME, resolving names (the AMF, the CU's Service) with a deadline.
export const ENTRYPOINT_FILE = "entrypoint.sh";

export const ENTRYPOINT_SCRIPT = `#!/bin/sh
# RANaaS entry step: fill this pod's addresses into the srsRAN config, then start srsRAN.
# Usage: entrypoint.sh <config template> <srsRAN binary>
set -eu
template=$1
binary=$2
config=/tmp/$(basename "$template")
deadline=$(( $(date +%s) + \${RANAAS_RESOLVE_TIMEOUT:-120} ))

resolve() {
  case $1 in
    *[!0-9.]*) ;;
    *) echo "$1"; return 0 ;;
  esac
  while :; do
    ip=$(getent ahostsv4 "$1" 2>/dev/null | awk 'NR == 1 { print $1 }')
    if [ -n "$ip" ]; then echo "$ip"; return 0; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then echo "ranaas: cannot resolve $1" >&2; return 1; fi
    sleep 1
  done
}

cp "$template" "$config"
for name in $(env | sed -n 's/^RANAAS_ADDR_\\([A-Za-z0-9_]*\\)=.*/\\1/p'); do
  address=$(resolve "$(printenv "RANAAS_ADDR_$name")")
  sed -i "s|\\\${$name}|$address|g" "$config"
done
if grep -n '\${[A-Z0-9_]*}' "$config" >&2; then
  echo "ranaas: the placeholders above have no RANAAS_ADDR_ value" >&2
  exit 1
fi
echo "ranaas: starting $binary with $config" >&2
exec "$binary" -c "$config"
`;
