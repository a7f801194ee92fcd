#!/usr/bin/env bash
# Serve the dashboard to many people: N Streamlit processes on loopback ports behind nginx.
#
# Usage: scripts/serve.sh [--workers N] [--port P] [--listen ADDRESS] [--run-dir DIR]
#   --workers N     Streamlit processes (default: number of cores)
#   --port P        nginx port (default 8080)
#   --listen A      nginx address (default 0.0.0.0: reachable in the network; 127.0.0.1 for local use)
#   --run-dir DIR   nginx config, pid, logs and temp files (default: a new temporary folder, removed at stop)
#
# Why so: one Python process runs one script at a time, so a second core needs a second process.
# Streamlit keeps each browser session (widget state, uploads, downloads) inside one process, so
# nginx spreads new browsers over the workers in turn and then pins each to the worker that
# answered it, by a cookie it sets itself (qm_worker = that worker's number). Every
# worker reads the same data store (QUARTIERSMONITOR_DATA_DIR or userdata/): after an import each
# worker serves the new version on its next rerun, because the app's caches are keyed by version.
# Stop with Ctrl+C or SIGTERM to this script's PID: every worker and nginx is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT="$(pwd)"

WORKERS="$(nproc 2>/dev/null || echo 2)"
PORT=8080
LISTEN=0.0.0.0
RUN_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) WORKERS="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --listen) LISTEN="$2"; shift 2 ;;
    --run-dir) RUN_DIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "Unbekannte Option: $1 (siehe scripts/serve.sh --help)" >&2; exit 2 ;;
  esac
done
case "$WORKERS" in ''|*[!0-9]*|0) echo "--workers braucht eine Zahl ≥ 1, nicht '$WORKERS'" >&2; exit 2 ;; esac
case "$PORT" in ''|*[!0-9]*) echo "--port braucht eine Zahl, nicht '$PORT'" >&2; exit 2 ;; esac

NGINX="$(command -v nginx || true)"
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; }
if [ -z "$NGINX" ]; then
  echo "nginx fehlt: scripts/setup.sh installiert es (Debian-Paket nginx)." >&2
  exit 3
fi
PYTHON="${PYTHON:-$PROJECT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"

REMOVE_RUN_DIR=0
if [ -z "$RUN_DIR" ]; then
  RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/quartiersmonitor-serve.XXXXXX")"
  REMOVE_RUN_DIR=1
fi
mkdir -p "$RUN_DIR/logs" "$RUN_DIR/temp"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"

PIDS=()
PRIMES=()  # the requests that start each worker's warm-up (ended before "bereit")
stop_all() {
  trap - EXIT INT TERM
  # nginx first (no new requests), then the workers; each by its PID (a worker's process group:
  # an image export may have started a Chromium below it)
  for pid in "${PRIMES[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.2
  done
  for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$REMOVE_RUN_DIR" -eq 1 ] && rm -rf "$RUN_DIR"
  echo "Quartiersmonitor gestoppt." >&2
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

# free loopback ports for the workers (asked from the system, so several instances can coexist)
mapfile -t WORKER_PORTS < <("$PYTHON" - "$WORKERS" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))
EOF
)

# one cookie secret for all workers, so signed cookies (sign-in) are valid on every worker
COOKIE_SECRET="$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')"

start_worker() {
  local port="$1"
  # setsid: the worker leads its own process group, so stopping it also stops its children
  QUARTIERSMONITOR_NETWORK=1 STREAMLIT_SERVER_COOKIE_SECRET="$COOKIE_SECRET" \
    setsid "$PYTHON" -m streamlit run "$PROJECT/dashboard.py" \
      --server.port "$port" --server.address 127.0.0.1 --server.headless true \
      --browser.gatherUsageStats false --server.fileWatcherType none \
      >"$RUN_DIR/logs/worker-$port.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$RUN_DIR/worker-$port.pid"
}

for port in "${WORKER_PORTS[@]}"; do start_worker "$port"; done

healthy() {  # healthy PORT [HOST]
  "$PYTHON" - "$1" "${2:-127.0.0.1}" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://{sys.argv[2]}:{sys.argv[1]}/_stcore/health", timeout=2) as reply:
        sys.exit(0 if reply.read().decode().strip() == "ok" else 1)
except OSError:
    sys.exit(1)
EOF
}

wait_healthy() {
  local port="$1" pid="$2"
  for _ in $(seq 300); do
    healthy "$port" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "Prozess auf Port $port ist beendet, siehe $RUN_DIR/logs/" >&2; return 1; }
    sleep 0.2
  done
  echo "Prozess auf Port $port antwortet nach 60 s nicht auf /_stcore/health" >&2
  return 1
}

