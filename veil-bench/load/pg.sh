#!/usr/bin/env bash
# A throw-away local PostgreSQL for the multi-instance load run (pg-load.sh), with pg_stat_statements loaded.
# usage: veil-bench/load/pg.sh start DIR PORT   (prints the JDBC URL; database "veil", user "veil", password "veil")
#        veil-bench/load/pg.sh stop DIR
#        veil-bench/load/pg.sh psql DIR PORT [psql args...]
# needs: Debian's postgresql server binaries (/usr/lib/postgresql/*/bin; apt-get install postgresql) or PG_BIN=DIR.
# PG_EXPLAIN_MS=N (start): also load auto_explain and log the plan, with actual times and buffers, of every
# statement that runs N ms or longer (a generic plan shows its parameters as $1, $2 ...; a custom one the values).
# PostgreSQL refuses to run as root: as root the cluster belongs to the system user "postgres" (runuser).
set -euo pipefail
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$PG_BIN/initdb" ] || { echo "pg.sh: no PostgreSQL server binaries (apt-get install postgresql, or PG_BIN=DIR)" >&2; exit 2; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,8p' "$0" >&2; exit 2; }
case "$cmd" in
  start)
    port="$3"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
    cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 256MB
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
track_io_timing = on
log_lock_waits = on
deadlock_timeout = 200ms
log_min_duration_statement = 1000
CONF
    if [ -n "${PG_EXPLAIN_MS:-}" ]; then
      cat >> "$dir/data/postgresql.conf" <<CONF
shared_preload_libraries = 'pg_stat_statements,auto_explain'
auto_explain.log_min_duration = ${PG_EXPLAIN_MS}
auto_explain.log_analyze = on
auto_explain.log_buffers = on
auto_explain.log_verbose = on
CONF
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w start >/dev/null
    as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE USER veil PASSWORD 'veil' SUPERUSER" \
      -c "CREATE DATABASE veil OWNER veil" >/dev/null
    as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d veil -q -c "CREATE EXTENSION pg_stat_statements" >/dev/null
    echo "jdbc:postgresql://127.0.0.1:$port/veil"
    ;;
  stop)
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  psql)
    port="$3"; shift 3
    as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d veil "$@"
    ;;
  *) sed -n '2,8p' "$0" >&2; exit 2 ;;
esac
