#!/usr/bin/env bash
# Starts the local real stack on 127.0.0.1 and waits until every component is healthy:
# RabbitMQ, PostgreSQL with FerretDB in front, etcd, kube-apiserver, kube-controller-manager, kube-scheduler, KWOK and the
# simulated provider topology (sites with edge nodes, central nodes). Safe to run again while up.
source "$(dirname "$0")/lib.sh"

SITES=3 EDGE_PER_SITE=2 CENTRAL=2
while (($#)); do
  case $1 in
    --sites) SITES=$2; shift 2 ;;
    --edge-nodes-per-site) EDGE_PER_SITE=$2; shift 2 ;;
    --central-nodes) CENTRAL=$2; shift 2 ;;
    *) die "unknown option $1 (expected --sites N --edge-nodes-per-site M --central-nodes K)" ;;
  esac
done
for n in "$SITES" "$EDGE_PER_SITE" "$CENTRAL"; do
  [[ $n =~ ^[0-9]+$ ]] || die "node counts must be whole numbers, got '$n'"
done

for bin in "$ETCD_BIN" "$K8S_BIN/kube-apiserver" "$KWOK_DIR/kwok" "$FERRETDB_BIN" "$RABBITMQ_LIB/rabbitmq-server" \
  "$POSTGRES_BIN/postgres"; do
  [[ -x $bin ]] || die "$bin is missing: run 'ranaas stack install' first"
done
mkdir -p "$STACK_DIR" "$RUN_DIR" "$LOG_DIR"
started=$SECONDS

