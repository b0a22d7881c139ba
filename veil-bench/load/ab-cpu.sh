#!/usr/bin/env bash
# CPU time per request of two `veil serve` builds measured side by side: both run at the same time, in
# front of one mock LLM, each under its own wrk at the same concurrency, so both see the same machine
# (on a shared box, runs one after the other do not). After a warm-up (JIT), CPU (user + system, from
# /proc/PID/stat) and requests (the gateway's own veil_requests_total) are sampled per interval.
#
# usage: veil-bench/load/ab-cpu.sh A_ROOT B_ROOT [--seconds 300] [--warmup 120] [--interval 60]
#          [--concurrency 32] [--data DIR] [--a-env 'VAR=VALUE ...'] [--b-env 'VAR=VALUE ...']
#          [--workload prompts|multiturn] [--unique]
#   A_ROOT, B_ROOT: checkouts (or copied builds) with an executable ./veil; the mock comes from A_ROOT.
#   --a-env/--b-env: environment settings for that side's gateway only (e.g. one build against itself with a
#   setting changed: ab-cpu.sh X X --a-env VEIL_AUDIT_GROUP_WAIT_MILLIS=0).
#   --workload: prompts (default: 64 bodies with a ~1 KB PII-rich user message) or multiturn (LoadTool multiturn:
#   40 conversations of 10 turns, each request a ~1.5 KB system prompt + the history so far + a new message).
#   --unique: no request repeats an earlier one (post.lua UNIQUE=1): a prompt gets its request number, a multi-turn
#   pass over the file is new conversations. Use it whenever a cache (detection.cache) is on: without it, wrk
#   cycles through the same bodies and every repeat is a cache hit that the real workload would not have.
# prints per interval and build: requests, req/s, CPU ms per request, KB written to storage per request (the
# process's write_bytes in /proc/PID/io: the H2 file, logs); then the ratios B / A of the sums.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
A="$(cd "${1:?usage: ab-cpu.sh A_ROOT B_ROOT [options]}" && pwd)"; B="$(cd "${2:?usage: ab-cpu.sh A_ROOT B_ROOT [options]}" && pwd)"; shift 2
SECS=300; WARMUP=120; INTERVAL=60; CONC=32; DATA="$ROOT/../shared/data"; A_ENV=""; B_ENV=""; WORKLOAD=prompts; UNIQUE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECS="$2"; shift 2 ;; --warmup) WARMUP="$2"; shift 2 ;; --interval) INTERVAL="$2"; shift 2 ;;
    --concurrency) CONC="$2"; shift 2 ;; --data) DATA="$2"; shift 2 ;;
    --a-env) A_ENV="$2"; shift 2 ;; --b-env) B_ENV="$2"; shift 2 ;;
    --workload) WORKLOAD="$2"; shift 2 ;; --unique) UNIQUE=1; shift ;;
    *) echo "ab-cpu: unknown argument $1" >&2; exit 2 ;;
  esac
done
JAVA="$("$ROOT/veil" --print-java-home)/bin/java"
WORK="$(mktemp -d /tmp/veil-abcpu.XXXXXX)"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
case "$WORKLOAD" in
  prompts) "$JAVA" "$HERE/LoadTool.java" prompts "$DATA" "$WORK" 64 >&2; BODYFILE="$WORK/bodies.jsonl" ;;
  multiturn) "$JAVA" "$HERE/LoadTool.java" multiturn "$DATA" "$WORK" 40 10 >&2; BODYFILE="$WORK/bodies-multiturn.jsonl" ;;
  *) echo "ab-cpu: --workload prompts|multiturn" >&2; exit 2 ;;
esac
PORT=$(( 20000 + RANDOM % 20000 ))
"$A/veil" mock-llm --port "$PORT" >"$WORK/mock.log" 2>&1 & PIDS+=($!)
declare -A PID URL
for side in A B; do
  root="$A"; extra="$A_ENV"; [ "$side" = B ] && root="$B" && extra="$B_ENV"
  [ "$side" = A ] && p=$((PORT + 1)) || p=$((PORT + 2))
  # shellcheck disable=SC2086 # extra is a list of VAR=VALUE words
  env $extra VEIL_JAVA_OPTS="${VEIL_JAVA_OPTS:-} -Xmx512m" "$root/veil" serve --port "$p" --upstream "http://127.0.0.1:$PORT/v1" \
    --data-dir "$WORK/data-$side" >"$WORK/serve-$side.log" 2>&1 & PID[$side]=$!; PIDS+=("${PID[$side]}")
  URL[$side]="http://127.0.0.1:$p"
