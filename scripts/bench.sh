#!/usr/bin/env bash
# `npm run bench`: every benchmark in bench/ (or the ones named: `npm run bench -- provisioning`), on the
# local stack, which it installs and starts when needed. Results go to bench/results/<name>.json;
# BENCHMARKS.md explains them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
source scripts/with-stack.sh

if [[ $# -gt 0 ]]; then
  benches=()
  for name in "$@"; do benches+=("bench/$name.bench.ts"); done
else
  mapfile -t benches < <(find bench -maxdepth 1 -name '*.bench.ts' | sort)
fi
# The services run from the build, as the image runs them (test/support/services.ts).
npm run build >/dev/null
export RANAAS_SERVICES_BUILT=1
for bench in "${benches[@]}"; do
  echo "== $bench"
  node --import tsx "$bench"
done
