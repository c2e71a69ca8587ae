# Shared settings and helpers for the local stack scripts (sourced, not run).
# Everything binds to 127.0.0.1; state lives in $STACK_DIR, built binaries in $RANAAS_CACHE_DIR.
set -euo pipefail

STACK_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(dirname "$STACK_SRC")"
# shellcheck source=versions.sh
source "$STACK_SRC/versions.sh"

STACK_DIR="${RANAAS_STACK_DIR:-$PROJECT_DIR/.stack}"
RANAAS_CACHE_DIR="${RANAAS_CACHE_DIR:-$HOME/.cache/ranaas}"
export GOWORK=off CGO_ENABLED=0 GOFLAGS=-buildvcs=false

# Ports (all on 127.0.0.1).
ETCD_PORT="${RANAAS_ETCD_PORT:-2379}"
ETCD_PEER_PORT="${RANAAS_ETCD_PEER_PORT:-2380}"
APISERVER_PORT="${RANAAS_APISERVER_PORT:-6443}"
KCM_PORT="${RANAAS_KCM_PORT:-10257}"
SCHEDULER_PORT="${RANAAS_SCHEDULER_PORT:-10259}"
KWOK_PORT="${RANAAS_KWOK_PORT:-10247}"
MONGO_PORT="${RANAAS_MONGO_PORT:-27017}"
POSTGRES_PORT="${RANAAS_POSTGRES_PORT:-55432}"
AMQP_PORT="${RANAAS_AMQP_PORT:-5672}"

bin_dir() { echo "$RANAAS_CACHE_DIR/bin/$1-$2"; } # component version

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND until it succeeds or the deadline passes.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "$what not ready after ${seconds}s"
      return 1
    fi
    sleep 0.3
  done
}

RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"
PKI_DIR="$STACK_DIR/pki"
KUBECONFIG_FILE="$STACK_DIR/kubeconfig"

ETCD_BIN="$(bin_dir etcd "$ETCD_VERSION")/etcd"
K8S_BIN="$(bin_dir kubernetes "$KUBERNETES_VERSION")"
KWOK_DIR="$(bin_dir kwok "$KWOK_VERSION")"
FERRETDB_BUILD="$FERRETDB_VERSION-$(sha256sum "$STACK_SRC/ferretdb/main.go" | cut -c1-8)"
FERRETDB_BIN="$(bin_dir ferretdb "$FERRETDB_BUILD")/ferretdb"
RABBITMQ_LIB=/usr/lib/rabbitmq/bin
KUBECTL="$K8S_BIN/kubectl"
HELM="$(bin_dir helm "$HELM_VERSION")/helm"
EPMD=epmd
# Debian's PostgreSQL (the newest installed major), FerretDB's backend.
POSTGRES_BIN="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)"
POSTGRES_USER=ranaas
POSTGRES_URL="postgres://$POSTGRES_USER@127.0.0.1:$POSTGRES_PORT/postgres"

# PostgreSQL refuses to run as root: as root it runs as Debian's `postgres` user, and its data lives
# where that user can reach it ($STACK_DIR, or a folder of its own when $STACK_DIR's parents are closed
# to it, e.g. under /root). Otherwise it runs as the current user in $STACK_DIR.
AS_POSTGRES=()
((EUID == 0)) && AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups --)
postgres_data_dir() {
  local dir="$STACK_DIR/postgresql"
  if ((EUID == 0)) && ! "${AS_POSTGRES[@]}" test -x "$STACK_DIR" 2>/dev/null; then
    dir="/var/tmp/ranaas-postgresql-$(printf '%s' "$STACK_DIR" | sha256sum | cut -c1-12)"
  fi
  echo "$dir"
}

# RabbitMQ runs as this user with its node, data, logs and Erlang cookie under $STACK_DIR.
rabbitmq_env() {
  # A second stack on the machine (its own RANAAS_STACK_DIR and ports) names its own node.
  export RABBITMQ_NODENAME="${RANAAS_RABBITMQ_NODENAME:-ranaas@localhost}"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$AMQP_PORT"
  export RABBITMQ_DIST_PORT=$((AMQP_PORT + 20000))
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  # rabbitmqctl is an Erlang node too: it must not start epmd, or a status check would leave one behind.
  export RABBITMQ_CTL_ERL_ARGS="-start_epmd false"
  export RABBITMQ_CTL_DIST_PORT_MIN=$((AMQP_PORT + 30000))
  export RABBITMQ_CTL_DIST_PORT_MAX=$((AMQP_PORT + 30010))
  export RABBITMQ_MNESIA_BASE="$STACK_DIR/rabbitmq/mnesia"
  export RABBITMQ_LOG_BASE="$STACK_DIR/rabbitmq/log"
  export RABBITMQ_PID_FILE="$RUN_DIR/rabbitmq.pid"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$STACK_DIR/rabbitmq/enabled_plugins"
  export RABBITMQ_CONFIG_FILE="$STACK_DIR/rabbitmq/rabbitmq"
  export HOME="$STACK_DIR/rabbitmq/home"
}
rabbitmqctl() { (rabbitmq_env && "$RABBITMQ_LIB/rabbitmqctl" "$@"); }
# The passwords of the services' RabbitMQ users (RANAAS_AMQP_PASSWORD_<SERVICE>=…), made by `up`.
RABBITMQ_PASSWORDS="$STACK_DIR/rabbitmq/service-passwords"
RANAAS_SERVICES=(api orchestrator worker status)
SECRETS_KEY_FILE="$STACK_DIR/secrets-key"

# Daemons started by `up` are tracked by pid files in $RUN_DIR; `down` stops exactly those.
pid_of() { [[ -f $RUN_DIR/$1.pid ]] && cat "$RUN_DIR/$1.pid"; }
is_running() {
  local pid
  pid=$(pid_of "$1") || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# start_daemon NAME COMMAND...: starts COMMAND detached, logging to $LOG_DIR/NAME.log, unless running.
start_daemon() {
  local name=$1; shift
  if is_running "$name"; then
    log "$name already running (pid $(pid_of "$name"))"
    return 0
  fi
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
  log "started $name (pid $!)"
}

stop_daemon() {
  local name=$1 pid
  pid=$(pid_of "$name") || return 0
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    log "stopped $name"
  fi
  rm -f "$RUN_DIR/$name.pid"
}

# Health probes, each quiet and exiting non-zero when the component does not answer.
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
etcd_healthy() { curl -fsS "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
apiserver_healthy() {
  curl -fsS --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz" | grep -q ok
}
secure_healthz() { curl -fsSk "https://127.0.0.1:$1/healthz" | grep -q ok; }
kcm_healthy() { secure_healthz "$KCM_PORT"; }
scheduler_healthy() { secure_healthz "$SCHEDULER_PORT"; }
kwok_healthy() { curl -fsS "http://127.0.0.1:$KWOK_PORT/healthz" | grep -q ok; }
ferretdb_healthy() { tcp_open "$MONGO_PORT"; }
postgresql_healthy() { "$POSTGRES_BIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"; }
rabbitmq_healthy() { tcp_open "$AMQP_PORT" && rabbitmqctl -q status >/dev/null 2>&1; }
