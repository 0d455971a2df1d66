#!/usr/bin/env bash
# Reproduces the numbers in BENCHMARKS.md on this machine. Release builds only (debug is ~4x slower).
#   Benchmarks/run.sh              demo writer at scale 20 vs the sqlite3 ceiling, then HTTP batch ingestion
#   SCALE=2 Benchmarks/run.sh      a quicker run
# Every figure is reported next to a baseline measured in the same run, since these machines are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-20}
WORK=$(mktemp -d /tmp/accord-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

if ! command -v sqlite3 > /dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 > /dev/null
fi
swift build -c release --product accord-bench
swift build -c release --product accord

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(sqlite3 --version | cut -d' ' -f1-2)"

echo "== 1. accord demo --scale $SCALE (release) into SQLite, against a plain sqlite3 bulk insert"
.build/release/accord-bench demo --scale "$SCALE" --db "$WORK/demo.sqlite" | tee "$WORK/demo.json"
rows=$(python3 -c "import json; print(int(json.load(open('$WORK/demo.json'))['rows']))")
python3 Benchmarks/sqlite_ceiling.py "$rows" "$WORK/ceiling.sqlite" | tee "$WORK/ceiling.json"
python3 - "$WORK/demo.json" "$WORK/ceiling.json" <<'PY'
import json, sys
demo, ceiling = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"demo writer: {demo['rows']:,.0f} rows in {demo['writeSeconds']:.2f} s = {demo['rowsPerSecond']:,.0f} rows/s "
      f"(generating: {demo['generateSeconds']:.2f} s)")
for key in ("indexed", "plain"):
    c = ceiling[key]
    print(f"sqlite3 ceiling ({key}): {c['rowsPerSecond']:,.0f} rows/s -> demo writer at "
          f"{demo['rowsPerSecond'] / c['rowsPerSecond']:.2f} of it")
PY

echo "== 2. POST /api/v1/touchpoints:batch over HTTP (release accord serve, SQLite)"
PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
export ACCORD_DB="$WORK/http.sqlite" ACCORD_LOG_LEVEL=warning
.build/release/accord migrate > /dev/null
printf 'benchmark-password-1\n' | .build/release/accord user add --email bench@accord.example --name Bench --role admin --password-stdin > /dev/null
TOKEN=$(.build/release/accord token create --user bench@accord.example --name bench --scope write 2> /dev/null)
.build/release/accord serve --port "$PORT" > "$WORK/serve.log" 2>&1 &
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.2; done
python3 Benchmarks/batch_client.py "http://127.0.0.1:$PORT" --batches 20 --size 10000 --token "$TOKEN" | tee "$WORK/http.json"
python3 - "$WORK/http.json" "$WORK/ceiling.json" <<'PY'
import json, sys
http, ceiling = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"HTTP batches: {http['touchpointsPerSecond']:,.0f} touchpoints/s, p50 {http['p50Seconds']*1000:.0f} ms, "
      f"p99 {http['p99Seconds']*1000:.0f} ms per 10,000 -> {http['touchpointsPerSecond'] / ceiling['indexed']['rowsPerSecond']:.2f} "
      f"of the indexed sqlite3 ceiling")
PY

echo "== 3. Lead scoring engine against hand-coded rules (one core)"
.build/release/accord-bench score

echo "== 4. SLA due times against Foundation's calendar, routing against the territory match alone (one core)"
.build/release/accord-bench handoff

echo "== 5. Background jobs: 1 and 4 worker processes on SQLite (set DATABASE_URL for PostgreSQL)"
JOBS_DB=${DATABASE_URL:-$WORK/jobs.sqlite}
.build/release/accord-bench jobs --db "$JOBS_DB" --jobs 10000 --workers 1
.build/release/accord-bench jobs --db "$JOBS_DB" --jobs 20000 --workers 4

echo "== 6. What is due with a million open leads and jobs (SQLite; set DATABASE_URL for PostgreSQL)"
.build/release/accord-bench due --db "${DATABASE_URL:-$WORK/due.sqlite}" --leads 1000000
