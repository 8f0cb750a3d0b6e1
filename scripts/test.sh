#!/usr/bin/env bash
# Installs everything the tests need (Chromium and the CJK fonts included) and runs every test,
# the browser tests too. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
exec .venv/bin/python -m pytest -n 2 "$@"
