#!/usr/bin/env bash
# Touchpoints per second over HTTP (issue 13): `wrk` against a release `accord serve` on a fresh SQLite database,
# for batches (POST /api/v1/touchpoints:batch, JSON arrays of BATCH touchpoints, every one new) and for single web
# form posts (POST /api/v1/forms/{key}), with p50/p99 latency. Baseline in the same run: Python's sqlite3 writing the
# same rows into a plain touchpoints table (the same columns and unique event id, WAL, synchronous=FULL), one
# transaction per batch: the ceiling of the disk and SQLite alone; for form posts, one row per transaction.
#   Benchmarks/ingest-http.sh [SECONDS] [BATCH]
# With INGEST_BENCH_DATABASE_URL=postgres://... the server runs on that PostgreSQL database instead (its public schema
# is emptied first), and the ceiling is psql inserting the same rows into a plain table in the same database.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-15}
BATCH=${2:-500}
BIN=${ACCORD_BIN:-.build/release/accord}
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2> /dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
export ACCORD_DB="$WORK/accord.sqlite" ACCORD_LOG_LEVEL=warning ACCORD_FORM_POSTS_PER_ADDRESS=100000000
PGURL=${INGEST_BENCH_DATABASE_URL:-}
if [ -n "$PGURL" ]; then
    psql -q "$PGURL" -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public" 2> /dev/null
    unset ACCORD_DB
    export DATABASE_URL="$PGURL"
fi
"$BIN" migrate > /dev/null
printf 'benchmark-password-1\n' | "$BIN" user add --email bench@accord.example --name Bench --role admin --password-stdin > /dev/null
TOKEN=$("$BIN" token create --user bench@accord.example --name bench --scope write --scope admin 2> /dev/null)
"$BIN" serve --port "$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/health" > /dev/null 2>&1 && break; sleep 0.1; done
KEY=$(curl -fs -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"name": "Benchmark"}' "http://127.0.0.1:$PORT/api/v1/web-forms" | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
echo "binary: $BIN; database: $([ -n "$PGURL" ] && echo PostgreSQL || echo SQLite); machine: $(nproc) cores, $(uname -m); batch $BATCH touchpoints; wrk 2 threads, 4 connections, ${SECONDS_RUN} s"

cat > "$WORK/batch.lua" <<LUA
local counter = 0
local thread_id = 0
function setup(thread) thread:set("id", thread_id); thread_id = thread_id + 1 end
function init(args) prefix = "t" .. id .. "-" .. math.random(1, 1e9) .. "-" end
request = function()
  local items = {}
  for i = 1, $BATCH do
    counter = counter + 1
    items[i] = string.format('{"eventId":"%s%d","email":"p%d@company%d.example","kind":"visited","side":"marketing","channel":"website","occurredAt":"2026-01-05T10:00:00Z"}',
      prefix, counter, counter % 20000, counter % 700)
  end
  return wrk.format("POST", "/api/v1/touchpoints:batch", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $TOKEN"},
    "[" .. table.concat(items, ",") .. "]")
end
LUA
cat > "$WORK/form.lua" <<LUA
local counter = 0
local thread_id = 0
function setup(thread) thread:set("id", thread_id); thread_id = thread_id + 1 end
request = function()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/forms/$KEY", {["Content-Type"] = "application/json"},
    string.format('{"email":"v%d-%d@visitor%d.example","firstName":"V","landingUrl":"https://www.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=bench"}', id, counter, counter % 300))
