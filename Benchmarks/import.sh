#!/usr/bin/env bash
# CSV import speed and memory (issue 12): a generated HubSpot contacts export of ROWS rows (default 100,000) and a
# tenth of it, each imported into an empty SQLite database, then imported again (nothing changes). Baseline in the
# same run: the sqlite3 shell's `.import --csv` of the same file into a plain table (parse and insert, no checks).
#   Benchmarks/import.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
BIN=${ACCORD_BIN:-$(ls -t .build/release/accord .build/debug/accord 2>/dev/null | head -1)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$ROWS" "$WORK" <<'PY'
import sys, random
n, work = int(sys.argv[1]), sys.argv[2]
random.seed(7)
stages = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"]
for size, name in ((n // 10, "small"), (n, "large")):
    with open(f"{work}/{name}.csv", "w", encoding="utf-8") as f:
        f.write("Record ID,Email,First Name,Last Name,Job Title,Lifecycle Stage,Create Date\n")
        for i in range(size):
            f.write(f'{i+1},person{i}@company{i % 5000}.example,First{i},"Last, {i}",Title {i % 40},'
                    f'{random.choice(stages)},2025-0{1 + i % 9}-1{i % 10}T10:00:00Z\n')
PY
echo "binary: $BIN; machine: $(nproc) cores, $(uname -m)"
for name in small large; do
  rows=$(($(wc -l < "$WORK/$name.csv") - 1))
  t0=$(date +%s.%N); sqlite3 "$WORK/ceiling-$name.sqlite" ".import --csv $WORK/$name.csv contacts"; t1=$(date +%s.%N)
  export ACCORD_DB="$WORK/$name.sqlite"
  "$BIN" migrate >/dev/null 2>&1
  first=$( { /usr/bin/time -f "%e %M" "$BIN" import "$WORK/$name.csv" >/dev/null; } 2>&1 | tail -1)
  again=$( { /usr/bin/time -f "%e %M" "$BIN" import "$WORK/$name.csv" >/dev/null; } 2>&1 | tail -1)
  python3 - "$name" "$rows" "$t0" "$t1" $first $again <<'PY'
import sys
name, rows, t0, t1, s1, kb1, s2, kb2 = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
ceiling = rows / (t1 - t0)
print(f"{name}: {rows} rows; sqlite3 .import {ceiling:,.0f} rows/s; accord import {rows / s1:,.0f} rows/s "
      f"({rows / s1 / ceiling:.3f} of the ceiling), peak {kb1 / 1024:.0f} MB; again (no change) {rows / s2:,.0f} rows/s, "
      f"peak {kb2 / 1024:.0f} MB")
PY
done