for i in "${!WORKER_PORTS[@]}"; do
  wait_healthy "${WORKER_PORTS[$i]}" "${PIDS[$i]}" || exit 1
done

# Each worker computes the default maps of every indicator and year before the first visitor
# (ui/warmup.py; ~15 s of one core): one script run per worker starts it, and "bereit" waits for each
# worker's line "Quartiersmonitor: Vorberechnung …" (at most 3 minutes; after that the workers serve
# anyway and compute a view at its first click). QUARTIERSMONITOR_WARMUP=0 skips it.
if [ "${QUARTIERSMONITOR_WARMUP:-1}" != "0" ]; then
  for port in "${WORKER_PORTS[@]}"; do
    "$PYTHON" - "$port" >/dev/null 2>&1 <<'EOF' &
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/_stcore/script-health-check", timeout=120).read()
EOF
    PRIMES+=("$!")
  done
  warmed=0
  for _ in $(seq 900); do
    warmed=0
    for port in "${WORKER_PORTS[@]}"; do
      if grep -q "Quartiersmonitor: Vorberechnung" "$RUN_DIR/logs/worker-$port.log"; then warmed=$((warmed + 1)); fi
    done
    [ "$warmed" -eq "${#WORKER_PORTS[@]}" ] && break
    sleep 0.2
  done
  if [ "$warmed" -ne "${#WORKER_PORTS[@]}" ]; then
    echo "Vorberechnung nach 3 Minuten nicht fertig; die Karten werden beim ersten Aufruf berechnet." >&2
  fi
  # the starting requests end with their script run; collected here, so `wait -n` below sees only servers
  for pid in "${PRIMES[@]}"; do wait "$pid" 2>/dev/null || true; done
  PRIMES=()
fi

UPSTREAMS=""; PINNED=""; ANSWERED=""
for i in "${!WORKER_PORTS[@]}"; do
  port="${WORKER_PORTS[$i]}"; id="w$((i + 1))"
  # passive health check: after 3 failed attempts a worker rests for 10 s and gets no new browsers
  UPSTREAMS+="        server 127.0.0.1:$port max_fails=3 fail_timeout=10s;"$'\n'
  PINNED+="        $id 127.0.0.1:$port;"$'\n'
  # the last address: after a retry \$upstream_addr lists every worker tried ("a, b", "a : b")
  ANSWERED+="        \"~(^|\\s)127\\.0\\.0\\.1:$port\$\" $id;"$'\n'
done
USER_LINE=""
if [ "$(id -u)" -eq 0 ]; then
  # nginx started by root drops its workers to an unprivileged user; they must write the temp files
  USER_LINE="user nobody nogroup;"
  chown -R nobody:nogroup "$RUN_DIR/temp"
fi

# the proxy settings a location and its fall-back share (included by nginx.conf below)
cat >"$RUN_DIR/stream_proxy.conf" <<EOF
# generated by scripts/serve.sh: the websocket /_stcore/stream
proxy_http_version 1.1;
proxy_set_header Upgrade \$http_upgrade;
proxy_set_header Connection \$connection_upgrade;
proxy_set_header Host \$host;
proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto \$scheme;
proxy_connect_timeout 5s;
# the browser sends a heartbeat; an idle session may stay open for a working day
proxy_read_timeout 1h;
proxy_send_timeout 1h;
proxy_buffering off;
EOF
cat >"$RUN_DIR/page_proxy.conf" <<EOF
# generated by scripts/serve.sh: pages, scripts, uploads and downloads
proxy_http_version 1.1;
proxy_set_header Host \$host;
proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto \$scheme;
proxy_connect_timeout 5s;
# image, report and deck exports can take several seconds; an upload is read in full
proxy_read_timeout 120s;
proxy_send_timeout 120s;
proxy_request_buffering off;
# a failing worker: try the next one. Only the pool has a next one, so this applies
# to requests that carry no session yet; a session's requests stay on its worker.
proxy_next_upstream error timeout http_502 http_503;
EOF

cat >"$RUN_DIR/nginx.conf" <<EOF
# generated by scripts/serve.sh — do not edit (rewritten at every start)
$USER_LINE
worker_processes 1;
pid $RUN_DIR/nginx.pid;
error_log $RUN_DIR/logs/error.log warn;
events { worker_connections 1024; }

