#!/usr/bin/env bash
# Installs what the dashboard needs into .venv (Python packages pinned in requirements*.txt).
# With --system it also installs Debian's chromium and fonts-noto-cjk, which the browser tests and
# the report's chart images need, and nginx, which scripts/serve.sh puts in front of several
# Streamlit processes (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--system" ]]; then
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
  [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  if (( ${#missing[@]} )); then
    echo "安装系统软件包:${missing[*]}"
    SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" fontconfig >/dev/null
    # serve.sh runs nginx itself from a generated config; the service the package starts, with
    # its welcome page on port 80, is not wanted on a bureau's server.
    if [[ " ${missing[*]} " == *" nginx "* && -d /run/systemd/system ]]; then
      echo "停用软件包自带的 nginx 服务（看板由 scripts/serve.sh 自行启动 nginx）"
      $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
  fi
  requirements=requirements-dev.txt
else
  requirements=requirements.txt
fi

PYTHON=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
