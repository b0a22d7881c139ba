#!/usr/bin/env bash
# CPU time per request of one `veil serve` build in front of the mock LLM, sampled every 30 s while wrk keeps
# it busy (fresh JVM, -Xmx512m): shows how the per-request cost falls as the JIT warms up, and the steady value.
# Per interval: requests from the gateway's own veil_requests_total, CPU from /proc/PID/stat (user + system).
#
# usage: veil-bench/load/steady-cpu.sh VEIL_ROOT [--port BASE] [--seconds 240] [--concurrency 64] [--data DIR]
#   VEIL_ROOT: a checkout (or copied build) with an executable ./veil; the mock comes from this repository.
# prints one line per interval: seconds, requests, req/s, CPU ms per request, load average
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET="$(cd "${1:?usage: steady-cpu.sh VEIL_ROOT [--port BASE] [--seconds N] [--concurrency N] [--data DIR]}" && pwd)"; shift
PORT=$(( 20000 + RANDOM % 20000 )); SECONDS_TOTAL=240; CONC=64; DATA="$ROOT/../shared/data"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;; --seconds) SECONDS_TOTAL="$2"; shift 2 ;;
    --concurrency) CONC="$2"; shift 2 ;; --data) DATA="$2"; shift 2 ;;
    *) echo "steady-cpu: unknown argument $1" >&2; exit 2 ;;
  esac
done
JAVA="$("$ROOT/veil" --print-java-home)/bin/java"
WORK="$(mktemp -d /tmp/veil-steady.XXXXXX)"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
"$JAVA" "$HERE/LoadTool.java" prompts "$DATA" "$WORK" 64 >&2
"$ROOT/veil" mock-llm --port "$PORT" >"$WORK/mock.log" 2>&1 & PIDS+=($!)
VEIL_JAVA_OPTS="${VEIL_JAVA_OPTS:-} -Xmx512m" "$TARGET/veil" serve --port $((PORT + 1)) \
  --upstream "http://127.0.0.1:$PORT/v1" --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 & VEIL=$!; PIDS+=("$VEIL")
for _ in $(seq 1 900); do curl -fs "http://127.0.0.1:$((PORT + 1))/health" >/dev/null 2>&1 && break; sleep 0.2; done
BODIES="$WORK/bodies.jsonl" API_KEY="$(cat "$WORK/data/dev-key")" wrk -t2 -c"$CONC" -d"${SECONDS_TOTAL}s" --timeout 10s \
  -s "$HERE/post.lua" "http://127.0.0.1:$((PORT + 1))" >"$WORK/wrk.txt" 2>&1 & WRK=$!
snap() { echo "$(date +%s.%N) $(awk '{print $14 + $15}' "/proc/$VEIL/stat") $(curl -s "http://127.0.0.1:$((PORT + 1))/metrics" \
  | awk '/^veil_requests_total/ {s += $2} END {print s + 0}')"; }
TCK="$(getconf CLK_TCK)"
prev="$(snap)"
for _ in $(seq 1 $(( SECONDS_TOTAL / 30 ))); do
  sleep 30
  cur="$(snap)"
  awk -v a="$prev" -v b="$cur" -v tck="$TCK" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    split(a, x, " "); split(b, y, " "); n = y[3] - x[3]; t = y[1] - x[1];
    printf "%6.1f s  %7d requests  %7.1f req/s  %6.2f CPU ms/request  load %s\n", t, n, n / t, n ? (y[2] - x[2]) * 1000 / tck / n : 0, load }'
  prev="$cur"
done
wait "$WRK" || true
sed -n 's/^RESULT //p' "$WORK/wrk.txt"
