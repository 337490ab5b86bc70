#!/usr/bin/env python3
"""Turns the JSON lines of the section scripts (bench/README.md) into a report.

  report.py --table FIGURES.jsonl                  a plain-text table (a section run alone)
  report.py --meta META.json --figures F.jsonl --json OUT.json --markdown OUT.md
                                                   bench/run-all's latest.json and BENCHMARKS.md
  report.py --from-json latest.json --markdown BENCHMARKS.md
                                                   the same, again, from the JSON
"""
import argparse
import json
import math
import os
import statistics
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(path):
    figures = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                figures.append(json.loads(line))
            except ValueError as e:
                print(f"report: {path}:{n}: not JSON ({e}); line skipped", file=sys.stderr)
    return figures


def stats(values):
    if not values:
        return None
    return {"n": len(values), "min": min(values), "median": statistics.median(values), "max": max(values)}


def key(fig, ref):
    """A baseline reference: 'figure' (same section) or 'section/figure'."""
    return tuple(ref.split("/", 1)) if "/" in ref else (fig["section"], ref)


def evaluate(figures):
    """Adds stats, baseline ratios and the target verdict to every figure."""
    by_id = {(f["section"], f["figure"]): f for f in figures}
    for f in figures:
        f["stats"] = stats(f.get("values", []))
    for f in figures:
        med = f["stats"]["median"] if f["stats"] else None
        ratios, paired = {}, {}
        for ref in f.get("baselines", []):
            b = by_id.get(key(f, ref))
            if b and b["stats"] and med is not None and b["stats"]["median"]:
                ratios[ref] = med / b["stats"]["median"]
                # Same section, same number of runs: the runs were interleaved, so run i's ratio
                # compares like with like even when the machine's load changes between runs.
                v, w = f.get("values", []), b.get("values", [])
                if b["section"] == f["section"] and len(v) == len(w) > 1 and all(w):
                    paired[ref] = stats([x / y for x, y in zip(v, w)])
        f["ratios"] = ratios
        f["paired_ratios"] = paired
        t = f.get("target")
        if not t:
            f["verdict"] = None
            continue
        if med is None:
            f["verdict"] = "no data"
            continue
        bounds_low, bounds_high, missing = [], [], False
        if "min" in t:
            bounds_low.append(t["min"])
        if "max" in t:
            bounds_high.append(t["max"])
        for r, side in (("min_ratio", bounds_low), ("max_ratio", bounds_high)):
            if r in t:
                b = by_id.get(key(f, t.get("of", "")))
                if b and b["stats"]:
                    side.append(t[r] * b["stats"]["median"])
                else:
                    missing = True
        low = max(bounds_low) if bounds_low else None
        high = min(bounds_high) if bounds_high else None
        ok = (low is None or med >= low) and (high is None or med <= high)
        f["target_value"] = low if low is not None else high
        f["verdict"] = ("met" if ok else "not met") + (" (baseline missing)" if missing else "")
    return figures


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def triple(f):
    s = f["stats"]
    if not s:
        return "no data"
    if s["n"] == 1:
        return fmt(s["median"])
    return f"{fmt(s['min'])} / **{fmt(s['median'])}** / {fmt(s['max'])}"


def baseline_text(f, by_id, markdown=True):
    parts = []
    for ref in f.get("baselines", []):
        b = by_id.get(key(f, ref))
        if not b or not b["stats"]:
            parts.append(f"{ref}: no data")
            continue
        r = f["ratios"].get(ref)
        med = fmt(b["stats"]["median"])
        pr = f.get("paired_ratios", {}).get(ref)
        per_run = f"; per run {pr['min']:.0%}–{pr['max']:.0%}" if pr else ""
        parts.append(f"{ref} {med}" + (f" ({r:.1%}{per_run})" if r is not None else ""))
    return "; ".join(parts) if parts else "-"


def target_text(f):
    t = f.get("target")
    if not t:
        return "-"
    words = t.get("text") or json.dumps({k: v for k, v in t.items() if k != "text"})
    value = f.get("target_value")
    verdict = f.get("verdict") or ""
    return f"{words} = {fmt(value)}: **{verdict}**" if value is not None else f"{words}: **{verdict}**"


def table(path):
    figures = evaluate(load(path))
    by_id = {(f["section"], f["figure"]): f for f in figures}
    rows = [("figure", "unit", "min / median / max", "baselines (ratio)", "target")]
    for f in figures:
        rows.append((f"{f['section']}/{f['figure']}", f["unit"], triple(f).replace("**", ""),
                     baseline_text(f, by_id), target_text(f).replace("**", "")))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
    for f in figures:
        if f.get("notes"):
            print(f"  {f['section']}/{f['figure']}: {f['notes']}")


def header_comment(script):
    """What a section script says it measures: its header comment, up to its usage line."""
    about = []
    try:
        with open(script, errors="replace") as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        return ""
    for line in lines:
        if not line.startswith("#"):
            break
        text = line[2:] if line.startswith("# ") else line[1:]
        if text.strip().startswith(("bench/", "usage:")) and "[" in text:
            break
        about.append(text.rstrip())
    while about and not about[-1]:
        about.pop()
    return "\n".join(about)


def about_markdown(text):
    """A script's header comment: prose lines joined into paragraphs, indented lines kept as code."""
    out, para, code = [], [], []

    def flush():
        if para:
            out.extend([" ".join(para), ""])
            para.clear()
        if code:
            out.extend(["```"] + code + ["```", ""])
            code.clear()

    for line in text.split("\n"):
        if line.startswith("  ") and line.strip():
            if para:
                flush()
            code.append(line[2:])
        elif not line.strip():
            flush()
        else:
            if code:
                flush()
            para.append(line.strip())
    flush()
    while out and out[-1] == "":
        out.pop()
    return out


