# Sourced by the entry scripts: installs the npm dependencies when they are missing or stale.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[ranaas] installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi
