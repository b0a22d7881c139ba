#!/usr/bin/env bash
# scripts/perf/h2-soak.sh ROOT OUT SECONDS: veil serve (-Xmx512m, default H2 store) in front of the mock, wrk c=64 distinct prompts,
# a sample every 30 s: live heap + H2 chunk objects (class histogram, which runs a full GC), file size, RSS, CPU, requests;
# at the end (kill -9) the file's live data against its size (H2FileCensus.java).
set -u
ROOT="$1"; OUT="$2"; SECS="$3"
mkdir -p "$OUT"; WORK="$(mktemp -d /tmp/veil-h2soak.XXXX)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA=$JAVA_HOME/bin/java; JCMD=$JAVA_HOME/bin/jcmd
HERE=$ROOT/veil-bench/load
. "$HERE/lib.sh"
"$JAVA" "$HERE/LoadTool.java" prompts /work/shared/data "$WORK" 64 >&2
MP=$(free_port)
"$ROOT/veil" mock-llm --port $MP > "$OUT/mock.log" 2>&1 & MOCK=$!
wait_http http://127.0.0.1:$MP/v1/models 60 $MOCK || exit 1
VP=$(free_port)
VEIL_JAVA_OPTS="-Xmx512m -Xlog:gc:file=$OUT/gc.log" "$ROOT/veil" serve --port $VP --upstream http://127.0.0.1:$MP/v1 \
  --data-dir "$WORK/data" > "$OUT/serve.log" 2>&1 & VL=$!
wait_http http://127.0.0.1:$VP/health 120 $VL || exit 1
VPID=$(pgrep -P $VL java || echo $VL); [ -n "$VPID" ] || VPID=$VL
# the java process: the launcher may exec java directly
if ! grep -q java /proc/$VPID/comm 2>/dev/null; then VPID=$(pgrep -f "serve --port $VP" | while read p; do grep -q java /proc/$p/comm && echo $p; done | head -1); fi
KEY=$(tr -d '\n\r' < "$WORK/data/dev-key")
CLK=$(getconf CLK_TCK)
cpu() { awk -v c=$CLK '{print int(($14+$15)*1000/c)}' /proc/$VPID/stat; }
reqs() { curl -s -H "Authorization: Bearer $KEY" http://127.0.0.1:$VP/metrics | awk '/^veil_requests_total/ {s+=$NF} END {printf "%d", s}'; }
echo "veil pid $VPID" >&2
BODIES="$WORK/bodies.jsonl" API_KEY="$KEY" UNIQUE=1 wrk -t2 -c64 -d${SECS}s --timeout 10s -s "$HERE/post.lua" http://127.0.0.1:$VP \
  > "$OUT/wrk.txt" & WRK=$!
t=0; c0=$(cpu); r0=$(reqs)
echo "t_s load1 rss_mb cpu_s reqs dreq_per_s cpu_ms_per_req file_mb chunks chunk_classes live_heap_mb" > "$OUT/samples.txt"
while kill -0 $WRK 2>/dev/null; do
  sleep 30; t=$((t+30))
  c1=$(cpu); r1=$(reqs)
  h=$($JCMD $VPID GC.class_histogram 2>/dev/null)
  ch=$(echo "$h" | awk '$4 ~ /^org\.h2\.mvstore\.(SF)?Chunk$/ {n+=$2} END {print n+0}')
  live=$(echo "$h" | awk '/^Total/ {printf "%.1f", $3/1048576}')
  f=$(find "$WORK/data" -name '*.mv.db' -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1048576}')
  rss=$(ps -o rss= -p $VPID | awk '{printf "%.0f", $1/1024}')
  dr=$((r1-r0)); dc=$((c1-c0))
  echo "$t $(cut -d' ' -f1 /proc/loadavg) $rss $((c1/1000)) $r1 $(awk -v d=$dr 'BEGIN{printf "%.1f", d/30}') $(awk -v c=$dc -v d=$dr 'BEGIN{printf "%.2f", (d > 0 ? c / d : 0)}') $f $ch $(echo "$h" | awk '$4 ~ /mvstore.*Chunk/ {printf "%s:%s,", $4, $2}') $live" | tee -a "$OUT/samples.txt"
  c0=$c1; r0=$r1
done
wait $WRK; cat "$OUT/wrk.txt" | tail -3 >> "$OUT/samples.txt"
grep -c "" "$OUT/gc.log" >/dev/null
# the file as the load left it (kill -9: no compaction on close), then its live data against its size
kill -9 $VPID 2>/dev/null; kill $VL $MOCK 2>/dev/null; sleep 2
H2JAR=$(ls ~/.m2/repository/com/h2database/h2/*/h2-*.jar | grep "$(sed -n 's|.*<h2.version>\(.*\)</h2.version>.*|\1|p' "$ROOT/pom.xml")" | head -1)
for f in $(find "$WORK/data" -name '*.mv.db'); do
  echo "census $(basename "$f") after $r1 requests: $("$JAVA" -cp "$H2JAR" "$(dirname "$0")/H2FileCensus.java" "$f" 2>&1 | tail -1)" | tee -a "$OUT/samples.txt"
done
rm -rf "$WORK"
