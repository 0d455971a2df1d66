#!/usr/bin/env bash
# Attribution on a million journeys (issue 10): Accord's engine (release build of accord-attribution-bench, which
# needs AccordCore only, no Vapor) against ChannelAttribution on the same file, end to end (reading the CSV
# included), each measurement in its own process, with wall time and peak resident memory.
#   Benchmarks/attribution.sh [JOURNEYS]   (default 1000000; needs Python ChannelAttribution, pandas, matplotlib)
set -euo pipefail
cd "$(dirname "$0")/.."
JOURNEYS=${1:-1000000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
swift build -c release --product accord-attribution-bench > /dev/null
BENCH=$(swift build -c release --show-bin-path)/accord-attribution-bench
python3 Tests/Attribution/generate.py --journeys "$JOURNEYS" --channels 8 --seed 7 > "$WORK/journeys.csv"
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); file: $JOURNEYS journeys, $(du -h "$WORK/journeys.csv" | cut -f1)"

accord() {  # spec → "seconds peakMB"
  "$BENCH" "$WORK/journeys.csv" "$1" | python3 -c '
import json, sys
last = [json.loads(line) for line in sys.stdin][-1]
print("%.3f %.0f" % (last["endToEnd"], last["peakKB"] / 1024))'
}
channel_attribution() {  # heuristic | markov:ORDER → "seconds peakMB"
  python3 - "$WORK/journeys.csv" "$1" <<'PY' 2>/dev/null
import os, resource, sys, time
sys.stdout.flush(); saved = os.dup(1); os.dup2(2, 1)   # its banners go to standard error
import pandas as pd
import ChannelAttribution as ca
path, what = sys.argv[1], sys.argv[2]
quiet = {"flg_pro": False}
start = time.perf_counter()
frame = pd.read_csv(path)
if what == "heuristic":
    ca.heuristic_models(frame, "path", "total_conversions", var_value="total_conversion_value", sep=">", **quiet)
else:
    ca.markov_model(frame, "path", "total_conversions", var_value="total_conversion_value", var_null="total_null",
                    order=int(what.split(":")[1]), sep=">", verbose=0, **quiet)
elapsed = time.perf_counter() - start
os.dup2(saved, 1)
print(f"{elapsed:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
PY
}
printf '%-34s %10s %9s\n' "end to end (read + model)" "seconds" "peak MB"
for spec in first last linear position shapley markov:1 markov:2 markov:3 markov:4; do
  read -r seconds peak <<< "$(accord "$spec")"
  printf '%-34s %10s %9s\n' "accord $spec" "$seconds" "$peak"
  eval "accord_${spec//:/_}=$seconds"
done
read -r ca_h ca_hm <<< "$(channel_attribution heuristic)"
printf '%-34s %10s %9s\n' "ChannelAttribution heuristic_models" "$ca_h" "$ca_hm"
read -r ca_m ca_mm <<< "$(channel_attribution markov:1)"
printf '%-34s %10s %9s\n' "ChannelAttribution markov_model 1" "$ca_m" "$ca_mm"
read -r ca_m3 ca_m3m <<< "$(channel_attribution markov:3)"
printf '%-34s %10s %9s\n' "ChannelAttribution markov_model 3" "$ca_m3" "$ca_m3m"
python3 - "$accord_linear" "$ca_h" "$accord_markov_1" "$ca_m" "$accord_markov_3" "$ca_m3" <<'PY'
import sys
linear, ca_linear, m1, ca_m1, m3, ca_m3 = map(float, sys.argv[1:])
print(f"ratios: heuristics {ca_linear / linear:.1f}x faster; markov order 1 {ca_m1 / m1:.1f}x; order 3 {ca_m3 / m3:.1f}x")
PY
