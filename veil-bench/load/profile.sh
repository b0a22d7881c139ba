#!/usr/bin/env bash
# JFR profile of one `veil serve` build under wrk load (concurrency 64, the 64 prompts of run-load.sh, -Xmx512m):
# records the middle of the run (from 2/5 to 4/5 of SECONDS), prints CPU ms per request over the recording (of the
# gateway, and of the mock upstream it calls: its own process) and wrk's result, and leaves OUT.jfr. Summarise it with: java veil-bench/load/JfrShares.java OUT.jfr
#
# Requests are all distinct (post.lua UNIQUE=1, default here; UNIQUE=0 cycles the bodies as before) so Veil's
# detection cache answers no repeat the workload does not have; WORKLOAD=multiturn profiles the multi-turn bodies
# of LoadTool multiturn instead of the 1 KB prompts.
#
# CONCURRENCY=N (default 64) sets wrk's connections.
#
# usage: veil-bench/load/profile.sh VEIL_ROOT OUT [SECONDS=300] [--data DIR]
set -euo pipefail
export UNIQUE="${UNIQUE:-1}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET="$(cd "${1:?usage: profile.sh VEIL_ROOT OUT [SECONDS]}" && pwd)"; OUTF="${2:?usage: profile.sh VEIL_ROOT OUT [SECONDS]}"
SECS="${3:-300}"; DATA="${DATA:-$ROOT/../shared/data}"
JDK="$("$ROOT/veil" --print-java-home)"
WORK="$(mktemp -d /tmp/veil-profile.XXXXXX)"; PORT=$(( 20000 + RANDOM % 20000 ))
PIDS=(); trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
if [ "${WORKLOAD:-prompts}" = multiturn ]; then
  "$JDK/bin/java" "$HERE/LoadTool.java" multiturn "$DATA" "$WORK" 40 10 >/dev/null 2>&1; BODYFILE="$WORK/bodies-multiturn.jsonl"
else
  "$JDK/bin/java" "$HERE/LoadTool.java" prompts "$DATA" "$WORK" 64 >/dev/null 2>&1; BODYFILE="$WORK/bodies.jsonl"
fi
"$TARGET/veil" mock-llm --port "$PORT" >"$WORK/mock.log" 2>&1 & MOCK=$!; PIDS+=("$MOCK")
VEIL_JAVA_OPTS="-Xmx512m -XX:FlightRecorderOptions:stackdepth=256" "$TARGET/veil" serve --port $((PORT + 1)) \
  --upstream "http://127.0.0.1:$PORT/v1" --data-dir "$WORK/data" >"$WORK/serve.log" 2>&1 & VEIL=$!; PIDS+=("$VEIL")
for _ in $(seq 1 900); do curl -fs "http://127.0.0.1:$((PORT + 1))/health" >/dev/null 2>&1 && break; sleep 0.2; done
BODIES="$BODYFILE" API_KEY="$(cat "$WORK/data/dev-key")" wrk -t2 -c"${CONCURRENCY:-64}" -d"${SECS}s" --timeout 10s \
  -s "$HERE/post.lua" "http://127.0.0.1:$((PORT + 1))" >"$WORK/wrk.txt" 2>&1 & WRK=$!
reqs() { curl -s "http://127.0.0.1:$((PORT + 1))/metrics" | awk '/^veil_requests_total/ {s += $2} END {print s + 0}'; }
sleep $(( SECS * 2 / 5 ))
c0=$(awk '{print $14 + $15}' /proc/$VEIL/stat); k0=$(awk '{print $14 + $15}' /proc/$MOCK/stat 2>/dev/null || echo 0); m0=$(reqs)
"$JDK/bin/jcmd" "$VEIL" JFR.start settings=profile filename="$OUTF" >/dev/null
sleep $(( SECS * 2 / 5 ))
"$JDK/bin/jcmd" "$VEIL" JFR.stop filename="$OUTF" >/dev/null
c1=$(awk '{print $14 + $15}' /proc/$VEIL/stat); k1=$(awk '{print $14 + $15}' /proc/$MOCK/stat 2>/dev/null || echo 0); m1=$(reqs)
echo "recorded: $((m1 - m0)) requests, $(awk -v c=$((c1 - c0)) -v n=$((m1 - m0)) -v t="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", n ? c * 1000 / t / n : 0}') CPU ms/request, mock upstream $(awk -v c=$((k1 - k0)) -v n=$((m1 - m0)) -v t="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", n ? c * 1000 / t / n : 0}') CPU ms/request, load $(cut -d' ' -f1 /proc/loadavg)"
wait "$WRK" || true
sed -n 's/^RESULT //p' "$WORK/wrk.txt"
grep -o 'status=[0-9]*' "$WORK/serve.log" | sort | uniq -c
