#!/usr/bin/env bash
# Load benchmark of Veil on loopback (issue 3 §7). Measures, in one run, with the same 1 KB PII-rich prompts:
#   (a) the mock LLM called directly, (b) through `veil serve` with its default (all) detection,
#   (c) through nginx as a plain reverse proxy to the same mock,
# at each concurrency (default 8 and 64) with wrk (throughput, p50, p99), then the time to first byte on
# streams (first SSE event / first content delta, p50 and p99) with LoadTool.java, and the RSS of veil serve.
# Optional soak: --soak SECONDS runs wrk against veil for that long at the highest concurrency and samples RSS
# and, after a full GC every 60 s, the Java heap in use (jcmd GC.run + GC.heap_info).
# --soak-probe adds a light probe beside the soak (concurrency 1, 10 s every minute) whose p50/p99 per minute show
# whether latency drifts ("kind":"soak-probe" rows in results.jsonl).
# A/B: --baseline DIR also starts `DIR/veil serve` (another checkout or build of Veil, e.g. the commit before a
# change) as target "veil-base", measured in the same loop right after "veil", so both see the same machine load.
# --xmx SIZE runs every veil JVM with -Xmx SIZE (the soak's memory bound).
#
# usage: veil-bench/load/run-load.sh [--duration 10s] [--warmup 10s] [--concurrency "8 64"] [--threads 2]
#          [--ttfb-requests 300] [--soak SECONDS] [--data DIR] [--out DIR] [--no-veil] [--no-nginx] [--keep]
#          [--baseline DIR] [--xmx SIZE] [--rounds N] [--soak-probe]
# Every request is distinct (post.lua UNIQUE=1, the default here; UNIQUE=0 in the environment cycles through the 64
# bodies as before): Veil's detection cache would otherwise answer the repeats, which the issue's workload of
# distinct prompts does not have.
# needs: wrk and nginx (Debian packages `wrk`, `nginx`; installed with apt-get when missing and running as root),
#        a JDK >= 21 (found like ./veil does), ../shared/data next to the repository (or --data DIR).
set -euo pipefail
export UNIQUE="${UNIQUE:-1}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/veil-bench/load"
DURATION=10s
WARMUP=10s
CONCURRENCY="8 64"
THREADS=2
TTFB_REQUESTS=300
SOAK=0
SOAK_PROBE=0
DATA="$ROOT/../shared/data"
OUT=""
WITH_VEIL=1
WITH_NGINX=1
KEEP=0
START_TIMEOUT=120
BASELINE=""
XMX=""
ROUNDS=1

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --ttfb-requests) TTFB_REQUESTS="$2"; shift 2 ;;
    --soak) SOAK="$2"; shift 2 ;;
    --soak-probe) SOAK_PROBE=1; shift ;;
    --data) DATA="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-veil) WITH_VEIL=0; shift ;;
    --no-nginx) WITH_NGINX=0; shift ;;
    --keep) KEEP=1; shift ;;
    --baseline) BASELINE="$(cd "$2" && pwd)"; shift 2 ;;
    --xmx) XMX="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run-load: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { echo "run-load: $*" >&2; }

