#!/usr/bin/env bash
# Installs the independent API checkers the tests run against the live API: Schemathesis (property-based
# fuzzing of the OpenAPI document: examples, coverage, fuzzing and stateful phases) and
# openapi-spec-validator, pinned, from PyPI, into a virtualenv cached by version outside the repository.
# Prints the virtualenv's bin folder.
set -euo pipefail
SCHEMATHESIS_VERSION=4.32.5
OPENAPI_SPEC_VALIDATOR_VERSION=0.9.0
cache="${RANAAS_CACHE_DIR:-$HOME/.cache/ranaas}"
venv="$cache/api-fuzzer-schemathesis-$SCHEMATHESIS_VERSION-osv-$OPENAPI_SPEC_VALIDATOR_VERSION"
if [[ ! -x $venv/bin/st || ! -x $venv/bin/openapi-spec-validator ]]; then
  command -v python3 >/dev/null || {
    echo "[test] python3 is needed for Schemathesis" >&2
    exit 1
  }
  echo "[test] installing schemathesis $SCHEMATHESIS_VERSION and openapi-spec-validator $OPENAPI_SPEC_VALIDATOR_VERSION" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || {
    # Debian's python3 needs python3-venv for that.
    sudo=""
    ((EUID == 0)) || sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >&2
    python3 -m venv "$venv" >&2
  }
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION" >&2
fi
echo "$venv/bin"
