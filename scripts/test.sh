#!/usr/bin/env bash
# `npm test`: every test, on a fresh machine too. Installs what is missing (npm packages, the local stack),
# starts the stack when it is not up (and stops it again afterwards), then runs the static checks and the
# unit, integration and end-to-end tests in one node test run, so its summary counts them all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh

npm run --silent typecheck
npm run --silent lint
npm run --silent format:check

bash stack/install.sh
RANAAS_CHROMIUM="$(bash scripts/install-browser.sh)"
export RANAAS_CHROMIUM
started_stack=false
if ! bash stack/status.sh --quiet; then
  node --import tsx src/cli/main.ts stack up >/dev/null
  started_stack=true
fi
stop_stack() { if $started_stack; then bash stack/down.sh; fi; }
trap stop_stack EXIT

eval "$(bash stack/env.sh)"
mapfile -t test_files < <(find src test -name '*.test.ts' | sort)
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${test_files[@]}"
