#!/usr/bin/env bash
# The contact-pressure check of 100,000 persons (issue 15): the demo at SCALE (default 20: 60,000 persons at 10,000
# accounts, a million touchpoints) plus unknown addresses up to 100,000, named by email, through the real server.
# Reports the server's own time (its Server-Timing header: reading the body, the check, writing the answer; and for
# one more dry run the header's phases) and
# curl's total, median of five after one warm-up, for a dry run and for real checks (which reserve and ask owners),
# next to GET /api/v1/leads?limit=50 (the baseline in the same run).
#   Benchmarks/pressure-check.sh [SCALE]                SQLite
#   PG_URL=postgres://… Benchmarks/pressure-check.sh    also PostgreSQL: the database at PG_URL is emptied
#                                                       (DROP SCHEMA public CASCADE) — give it a scratch one
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-20}
TOTAL=${TOTAL:-100000}
BIN=${ACCORD_BIN:-$(ls -t .build/release/accord .build/debug/accord 2>/dev/null | head -1)}
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
ms() { printf '%.0f' "$(echo "$1 * 1000" | bc -l)"; }
timed() {  # body-file token → "server_ms total_s" of one check
  local total
  total=$(curl -s -o "$WORK/answer.json" -D "$WORK/headers" -w '%{time_total}' -H "Authorization: Bearer $2" \
    -H 'Expect:' -H 'Content-Type: application/json' --data-binary "@$1" "http://127.0.0.1:$PORT/api/v1/pressure/check")
  local server; server=$(grep -i '^server-timing' "$WORK/headers" | sed 's/.*dur=\([0-9.]*\).*/\1/' | tr -d '\r')
  echo "$server $total"
}
median5() {  # body-file token → "server_ms total_ms" medians of five
  for _ in 1 2 3 4 5; do timed "$1" "$2"; done > "$WORK/runs"
  echo "$(cut -d' ' -f1 "$WORK/runs" | sort -n | sed -n 3p) $(ms "$(cut -d' ' -f2 "$WORK/runs" | sort -n | sed -n 3p)")"
}
run() {  # label query-command
  local t0 t1; t0=$(date +%s.%N)
  "$BIN" demo --scale "$SCALE" --as-of "$(date -u +%F)" >/dev/null 2>&1
  t1=$(date +%s.%N)
  local token; token=$("$BIN" token create --user marketingmanager1@accord.example --name bench --scope write 2>/dev/null)
  $2 "SELECT email FROM persons" > "$WORK/emails"
  local campaign; campaign=$($2 "SELECT id FROM campaigns WHERE channel = 'email' ORDER BY name LIMIT 1")
  python3 - "$WORK/emails" "$campaign" "$TOTAL" "$WORK" <<'PY'
import json, sys
emails = [line.strip() for line in open(sys.argv[1]) if line.strip()]
total = int(sys.argv[3])
people = emails[:total] + [f"unknown{index}@nowhere-{index % 97}.example" for index in range(max(0, total - len(emails)))]
campaign = sys.argv[2].strip().lower()
for name, dry in (("dry", True), ("real", False)):
    json.dump({"campaignId": campaign, "persons": people, "dryRun": dry}, open(f"{sys.argv[4]}/{name}.json", "w"))
print(f"{len(emails)} persons in the demo, {len(people)} in the check", file=sys.stderr)
PY
  "$BIN" serve --port "$PORT" --no-jobs >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
  curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/leads?limit=50"
  local base; base=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$PORT/api/v1/leads?limit=50"; done | sort -n | sed -n 3p)
  timed "$WORK/dry.json" "$token" > /dev/null  # warm-up
  local dry; dry=$(median5 "$WORK/dry.json" "$token")
  timed "$WORK/dry.json" "$token" > /dev/null
  local phases; phases=$(grep -i '^server-timing' "$WORK/headers" | sed 's/^[^:]*: *//; s/;dur=/ /g' | tr -d '\r')
  local first; first=$(timed "$WORK/real.json" "$token")  # asks the owners of the protected accounts
  local asked; asked=$($2 "SELECT COUNT(*) FROM consent_requests")
  local real; real=$(median5 "$WORK/real.json" "$token")
  local realphases; realphases=$(grep -i '^server-timing' "$WORK/headers" | sed 's/^[^:]*: *//; s/;dur=/ /g' | tr -d '\r')
  local allowed; allowed=$(python3 -c "import json; a = json.load(open('$WORK/answer.json')); print(a['allowed'], a['blocked'], json.dumps(a['blockedByRule']))")
  echo "$1, scale $SCALE: demo written in $(printf '%.1f' "$(echo "$t1 - $t0" | bc -l)") s; list page $(ms "$base") ms;" \
    "dry run: server $(echo "$dry" | cut -d' ' -f1) ms, curl $(echo "$dry" | cut -d' ' -f2) ms (one more, by phase in ms: $phases);" \
    "first real check (asks $asked owners): server $(echo "$first" | cut -d' ' -f1) ms;" \
    "real checks (reserving, with earlier reservations live): server $(echo "$real" | cut -d' ' -f1) ms, curl $(echo "$real" | cut -d' ' -f2) ms (the last, by phase in ms: $realphases);" \
    "server ms / list page ms: $(printf '%.0f' "$(echo "$(echo "$real" | cut -d' ' -f1) / ($base * 1000)" | bc -l)")×;" \
    "last answer: allowed, blocked, by rule = $allowed"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}
echo "binary: $BIN; machine: $(nproc) cores, $(uname -m)"
export ACCORD_DB="$WORK/demo.sqlite"
run SQLite "sqlite3 $ACCORD_DB"
if [ -n "${PG_URL:-}" ]; then
  PGOPTIONS='--client-min-messages=warning' psql "$PG_URL" -q -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null
  unset ACCORD_DB
  export DATABASE_URL="$PG_URL"
  run PostgreSQL "psql $PG_URL -At -c"
fi
