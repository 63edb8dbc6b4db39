#!/usr/bin/env bash
# Known vulnerabilities in the locked versions: pip-audit against PyPI's advisory data, for the
# development lock (production's pins plus tests and tools). Fails on any finding, and on any
# locked package it could not look up. Without access to that data it says so and skips, unless
# AUDIT_REQUIRED=1 (then skipping is a failure).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
django=$(sed -n 's/^django==\([^ ]*\).*/\1/p' requirements.txt)
probe="https://pypi.org/pypi/django/$django/json"   # the per-release endpoint pip-audit reads
if ! "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10)' "$probe" 2>/dev/null; then
  echo "audit: SKIPPED - PyPI's vulnerability data cannot be reached from here ($probe)."
  echo "       Run 'make audit' on a machine with access to pypi.org before a release."
  [ "${AUDIT_REQUIRED:-0}" = 1 ] && exit 1
  exit 0
fi
exec "$PY" -m pip_audit --strict --progress-spinner off --vulnerability-service pypi \
  --disable-pip --require-hashes -r requirements-dev.txt
