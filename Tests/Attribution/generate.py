#!/usr/bin/env python3
"""Seeded generator of ChannelAttribution path files (one journey per line), for tests and benchmarks.

    generate.py --journeys N [--channels C] [--seed S] [--aggregate] > file.csv

Journeys walk a hidden Markov chain over C channels (some channels pull towards conversion, some away), repeat a
channel now and then, and convert with a probability that grows with the good channels they touched; a converted
journey has a value. With --aggregate, equal paths are summed into one line (counts and values), as exports do.
The same arguments always give the same bytes.
"""
import argparse
import random
import sys

NAMES = ["Paid Search", "Email", "Webinar", "Event", "Display", "Organic", "Paid Social", "Content",
         "Partner", "Direct Mail", "Referral", "Affiliate", "Podcast", "Field Sales", "Retargeting",
         "Review Site", "Community", "Trade Show", "SMS", "Video"]


def channel_names(count):
    return [NAMES[i] if i < len(NAMES) else f"Channel {i + 1}" for i in range(count)]


def generate(journeys, channels, seed):
    rng = random.Random(seed)
    names = channel_names(channels)
    pull = [rng.uniform(0.02, 0.35) for _ in range(channels)]        # how much a touch helps convert
    popularity = [rng.uniform(0.2, 1.0) for _ in range(channels)]
    follow = [[rng.uniform(0.05, 1.0) for _ in range(channels)] for _ in range(channels)]
    value_scale = [rng.uniform(50, 500) for _ in range(channels)]
    for _ in range(journeys):
        length = 1 + min(int(rng.expovariate(0.45)), 11)
        path = [rng.choices(range(channels), weights=popularity)[0]]
        while len(path) < length:
            if rng.random() < 0.12:
                path.append(path[-1])                                   # a repeated touch
            else:
                path.append(rng.choices(range(channels), weights=follow[path[-1]])[0])
        touched = set(path)
        chance = 1 - 1 / (1 + sum(pull[c] for c in touched) * 0.6)
        converted = rng.random() < chance * 0.5
        value = round(sum(value_scale[c] for c in touched) * rng.uniform(0.5, 1.5), 2) if converted else 0
        yield " > ".join(names[c] for c in path), converted, value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--journeys", type=int, required=True)
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--aggregate", action="store_true")
    args = parser.parse_args()
    out = sys.stdout
    out.write("path,total_conversions,total_conversion_value,total_null\n")
    if args.aggregate:
        sums = {}
        for path, converted, value in generate(args.journeys, args.channels, args.seed):
            entry = sums.setdefault(path, [0, 0.0, 0])
            entry[0 if converted else 2] += 1
            entry[1] += value
        for path, (conversions, value, nulls) in sums.items():
            out.write(f"{path},{conversions},{round(value, 2)},{nulls}\n")
    else:
        for path, converted, value in generate(args.journeys, args.channels, args.seed):
            out.write(f"{path},{1 if converted else 0},{value},{0 if converted else 1}\n")


if __name__ == "__main__":
    main()