# --- PKI: one local CA, a serving certificate for the apiserver, an admin client certificate. ---
make_pki() {
  [[ -f $PKI_DIR/admin.crt ]] && return
  mkdir -p "$PKI_DIR"; cd "$PKI_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ranaas-local-ca" \
    -keyout ca.key -out ca.crt 2>/dev/null
  local sans="DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  sans+=",DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1"
  issue() { # name subject extensions
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile <(printf '%s\n' "$3") -out "$1.crt" 2>/dev/null
    rm -f "$1.csr"
  }
  issue apiserver "/CN=kube-apiserver" "subjectAltName=$sans
extendedKeyUsage=serverAuth"
  issue admin "/O=system:masters/CN=ranaas-admin" "extendedKeyUsage=clientAuth"
  openssl genrsa -out sa.key 2048 2>/dev/null
  chmod 600 ./*.key
  cd - >/dev/null
  log "created local PKI in $PKI_DIR"
}

write_kubeconfig() {
  cat >"$KUBECONFIG_FILE" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: ranaas-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $PKI_DIR/ca.crt
users:
- name: ranaas-admin
  user:
    client-certificate: $PKI_DIR/admin.crt
    client-key: $PKI_DIR/admin.key
contexts:
- name: ranaas-local
  context: {cluster: ranaas-local, user: ranaas-admin}
current-context: ranaas-local
YAML
  chmod 600 "$KUBECONFIG_FILE"
}

start_rabbitmq() {
  if tcp_open "$AMQP_PORT"; then
    if is_running rabbitmq; then log "rabbitmq already running"; return; fi
    die "port $AMQP_PORT is taken by a process this stack did not start (set RANAAS_AMQP_PORT)"
  fi
  # epmd is shared by every Erlang node on the machine: stop it later only if we start it now.
  if ! "$EPMD" -names >/dev/null 2>&1; then
    touch "$RUN_DIR/epmd.started-by-stack"
  fi
  ( # RabbitMQ's environment (HOME included) stays in this subshell.
    rabbitmq_env
    mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE" "$HOME"
    echo '[].' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
    printf 'loopback_users.guest = true\nlog.console = false\n' >"$RABBITMQ_CONFIG_FILE.conf"
    # Called directly, not through Debian's wrapper, which would switch to the rabbitmq user.
    "$RABBITMQ_LIB/rabbitmq-server" -detached >>"$LOG_DIR/rabbitmq.log" 2>&1
  )
  log "started rabbitmq"
}

start_postgresql() {
  if tcp_open "$POSTGRES_PORT" && ! is_running postgresql; then
    die "port $POSTGRES_PORT is taken by a process this stack did not start (set RANAAS_POSTGRES_PORT)"
  fi
  local data; data=$(postgres_data_dir)
  if [[ ! -f $data/PG_VERSION ]]; then
    mkdir -p "$data"
    ((EUID == 0)) && chown postgres:postgres "$data"
    chmod 700 "$data"
    "${AS_POSTGRES[@]}" "$POSTGRES_BIN/initdb" -D "$data" -U "$POSTGRES_USER" -A trust -E UTF8 --locale=C.UTF-8 \
      >>"$LOG_DIR/postgresql.log" 2>&1 || die "initdb failed; see $LOG_DIR/postgresql.log"
    [[ $data == "$STACK_DIR/postgresql" ]] || ln -sfn "$data" "$STACK_DIR/postgresql"
  fi
  # TCP on loopback only, no Unix socket; commits are not flushed to disk one by one (a local stack's
  # data may lose its last instant in a machine crash, never its consistency). Plans are made for each
  # query's values, so FerretDB's `_jsonb -> $1` filters can use indexes (see postgresql/index-twins.sql).
  start_daemon postgresql "${AS_POSTGRES[@]}" "$POSTGRES_BIN/postgres" -D "$data" -p "$POSTGRES_PORT" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c synchronous_commit=off \
    -c max_connections=200 -c shared_buffers=256MB -c plan_cache_mode=force_custom_plan
}

# Indexes FerretDB's equality filters can use: a GIN twin of each index it creates (idempotent).
tune_postgresql() {
  "$POSTGRES_BIN/psql" "$POSTGRES_URL" -v ON_ERROR_STOP=1 -q -o /dev/null -f "$STACK_SRC/postgresql/index-twins.sql" \
    >>"$LOG_DIR/postgresql.log" 2>&1 || die "could not apply stack/postgresql/index-twins.sql; see $LOG_DIR/postgresql.log"
}

start_ferretdb() {
  start_daemon ferretdb "$FERRETDB_BIN" -postgresql-url="$POSTGRES_URL" \
    -listen-addr="127.0.0.1:$MONGO_PORT" -log-level=warn
}

start_etcd() {
  start_daemon etcd "$ETCD_BIN" --name=ranaas --data-dir="$STACK_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="ranaas=http://127.0.0.1:$ETCD_PEER_PORT" \
    --auto-compaction-retention=1 --quota-backend-bytes=4294967296 --log-level=warn
}

start_apiserver() {
  start_daemon kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --advertise-address=127.0.0.1 --bind-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$PKI_DIR/apiserver.crt" --tls-private-key-file="$PKI_DIR/apiserver.key" \
    --client-ca-file="$PKI_DIR/ca.crt" \
    --service-cluster-ip-range=10.96.0.0/16 \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI_DIR/sa.key" --service-account-signing-key-file="$PKI_DIR/sa.key" \
    --authorization-mode=Node,RBAC --allow-privileged=true \
    --endpoint-reconciler-type=none --profiling=false
}

start_controllers() {
  local auth=(--kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE"
    --authorization-kubeconfig="$KUBECONFIG_FILE" --bind-address=127.0.0.1 --leader-elect=false)
  start_daemon kube-controller-manager "$K8S_BIN/kube-controller-manager" "${auth[@]}" \
    --secure-port="$KCM_PORT" --cluster-name=ranaas-local \
    --service-account-private-key-file="$PKI_DIR/sa.key" --root-ca-file="$PKI_DIR/ca.crt" --profiling=false \
    --kube-api-qps=200 --kube-api-burst=400 --concurrent-namespace-syncs=50 \
    --concurrent-deployment-syncs=20 --concurrent-replicaset-syncs=20
  # Client rate limits well above the defaults (20 qps for the controller-manager): hundreds of
  # simulated deployments at once must be limited by RANaaS, not by the local control plane's throttle.
  start_daemon kube-scheduler "$K8S_BIN/kube-scheduler" "${auth[@]}" --secure-port="$SCHEDULER_PORT" \
    --profiling=false --kube-api-qps=200 --kube-api-burst=400
}

start_kwok() {
  # Stages shipped with KWOK: nodes become and stay Ready (lease heartbeats), pods become Ready,
  # Jobs complete, and deleted pods go away so namespace deletion completes.
  local stages="$KWOK_DIR/stage"
  {
    for s in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
      pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
      echo "---"; cat "$stages/$s.yaml"
    done
    # Ours, a named simulator: containers that exit with a given message (srsRAN's failures, for tests).
    echo "---"; cat "$STACK_SRC/kwok/simulated-container-exit-stage.yaml"
  } >"$STACK_DIR/kwok.yaml"
  # A restarted KWOK gets a new holder identity and would wait for its old node leases to expire
  # (40 s) before it manages those nodes' pods again: hand it a clean slate instead.
  if ! is_running kwok; then
    "$KUBECTL" --kubeconfig="$KUBECONFIG_FILE" delete leases --all --namespace kube-node-lease >/dev/null
  fi
  start_daemon kwok "$KWOK_DIR/kwok" --kubeconfig="$KUBECONFIG_FILE" --config="$STACK_DIR/kwok.yaml" \
    --manage-all-nodes=true --cidr=10.244.0.0/16 --node-lease-duration-seconds=40 \
    --server-address="127.0.0.1:$KWOK_PORT"
}

# One RabbitMQ user per service, made as the chart makes them (deploy/helm/ranaas/files/rabbitmq-users.sh):
# the services run here with the rights they have in production. Passwords are made once (mode 0600).
rabbitmq_users() {
  if [[ ! -s $RABBITMQ_PASSWORDS ]]; then
    (
      umask 077
      for service in "${RANAAS_SERVICES[@]}"; do
        echo "RANAAS_AMQP_PASSWORD_${service^^}=$(openssl rand -hex 16)"
      done >"$RABBITMQ_PASSWORDS"
    )
  fi
  # Work queues an older RANaaS declared with the default exchange as their dead-letter exchange cannot
  # be declared again by the worker's user: they are removed (a command in them is sent again by the API).
  rabbitmqctl -q --no-table-headers list_queues name arguments |
    awk -F'\t' '($1 == "ranaas.work" || $1 == "ranaas.work.delay") && $2 ~ /"x-dead-letter-exchange",\[\]/ { print $1 }' |
    while read -r queue; do rabbitmqctl -q delete_queue "$queue" </dev/null >/dev/null && log "removed the old queue $queue"; done
  (
    set -a
    source "$RABBITMQ_PASSWORDS"
    set +a
    rabbitmq_env
    PATH="$RABBITMQ_LIB:$PATH" sh "$PROJECT_DIR/deploy/helm/ranaas/files/rabbitmq-users.sh"
  ) || die "could not make the services' RabbitMQ users"
}

# The key RANaaS seals tenants' callback secrets with (RANAAS_SECRETS_KEY), made once (mode 0600).
secrets_key() {
  [[ -s $SECRETS_KEY_FILE ]] || (umask 077 && openssl rand -base64 32 >"$SECRETS_KEY_FILE")
}

secrets_key
make_pki
write_kubeconfig
# Independent components start together; each is then awaited.
start_rabbitmq
start_postgresql
start_etcd
wait_for "etcd" 60 etcd_healthy
start_apiserver
wait_for "postgresql" 60 postgresql_healthy || die "see $LOG_DIR/postgresql.log"
tune_postgresql
start_ferretdb
wait_for "kube-apiserver" 120 apiserver_healthy || die "kube-apiserver did not become ready; see $LOG_DIR/kube-apiserver.log"
start_controllers
start_kwok
wait_for "kube-controller-manager" 60 kcm_healthy || die "see $LOG_DIR/kube-controller-manager.log"
wait_for "kube-scheduler" 60 scheduler_healthy || die "see $LOG_DIR/kube-scheduler.log"
wait_for "kwok" 60 kwok_healthy || die "see $LOG_DIR/kwok.log"
# Pods are admitted only once their namespace's ServiceAccount exists: wait for the controllers to make one.
wait_for "the controllers to create the default ServiceAccount" 60 \
  "$KUBECTL" --kubeconfig="$KUBECONFIG_FILE" get serviceaccount default --namespace default ||
  die "see $LOG_DIR/kube-controller-manager.log"

# The stack owns its nodes: --force-conflicts takes back fields a controller changed meanwhile (the TTL
# controller rewrites node.alpha.kubernetes.io/ttl once a benchmark has grown the cluster past 100 nodes).
"$STACK_SRC/topology.sh" "$SITES" "$EDGE_PER_SITE" "$CENTRAL" |
  "$KUBECTL" --kubeconfig="$KUBECONFIG_FILE" apply --server-side --force-conflicts -f - >/dev/null
"$KUBECTL" --kubeconfig="$KUBECONFIG_FILE" apply --server-side -f "$STACK_SRC/manifests/" >/dev/null
"$KUBECTL" --kubeconfig="$KUBECONFIG_FILE" wait --for=condition=Ready node --all --timeout=60s >/dev/null ||
  die "simulated nodes did not become Ready; see $LOG_DIR/kwok.log"
"$KUBECTL" --kubeconfig="$KUBECONFIG_FILE" wait --for=condition=Established \
  crd/network-attachment-definitions.k8s.cni.cncf.io --timeout=30s >/dev/null

wait_for "ferretdb" 60 ferretdb_healthy || die "see $LOG_DIR/ferretdb.log"
wait_for "rabbitmq" 120 rabbitmq_healthy || die "see $STACK_DIR/rabbitmq/log"
rabbitmq_users

log "stack is up in $((SECONDS - started))s ($SITES sites x $EDGE_PER_SITE edge nodes + $CENTRAL central nodes)"
"$STACK_SRC/env.sh"
