#!/usr/bin/env bash
# Installs what the dashboard needs into .venv (Python packages pinned in requirements*.txt).
# With --system it also installs Debian's chromium and fonts-noto-cjk, which the browser tests and
# the report's chart images need (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--system" ]]; then
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
  if (( ${#missing[@]} )); then
    echo "安装系统软件包:${missing[*]}"
    SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" fontconfig >/dev/null
  fi
  requirements=requirements-dev.txt
else
  requirements=requirements.txt
fi

PYTHON=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
