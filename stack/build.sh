#!/usr/bin/env bash
# Builds the local stack's Go components from the Go module proxy into a per-version cache folder
# outside the repository, skipping any that are already there. Usage: build.sh [component...]
source "$(dirname "$0")/lib.sh"

# is_cached COMPONENT VERSION BINARY: true, and says so, when that build is already in the cache.
is_cached() {
  [[ -x $(bin_dir "$1" "$2")/$3 ]] && log "$1 $2 cached"
}

# fresh_module COMPONENT VERSION: enters an empty Go module of our own for the build. We build
# upstream's main packages from the module proxy; their code never enters this repository.
fresh_module() {
  local dir="$RANAAS_CACHE_DIR/build/$1-$2"
  mkdir -p "$dir" && cd "$dir"
  rm -f go.mod go.sum tools.go main.go
  go mod init "ranaas.local/stack/$1" >/dev/null 2>&1
  log "building $1 $2"
}

# staging COMPONENT: a temporary output folder next to the cache, published by finish.
staging() { mktemp -d "$RANAAS_CACHE_DIR/bin/.$1.XXXX"; }

finish() { # component version tmpdir: publish atomically so a half-built folder never counts as cached
  local out; out=$(bin_dir "$1" "$2")
  chmod 755 "$3"
  rm -rf "$out" && mv "$3" "$out"
  log "built $1 $2 into $out"
}

build_kubernetes() {
  local v=$KUBERNETES_VERSION minor tmp gomod
  is_cached kubernetes "$v" kube-apiserver && return
  minor=${v#1.}; minor=${minor%%.*}
  fresh_module kubernetes "$v"
  go mod edit -go=1.26.0 -godebug=default=go1.26
  gomod=$(go mod download -json "k8s.io/kubernetes@v$v" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f $gomod ]] || die "could not download k8s.io/kubernetes@v$v"
  # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local folders,
  # which a consumer does not inherit: point each at its published release instead.
  local m
  for m in $(grep -E '^\s+k8s\.io/[a-z0-9-]+ v0\.0\.0\s*(//.*)?$' "$gomod" | awk '{print $1}' | sort -u); do
    go mod edit -replace="$m=$m@v0.$minor.${v##*.}"
  done
  go mod edit -require="k8s.io/kubernetes@v$v"
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  go mod tidy >/dev/null
  tmp=$(staging kubernetes)
  local ld="-s -w"
  local pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=v$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  go build -trimpath -ldflags "$ld" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  finish kubernetes "$v" "$tmp"
}

build_etcd() {
  local v=$ETCD_VERSION tmp
  is_cached etcd "$v" etcd && return
  fresh_module etcd "$v"
  go mod edit -require="go.etcd.io/etcd/server/v3@v$v"
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
  go mod tidy >/dev/null
  tmp=$(staging etcd)
  go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3
  finish etcd "$v" "$tmp"
}

build_kwok() {
  local v=$KWOK_VERSION tmp
  is_cached kwok "$v" kwok && return
  log "building kwok $v"
  tmp=$(staging kwok)
  GOBIN="$tmp" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$v"
  # The default stages ship inside the module; keep the ones we use next to the binary.
  cp -r "$(go env GOMODCACHE)/sigs.k8s.io/kwok@v$v/kustomize/stage" "$tmp/stage"
  chmod -R u+w "$tmp/stage"
  finish kwok "$v" "$tmp"
}

build_ferretdb() {
  # Cached per FerretDB version and launcher source (FERRETDB_BUILD), so a changed launcher is rebuilt.
  local v=$FERRETDB_VERSION tmp
  is_cached ferretdb "$FERRETDB_BUILD" ferretdb && return
  # Our small launcher around FerretDB's embeddable package (see stack/ferretdb/main.go for why).
  fresh_module ferretdb "$FERRETDB_BUILD"
  go mod edit -go=1.26.0 -require="github.com/FerretDB/FerretDB@v$v"
  cp "$STACK_SRC/ferretdb/main.go" main.go
  go mod tidy >/dev/null
  tmp=$(staging ferretdb)
  go build -trimpath -ldflags "-s -w" -o "$tmp/ferretdb" .
  finish ferretdb "$FERRETDB_BUILD" "$tmp"
}

build_helm() {
  local v=$HELM_VERSION tmp
  is_cached helm "$v" helm && return
  log "building helm $v"
  tmp=$(staging helm)
  GOBIN="$tmp" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$v" \
    "helm.sh/helm/v3/cmd/helm@v$v"
  finish helm "$v" "$tmp"
}

mkdir -p "$RANAAS_CACHE_DIR/bin"
components=("$@")
((${#components[@]})) || components=(etcd ferretdb kwok kubernetes helm)
for c in "${components[@]}"; do
  case $c in
    etcd | ferretdb | kwok | kubernetes | helm) ("build_$c") ;;
    *) die "unknown component $c" ;;
  esac
done
