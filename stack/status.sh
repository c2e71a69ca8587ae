#!/usr/bin/env bash
# Reports each component's state (healthy / unhealthy / stopped) and version; exits 0 only if all are healthy.
# With --quiet prints nothing (used to decide whether the stack must be started).
source "$(dirname "$0")/lib.sh"
quiet=false
[[ ${1:-} == --quiet ]] && quiet=true
all_healthy=true

report() { # name version probe...
  local name=$1 version=$2 state; shift 2
  if "$@" >/dev/null 2>&1; then state=healthy
  elif [[ $name == rabbitmq ]] && tcp_open "$AMQP_PORT"; then state=unhealthy
  elif is_running "$name"; then state=unhealthy
  else state=stopped
  fi
  [[ $state == healthy ]] || all_healthy=false
  $quiet || printf '%-24s %-10s %-8s %s\n' "$name" "$state" "$(pid_of "$name" 2>/dev/null || true)" "$version"
}

rabbitmq_version() {
  dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo "not installed"
}

$quiet || printf '%-24s %-10s %-8s %s\n' COMPONENT STATE PID VERSION
report rabbitmq "$(rabbitmq_version)" rabbitmq_healthy
report postgresql "$(basename "$(dirname "$POSTGRES_BIN")")" postgresql_healthy
report ferretdb "$FERRETDB_VERSION" ferretdb_healthy
report etcd "$ETCD_VERSION" etcd_healthy
report kube-apiserver "$KUBERNETES_VERSION" apiserver_healthy
report kube-controller-manager "$KUBERNETES_VERSION" kcm_healthy
report kube-scheduler "$KUBERNETES_VERSION" scheduler_healthy
report kwok "$KWOK_VERSION" kwok_healthy

if ! $quiet && apiserver_healthy 2>/dev/null; then
  echo
  "$KUBECTL" --kubeconfig="$KUBECONFIG_FILE" get nodes -L topology.kubernetes.io/zone,ranaas.io/role \
    --no-headers 2>/dev/null | awk '{print "node " $1 " " $2 " zone=" $6 " role=" $7}'
fi
$all_healthy
