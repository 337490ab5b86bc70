#!/usr/bin/env python3
"""Appends one figure, as one JSON line, to $BENCH_OUT (the contract in bench/README.md)."""
import argparse
import json
import os
import re
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--section", required=True)
    p.add_argument("--figure", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--better", choices=["higher", "lower", "none"], required=True)
    p.add_argument("--values", default="", help="numbers separated by spaces, one per run")
    p.add_argument("--baselines", default="")
    p.add_argument("--target-min", type=float)
    p.add_argument("--target-max", type=float)
    p.add_argument("--target-min-ratio", type=float)
    p.add_argument("--target-max-ratio", type=float)
    p.add_argument("--target-of")
    p.add_argument("--target-text")
    p.add_argument("--notes")
    p.add_argument("--out", default=os.environ.get("BENCH_OUT"))
    a = p.parse_args()
    if not a.out:
        sys.exit("emit: no --out and no $BENCH_OUT")
    if not re.fullmatch(r"[a-z0-9-]+", a.figure):
        sys.exit(f"emit: figure id '{a.figure}' must match [a-z0-9-]+")
    line = {"section": a.section, "figure": a.figure, "label": a.label, "unit": a.unit,
            "better": a.better, "values": [float(v) for v in a.values.split()]}
    if a.baselines.split():
        line["baselines"] = a.baselines.split()
    target = {}
    for key, v in (("min", a.target_min), ("max", a.target_max), ("min_ratio", a.target_min_ratio),
                   ("max_ratio", a.target_max_ratio)):
        if v is not None:
            target[key] = v
    if ("min_ratio" in target or "max_ratio" in target) != (a.target_of is not None):
        sys.exit("emit: --target-min-ratio/--target-max-ratio go with --target-of")
    if a.target_of:
        target["of"] = a.target_of
    if a.target_text:
        target["text"] = a.target_text
    if target:
        line["target"] = target
    if a.notes:
        line["notes"] = a.notes
    with open(a.out, "a") as f:
        f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