done
for side in A B; do
  for _ in $(seq 1 900); do curl -fs "${URL[$side]}/health" >/dev/null 2>&1 && break; sleep 0.2; done
done
for side in A B; do
  UNIQUE="$UNIQUE" BODIES="$BODYFILE" API_KEY="$(cat "$WORK/data-$side/dev-key")" wrk -t1 -c"$CONC" -d"$(( SECS + 30 ))s" --timeout 10s \
    -s "$HERE/post.lua" "${URL[$side]}" >"$WORK/wrk-$side.txt" 2>&1 & PIDS+=($!)
done
snap() { echo "$(awk '{print $14 + $15}' "/proc/${PID[$1]}/stat") $(curl -s "${URL[$1]}/metrics" \
  | awk '/^veil_requests_total/ {s += $2} END {print s + 0}') $(awk '/^write_bytes/ {print $2}' "/proc/${PID[$1]}/io")"; }
TCK="$(getconf CLK_TCK)"
sleep "$WARMUP"
declare -A PREV TOTC TOTN TOTW
for side in A B; do PREV[$side]="$(snap "$side")"; TOTC[$side]=0; TOTN[$side]=0; TOTW[$side]=0; done
elapsed="$WARMUP"
while [ $(( elapsed + INTERVAL )) -le "$SECS" ]; do
  sleep "$INTERVAL"; elapsed=$(( elapsed + INTERVAL ))
  for side in A B; do
    cur="$(snap "$side")"
    read -r c0 n0 w0 <<< "${PREV[$side]}"; read -r c1 n1 w1 <<< "$cur"
    dc=$(( (c1 - c0) * 1000 / TCK )); dn=$(( n1 - n0 )); dw=$(( w1 - w0 ))
    TOTC[$side]=$(( TOTC[$side] + dc )); TOTN[$side]=$(( TOTN[$side] + dn )); TOTW[$side]=$(( TOTW[$side] + dw ))
    awk -v s="$side" -v t="$elapsed" -v n="$dn" -v c="$dc" -v w="$dw" -v i="$INTERVAL" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN { printf "%s t=%4ds %7d requests %8.1f req/s %6.2f CPU ms/request %7.1f KB written/request load %s\n", s, t, n,
        n / i, n ? c / n : 0, n ? w / n / 1024 : 0, l }'
    PREV[$side]="$cur"
  done
done
for side in A B; do
  curl -s "${URL[$side]}/metrics" | awk -v s="$side" '/^veil_detection_cache_(hits|misses|bypassed|evictions)_total/ {
      v[$1] = $2 } END { printf "%s detection cache: %d hits, %d misses, %d bypassed, %d evictions\n", s,
      v["veil_detection_cache_hits_total"], v["veil_detection_cache_misses_total"],
      v["veil_detection_cache_bypassed_total"], v["veil_detection_cache_evictions_total"] }'
  curl -s "${URL[$side]}/metrics" | awk -v s="$side" '/^veil_audit_(commits|records)_total/ {v[$1] = $2}
    END { c = v["veil_audit_commits_total"]; r = v["veil_audit_records_total"];
      if (c) printf "%s audit: %d records in %d commits (%.2f per commit)\n", s, r, c, r / c }'
  curl -s "${URL[$side]}/metrics" | awk -v s="$side" '/^veil_vault_(insert_commits|inserts)_total/ {v[$1] = $2}
    END { c = v["veil_vault_insert_commits_total"]; r = v["veil_vault_inserts_total"];
      if (c) printf "%s vault: %d inserts in %d commits (%.2f per commit)\n", s, r, c, r / c }'
done
awk -v ca="${TOTC[A]}" -v na="${TOTN[A]}" -v cb="${TOTC[B]}" -v nb="${TOTN[B]}" -v wa="${TOTW[A]}" -v wb="${TOTW[B]}" 'BEGIN {
  a = na ? ca / na : 0; b = nb ? cb / nb : 0; xa = na ? wa / na / 1024 : 0; xb = nb ? wb / nb / 1024 : 0;
  printf "after warm-up: A %.2f CPU ms/request (%d requests), B %.2f (%d requests); B/A CPU per request %.2f, B/A requests %.2f\n",
    a, na, b, nb, a ? b / a : 0, na ? nb / na : 0
  printf "written: A %.1f KB/request, B %.1f KB/request; B/A %.2f\n", xa, xb, xa ? xb / xa : 0 }'
