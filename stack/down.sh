#!/usr/bin/env bash
# Stops what `up` started, in reverse order; with --purge also deletes the stack's state directory.
source "$(dirname "$0")/lib.sh"
purge=false
[[ ${1:-} == --purge ]] && purge=true

for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd ferretdb postgresql; do
  stop_daemon "$name"
done
if is_running rabbitmq; then
  rabbitmqctl -q stop >/dev/null 2>&1 || stop_daemon rabbitmq
  wait_for "rabbitmq to stop" 30 bash -c "! kill -0 $(pid_of rabbitmq) 2>/dev/null" || stop_daemon rabbitmq
  rm -f "$RUN_DIR/rabbitmq.pid"
  log "stopped rabbitmq"
fi
if [[ -f $RUN_DIR/epmd.started-by-stack ]]; then
  (rabbitmq_env && "$EPMD" -kill >/dev/null 2>&1) || true
  rm -f "$RUN_DIR/epmd.started-by-stack"
fi
if $purge; then
  [[ -L $STACK_DIR/postgresql ]] && rm -rf "$(readlink "$STACK_DIR/postgresql")"
  rm -rf "$STACK_DIR"
  log "removed $STACK_DIR"
fi
