#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard's browser tests (playwright-core drives the system binary;
# no browser is downloaded from anywhere else). Prints the binary's path.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  sudo=""
  ((EUID == 0)) || sudo="sudo"
  echo "[test] installing chromium with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
command -v chromium
