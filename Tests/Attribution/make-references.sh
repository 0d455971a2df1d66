#!/usr/bin/env bash
# Regenerates the committed test files and their reference attributions (needs numpy; ChannelAttribution, pandas
# and matplotlib for the ChannelAttribution references). The Swift tests compare Accord against these files, so a
# failed ChannelAttribution install cannot hide the check; Tests/Attribution/compare.py checks live when it is
# installed.
set -euo pipefail
cd "$(dirname "$0")"
python3 generate.py --journeys 300 --channels 5 --seed 3 > data/small.csv
python3 generate.py --journeys 20000 --channels 8 --seed 5 --aggregate > data/medium.csv
python3 generate.py --journeys 5000 --channels 14 --seed 9 --aggregate > data/wide.csv
python3 generate.py --journeys 100000 --channels 5 --seed 11 --aggregate > data/large.csv
for name in small medium wide; do
    python3 reference.py heuristics "data/$name.csv" > "reference/$name.heuristics.json"
    for order in 1 2 3; do python3 reference.py markov "data/$name.csv" "$order" > "reference/$name.markov-$order.json"; done
done
python3 reference.py markov data/large.csv 1 > reference/large.markov-1.json
python3 reference.py ca-markov data/large.csv > reference/large.ca-markov.json
