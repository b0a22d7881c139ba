#!/usr/bin/env bash
# Time to the first streamed byte through two `veil serve` builds, in the same minutes: one mock LLM, both
# gateways in front of it, and LoadTool's ttfb client sending distinct streamed ~1 KB PII-rich chat prompts
# (each a new conversation: UNIQUE=1) to the mock directly, to A and to B in turn, round after round, so both
# builds see the same machine. Prints one JSON line per target and round (first event / first content / end,
# p50 and p99, ms from sending).
#
# usage: veil-bench/load/ttfb-ab.sh A_ROOT B_ROOT [--rounds 3] [--requests 200] [--concurrency "1 8"] [--data DIR]
#   A_ROOT, B_ROOT: checkouts (or copied builds) with an executable ./veil; the mock comes from A_ROOT.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
A="$(cd "${1:?usage: ttfb-ab.sh A_ROOT B_ROOT [options]}" && pwd)"; B="$(cd "${2:?usage: ttfb-ab.sh A_ROOT B_ROOT [options]}" && pwd)"; shift 2
ROUNDS=3; REQUESTS=200; CONCS="1 8"; DATA="$ROOT/../shared/data"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;; --requests) REQUESTS="$2"; shift 2 ;;
    --concurrency) CONCS="$2"; shift 2 ;; --data) DATA="$2"; shift 2 ;;
    *) echo "ttfb-ab: unknown argument $1" >&2; exit 2 ;;
  esac
done
JAVA="$("$ROOT/veil" --print-java-home)/bin/java"
WORK="$(mktemp -d /tmp/veil-ttfbab.XXXXXX)"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
"$JAVA" "$HERE/LoadTool.java" prompts "$DATA" "$WORK" 64 >&2
PORT=$(( 20000 + RANDOM % 20000 ))
"$A/veil" mock-llm --port "$PORT" >"$WORK/mock.log" 2>&1 & PIDS+=($!)
declare -A URL
for side in A B; do
  root="$A"; [ "$side" = B ] && root="$B"
  [ "$side" = A ] && p=$((PORT + 1)) || p=$((PORT + 2))
  VEIL_JAVA_OPTS="${VEIL_JAVA_OPTS:-} -Xmx512m" "$root/veil" serve --port "$p" --upstream "http://127.0.0.1:$PORT/v1" \
    --data-dir "$WORK/data-$side" >"$WORK/serve-$side.log" 2>&1 & PIDS+=($!)
  URL[$side]="http://127.0.0.1:$p"
done
URL[mock]="http://127.0.0.1:$PORT"
for side in A B; do
  for _ in $(seq 1 900); do curl -fs "${URL[$side]}/health" >/dev/null 2>&1 && break; sleep 0.2; done
done
key() { if [ "$1" = mock ]; then echo none; else cat "$WORK/data-$1/dev-key"; fi; }
# warm-up of both gateways (JIT): not reported
for side in A B; do
  TAG_PREFIX=warm- UNIQUE=1 "$JAVA" "$HERE/LoadTool.java" ttfb "${URL[$side]}/v1/chat/completions" "$(key "$side")" \
    "$WORK/bodies-stream.jsonl" 1000 8 >/dev/null || true
done
for r in $(seq 1 "$ROUNDS"); do
  for c in $CONCS; do
    for side in mock A B; do
      line="$(TAG_PREFIX="r$r-c$c-" UNIQUE=1 "$JAVA" "$HERE/LoadTool.java" ttfb "${URL[$side]}/v1/chat/completions" "$(key "$side")" \
        "$WORK/bodies-stream.jsonl" "$REQUESTS" "$c")"
      echo "{\"round\":$r,\"target\":\"$side\",\"concurrency\":$c,\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\",${line#\{}"
    done
  done
done
