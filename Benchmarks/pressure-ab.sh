#!/usr/bin/env bash
# Two (or more) builds of Accord against each other on one database in the same hour: the contact-pressure dry run of
# 100,000 persons (as pressure-check.sh sends it), each binary started in turn, two warm-up checks, then the median of
# seven checks' server time; ROUNDS rounds (default 2). These machines are noisy, so builds are compared in one run.
# MODE=real measures real checks instead: each binary starts from no reservations (the owners were asked once,
# before the first round), makes two warm-up checks, then seven, each reserving, so each binary sees the same
# reservations live.
#   Benchmarks/pressure-ab.sh OLD_BINARY NEW_BINARY [MORE…]      (SCALE=20 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-20}
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
trap 'rm -rf "$WORK"' EXIT
export ACCORD_DB="$WORK/demo.sqlite"
"$1" demo --scale "$SCALE" --as-of "$(date -u +%F)" > /dev/null 2>&1
token=$("$1" token create --user marketingmanager1@accord.example --name ab --scope write 2>/dev/null)
sqlite3 "$ACCORD_DB" "SELECT email FROM persons" > "$WORK/emails"
campaign=$(sqlite3 "$ACCORD_DB" "SELECT id FROM campaigns WHERE channel = 'email' ORDER BY name LIMIT 1")
python3 - "$WORK/emails" "$campaign" "$WORK/dry.json" "${MODE:-dry}" <<'PY'
import json, sys
emails = [line.strip() for line in open(sys.argv[1]) if line.strip()]
people = emails[:100000] + [f"unknown{i}@nowhere-{i % 97}.example" for i in range(max(0, 100000 - len(emails)))]
json.dump({"campaignId": sys.argv[2].strip().lower(), "persons": people, "dryRun": sys.argv[4] != "real"}, open(sys.argv[3], "w"))
PY
check() {
  curl -s -o /dev/null -D "$WORK/headers" -H "Authorization: Bearer $token" -H 'Expect:' -H 'Content-Type: application/json' \
    --data-binary "@$WORK/dry.json" "http://127.0.0.1:$PORT/api/v1/pressure/check"
  grep -i '^server-timing' "$WORK/headers" | sed 's/.*check;dur=\([0-9.]*\).*/\1/' | tr -d '\r'
}
echo "machine: $(nproc) cores, $(uname -m); scale $SCALE; ${MODE:-dry} checks"
if [ "${MODE:-dry}" = real ]; then  # the owners of the protected accounts are asked once, here
  "$1" serve --port "$PORT" --no-jobs > /dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
  check > /dev/null
  kill "$server"; wait "$server" 2>/dev/null || true
fi
for round in $(seq 1 "${ROUNDS:-2}"); do
  for bin in "$@"; do
    sqlite3 "$ACCORD_DB" "DELETE FROM pressure_reservations"
    "$bin" serve --port "$PORT" --no-jobs > /dev/null 2>&1 &
    server=$!
    for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.2; done
    check > /dev/null; check > /dev/null
    median=$(for _ in 1 2 3 4 5 6 7; do check; done | sort -n | sed -n 4p)
    echo "round $round, $bin: ${MODE:-dry} check $median ms (the last, by phase: $(grep -i '^server-timing' "$WORK/headers" | sed 's/^[^:]*: *//; s/;dur=/ /g' | tr -d '\r'))"
    kill "$server"; wait "$server" 2>/dev/null || true
  done
done