def markdown(meta, figures, out):
    by_id = {(f["section"], f["figure"]): f for f in figures}
    m = meta["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{meta['command']}`; how to read and rerun it: `bench/README.md`.",
        "",
        "| | |",
        "|---|---|",
        f"| date | {meta['date']} |",
        f"| command | `{meta['command']}` |",
        f"| git | {meta.get('git', '-')} |",
        f"| CPU | {m['cpu']} ({m['cores']} cores) |",
        f"| memory | {m.get('memory', '-')} |",
        f"| kernel | {m['kernel']} |",
        f"| JDK | {m['jdk']} |",
        f"| load (`uptime`) before | {meta['uptime_before']} |",
        f"| load (`uptime`) after | {meta.get('uptime_after', '-')} |",
        f"| runs per figure | {meta['runs']}{' (--quick: short durations)' if meta.get('quick') else ''} |",
        f"| server JVM options | `{meta.get('java_opts') or '(defaults)'}` plus `-Xlog:gc` |",
        "",
    ]
    if meta.get("load_note"):
        lines += [meta["load_note"], ""]
    targeted = [f for f in figures if f.get("target")]
    if targeted:
        lines += ["## Targets", "", "| figure | median | target | |", "|---|---|---|---|"]
        for f in targeted:
            med = fmt(f["stats"]["median"]) if f["stats"] else "no data"
            t = f["target"].get("text", "")
            lines.append(f"| `{f['section']}/{f['figure']}` {f['label']} | {med} {f['unit']} | {t} = "
                         f"{fmt(f.get('target_value'))} {f['unit']} | **{f.get('verdict')}** |")
        lines.append("")
    lines += [
        "Every figure is **min / median / max** of its runs (one number: one run). Baselines are",
        "measured in the same run of the same script, interleaved run by run where the script",
        "says so; the ratio is of medians, and \"per run\" gives the range of run-by-run ratios",
        "(run i of a figure against run i of its baseline). Targets are judged on the median.",
        "",
    ]
    sections = []
    for f in figures:
        if f["section"] not in sections:
            sections.append(f["section"])
    for s in meta.get("sections", []):
        if s["name"] not in sections:
            sections.append(s["name"])
    status = {s["name"]: s for s in meta.get("sections", [])}
    for name in sections:
        st = status.get(name, {})
        head = f"## {name}"
        if st.get("seconds") is not None:
            head += f" ({st['seconds']:.0f} s)"
        lines += [head, ""]
        about = header_comment(os.path.join(REPO, "bench", name)) or st.get("about", "")
        if about:
            lines += about_markdown(about) + [""]
        if st.get("result") not in (None, "ok"):
            lines += [f"**{st['result']}**" + (f": {st['detail']}" if st.get("detail") else ""), ""]
            if st.get("stderr_tail"):
                lines += ["```", st["stderr_tail"].rstrip(), "```", ""]
        rows = [f for f in figures if f["section"] == name]
        if not rows:
            continue
        lines += ["| figure | unit | min / **median** / max | baselines, same run (ratio) | target |",
                  "|---|---|---|---|---|"]
        for f in rows:
            label = f"{f['label']} <br>`{f['figure']}`"
            lines.append(f"| {label} | {f['unit']} | {triple(f)} | {baseline_text(f, by_id)} | {target_text(f)} |")
        groups = {}
        for f in rows:
            if f.get("notes"):
                groups.setdefault(f["notes"], []).append(f["figure"])
        if groups:
            lines.append("")
            for note, ids in groups.items():
                who = "all figures above" if len(ids) == len(rows) and len(ids) > 1 else ", ".join(f"`{i}`" for i in ids)
                lines.append(f"- {who}: {note}")
        lines.append("")
    with open(out, "w") as fh:
        fh.write("\n".join(lines))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--table")
    p.add_argument("--meta")
    p.add_argument("--figures")
    p.add_argument("--json")
    p.add_argument("--markdown")
    p.add_argument("--from-json", nargs="+", help="rewrite --markdown (and --json) from a report's JSON; "
                   "several: one report of their sections together (e.g. a run of the slow sections and a "
                   "later run of the others), each part's command, date and load named")
    a = p.parse_args()
    if a.table:
        table(a.table)
        return
    if a.from_json:
        parts = []
        for path in a.from_json:
            with open(path) as fh:
                parts.append(json.load(fh))
        meta = parts[0]
        raw = meta.pop("figures")
        if len(parts) > 1:
            for part in parts[1:]:
                raw += part.pop("figures")
                meta["sections"] = meta["sections"] + part["sections"]
            for key in ("command", "date", "git", "uptime_before", "uptime_after"):
                meta[key] = "; then ".join(str(part.get(key, "")) for part in parts)
        keep = ("section", "figure", "label", "unit", "better", "values", "baselines", "target", "notes")
        figures = evaluate([{k: f[k] for k in keep if k in f} for f in raw])
        a.json = a.json or a.from_json[0]
    else:
        with open(a.meta) as fh:
            meta = json.load(fh)
        figures = evaluate(load(a.figures))
    with open(a.json, "w") as fh:
        json.dump({**meta, "figures": figures}, fh, indent=1)
        fh.write("\n")
    markdown(meta, figures, a.markdown)


if __name__ == "__main__":
    main()
