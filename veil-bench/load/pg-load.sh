#!/usr/bin/env bash
# Multi-instance load run on PostgreSQL (issue 3): a local PostgreSQL (pg.sh, pg_stat_statements on), two
# `veil serve` instances on it (A, B), one `veil serve` on H2 (H), all in front of one mock LLM (recording), and
# ConvLoad.java sending multi-turn conversations of distinct ~1 KB PII-rich user messages with one
# X-Veil-Conversation id each. Scenarios, at each concurrency:
#   pg2: turns alternate A, B, A, B ... (a conversation started on A goes on on B)
#   pg3: turns go round A, B, C (only with --instances 3: a third gateway C on the database)
#   pg1: every turn on A (one instance on PostgreSQL)
#   h2:  every turn on H (one instance on H2)
# Per scenario (results.jsonl, one line): requests, rps, p50/p99, non-2xx by Veil error code, socket errors, wrong
# restores (the mock echoes, so every answer must restore to the message sent), CPU ms of each process (gateways,
# all PostgreSQL processes, mock), PostgreSQL commits, rollbacks and statements per request (pg_stat_database,
# pg_stat_statements), deadlocks, lock waits (log_lock_waits lines), the busiest statements (statements-*.txt),
# PostgreSQL execution ms per request (pg_exec_ms: pg_stat_statements' total_exec_time) and the restore's scope
# read (scope_read_calls, scope_read_ms), the statements on audit_head (head_ms) and the rate bucket's SELECT ... FOR
# UPDATE (bucket_ms), which include the time they waited for the row's lock. Every 0.5 s a sampler (samples-*.txt) counts the backends waiting for a
# lock by what they wait in (lock_wait_head: audit_head, lock_wait_bucket: the rate bucket, lock_wait_other), each
# a mean number of waiting backends over the samples, and reads each database gateway's /metrics
# (pool_pending_max, pool_pending_mean: connections requests waited for, veil_store_pool_pending; pool_active_max).
# At the end ConvLoad check reads the mock's record: tokens of a conversation's history must be the same in
# every later turn, whichever instance served it.
# The client key is rate limited (--rate 100000000/min: never refuses, but every request takes from the shared
# bucket, as production keys do).
#
# usage: veil-bench/load/pg-load.sh [--seconds 20] [--warmup 15] [--concurrency "8 64"] [--turns 6]
#          [--scenarios "pg2 pg1 h2"] [--instances 2|3] [--explain-ms N] [--xmx SIZE] [--histo] [--data DIR]
#          [--preload ROWS] [--out DIR] [--keep]
# --preload ROWS first fills the vault with ROWS rows of other conversations of tenant "load" (67 rows each, as
# the soak's conversations; random ciphertexts, one subject key each, used now so that the key purge keeps it),
# then VACUUM ANALYZE: the tables of a database that has served for a while, without the hours.
# --explain-ms N logs the plan (auto_explain, EXPLAIN ANALYZE with buffers) of every statement that ran N ms or
# longer into postgres.log (pg.sh PG_EXPLAIN_MS): the plans actually used under load.
# --histo writes gateway A's class histogram (live objects, after a full GC) after each scenario (histo-*.txt):
# --concurrency "8 8" then shows what the second run added to the heap.
# --xmx SIZE runs the gateways with -Xmx SIZE and a GC log each (gc-A.log, gc-B.log, gc-H.log); with
# --scenarios pg1 --concurrency 8 --seconds 600 that is the memory soak (heap after GC: the "->NM" of each "Pause Young" line of gc-A.log).
# needs: Debian's postgresql server binaries (see pg.sh), a JDK >= 21, ../shared/data next to the repository.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/veil-bench/load"
SECONDS_PER=20
WARMUP=15
CONCURRENCY="8 64"
TURNS=6
SCENARIOS="pg2 pg1 h2"
DATA="$ROOT/../shared/data"
OUT=""
KEEP=0
XMX=""
HISTO=0
INSTANCES=2
EXPLAIN_MS=""
PRELOAD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --turns) TURNS="$2"; shift 2 ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --xmx) XMX="$2"; shift 2 ;;
    --histo) HISTO=1; shift ;;
    --instances) INSTANCES="$2"; shift 2 ;;
    --explain-ms) EXPLAIN_MS="$2"; shift 2 ;;
    --preload) PRELOAD="$2"; shift 2 ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "pg-load: unknown argument $1" >&2; exit 2 ;;
  esac
