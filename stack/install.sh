#!/usr/bin/env bash
# Installs what the local stack needs on a Debian/Ubuntu machine: RabbitMQ, PostgreSQL, curl and openssl from the
# distribution, and the Go-built components (etcd, Kubernetes, KWOK, FerretDB) into the cache.
source "$(dirname "$0")/lib.sh"

command -v go >/dev/null || die "Go 1.26 or newer is needed to build the stack (https://go.dev/doc/install)"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
((go_minor >= 26)) || die "Go 1.26 or newer is needed, found $(go env GOVERSION)"

missing=()
dpkg-query -W -f='${Status}' rabbitmq-server 2>/dev/null | grep -q "install ok installed" || missing+=(rabbitmq-server)
[[ -x $POSTGRES_BIN/postgres ]] || missing+=(postgresql)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
if ((${#missing[@]})); then
  sudo=""
  ((EUID == 0)) || sudo="sudo"
  log "installing ${missing[*]} with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$STACK_SRC/build.sh"
log "stack installed; start it with 'ranaas stack up'"
