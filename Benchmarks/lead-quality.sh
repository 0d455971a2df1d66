#!/usr/bin/env bash
# Lead-quality analytics (issue 9) through the real server on SQLite: the demo at scale 1 and at SCALE
# (default 20), each dimension of GET /api/v1/analytics/lead-quality timed five times (median), next to
# GET /api/v1/leads?limit=50 (one list page: the baseline in the same run) and the stale-persons report.
#   Benchmarks/lead-quality.sh [SCALE]
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-20}
BIN=${ACCORD_BIN:-$(ls -t .build/release/accord .build/debug/accord 2>/dev/null | head -1)}
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
median() {  # url token → median seconds of five requests
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $2" "$1"
  done | sort -n | sed -n 3p
}
run() {  # scale
  export ACCORD_DB="$WORK/demo-$1.sqlite"
  "$BIN" demo --scale "$1" --as-of "$(date -u +%F)" >/dev/null 2>&1
  local token; token=$("$BIN" token create --user admin@accord.example --name bench --scope read 2>/dev/null)
  "$BIN" serve --port "$PORT" --no-jobs >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
  local leads; leads=$(sqlite3 "$ACCORD_DB" "select count(*) from leads")
  local base; base=$(median "http://127.0.0.1:$PORT/api/v1/leads?limit=50" "$token")
  local line="scale $1: $leads leads; list page $(printf '%.1f' "$(echo "$base * 1000" | bc -l)") ms"
  for by in campaign channel definition rep team month priority; do
    local t; t=$(median "http://127.0.0.1:$PORT/api/v1/analytics/lead-quality?by=$by&from=2000-01-01" "$token")
    line="$line; $by $(printf '%.1f' "$(echo "$t * 1000" | bc -l)") ms ($(printf '%.1f' "$(echo "$t / $base" | bc -l)")×)"
  done
  local stale; stale=$(median "http://127.0.0.1:$PORT/api/v1/analytics/stale-persons" "$token")
  echo "$line; stale-persons $(printf '%.1f' "$(echo "$stale * 1000" | bc -l)") ms"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}
echo "binary: $BIN; machine: $(nproc) cores, $(uname -m)"
run 1
run "$SCALE"
