#!/usr/bin/env bash
# Serves the dashboard from several Streamlit processes (replicas) behind nginx, on one public port.
#
#   bash scripts/serve.sh [--workers N] [--port P] [--address A] [--run-dir DIR]
#                         [--backend-ports P1,P2,…] [-- STREAMLIT-OPTIONS…]
#
# Each replica listens on a loopback port of its own (P+1 … P+N unless --backend-ports says
# otherwise). nginx, run unprivileged from a config generated in the runtime directory (which also
# holds its logs and the replicas' logs), forwards HTTP and the WebSocket (/_stcore/stream) and
# keeps every browser on one replica: Streamlit holds a session, its uploads and its media in
# one process. Affinity is by a cookie naming the replica (dashboard_route=r1…), which nginx sets
# on the first response, new browsers getting the replicas in turn (not by client address, so
# many users behind one NAT address still spread over the replicas). nginx starts only once every
# replica answers /_stcore/health; a replica that stops is started again, and meanwhile nginx
# (passive checks, max_fails/fail_timeout) sends its users to another one, moving their cookie.
# Ctrl-C or SIGTERM stops nginx and every replica.
#
# The replicas share everything on disk: the data directory (DASHBOARD_DATA_DIR; each replica
# follows its `current` link on its next run), the users file, the audit log and the login state.
# Needs .venv (bash scripts/setup.sh) and nginx (bash scripts/setup.sh --system).
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=$PWD

workers=2
port=8501
address=127.0.0.1
run_dir=$PROJECT/var/serve
backend_ports=""
start_timeout=${DASHBOARD_START_TIMEOUT:-180}
streamlit_args=()

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  echo "默认：--workers 2 --port 8501 --address 127.0.0.1（仅本机）；局域网访问用 --address 0.0.0.0 或本机 IP"
}

die() { echo "serve.sh：$*" >&2; exit 2; }

while (( $# )); do
  case $1 in
    --workers) workers=${2:-}; shift 2 ;;
    --workers=*) workers=${1#*=}; shift ;;
    --port) port=${2:-}; shift 2 ;;
    --port=*) port=${1#*=}; shift ;;
    --address) address=${2:-}; shift 2 ;;
    --address=*) address=${1#*=}; shift ;;
    --run-dir) run_dir=${2:-}; shift 2 ;;
    --run-dir=*) run_dir=${1#*=}; shift ;;
    --backend-ports) backend_ports=${2:-}; shift 2 ;;
    --backend-ports=*) backend_ports=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; streamlit_args=("$@"); break ;;
    *) usage >&2; die "未知参数 $1" ;;
  esac
done

is_port() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= 65535 )); }
[[ $workers =~ ^[0-9]+$ ]] && (( workers >= 1 && workers <= 32 )) || die "--workers 应为 1 到 32 之间的整数，实际为“$workers”"
is_port "$port" || die "--port 应为 1 到 65535 之间的端口号，实际为“$port”"
[[ -n $address && $address != *[[:space:]\;\{\}]* ]] || die "--address 应为一个 IP 地址或主机名，实际为“$address”"

