#!/usr/bin/env python3
"""Live check of `accord attribute` on freshly generated files (other seeds than the committed ones):
first/last/linear against ChannelAttribution's heuristic_models (1e-9 relative), markov orders 1-3 against the exact
numpy computation (1e-9 relative), and markov order 1 within 5 % per channel of ChannelAttribution's simulated
markov_model. The numpy part runs whenever numpy is installed; the ChannelAttribution parts when it is.

    compare.py ACCORD_BINARY
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reference  # noqa: E402


def accord(binary, path, model, order=None):
    arguments = [binary, "attribute", "--paths", path, "--model", model, "--json"]
    if order:
        arguments += ["--order", str(order)]
    output = subprocess.run(arguments, check=True, capture_output=True, text=True).stdout
    return {row["channel"]: row for row in json.loads(output)}


def close(a, b, relative):
    return abs(a - b) <= relative * max(abs(a), abs(b), 1e-12)


def check(label, ours, theirs, relative, failures):
    for channel, expected in theirs.items():
        got = ours.get(channel, {"conversions": 0.0, "value": 0.0})
        for key in ("conversions", "value"):
            if not close(got[key], expected[key], relative):
                failures.append(f"{label} {channel} {key}: accord {got[key]} vs {expected[key]}")


def main():
    binary = sys.argv[1]
    has_ca = importlib.util.find_spec("ChannelAttribution") is not None
    folder = tempfile.mkdtemp(prefix="accord-attribution-")
    failures, checks = [], 0
    files = []
    for seed, journeys, channels in [(101, 3000, 4), (102, 30000, 9), (103, 8000, 12)]:
        path = os.path.join(folder, f"seed-{seed}.csv")
        with open(path, "w") as handle:
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--journeys", str(journeys),
                            "--channels", str(channels), "--seed", str(seed)], check=True, stdout=handle)
        files.append(path)
    for path in files:
        sums = reference.read_paths(path)
        for order in (1, 2, 3):
            check(f"{os.path.basename(path)} markov-{order}", accord(binary, path, "markov", order),
                  reference.exact_markov(sums, order), 1e-9, failures)
            checks += 1
        if has_ca:
            expected = reference.heuristics(path)
            for model in ("first", "last", "linear"):
                check(f"{os.path.basename(path)} {model}", accord(binary, path, model), expected[model], 1e-9, failures)
                checks += 1
    if has_ca:
        large = os.path.join(folder, "large.csv")
        with open(large, "w") as handle:
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--journeys", "200000", "--channels", "6",
                            "--seed", "104", "--aggregate"], check=True, stdout=handle)
        check("large markov vs ChannelAttribution's simulation", accord(binary, large, "markov", 1),
              reference.ca_markov(large)["markov"], 0.05, failures)
        checks += 1
    else:
        print("ChannelAttribution is not installed: compared with numpy only (the committed references still run in swift test)")
    for failure in failures:
        print("FAIL", failure)
    print(f"{checks} comparisons, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
