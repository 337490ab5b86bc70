#!/usr/bin/env python3
"""Prints JMH JSON results (bench/jmh) as one table with allocation per operation, and with
BENCH_OUT set appends two figures per benchmark to that file (time per operation and
gc.alloc.rate.norm), as bench/README.md's contract between run-all and a section says.

  jmh-report.py NOTES FILE.json...
"""
import json
import os
import re
import sys

BULK_PATH = ("TcpInputBenchmark", "TcpSendBenchmark", "SegmentBuildBenchmark", "TcpBulkBenchmark")
# What "no allocation" allows, in B/op: the smallest object is 16 bytes, and JMH's own
# bookkeeping adds a fraction of a byte per operation. An operation of the per-packet benchmarks
# is one segment (one object every 16 segments would show as 1 B/op); one of TcpBulkBenchmark
# is 64 KiB, about 45 segments (an object per segment would be over 700 B/op).
ALLOC_LIMIT = {"TcpBulkBenchmark": 16.0}


def alloc_limit(benchmark):
    return ALLOC_LIMIT.get(benchmark.split(".")[0], 1.0)


def finite(x):
    """JMH writes "NaN" for the error of a single iteration: no error then."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if x != x else x


def rows(files):
    for path in files:
        module = os.path.basename(path)[:-len(".json")]
        with open(path) as f:
            for r in json.load(f):
                name = r["benchmark"].rsplit(".", 2)
                params = r.get("params") or {}
                pm = r["primaryMetric"]
                alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
                yield {
                    "module": module,
                    "benchmark": name[-2] + "." + name[-1],
                    "params": ",".join("%s=%s" % kv for kv in sorted(params.items())),
                    "score": pm["score"],
                    "error": finite(pm.get("scoreError")),
                    "unit": pm["scoreUnit"],
                    "alloc": alloc,
                }


def num(x):
    if isinstance(x, str):
        try:
            x = float(x)
        except ValueError:
            return "-"
    if x is None or x != x:
        return "-"
    return "%.3f" % x if abs(x) < 10 else "%.1f" % x


def main():
    global NOTES
    NOTES = sys.argv[1]
    all_rows = list(rows(sys.argv[2:]))
    header = ("benchmark", "params", "score", "+-", "unit", "alloc B/op")
    table = [header] + [(r["benchmark"], r["params"] or "-", num(r["score"]), num(r["error"]), r["unit"],
                         num(r["alloc"])) for r in all_rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(c.ljust(widths[k]) if k < 2 or k == 4 else c.rjust(widths[k]) for k, c in enumerate(row)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    bulk = [r for r in all_rows if r["benchmark"].split(".")[0] in BULK_PATH and r["alloc"] is not None]
    if bulk:
        over = [r["benchmark"] for r in bulk if r["alloc"] >= alloc_limit(r["benchmark"])]
        print("bulk path allocation: %s" % ("ALLOCATES in " + ", ".join(over) if over else
                                             "none per packet (gc.alloc.rate.norm below one object per operation)"))
    out = os.environ.get("BENCH_OUT")
    if out:
        with open(out, "a") as f:
            for r in all_rows:
                f.write(json.dumps(figure(r, "time")) + "\n")
                if r["alloc"] is not None:
                    f.write(json.dumps(figure(r, "alloc")) + "\n")


def figure(r, kind):
    """One figure of the contract: one value (one JMH run, averaged over its iterations)."""
    ident = re.sub(r"[^a-z0-9]+", "-", (r["benchmark"].replace("Benchmark.", "-") + "-" + r["params"]).lower()).strip("-")
    where = r["benchmark"] + (" (" + r["params"] + ")" if r["params"] else "")
    if kind == "time":
        notes = NOTES + ("; error +-%s (99.9%%)" % num(r["error"]) if r["error"] is not None else "")
        return {"section": "jmh", "figure": ident, "label": where + ", time per operation", "unit": r["unit"],
                "better": "lower", "values": [round(r["score"], 3)], "notes": notes}
    fig = {"section": "jmh", "figure": ident + "-alloc", "label": where + ", heap allocated per operation (gc.alloc.rate.norm)",
           "unit": "B/op", "better": "lower", "values": [round(r["alloc"], 3)], "notes": NOTES}
    if r["benchmark"].split(".")[0] in BULK_PATH:
        fig["target"] = {"max": alloc_limit(r["benchmark"]),
                         "text": "no allocation per packet on the bulk path (about 0 B/op)"}
    return fig


NOTES = ""


if __name__ == "__main__":
    main()