end
LUA
wrk -t2 -c4 -d"${SECONDS_RUN}s" --latency -s "$WORK/batch.lua" "http://127.0.0.1:$PORT" > "$WORK/batch.txt"
wrk -t2 -c4 -d"${SECONDS_RUN}s" --latency -s "$WORK/form.lua" "http://127.0.0.1:$PORT" > "$WORK/form.txt"
if [ -n "$PGURL" ]; then stored=$(psql -tA "$PGURL" -c "SELECT COUNT(*) FROM touchpoints")
else stored=$(sqlite3 "$ACCORD_DB" "SELECT COUNT(*) FROM touchpoints"); fi
python3 - "$WORK" "$BATCH" "$stored" "$PGURL" <<'PY'
import re, sqlite3, subprocess, sys, time, os, uuid
os.environ["PGOPTIONS"] = "--client-min-messages=warning"
work, batch, stored, pgurl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def parse(name):
    text = open(f"{work}/{name}.txt").read()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", text)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rate, pct(50), pct(99), int(errors.group(1)) if errors else 0
# the ceiling: the same rows in a table shaped like Accord's, one transaction per batch (and per row, for forms)
def sqlite_ceiling(size):
    db = sqlite3.connect(f"{work}/ceiling-{size}.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE touchpoints (id BLOB PRIMARY KEY, event_id TEXT UNIQUE, person_id BLOB, campaign_id BLOB, kind TEXT, side TEXT, channel TEXT, occurred_at REAL, created_at REAL)")
    db.execute("CREATE INDEX touchpoints_person ON touchpoints(person_id, occurred_at)")
    rows, start, n = 0, time.perf_counter(), 0
    while time.perf_counter() - start < 5:
        db.execute("BEGIN")
        db.executemany("INSERT INTO touchpoints VALUES (?,?,?,?,?,?,?,?,?)",
                       [(os.urandom(16), f"e{n}-{i}", os.urandom(16), None, "visited", "marketing", "website", 1.0, 1.0) for i in range(size)])
        db.execute("COMMIT"); n += 1; rows += size
    return rows / (time.perf_counter() - start)
def postgres_ceiling(size):
    # psql runs a script of transactions of `size` multi-row inserts (one statement per transaction).
    count = max(1, 100_000 // size)
    lines = ["DROP SCHEMA IF EXISTS ceiling CASCADE; CREATE SCHEMA ceiling;",
             "CREATE TABLE ceiling.touchpoints (id uuid PRIMARY KEY, event_id text UNIQUE, person_id uuid, campaign_id uuid, kind text, side text, channel text, occurred_at timestamptz, created_at timestamptz);",
             "CREATE INDEX ON ceiling.touchpoints(person_id, occurred_at);"]
    for n in range(count):
        values = ",".join(f"('{uuid.uuid4()}','e{n}-{i}','{uuid.uuid4()}',NULL,'visited','marketing','website',now(),now())" for i in range(size))
        lines.append(f"BEGIN; INSERT INTO ceiling.touchpoints VALUES {values}; COMMIT;")
    script = "\n".join(lines[3:])
    subprocess.run(["psql", "-q", pgurl, "-c", " ".join(lines[:3])], check=True)
    start = time.perf_counter()
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pgurl], input=script, text=True, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    subprocess.run(["psql", "-q", pgurl, "-c", "DROP SCHEMA ceiling CASCADE"], check=True)
    return count * size / elapsed
ceiling_of = postgres_ceiling if pgurl else sqlite_ceiling
name = "PostgreSQL (psql)" if pgurl else "sqlite3"
ceiling, single = ceiling_of(batch), ceiling_of(1)
b_rate, b50, b99, b_err = parse("batch")
f_rate, f50, f99, f_err = parse("form")
print(f"{name} ceiling: {ceiling:,.0f} touchpoints/s (transactions of {batch}); {single:,.0f}/s (one row per transaction)")
print(f"batches: {b_rate * batch:,.0f} touchpoints/s ({b_rate:.1f} batches/s), p50 {b50:.1f} ms, p99 {b99:.1f} ms, "
      f"{b_rate * batch / ceiling:.2f} of the ceiling; non-2xx: {b_err}")
print(f"form posts: {f_rate:,.0f} touchpoints/s, p50 {f50:.1f} ms, p99 {f99:.1f} ms, {f_rate / single:.3f} of the one-row ceiling; non-2xx: {f_err}")
print(f"touchpoints stored: {stored:,}")
PY