http {
    access_log off;
    client_body_temp_path $RUN_DIR/temp/client_body;
    proxy_temp_path $RUN_DIR/temp/proxy;
    fastcgi_temp_path $RUN_DIR/temp/fastcgi;
    uwsgi_temp_path $RUN_DIR/temp/uwsgi;
    scgi_temp_path $RUN_DIR/temp/scgi;
    server_tokens off;

    # Sticky sessions, spread evenly. A browser without a valid cookie qm_worker goes to the pool
    # (round robin: new browsers take the workers in turn); the response sets qm_worker to the
    # number of the worker that answered, and every later request of that browser — the
    # websocket /_stcore/stream, scripts, uploads, downloads — goes to exactly that worker.
    # (Hashing a random per-browser cookie split 20 browsers on 2 workers like coin flips, e.g.
    # 13/7, and the busier worker set the pace; hashing the client address would put everyone
    # behind one proxy or NAT on one worker. least_conn would not help: pinned requests go to
    # an address, not through the pool, so the pool never sees the open websockets.)
    map \$cookie_qm_worker \$qm_pinned {
        default "";
$PINNED    }
    # an unknown or stale cookie (an earlier start, another worker count) counts as no cookie
    map \$qm_pinned \$qm_backend {
        ""      quartiersmonitor;
        default \$qm_pinned;
    }
    # read after the response: the worker that answered
    map \$upstream_addr \$qm_answered {
        default "";
$ANSWERED    }
    # (re)set the cookie when it does not name the worker that answered: a new browser, a stale
    # cookie, or a session that moved because its worker failed
    map "\$cookie_qm_worker|\$qm_answered" \$qm_set_cookie {
        "~^(?<same>[^|]+)\\|\\k<same>\$"  "";
        "~\\|(?<now>[^|]+)\$"             "qm_worker=\$now; Path=/; HttpOnly; SameSite=Lax";
        default                          "";
    }
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ""      close;
    }
    log_format qm '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                  'upstream=\$upstream_addr cookie="\$cookie_qm_worker" worker=\$qm_answered '
                  'rt=\$request_time';

    # new browsers only (see above); round robin is nginx's default
    upstream quartiersmonitor {
$UPSTREAMS    }

    gzip on;
    gzip_comp_level 5;
    gzip_min_length 1024;
    gzip_proxied any;
    gzip_vary on;
    gzip_types text/css application/javascript application/json text/plain image/svg+xml
               application/octet-stream text/csv;

    server {
        listen $LISTEN:$PORT;
        access_log $RUN_DIR/logs/access.log qm;
        # the import page accepts files up to Streamlit's server.maxUploadSize (200 MB)
        client_max_body_size 200m;
        add_header Set-Cookie \$qm_set_cookie;

        # a browser asks its own worker (before reconnecting its websocket); a check from outside
        # (no cookie) asks the pool. Answered by another worker, it would move the browser there.
        location = /_stcore/health {
            proxy_pass http://\$qm_backend;
            error_page 502 = @page_anew;
            proxy_connect_timeout 2s;
            proxy_read_timeout 5s;
        }

        # a browser's requests go to its worker (\$qm_backend: an address) or, without a valid
        # cookie, to the pool. If its worker cannot be reached (502), the session is gone with it:
        # the request starts a new one from the pool, and the response moves the cookie there.
        location /_stcore/stream {
            proxy_pass http://\$qm_backend;
            error_page 502 = @stream_anew;
            include stream_proxy.conf;
        }
        location @stream_anew {
            proxy_pass http://quartiersmonitor;
            include stream_proxy.conf;
        }

        location / {
            proxy_pass http://\$qm_backend;
            error_page 502 = @page_anew;
            include page_proxy.conf;
        }
        location @page_anew {
            proxy_pass http://quartiersmonitor;
            include page_proxy.conf;
        }
    }
}
EOF

"$NGINX" -t -q -e "$RUN_DIR/logs/error.log" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf"
setsid "$NGINX" -e "$RUN_DIR/logs/error.log" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -g 'daemon off;' &
PIDS+=("$!")
echo "$!" >"$RUN_DIR/nginx-master.pid"

SHOWN_HOST="$LISTEN"; CHECK_HOST="$LISTEN"
[ "$LISTEN" = "0.0.0.0" ] && { SHOWN_HOST="$(hostname -f 2>/dev/null || hostname)"; CHECK_HOST=127.0.0.1; }
for _ in $(seq 100); do
  healthy "$PORT" "$CHECK_HOST" && break
  kill -0 "${PIDS[-1]}" 2>/dev/null || { echo "nginx ist beendet, siehe $RUN_DIR/logs/error.log" >&2; exit 1; }
  sleep 0.1
done
healthy "$PORT" "$CHECK_HOST" || { echo "nginx antwortet nicht auf Port $PORT" >&2; exit 1; }
echo "Quartiersmonitor bereit: http://$SHOWN_HOST:$PORT ($WORKERS Prozesse: ${WORKER_PORTS[*]}; Ordner $RUN_DIR)"

# run until stopped, or until any process ends (then stop the others: no half-served app)
wait -n || true
echo "Ein Prozess ist unerwartet beendet; stoppe alle." >&2
exit 1
