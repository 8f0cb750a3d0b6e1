#!/usr/bin/env bash
# Installs the dashboard and serves it on the demo extract in data/ (or DASHBOARD_DATA_DIR).
# It listens on this computer only (localhost) unless an address is given on the command line
# (--server.address), in STREAMLIT_SERVER_ADDRESS or in a Streamlit config file. To serve a
# bureau's network, use scripts/serve.sh --address 0.0.0.0 (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
address=()
if [[ " $* " != *" --server.address"* && -z "${STREAMLIT_SERVER_ADDRESS:-}" ]] && ! .venv/bin/python -c '
import sys
from streamlit import config
config.get_config_options()
sys.exit(0 if config.is_manually_set("server.address") else 1)'; then
  address=(--server.address localhost)
fi
# A large extract's database file is built now, not inside the first request.
.venv/bin/python -m dashboard prepare
exec .venv/bin/python -m streamlit run app.py "${address[@]}" "$@"
