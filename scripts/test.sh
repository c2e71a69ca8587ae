#!/usr/bin/env bash
# `npm test`: every test, the fault suites in test/long included, on a fresh machine too. Installs what is
# missing (npm packages, the local stack, Chromium), starts the stack when it is not up (and stops it again
# afterwards), then runs the static checks and the unit, integration and end-to-end tests in one
# node test run, so its summary counts them all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh

npm run --silent typecheck
npm run --silent lint
npm run --silent format:check

RANAAS_CHROMIUM="$(bash scripts/install-browser.sh)"
RANAAS_API_FUZZER_BIN="$(bash scripts/install-api-fuzzer.sh)"
export RANAAS_CHROMIUM RANAAS_API_FUZZER_BIN
source scripts/with-stack.sh

# `npm run test:long` (scripts/test.sh --long) runs only the fault suites in test/long (~5 minutes).
if [[ ${1:-} == --long ]]; then
  mapfile -t test_files < <(find test/long -name '*.test.ts' | sort)
else
  mapfile -t test_files < <(find src test -name '*.test.ts' | sort)
fi
# Every file runs with the exit watchdog: one that cannot exit after its tests is ended, named, failing.
node --import tsx --import ./test/support/exit-watchdog.ts --test --test-concurrency=1 --test-reporter=spec \
  "${test_files[@]}"
