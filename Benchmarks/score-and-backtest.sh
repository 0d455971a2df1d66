#!/usr/bin/env bash
# Live scoring and backtest throughput on the demo company (issue 8), on SQLite.
#   Benchmarks/score-and-backtest.sh [SCALE]   (default 20)
# Loads the demo at SCALE and at scale 1 (the baseline in the same run), then times `accord score --all`
# and `accord definition backtest --version 1` (a year of history) on each; prints persons/s and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-20}
# The newer of the release and debug builds (or ACCORD_BIN).
BIN=${ACCORD_BIN:-$(ls -t .build/release/accord .build/debug/accord 2>/dev/null | head -1)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
run() {  # scale
  export ACCORD_DB="$WORK/demo-$1.sqlite"
  "$BIN" demo --scale "$1" >/dev/null 2>&1
  local persons; persons=$(sqlite3 "$ACCORD_DB" "select count(*) from persons")
  local t0; t0=$(now); "$BIN" score --all >/dev/null; local t1; t1=$(now)
  "$BIN" definition backtest --version 1 --from "$(date -u -d '365 days ago' +%F)" --json >/dev/null; local t2; t2=$(now)
  local touches; touches=$(sqlite3 "$ACCORD_DB" "select count(*) from touchpoints")
  python3 - "$1" "$persons" "$touches" "$t0" "$t1" "$t2" <<'PY'
import sys
scale, persons, touches, t0, t1, t2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(float, sys.argv[4:])
print(f"scale {scale}: {persons} persons, {touches} touchpoints; score --all {t1-t0:.2f} s "
      f"({persons/(t1-t0):.0f} persons/s); backtest of a year {t2-t1:.2f} s ({persons/(t2-t1):.0f} persons/s)")
PY
}
echo "binary: $BIN; machine: $(nproc) cores, $(uname -m)"
run 1
run "$SCALE"
