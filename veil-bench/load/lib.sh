# Shell functions shared by the load scripts (sourced, not run).
free_port() { # a port nothing listens on (small race until it is bound; fine on a benchmark machine)
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
}
wait_http() { # url timeout_s pid: waits until the URL answers 2xx, or fails when the process exits or time is up
  local i
  for i in $(seq 1 $(( $2 * 10 ))); do
    curl -fs -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
