#!/usr/bin/env bash
# Prints the simulated provider topology as Node objects: SITES sites (zones site-1..N) with EDGE edge
# nodes each, plus CENTRAL central nodes. Sizes follow common RAN servers: edge 32 cores / 128 GiB for DUs
# and RUs, central 64 cores / 256 GiB for CUs; allocatable keeps back what the system reserves.
# Node addresses are simulated (documentation only, never contacted): edge 10.10.<site>.<n>, central 10.20.0.<n>.
set -euo pipefail
sites=$1 edge=$2 central=$3

node() { # name zone role cpu memGi allocCpu allocMemGi internalIP
  cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: $1
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
    # What an operator declares on real nodes for ranaas preflight (docs: README, On a real cluster).
    ranaas.io/sctp: "true"
$(if [[ $3 == edge ]]; then printf '    %s\n' 'ranaas.io/fronthaul-interface: ens1f0' 'ranaas.io/fronthaul-mtu: "9000"' 'ranaas.io/cpu-manager-policy: static'; fi)
$(if [[ $2 == site-1 ]]; then echo '    ranaas.io/fronthaul-vlans: "100-999"'; fi)
  labels:
    kubernetes.io/hostname: $1
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    topology.kubernetes.io/zone: $2
    ranaas.io/role: $3
$(if [[ $2 == site-1 ]]; then echo '    ranaas.io/ptp-fronthaul: "true"'; fi)
spec: {}
status:
  capacity: {cpu: "$4", memory: $5Gi, pods: "110"}
  allocatable: {cpu: "$6", memory: $7Gi, pods: "110"}
  addresses:
  - {type: InternalIP, address: $8}
  - {type: Hostname, address: $1}
YAML
}

for ((s = 1; s <= sites; s++)); do
  for ((n = 1; n <= edge; n++)); do node "edge-site-$s-$n" "site-$s" edge 32 128 30 120 "10.10.$s.$n"; done
done
for ((n = 1; n <= central; n++)); do node "central-$n" central central 64 256 62 248 "10.20.0.$n"; done
