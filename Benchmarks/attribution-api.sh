#!/usr/bin/env bash
# Attribution through the real server (issue 11): the demo at SCALE (default 20: about a million touchpoints in a
# year), GET /api/v1/attribution/campaigns for a year under several models, each timed five times (median), next
# to GET /api/v1/leads?limit=50 (one list page: the baseline in the same run). Also times writing the demo (the
# journey rollups are kept by triggers while it loads).
#   Benchmarks/attribution-api.sh [SCALE]                 SQLite
#   PG_URL=postgres://… Benchmarks/attribution-api.sh     also PostgreSQL: the database at PG_URL is emptied
#                                                          (DROP SCHEMA public CASCADE) — give it a scratch one
#   KEEP=1 SQLITE=path PG_URL=… Benchmarks/attribution-api.sh   time the requests on databases that hold a demo
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-20}
BIN=${ACCORD_BIN:-$(ls -t .build/release/accord .build/debug/accord 2>/dev/null | head -1)}
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
median() {  # url token → median seconds of five requests (after one warm-up)
  curl -s -o /dev/null -H "Authorization: Bearer $2" "$1"
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $2" "$1"
  done | sort -n | sed -n 3p
}
ms() { printf '%.0f' "$(echo "$1 * 1000" | bc -l)"; }
run() {  # label
  local t0 t1; t0=$(date +%s.%N)
  [ -n "${KEEP:-}" ] || "$BIN" demo --scale "$SCALE" --as-of "$(date -u +%F)" >/dev/null 2>&1
  t1=$(date +%s.%N)
  local token; token=$("$BIN" token create --user admin@accord.example --name bench --scope read 2>/dev/null)
  "$BIN" serve --port "$PORT" --no-jobs >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
  local from to; from=$(date -u -d '365 days ago' +%F); to=$(date -u +%F)
  local base; base=$(median "http://127.0.0.1:$PORT/api/v1/leads?limit=50" "$token")
  local line="$1, scale $SCALE: demo written in $(printf '%.1f' "$(echo "$t1 - $t0" | bc -l)") s; list page $(ms "$base") ms"
  for model in last linear w_shaped shapley markov; do
    local t; t=$(median "http://127.0.0.1:$PORT/api/v1/attribution/campaigns?model=$model&from=$from&to=$to" "$token")
    line="$line; $model $(ms "$t") ms ($(printf '%.0f' "$(echo "$t / $base" | bc -l)")×)"
  done
  local t; t=$(median "http://127.0.0.1:$PORT/api/v1/attribution/campaigns?model=markov&by=channel&wholeAccount=true&from=$from&to=$to" "$token")
  echo "$line; markov by channel, whole account $(ms "$t") ms"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}
echo "binary: $BIN; machine: $(nproc) cores, $(uname -m)"
export ACCORD_DB="${SQLITE:-$WORK/demo.sqlite}"
run SQLite
if [ -n "${PG_URL:-}" ]; then
  [ -n "${KEEP:-}" ] || PGOPTIONS='--client-min-messages=warning' psql "$PG_URL" -q -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null
  unset ACCORD_DB
  export DATABASE_URL="$PG_URL"
  run PostgreSQL
fi