ports=()
if [[ -n $backend_ports ]]; then
  IFS=, read -r -a ports <<< "$backend_ports"
  (( ${#ports[@]} == workers )) || die "--backend-ports 给出 ${#ports[@]} 个端口，而 --workers 为 $workers"
else
  for (( i = 1; i <= workers; i++ )); do ports+=($(( port + i ))); done
fi
seen=" $port "
for p in "${ports[@]}"; do
  is_port "$p" || die "副本端口应为 1 到 65535 之间的端口号，实际为“$p”"
  [[ $seen != *" $p "* ]] || die "端口 $p 重复（公开端口和各副本端口应互不相同）"
  seen+="$p "
done

PYTHON=${DASHBOARD_PYTHON:-$PROJECT/.venv/bin/python}
[[ -x $PYTHON ]] || die "找不到 $PYTHON，请先运行 bash scripts/setup.sh"
NGINX=${DASHBOARD_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
[[ -x $NGINX ]] || die "找不到 nginx，请先运行 bash scripts/setup.sh --system（安装 Debian 的 nginx 软件包）"

mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
chmod 700 "$run_dir"
mkdir -p "$run_dir/tmp"
# One serve.sh per runtime directory (the lock is held by its processes while they run).
exec 9> "$run_dir/serve.lock"
flock -n 9 || die "另一个 serve.sh 正在使用运行目录 $run_dir"

# One cookie secret for every replica, so a login cookie signed by one (st.login) is valid on all.
if [[ -z ${STREAMLIT_SERVER_COOKIE_SECRET:-} ]]; then
  if [[ ! -s $run_dir/cookie_secret ]]; then
    (umask 077; "$PYTHON" -c 'import secrets; print(secrets.token_hex(32))' > "$run_dir/cookie_secret")
  fi
  STREAMLIT_SERVER_COOKIE_SECRET=$(< "$run_dir/cookie_secret")
  export STREAMLIT_SERVER_COOKIE_SECRET
fi

# nginx must accept the uploads Streamlit accepts (server.maxUploadSize, in MB).
max_upload_mb=$("$PYTHON" -c '
from streamlit import config
config.get_config_options()
print(int(config.get_option("server.maxUploadSize")))')

pids=()
nginx_pid=""
stopping=""

stop_all() {
  stopping=1
  trap - INT TERM EXIT
  [[ -n $nginx_pid ]] && kill -TERM "$nginx_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Bounded: whatever has not ended within 15 seconds is killed.
  local deadline=$(( SECONDS + 15 ))
  for pid in $nginx_pid "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

start_replica() {
  local i=$1 p=${ports[$1]}
  echo "$(date '+%F %T') 启动副本 $((i + 1))，端口 $p" >> "$run_dir/replica-$p.log"
  "$PYTHON" -m streamlit run app.py --server.port "$p" --server.address 127.0.0.1 \
    --server.headless true --browser.gatherUsageStats false --server.fileWatcherType none "${streamlit_args[@]}" \
    >> "$run_dir/replica-$p.log" 2>&1 &
  pids[$i]=$!
}

# 0 when GET PATH on HOST:PORT answers 200 (bash's /dev/tcp: no curl needed).
http_ok() {  # http_ok HOST PORT PATH
  local status=""
  { exec 3<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$3" "$1" >&3
  IFS= read -r -t 5 status <&3 || true
  exec 3<&- 3>&-
  [[ $status == *" 200 "* ]]
}

wait_healthy() {  # wait_healthy INDEX
  local i=$1 p=${ports[$1]} deadline=$(( SECONDS + start_timeout ))
  until http_ok 127.0.0.1 "$p" /_stcore/health; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "serve.sh：副本 $((i + 1))（端口 $p）启动失败，见 $run_dir/replica-$p.log" >&2
      tail -n 20 "$run_dir/replica-$p.log" >&2 || true
      return 1
    fi
    if (( SECONDS > deadline )); then
      echo "serve.sh：副本 $((i + 1))（端口 $p）在 ${start_timeout} 秒内未就绪，见 $run_dir/replica-$p.log" >&2
      return 1
    fi
    sleep 0.2
  done
}

# Each websocket holds two descriptors in nginx (browser and replica): raise the soft limit to the
# hard one (no privilege needed) and size nginx's connections to it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile=$(ulimit -n)
[[ $nofile == unlimited ]] && nofile=65536
connections=$(( nofile - 64 < 4096 ? nofile - 64 : 4096 ))

write_nginx_conf() {
  local listen=$address pool="" singles="" targets="" learned="" unchanged="" user="" i p
  [[ $listen == *:* && $listen != \[* ]] && listen="[$listen]"
  for (( i = 0; i < workers; i++ )); do
    p=${ports[$i]}
    pool+="        server 127.0.0.1:$p max_fails=2 fail_timeout=10s;"$'\n'
    singles+="    upstream r$((i + 1)) { server 127.0.0.1:$p; keepalive 8; }"$'\n'
    targets+="        r$((i + 1)) r$((i + 1));"$'\n'
    learned+="        \"~(^| )127\\.0\\.0\\.1:$p\$\" r$((i + 1));"$'\n'
    unchanged+="        r$((i + 1)):r$((i + 1)) \"\";"$'\n'
  done
  # Started as root (CI, a container), nginx's workers drop to nobody; they never touch the disk
  # (no temporary files below), so the runtime directory can stay private.
  (( $(id -u) == 0 )) && user="user nobody nogroup;"
  cat > "$run_dir/nginx.conf" <<EOF
# Generated by scripts/serve.sh on $(date '+%F %T'); rewritten at every start.
$user
daemon off;
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/error.log warn;
events { worker_connections $connections; }

http {
    server_tokens off;
    log_format routed '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                      'upstream=\$upstream_addr cookie=\$cookie_dashboard_route rt=\$request_time';
    access_log $run_dir/access.log routed;
    client_body_temp_path $run_dir/tmp/body;
    proxy_temp_path $run_dir/tmp/proxy;
    fastcgi_temp_path $run_dir/tmp/fastcgi;
    uwsgi_temp_path $run_dir/tmp/uwsgi;
    scgi_temp_path $run_dir/tmp/scgi;

    map \$http_upgrade \$connection_upgrade { default upgrade; "" ""; }

    # Session affinity. A browser without the cookie (or with one naming no replica) goes to the
    # pool, which gives new browsers the replicas in turn (least_conn: one still busy with earlier
    # first visits is passed over), and the response sets the cookie to the replica that answered.
    # A browser with the cookie goes straight to that replica (the pool does not see those
    # requests); if it is down, to the pool, and the cookie follows.
    upstream pool {
        least_conn;
$pool        keepalive 16;
    }
$singles
    map \$cookie_dashboard_route \$target {
$targets        default pool;
    }
    # The replica that answered: the last address tried ("a, b" within a group, "a : b" after failover).
    map \$upstream_addr \$learned {
$learned        default "";
    }
    map "\$cookie_dashboard_route:\$learned" \$set_route {
$unchanged        "~:\$" "";
        default "dashboard_route=\$learned; Path=/; HttpOnly; SameSite=Lax";
    }

    server {
        listen $listen:$port;
        proxy_http_version 1.1;
        proxy_set_header Host \$http_host;
        proxy_set_header Upgrade \$http_upgrade;
        proxy_set_header Connection \$connection_upgrade;
        # Only the address nginx saw: Streamlit (uvicorn) trusts it from loopback for st.context.ip_address.
        proxy_set_header X-Forwarded-For \$remote_addr;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_connect_timeout 5s;
        proxy_read_timeout 1h;
        proxy_send_timeout 1h;
        proxy_next_upstream error timeout http_502 http_503;
        client_max_body_size $(( max_upload_mb + 1 ))m;
        proxy_request_buffering off;
        proxy_max_temp_file_size 0;

        location / {
            proxy_pass http://\$target;
            add_header Set-Cookie \$set_route always;
            error_page 502 504 = @failover;
        }
        location @failover {
            proxy_pass http://pool;
            add_header Set-Cookie \$set_route always;
        }
    }
}
EOF
}

# A large extract's database file is built once now, not by each replica inside a request.
"$PYTHON" -m dashboard prepare || exit 1
for (( i = 0; i < workers; i++ )); do start_replica "$i"; done
for (( i = 0; i < workers; i++ )); do wait_healthy "$i" || exit 1; done

write_nginx_conf
"$NGINX" -t -q -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/error.log" \
  || die "nginx 配置检查失败，见 $run_dir/nginx.conf 和 $run_dir/error.log"
"$NGINX" -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/error.log" &
nginx_pid=$!
# Through nginx, at the address it listens on (a wildcard address answers on loopback).
case $address in 0.0.0.0) probe=127.0.0.1 ;; "::"|"[::]") probe=::1 ;; *) probe=${address#[}; probe=${probe%]} ;; esac
deadline=$(( SECONDS + 30 ))
until http_ok "$probe" "$port" /_stcore/health; do
  kill -0 "$nginx_pid" 2>/dev/null || die "nginx 启动失败，见 $run_dir/error.log"
  (( SECONDS < deadline )) || die "nginx 30 秒内未在端口 $port 上应答，见 $run_dir/error.log"
  sleep 0.2
done
echo "看板已启动：http://$address:$port（$workers 个副本，端口 ${ports[*]}；日志在 $run_dir）"

# Supervise: a replica that ends is started again; if nginx ends, everything stops.
declare -A restarts=()
while :; do
  ended=""
  wait -n -p ended "$nginx_pid" "${pids[@]}" || true
  [[ -n $stopping ]] && break
  [[ -z $ended ]] && continue
  if [[ $ended == "$nginx_pid" ]]; then
    echo "serve.sh：nginx 已退出，见 $run_dir/error.log；停止所有副本" >&2
    exit 1
  fi
  for (( i = 0; i < workers; i++ )); do
    [[ ${pids[$i]} == "$ended" ]] || continue
    n=$(( ${restarts[$i]:-0} + 1 )); restarts[$i]=$n
    echo "serve.sh：副本 $((i + 1))（端口 ${ports[$i]}）已退出，第 $n 次重新启动" >&2
    # Back off, so a replica that cannot start does not spin (in the background: SIGTERM still stops at once).
    sleep $(( n < 10 ? n : 10 )) & wait $! || true
    start_replica "$i"
  done
done
