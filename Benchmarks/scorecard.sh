#!/usr/bin/env bash
# The shared scorecard (issue 16) through the real server: the demo at SCALE (default 20: 28,000 leads, 6,000
# opportunities, a million touchpoints), GET /api/v1/scorecard for the quarter (the goal: under 300 ms), by rep,
# by campaign (800 rows), and for a week and a month, median of five after one warm-up, next to
# GET /api/v1/leads?limit=50 (one list page: the baseline in the same run); then the quarter's phases from its
# Server-Timing header.
#   Benchmarks/scorecard.sh [SCALE]                SQLite
#   PG_URL=postgres://… Benchmarks/scorecard.sh    also PostgreSQL: the database at PG_URL is emptied
#                                                  (DROP SCHEMA public CASCADE) — give it a scratch one
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-20}
BIN=${ACCORD_BIN:-$(ls -t .build/release/accord .build/debug/accord 2>/dev/null | head -1)}
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
ms() { printf '%.0f' "$(echo "$1 * 1000" | bc -l)"; }
median() {  # url token → median seconds of five requests after a warm-up
  curl -s -o /dev/null -H "Authorization: Bearer $2" "$1"
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $2" "$1"
  done | sort -n | sed -n 3p
}
run() {  # label
  local t0 t1; t0=$(date +%s.%N)
  "$BIN" demo --scale "$SCALE" --as-of "$(date -u +%F)" >/dev/null 2>&1
  t1=$(date +%s.%N)
  local token; token=$("$BIN" token create --user marketingmanager1@accord.example --name bench --scope read 2>/dev/null)
  "$BIN" serve --port "$PORT" --no-jobs >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
  local url="http://127.0.0.1:$PORT/api/v1"
  local base; base=$(median "$url/leads?limit=50" "$token")
  local line="$1, scale $SCALE: demo written in $(printf '%.1f' "$(echo "$t1 - $t0" | bc -l)") s; list page $(ms "$base") ms"
  for query in "period=quarter" "period=quarter&by=rep" "period=quarter&by=campaign" "period=month&by=team" \
               "period=week&by=channel" "period=quarter&by=rep&format=csv"; do
    local t; t=$(median "$url/scorecard?$query" "$token")
    line="$line; $query $(ms "$t") ms ($(printf '%.0f' "$(echo "$t / $base" | bc -l)")×)"
  done
  curl -s -o /dev/null -D "$WORK/headers" -H "Authorization: Bearer $token" "$url/scorecard?period=quarter"
  line="$line; one more quarter by phase in ms: $(grep -i '^server-timing' "$WORK/headers" | sed 's/^[^:]*: *//; s/;dur=/ /g' | tr -d '\r')"
  echo "$line"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}
echo "binary: $BIN; machine: $(nproc) cores, $(uname -m)"
export ACCORD_DB="$WORK/demo.sqlite"
run SQLite
if [ -n "${PG_URL:-}" ]; then
  PGOPTIONS='--client-min-messages=warning' psql "$PG_URL" -q -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null
  unset ACCORD_DB
  export DATABASE_URL="$PG_URL"
  run PostgreSQL
fi
