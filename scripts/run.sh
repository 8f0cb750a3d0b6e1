#!/usr/bin/env bash
# Installs the dashboard and serves it on the demo extract in data/ (or DASHBOARD_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run app.py "$@"
