#!/usr/bin/env python3
"""Reference attributions for Accord's tests, computed independently of Accord.

    reference.py markov FILE ORDER      exact Markov removal effects with numpy (dense linear solve)
    reference.py heuristics FILE        ChannelAttribution's heuristic_models (first, last, linear)
    reference.py ca-markov FILE         ChannelAttribution's simulated markov_model, order 1 (a million simulated
                                        journeys, conv_par 0.01: its defaults, 1e5 and 0.05, leave the value off
                                        the exact answer by more than 5 % on some files)

Each prints JSON: {"model": {"channel": {"conversions": x, "value": y}, ...}, ...}.

The exact Markov computation follows the conventions of docs/attribution.md: states are windows of ORDER
consecutive touches (a shorter path is one state), consecutive equal states collapse, transitions are weighted by
journeys (conversions + nulls), a removed channel's states go to null, removal effect = 1 - P(without)/P, value by
the mean conversion value of the state converted from.
"""
import csv
import json
import sys

import numpy as np


def read_paths(path):
    with open(path, newline="", encoding="utf-8") as handle:
        sample = handle.readline()
        handle.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        rows = csv.DictReader(handle, delimiter=delimiter)
        sums = {}
        for row in rows:
            channels = tuple(part.strip() for part in row["path"].split(">"))
            entry = sums.setdefault(channels, [0.0, 0.0, 0.0])
            entry[0] += float(row["total_conversions"])
            entry[1] += float(row.get("total_conversion_value") or 0)
            entry[2] += float(row.get("total_null") or 0)
    return sums


def states_of(channels, order):
    if len(channels) <= order:
        windows = [channels]
    else:
        windows = [channels[i:i + order] for i in range(len(channels) - order + 1)]
    collapsed = []
    for window in windows:
        if not collapsed or collapsed[-1] != window:
            collapsed.append(window)
    return collapsed


def exact_markov(sums, order):
    index = {}
    for channels in sums:
        for state in states_of(channels, order):
            index.setdefault(state, len(index))
    n = len(index)
    weights = np.zeros((n, n))
    start = np.zeros(n)
    convert = np.zeros(n)
    null = np.zeros(n)
    value = np.zeros(n)
    for channels, (conversions, total_value, nulls) in sums.items():
        journeys = conversions + nulls
        states = [index[s] for s in states_of(channels, order)]
        start[states[0]] += journeys
        for a, b in zip(states, states[1:]):
            weights[a, b] += journeys
        convert[states[-1]] += conversions
        null[states[-1]] += nulls
        value[states[-1]] += total_value
    out = weights.sum(axis=1) + convert + null
    out[out == 0] = 1
    q = weights / out[:, None]
    p_convert = convert / out
    mean_value = np.divide(value, convert, out=np.zeros(n), where=convert > 0)
    rhs = np.stack([p_convert, p_convert * mean_value], axis=1)
    start_p = start / start.sum()
    members = {state: set(state) for state in index}
    names = sorted({c for channels in sums for c in channels})

    def solve(removed):
        keep = np.array([not removed[s] for s in range(n)])
        h = np.zeros((n, 2))
        if keep.any():
            sub = np.eye(keep.sum()) - q[np.ix_(keep, keep)]
            h[keep] = np.linalg.solve(sub, rhs[keep])
        return start_p @ h

    base = solve([False] * n)
    effects = {}
    by_state = sorted(index.items(), key=lambda item: item[1])
    for name in names:
        removed = [name in members[state] for state, _ in by_state]
        without = solve(removed)
        effects[name] = [1 - without[0] / base[0] if base[0] > 0 else 0.0,
                         1 - without[1] / base[1] if base[1] > 0 else 0.0]
    total_conversions = sum(v[0] for v in sums.values())
    total_value = sum(v[1] for v in sums.values())
    sum_c = sum(e[0] for e in effects.values())
    sum_v = sum(e[1] for e in effects.values())
    return {name: {"conversions": effects[name][0] / sum_c * total_conversions if sum_c else 0.0,
                   "value": effects[name][1] / sum_v * total_value if sum_v else 0.0,
                   "removalEffect": effects[name][0]} for name in names}


def dataframe(path):
    import pandas as pd
    sums = read_paths(path)
    return pd.DataFrame({"path": [" > ".join(c) for c in sums],
                         "total_conversions": [v[0] for v in sums.values()],
                         "total_conversion_value": [v[1] for v in sums.values()],
                         "total_null": [v[2] for v in sums.values()]})


class stdout_to_stderr:
    """ChannelAttribution prints banners on standard output (also from C++): send them to standard error."""

    def __enter__(self):
        import os
        sys.stdout.flush()
        self.saved = os.dup(1)
        os.dup2(2, 1)

    def __exit__(self, *exc):
        import os
        sys.stdout.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)


def quiet(function):
    """ChannelAttribution 2.2 advertises its Pro edition unless told not to."""
    import inspect
    return {"flg_pro": False} if "flg_pro" in inspect.signature(function).parameters else {}


def heuristics(path):
    with stdout_to_stderr():
        from ChannelAttribution import heuristic_models
        frame = heuristic_models(dataframe(path), "path", "total_conversions", var_value="total_conversion_value",
                                 sep=">", **quiet(heuristic_models))
    result = {}
    for model, column in [("first", "first_touch"), ("last", "last_touch"), ("linear", "linear_touch")]:
        result[model] = {row["channel_name"]: {"conversions": float(row[column + "_conversions"]),
                                               "value": float(row[column + "_value"])}
                         for _, row in frame.iterrows()}
    return result


def ca_markov(path):
    with stdout_to_stderr():
        from ChannelAttribution import markov_model
        frame = markov_model(dataframe(path), "path", "total_conversions", var_value="total_conversion_value",
                             var_null="total_null", order=1, sep=">", verbose=0, nsim_start=1e6, conv_par=0.01,
                             **quiet(markov_model))
    return {"markov": {row["channel_name"]: {"conversions": float(row["total_conversions"]),
                                             "value": float(row["total_conversion_value"])}
                       for _, row in frame.iterrows()}}


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "markov":
        order = int(sys.argv[3])
        result = {f"markov-{order}": exact_markov(read_paths(path), order)}
    elif command == "heuristics":
        result = heuristics(path)
    elif command == "ca-markov":
        result = ca_markov(path)
    else:
        raise SystemExit(f"unknown command {command}")
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
