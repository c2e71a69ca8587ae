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

# An operator tenant for the demo; its key is shown once here and kept only as a hash by RANaaS. The CLI
# is logged in with it (~/.config/ranaas/config.json, mode 0600), so `npx ranaas list` works at once.
ranaas() { node dist/cli/main.js "$@"; }
key=$(ranaas tenant create demo --quiet 2>/dev/null || ranaas tenant rotate-key demo --quiet)
ranaas login "$api" --api-key-stdin <<<"$key"
echo "[ranaas] provisioning the demo deployment (scripts/demo-request.json) as tenant 'demo'" >&2
if ! ranaas create -f scripts/demo-request.json --wait 2> >(tee .stack/logs/demo.err >&2); then
  grep -q "name-taken" .stack/logs/demo.err || { cat .stack/logs/demo.err >&2; exit 1; }
  id=$(ranaas list --state ready -o json | node -e 'let t="";process.stdin.on("data",c=>t+=c).on("end",()=>{const d=JSON.parse(t).find(i=>i.name==="demo");console.log(d?d.id:"")})')
  ranaas get "$id"
fi
cat >&2 <<MSG

[ranaas] RANaaS is running.
  Dashboard:      $api/ui/   (sign in with the demo key below)
  API reference:  $api/docs
  The demo tenant's API key (shown once; 'npx ranaas tenant rotate-key demo' makes a new one):
    $key
Try the CLI (already logged in):
  npx ranaas list
  npx ranaas create --cells 2 --band 41 --bandwidth 40 --plmn 00101 --tac 7 --amf 10.0.0.5 --wait
  npx ranaas watch
  eval "\$(npx ranaas stack env)"; kubectl get pods -A -l app.kubernetes.io/managed-by=ranaas -o wide
Ctrl-C stops the services; 'npx ranaas stack down' stops the stack.
MSG
wait "$server"
