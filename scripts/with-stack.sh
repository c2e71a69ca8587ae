# Sourced by scripts that need the local stack: installs it when missing, starts it when it is not up
# (and stops it again when the script exits), and exports its environment.
bash stack/install.sh
started_stack=false
if ! bash stack/status.sh --quiet; then
  node --import tsx src/cli/main.ts stack up >/dev/null
  started_stack=true
fi
stop_stack() { if $started_stack; then bash stack/down.sh; fi; }
trap stop_stack EXIT
eval "$(bash stack/env.sh)"