done
log() { echo "pg-load: $*" >&2; }

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/java}"
[ -x "${JAVA:-}" ] || JAVA="$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV | head -1)"
[ -f "$DATA/presidio_synth_v2/eval.jsonl" ] || { echo "pg-load: shared data not found at $DATA (use --data DIR)" >&2; exit 2; }
[ -n "$OUT" ] || OUT="$ROOT/veil-bench/target/pg-load-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/veil-pgload.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
SAMPLER=""
cleanup() {
  local p
  if [ -n "$SAMPLER" ]; then kill "$SAMPLER" 2>/dev/null || true; fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  "$HERE/pg.sh" stop "$WORK/pg" 2>/dev/null || true
  cp "$WORK/pg/postgres.log" "$OUT/postgres.log" 2>/dev/null || true
  [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
. "$HERE/lib.sh" # free_port, wait_http

log "building the CLI if needed"
"$ROOT/veil" --version >/dev/null

PG_PORT="$(free_port)"
DB_URL="$(PG_EXPLAIN_MS="$EXPLAIN_MS" "$HERE/pg.sh" start "$WORK/pg" "$PG_PORT")"
psql_q() { "$HERE/pg.sh" psql "$WORK/pg" "$PG_PORT" -At -q "$@"; }
PG_MAIN="$(head -1 "$WORK/pg/data/postmaster.pid")"
log "PostgreSQL on $PG_PORT (pid $PG_MAIN)"

MOCK_PORT="$(free_port)"
"$ROOT/veil" mock-llm --port "$MOCK_PORT" --record "$WORK/record.jsonl" >"$OUT/mock.log" 2>&1 &
MOCK_PID=$!; PIDS+=("$MOCK_PID")
wait_http "http://127.0.0.1:$MOCK_PORT/v1/models" 120 "$MOCK_PID" || { echo "pg-load: mock did not start" >&2; exit 1; }

declare -A URL PID
start_serve() { # name, then env assignments; wait_serve NAME waits until it answers
  local name="$1" port; shift
  port="$(free_port)"
  local opts="${VEIL_JAVA_OPTS:-}"
  [ -n "$XMX" ] && opts="$opts -Xmx$XMX -Xlog:gc:file=$OUT/gc-$name.log:uptime"
  env "$@" VEIL_JAVA_OPTS="$opts" "$ROOT/veil" serve --port "$port" \
    --upstream "http://127.0.0.1:$MOCK_PORT/v1" --data-dir "$WORK/$name" >"$OUT/serve-$name.log" 2>&1 &
  PID[$name]=$!; PIDS+=("${PID[$name]}")
  URL[$name]="http://127.0.0.1:$port"
}
wait_serve() { wait_http "${URL[$1]}/health" 180 "${PID[$1]}" || { cat "$OUT/serve-$1.log" >&2; exit 1; }; }
PGENV=(VEIL_DATABASE_URL="$DB_URL" VEIL_DATABASE_USER=veil VEIL_DATABASE_PASSWORD=veil)
start_serve A "${PGENV[@]}"
start_serve H
wait_serve A # A migrates the schema; B starts on it, with A's keysets and gateway secret (instances on one database share them)
mkdir -p "$WORK/B" && cp -a "$WORK/A/keys" "$WORK/B/keys" && cp -a "$WORK/A/gateway-secret" "$WORK/B/gateway-secret"
start_serve B "${PGENV[@]}"
PG_GATEWAYS="A B"
if [ "$INSTANCES" = 3 ]; then
  mkdir -p "$WORK/C" && cp -a "$WORK/A/keys" "$WORK/C/keys" && cp -a "$WORK/A/gateway-secret" "$WORK/C/gateway-secret"
  start_serve C "${PGENV[@]}"
  PG_GATEWAYS="A B C"
fi
wait_serve H
wait_serve B
if [ "$INSTANCES" = 3 ]; then wait_serve C; fi
key_of() { # gateway name: a rate-limited key of tenant "load", created through the admin API
  curl -fsS -X POST "${URL[$1]}/admin/keys" -H "Authorization: Bearer $(tr -d '\n\r' < "$WORK/$1/admin-token")" \
    -H 'Content-Type: application/json' -d '{"tenant":"load","policy":"default","rate_per_minute":100000000}' \
    | sed -n 's/.*"secret" *: *"\([^"]*\)".*/\1/p'
}
if [ "$PRELOAD" -gt 0 ]; then
  log "preloading $PRELOAD vault rows"
  psql_q -c "INSERT INTO subject_keys (subject_ref, tenant, wrapped_key, created_at, used_at)
      SELECT md5('preload' || i) || md5('key' || i), 'load', gen_random_bytes_stub.b, now_ms, now_ms
      FROM generate_series(0, ($PRELOAD - 1) / 67) i, (SELECT (extract(epoch FROM now()) * 1000)::bigint AS now_ms) t, LATERAL (SELECT decode(md5(i::text) || md5('w' || i) || md5('x' || i), 'hex') AS b) gen_random_bytes_stub" \
    -c "INSERT INTO vault_scopes (tenant, conversation)
      SELECT 'load', 'preload-' || i FROM generate_series(0, ($PRELOAD - 1) / 67) i" \
    -c "INSERT INTO vault_entries (scope_id, entity_type, token, lookup_hash, subject_ref, ciphertext, created_at, expires_at)
      SELECT s.id, 'PERSON', '<PERSON_' || (i % 67) || '>', md5('l' || i) || md5('m' || i),
        md5('preload' || (i / 67)) || md5('key' || (i / 67)), decode(md5('c' || i) || md5('d' || i), 'hex'), 0, 9000000000000
      FROM generate_series(0, $PRELOAD - 1) i JOIN vault_scopes s ON s.tenant = 'load' AND s.conversation = 'preload-' || (i / 67)" \
    -c "VACUUM ANALYZE subject_keys" -c "VACUUM ANALYZE vault_scopes" -c "VACUUM ANALYZE vault_entries" >/dev/null
fi
PG_KEY="$(key_of A)"
H2_KEY="$(key_of H)"
[ -n "$PG_KEY" ] && [ -n "$H2_KEY" ] || { echo "pg-load: could not create the client keys" >&2; exit 1; }
log "gateways: A ${URL[A]}, B ${URL[B]}${URL[C]:+, C ${URL[C]}} (PostgreSQL), H ${URL[H]} (H2)"

CLK_TCK="$(getconf CLK_TCK)"
cpu_ms() { # pid and its descendants (PostgreSQL: postmaster and its backends)
  local total=0 p t
  for p in $1 $(pgrep -P "$1" | tr '\n' ' '); do
    t="$(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0)"
    total=$(( total + t ))
  done
  echo $(( total * 1000 / CLK_TCK ))
}
java_pid() { pgrep -P "$1" java 2>/dev/null | head -1 || true; } # ./veil runs java as a child (or execs it)
proc() { local j; j="$(java_pid "$1")"; echo "${j:-$1}"; }
declare -A JP=([A]="$(proc "${PID[A]}")" [B]="$(proc "${PID[B]}")" [H]="$(proc "${PID[H]}")" [mock]="$(proc "$MOCK_PID")")
CPU_OF="A B H mock"
if [ "$INSTANCES" = 3 ]; then JP[C]="$(proc "${PID[C]}")"; CPU_OF="A B C H mock"; fi
db_counters() { psql_q -F' ' -c "SELECT xact_commit, xact_rollback, deadlocks FROM pg_stat_database WHERE datname = 'veil'"; }
statements() { psql_q -c "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'veil'"; }
lock_waits() { grep -c "still waiting for" "$WORK/pg/postgres.log" 2>/dev/null || true; }
exec_ms() { psql_q -c "SELECT round(coalesce(sum(total_exec_time), 0)::numeric, 1) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'veil'"; }
stmt_ms() { # ILIKE pattern: execution ms of the statements whose text matches (a row lock's wait counts in)
  psql_q -c "SELECT round(coalesce(sum(total_exec_time), 0)::numeric, 1) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'veil' AND query ILIKE '$1'"
}
scope_read() { psql_q -F' ' -c "SELECT coalesce(sum(calls), 0), round(coalesce(sum(total_exec_time), 0)::numeric, 1) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'veil' AND query LIKE 'SELECT v.token, v.entity_type%'"; }
sampler() { # file: every 0.5 s, one line per kind of lock wait ("lock KIND N") and per gateway's pool ("pool NAME pending active")
  local g m
  while :; do
    psql_q -F' ' -c "SELECT CASE WHEN query ILIKE '%audit_head%' THEN 'head' WHEN query ILIKE '%veil_rate_buckets%' THEN 'bucket' ELSE 'other' END, count(*)
      FROM pg_stat_activity WHERE datname = 'veil' AND wait_event_type = 'Lock' GROUP BY 1" | sed 's/^/lock /'
    echo "tick"
    for g in $PG_GATEWAYS; do
      m="$(curl -fs --max-time 2 "${URL[$g]}/metrics" 2>/dev/null || true)"
      echo "pool $g $(echo "$m" | awk '/^veil_store_pool_pending /{p=$2} /^veil_store_pool_connections\{state="active"\}/{a=$2} END{print (p==""?"-":p), (a==""?"-":a)}')"
    done
    sleep 0.5
  done >> "$1"
}
samples_json() { # file: the sampler's summary as JSON fields
  awk '/^tick/{t++} /^lock /{w[$2]+=$3} /^pool /{ if ($3 != "-") { n[$2]++; s[$2]+=$3; if ($3 > mx) mx = $3; if ($4 > ma) ma = $4; ps += $3; pn++ } }
    END { if (t == 0) t = 1; printf "\"samples\":%d,\"lock_wait_head\":%.2f,\"lock_wait_bucket\":%.2f,\"lock_wait_other\":%.2f,\"pool_pending_max\":%d,\"pool_pending_mean\":%.2f,\"pool_active_max\":%d,",
      t, w["head"]/t, w["bucket"]/t, w["other"]/t, mx, (pn ? ps/pn : 0), ma }' "$1"
}

RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
RUN=0
ltag() { # a number as letters (tags in messages carry no digits, so no recognizer takes them for data)
  local n="$1" s=""
  while :; do s="$s$(printf "\\x$(printf %x $(( 97 + n % 26 )))")"; n=$(( n / 26 )); [ "$n" = 0 ] && break; done
  echo "$s"
}
scenario_urls() {
  case "$1" in
    pg2) echo "${URL[A]},${URL[B]}|$PG_KEY" ;;
    pg1) echo "${URL[A]}|$PG_KEY" ;;
    pg3) echo "${URL[A]},${URL[B]},${URL[C]}|$PG_KEY" ;;
    h2) echo "${URL[H]}|$H2_KEY" ;;
  esac
}
cmax="$(echo $CONCURRENCY | tr ' ' '\n' | sort -n | tail -1)"
for s in $SCENARIOS; do
  IFS='|' read -r urls key <<< "$(scenario_urls "$s")"
  RUN=$(( RUN + 1 ))
  log "warm-up: $s, concurrency $cmax, ${WARMUP}s"
  "$JAVA" "$HERE/ConvLoad.java" run "$urls" "$key" "$DATA" "$WARMUP" "$cmax" "$TURNS" "w$(ltag "$RUN")z" >/dev/null || true
