#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run it.
# System packages (installed when missing and we are root): Debian's chromium for the
# browser test, and sphinxsearch (searchd) for the cluster backend's tests. With CI=true a
# missing searchd fails the cluster tests instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v searchd >/dev/null 2>&1 || missing+=(sphinxsearch)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "== ${missing[*]} not installed and cannot be installed here; those tests will skip"
  fi
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test,bench]'
[ "${SETUP_ONLY:-0}" = 1 ] && exit 0

echo "== ruff"
.venv/bin/ruff check .
echo "== pytest"
.venv/bin/python -m pytest "$@"
