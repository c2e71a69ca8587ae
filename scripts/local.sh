#!/usr/bin/env bash
# `npm run local`: installs everything, starts the local real stack and runs every RANaaS service in one
# process on 127.0.0.1 (Ctrl-C stops the services; `npx ranaas stack down` stops the stack).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
npm run --silent build
bash stack/install.sh
node dist/cli/main.js stack up "$@"
eval "$(bash stack/env.sh)"
cat >&2 <<MSG
[ranaas] starting every service (api :8080, orchestrator :8081, worker :8082, status :8083)
[ranaas] try: curl http://127.0.0.1:8080/readyz
MSG
exec node dist/cli/main.js serve all
