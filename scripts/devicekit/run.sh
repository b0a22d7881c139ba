#!/usr/bin/env bash
# On the device machine: JMH detection/restore (one thread), then the gateway load run (mock, veil, nginx).
set -uo pipefail
K="$(cd "$(dirname "$0")" && pwd)"
cd /tmp && tar xJf "$K/jdk.txz" && export JAVA_HOME=/tmp/jdk
mkdir -p /tmp/libs-use; for l in "$K"/libs/*; do n=$(basename "$l"); ldconfig -p | grep -q " $n " || ln -sf "$l" /tmp/libs-use/$n; done
export LD_LIBRARY_PATH=/tmp/libs-use PATH="$JAVA_HOME/bin:$PATH:$K/bin"
{ nproc; lscpu | grep -E "Model name|^CPU\(s\)|MHz" | head -4; ldd --version | head -1; command -v wrk nginx curl; "$JAVA_HOME/bin/java" -version 2>&1 | head -1; } | tee "$OUT/machine.txt"
if [ "${SKIP_JMH:-0}" != 1 ]; then
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -cp "$K/lib/*" org.openjdk.jmh.Main "DetectionBenchmark|RestoreBenchmark" \
  -p dataset=presidio_synth_v2,btc -t 1 -f 1 -wi 3 -w 1s -i 4 -r 1s \
  -jvmArgsAppend "-Dveil.data=$K/data --sun-misc-unsafe-memory-access=allow" -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.txt" 2>&1
grep -E "^(Benchmark|Detection|Restore)" "$OUT/jmh.txt" | tail -30
fi
cd "$K" && timeout 330 ./veil-bench/load/run-load.sh --data "$K/data" --out "$OUT/load" --duration 10s --warmup 15s --threads 4 --ttfb-requests 300 > "$OUT/load.txt" 2>&1
echo "load rc=$?"; tail -40 "$OUT/load.txt"; cat "$OUT/load/results.md" 2>/dev/null