# ---------------------------------------------------------------- prerequisites
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ "$WITH_NGINX" = 1 ] && ! command -v nginx >/dev/null 2>&1 && ! [ -x /usr/sbin/nginx ] && need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${need[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "run-load: please install ${need[*]} (Debian: apt-get install ${need[*]})" >&2; exit 2
  fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1 | cut -d. -f1; }
find_java() {
  local c d
  for c in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    d="$c/bin/java"
    if [ -n "$c" ] && [ -x "$d" ] && [ -x "$c/bin/javac" ] && [ "$(java_major "$d")" -ge 21 ]; then echo "$d"; return 0; fi
  done
  return 1
}
JAVA="$(find_java)" || { echo "run-load: no JDK >= 21 found" >&2; exit 2; }

[ -f "$DATA/presidio_synth_v2/eval.jsonl" ] || { echo "run-load: shared data not found at $DATA (use --data DIR)" >&2; exit 2; }

[ -n "$OUT" ] || OUT="$ROOT/veil-bench/target/load-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/veil-load.XXXXXX)"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

. "$HERE/lib.sh" # free_port, wait_http

# ---------------------------------------------------------------- build + prompts
log "building the CLI if needed"
"$ROOT/veil" --version >/dev/null
"$JAVA" "$HERE/LoadTool.java" prompts "$DATA" "$WORK" 64 >&2

# ---------------------------------------------------------------- the three targets
MOCK_PORT="$(free_port)"
VEIL_JAVA_OPTS="${VEIL_JAVA_OPTS:-}" "$ROOT/veil" mock-llm --port "$MOCK_PORT" >"$OUT/mock-llm.log" 2>&1 &
MOCK_PID=$!; PIDS+=("$MOCK_PID")
wait_http "http://127.0.0.1:$MOCK_PORT/v1/models" "$START_TIMEOUT" "$MOCK_PID" || { cat "$OUT/mock-llm.log" >&2; echo "run-load: mock-llm did not start" >&2; exit 1; }
TARGETS=("mock|http://127.0.0.1:$MOCK_PORT|")
declare -A TARGET_PID=([mock]="$MOCK_PID")

VEIL_OPTS="${VEIL_JAVA_OPTS:-}${XMX:+ -Xmx$XMX}"
start_veil() { # name root: starts ROOT/veil serve in front of the mock and adds it to TARGETS
  local name="$1" root="$2" port pid key
  port="$(free_port)"
  VEIL_JAVA_OPTS="$VEIL_OPTS" "$root/veil" serve --port "$port" --upstream "http://127.0.0.1:$MOCK_PORT/v1" \
    --data-dir "$WORK/$name-data" >"$OUT/$name-serve.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  if wait_http "http://127.0.0.1:$port/health" "$START_TIMEOUT" "$pid" && [ -s "$WORK/$name-data/dev-key" ]; then
    key="$(tr -d '\n\r' < "$WORK/$name-data/dev-key")"
    TARGETS+=("$name|http://127.0.0.1:$port|$key")
    TARGET_PID[$name]="$pid"
    return 0
  fi
  log "$name serve did not become healthy; measuring without it (see $OUT/$name-serve.log)"
  return 1
}
if [ "$WITH_VEIL" = 1 ]; then
  start_veil veil "$ROOT" || WITH_VEIL=0
  VEIL_PID="${TARGET_PID[veil]:-}"
  [ -n "$BASELINE" ] && { "$BASELINE/veil" --version >/dev/null; start_veil veil-base "$BASELINE" || true; }
fi

if [ "$WITH_NGINX" = 1 ]; then
  NGINX_PORT="$(free_port)"
  mkdir -p "$WORK/nginx/logs"
  USER_LINE=""; [ "$(id -u)" = 0 ] && USER_LINE="user root;"
  cat > "$WORK/nginx/nginx.conf" <<NGINX
$USER_LINE
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  upstream mock { server 127.0.0.1:$MOCK_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    client_max_body_size 32m;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
NGINX
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' >"$OUT/nginx.log" 2>&1 &
  NGINX_PID=$!; PIDS+=("$NGINX_PID")
  if wait_http "http://127.0.0.1:$NGINX_PORT/v1/models" 20 "$NGINX_PID"; then
    TARGETS+=("nginx|http://127.0.0.1:$NGINX_PORT|")
    TARGET_PID[nginx]="$NGINX_PID"
  else
    log "nginx did not start; measuring without it (see $OUT/nginx.log)"; WITH_NGINX=0
  fi
fi

# ---------------------------------------------------------------- measurements
# CPU time (user + system, in ms) used so far by a process and its children (nginx: master + workers). CPU per
# request is the proxy's own cost, and unlike latency it stays meaningful on a machine shared with other work.
CLK_TCK="$(getconf CLK_TCK)"
cpu_ms() {
  local pids total=0 p t
  pids="$1 $(pgrep -P "$1" | tr '\n' ' ')"
  for p in $pids; do
    t="$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)"
    total=$(( total + t ))
  done
  echo $(( total * 1000 / CLK_TCK ))
}
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
CMAX="$(echo $CONCURRENCY | tr ' ' '\n' | sort -n | tail -1)"
for t in "${TARGETS[@]}"; do # JIT warm-up of every JVM on the path (mock, veil), not recorded
  IFS='|' read -r name url key <<< "$t"
  log "warm-up: $name, concurrency $CMAX, $WARMUP"
  BODIES="$WORK/bodies.jsonl" API_KEY="$key" wrk -t"$THREADS" -c"$CMAX" -d"$WARMUP" -s "$HERE/post.lua" "$url" >/dev/null 2>&1 || true
  "$JAVA" "$HERE/LoadTool.java" ttfb "$url/v1/chat/completions" "${key:-none}" "$WORK/bodies-stream.jsonl" 200 8 >/dev/null || true
done
for round in $(seq 1 "$ROUNDS"); do
for c in $CONCURRENCY; do
  for t in "${TARGETS[@]}"; do
    IFS='|' read -r name url key <<< "$t"
    th=$(( THREADS < c ? THREADS : c ))
    log "wrk: $name, concurrency $c, $DURATION (round $round of $ROUNDS, load average $(cut -d' ' -f1 /proc/loadavg))"
    cpu0="$(cpu_ms "${TARGET_PID[$name]}")"
    line="$(BODIES="$WORK/bodies.jsonl" API_KEY="$key" wrk -t"$th" -c"$c" -d"$DURATION" --timeout 10s -s "$HERE/post.lua" "$url" \
      | tee "$OUT/wrk-$name-c$c-r$round.txt" | sed -n 's/^RESULT //p')"
    cpu=$(( $(cpu_ms "${TARGET_PID[$name]}") - cpu0 ))
    echo "{\"kind\":\"wrk\",\"target\":\"$name\",\"concurrency\":$c,\"round\":$round,\"loadavg\":$(cut -d' ' -f1 /proc/loadavg),\"cpu_ms\":$cpu,${line#\{}" >> "$RESULTS"
  done
done
done
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name url key <<< "$t"
  log "time to first byte on streams: $name ($TTFB_REQUESTS requests, concurrency 8)"
  line="$("$JAVA" "$HERE/LoadTool.java" ttfb "$url/v1/chat/completions" "${key:-none}" "$WORK/bodies-stream.jsonl" "$TTFB_REQUESTS" 8)"
  echo "{\"kind\":\"ttfb\",\"target\":\"$name\",\"concurrency\":8,${line#\{}" >> "$RESULTS"
done

rss_mb() { ps -o rss= -p "$1" 2>/dev/null | awk '{printf "%.0f", $1/1024}'; }
JCMD="$(dirname "$JAVA")/jcmd"
heap_after_gc_mb() { # full GC, then the heap in use (MB) as G1 reports it; "null" if jcmd is unavailable
  local used
  "$JCMD" "$1" GC.run >/dev/null 2>&1 || { echo null; return; }
  used="$("$JCMD" "$1" GC.heap_info 2>/dev/null | sed -n 's/.*heap .*used \([0-9]*\)K.*/\1/p' | head -1)"
  [ -n "$used" ] && awk -v k="$used" 'BEGIN{printf "%.1f", k/1024}' || echo null
}
memory_row() { # after-label
  echo "{\"kind\":\"rss\",\"target\":\"veil\",\"after\":\"$1\",\"rss_mb\":$(rss_mb "$VEIL_PID"),\"heap_after_gc_mb\":$(heap_after_gc_mb "$VEIL_PID")}" >> "$RESULTS"
}
if [ "$WITH_VEIL" = 1 ]; then
  memory_row benchmark
  if [ "$SOAK" -gt 0 ]; then
    log "soak: veil, concurrency $CMAX, ${SOAK}s, RSS sampled every 30 s, heap after a full GC every 60 s"
    IFS='|' read -r name url key <<< "${TARGETS[1]}"
    BODIES="$WORK/bodies.jsonl" API_KEY="$key" wrk -t"$THREADS" -c"$CMAX" -d"${SOAK}s" --timeout 10s -s "$HERE/post.lua" "$url" \
      > "$OUT/wrk-soak.txt" &
    SOAK_PID=$!
    if [ "$SOAK_PROBE" = 1 ]; then
      # latency over time: a light probe (concurrency 1, 10 s per minute) beside the soak, so a trend in
      # p50/p99 shows up minute by minute (wrk reports the whole soak as one distribution)
      ( for m in $(seq 1 $(( SOAK / 60 ))); do
          BODIES="$WORK/bodies.jsonl" API_KEY="$key" wrk -t1 -c1 -d10s --timeout 10s -s "$HERE/post.lua" "$url" \
            | sed -n "s/^RESULT {/{\"kind\":\"soak-probe\",\"minute\":$m,/p" >> "$RESULTS"
          sleep 50
        done ) &
      PROBE_PID=$!; PIDS+=("$PROBE_PID")
    fi
    elapsed=0
    while kill -0 "$SOAK_PID" 2>/dev/null; do
      if [ $(( elapsed % 60 )) = 0 ]; then
        memory_row "soak ${elapsed}s"
      else
        echo "{\"kind\":\"rss\",\"target\":\"veil\",\"after\":\"soak ${elapsed}s\",\"rss_mb\":$(rss_mb "$VEIL_PID")}" >> "$RESULTS"
      fi
      sleep 30; elapsed=$(( elapsed + 30 ))
    done
    wait "$SOAK_PID" || true
    memory_row "soak end"
    echo "{\"kind\":\"soak\",\"target\":\"veil\",\"concurrency\":$CMAX,$(sed -n 's/^RESULT {//p' "$OUT/wrk-soak.txt")" >> "$RESULTS"
  fi
fi

# ---------------------------------------------------------------- report
"$JAVA" "$HERE/LoadTool.java" report "$RESULTS" "$DURATION" > "$OUT/results.md"
cat "$OUT/results.md"
log "raw results: $RESULTS; wrk outputs and process logs: $OUT"