done
for c in $CONCURRENCY; do
  for s in $SCENARIOS; do
    IFS='|' read -r urls key <<< "$(scenario_urls "$s")"
    RUN=$(( RUN + 1 ))
    tag="r$(ltag "$RUN")z"
    log "$s, concurrency $c, ${SECONDS_PER}s (load average $(cut -d' ' -f1 /proc/loadavg))"
    psql_q -c "SELECT pg_stat_statements_reset()" >/dev/null
    read -r com0 rb0 dl0 <<< "$(db_counters)"
    lw0="$(lock_waits)"
    declare -A CPU0=()
    for p in $CPU_OF; do CPU0[$p]="$(cpu_ms "${JP[$p]}")"; done
    CPU0[pg]="$(cpu_ms "$PG_MAIN")"
    : > "$OUT/samples-$s-c$c.txt"
    sampler "$OUT/samples-$s-c$c.txt" & SAMPLER=$!
    line="$("$JAVA" "$HERE/ConvLoad.java" run "$urls" "$key" "$DATA" "$SECONDS_PER" "$c" "$TURNS" "$tag" \
      "$OUT/mismatches-$s-c$c.jsonl")"
    kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true
    cpu=""
    for p in $CPU_OF; do cpu="$cpu\"cpu_ms_$p\":$(( $(cpu_ms "${JP[$p]}") - CPU0[$p] )),"; done
    cpu="$cpu\"cpu_ms_pg\":$(( $(cpu_ms "$PG_MAIN") - CPU0[pg] )),"
    read -r com1 rb1 dl1 <<< "$(db_counters)"
    stmts="$(statements)"
    read -r sr_calls sr_ms <<< "$(scope_read)"
    pgx="\"pg_exec_ms\":$(exec_ms),\"head_ms\":$(stmt_ms '%audit_head%'),\"bucket_ms\":$(stmt_ms '%veil_rate_buckets%FOR UPDATE%'),\"scope_read_calls\":$sr_calls,\"scope_read_ms\":$sr_ms,$(samples_json "$OUT/samples-$s-c$c.txt")"
    psql_q -F' | ' -c "SELECT calls, round(total_exec_time::numeric, 1) AS ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160)
      FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'veil' ORDER BY calls DESC LIMIT 25" \
      > "$OUT/statements-$s-c$c.txt"
    echo "{\"scenario\":\"$s\",\"concurrency\":$c,\"loadavg\":$(cut -d' ' -f1 /proc/loadavg),$cpu\"pg_commits\":$(( com1 - com0 )),\"pg_rollbacks\":$(( rb1 - rb0 )),\"pg_deadlocks\":$(( dl1 - dl0 )),\"pg_statements\":$stmts,\"pg_lock_waits\":$(( $(lock_waits) - lw0 )),$pgx${line#\{}" \
      | tee -a "$RESULTS" >&2
    [ "$HISTO" = 1 ] && "$(dirname "$JAVA")/jcmd" "${JP[A]}" GC.class_histogram > "$OUT/histo-A-$RUN-$s-c$c.txt" 2>&1
  done
done
log "token stability across turns and instances (mock record)"
"$JAVA" "$HERE/ConvLoad.java" check "$WORK/record.jsonl" | tee "$OUT/stability.json" >&2
grep -c -E "ERROR|WARN" "$OUT"/serve-*.log | paste -sd' ' | sed 's/^/pg-load: WARN|ERROR lines in serve logs: /' >&2
log "results: $RESULTS, statements-*.txt, postgres.log and serve logs in $OUT"
