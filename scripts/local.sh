#!/usr/bin/env bash
# `npm run local`: installs everything, starts the local real stack, runs every RANaaS service in one
# process on 127.0.0.1 and provisions a demo deployment, printing its connection details.
# Ctrl-C stops the services; `npx ranaas stack down` stops the stack.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
npm run --silent build
bash stack/install.sh
node dist/cli/main.js stack up "$@"
eval "$(bash stack/env.sh)"
api=http://127.0.0.1:${RANAAS_API_PORT:-8080}

echo "[ranaas] starting every service (api :8080, orchestrator :8081, worker :8082, status :8083); logs in .stack/logs/ranaas.log" >&2
node dist/cli/main.js serve all >>.stack/logs/ranaas.log 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"' INT TERM EXIT
deadline=$((SECONDS + 60))
until curl -sf "$api/readyz" >/dev/null; do
  ((SECONDS < deadline)) || { echo "[ranaas] the API did not become ready; see .stack/logs/ranaas.log" >&2; exit 1; }
  sleep 0.3
done

# An operator tenant for the demo; its key is shown once here and kept only as a hash by RANaaS.
key=$(node dist/cli/main.js tenant create demo --quiet 2>/dev/null || node dist/cli/main.js tenant rotate-key demo --quiet)
auth="authorization: Bearer $key"
echo "[ranaas] provisioning the demo deployment (scripts/demo-request.json) as tenant 'demo'" >&2
answer=$(curl -s -X POST "$api/v1/ran-deployments" -H "$auth" -H 'content-type: application/json' -H 'prefer: wait=60' \
  --data @scripts/demo-request.json)
if [[ $answer == *'"code":"name-taken"'* ]]; then
  id=$(curl -s -H "$auth" "$api/v1/ran-deployments?state=ready" | node -e 'let t="";process.stdin.on("data",c=>t+=c).on("end",()=>{const d=JSON.parse(t).items.find(i=>i.name==="demo");console.log(d?d.id:"")})')
  answer=$(curl -s -H "$auth" "$api/v1/ran-deployments/$id")
fi
node --import tsx scripts/show-deployment.ts <<<"$answer"
cat >&2 <<MSG

[ranaas] RANaaS is running. The demo tenant's API key (shown once; 'npx ranaas tenant rotate-key demo' makes a new one):
  export RANAAS_KEY=$key
Try:
  curl -s -H "authorization: Bearer \$RANAAS_KEY" $api/v1/ran-deployments | head -c 400
  curl -s -X POST $api/v1/ran-deployments -H "authorization: Bearer \$RANAAS_KEY" -H 'content-type: application/json' \\
    -H 'prefer: wait=30' --data @examples/n41-four-cells-two-amfs.json
  eval "\$(npx ranaas stack env)"; kubectl get pods -A -l app.kubernetes.io/managed-by=ranaas -o wide
Ctrl-C stops the services; 'npx ranaas stack down' stops the stack.
MSG
wait "$server"
