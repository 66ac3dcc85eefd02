#!/usr/bin/env python3
"""Draws benches/chart.svg, the README's benchmark chart, from the benches' own output.

Per workload, every variant's cost as a ratio to the hand-written variant of the same workload,
on a log axis: bars are instructions per item (callgrind, deterministic), diamonds are criterion
median times (short runs on a shared machine, noisy). Plain Python 3, no dependencies.

Inputs (both committed, so the chart can be redrawn without rerunning anything):
  benches/results/callgrind.txt   the output of `bash benches/callgrind.sh`
  benches/results/criterion.txt   criterion's medians, one `group<TAB>function<TAB>ns` a line,
                                  collected from $CARGO_TARGET_DIR/criterion by --criterion

To regenerate everything (from the repository's root; callgrind takes several minutes):

  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
  bash benches/callgrind.sh > benches/results/callgrind.txt
  for b in ping_pong generators recursion many; do
    cargo bench --bench "$b" -- --warm-up-time 1 --measurement-time 2
  done
  cargo bench --bench pipe -- --warm-up-time 1 --measurement-time 2 d_pipeline/
  cargo bench --bench stream -- --warm-up-time 1 --measurement-time 2
  python3 benches/chart.py --criterion "$CARGO_TARGET_DIR/criterion"

To redraw from the committed results only: `python3 benches/chart.py`.
"""

import argparse
import json
import math
import os
import sys
from html import escape

HERE = os.path.dirname(os.path.abspath(__file__))
CALLGRIND = os.path.join(HERE, "results", "callgrind.txt")
CRITERION = os.path.join(HERE, "results", "criterion.txt")
SVG = os.path.join(HERE, "chart.svg")

# Who wrote each variant: the bar's colour and the legend's entry.
KINDS = {
    "hand": ("hand-written", "#8c8c8c"),
    "ours": ("resumable", "#d95f02"),
    "genawaiter": ("genawaiter", "#1b9e77"),
    "corosensei": ("corosensei", "#7570b3"),
    "diapause": ("diapause", "#e7298a"),
    "fauxgen": ("fauxgen", "#66a61e"),
    "generator-rs": ("generator-rs", "#e6ab02"),
    "async-stream": ("async-stream", "#a6761d"),
}

# Per workload: its title, its criterion group, and its variants as (label, kind, callgrind
# workload, criterion function or None). The first variant is the baseline (ratio 1).
WORKLOADS = [
    ("(a) ping-pong, 10M round trips, u64 each way", "a_ping_pong", [
        ("hand-written state machine", "hand", "ping_pong_hand", "hand_written"),
        ("resumable", "ours", "ping_pong_ours", "resumable"),
        ("resumable, Lua-style Coroutine::resume", "ours", "handle_ours", None),
        ("genawaiter (stack)", "genawaiter", "ping_pong_genawaiter", "genawaiter_stack"),
        ("corosensei", "corosensei", "ping_pong_corosensei", "corosensei"),
        ("diapause", "diapause", "ping_pong_diapause", "diapause"),
        ("fauxgen", "fauxgen", "ping_pong_fauxgen", "fauxgen"),
        ("generator-rs", "generator-rs", "ping_pong_generator_rs", "generator_rs"),
    ]),
    ("(b) generator sum, 100M items", "b_generator_sum", [
        ("hand-written Iterator", "hand", "sum_hand", "hand_written_iterator"),
        ("resumable, for x in gen()", "ours", "sum_ours_for", "resumable_for_loop"),
        ("resumable, Iter::new(pin!(gen()))", "ours", "sum_ours_pinned",
         "resumable_pinned_iter"),
        ("genawaiter (stack)", "genawaiter", "sum_genawaiter", "genawaiter_stack"),
        ("corosensei", "corosensei", "sum_corosensei", "corosensei"),
        ("diapause", "diapause", "sum_diapause", "diapause"),
        ("fauxgen", "fauxgen", "sum_fauxgen", "fauxgen"),
        ("generator-rs", "generator-rs", "sum_generator_rs", "generator_rs"),
    ]),
    ("(c) permutations of 10, recursive permgen", "c_permutations_of_10", [
        ("hand-written recursion, callback", "hand", "perm_hand_callback",
         "hand_written_recursion"),
        ("hand-written iterator", "hand", "perm_hand_iter", "hand_written_iterator"),
        ("resumable, yield_from! recursion", "ours", "perm_ours", "resumable"),
        ("genawaiter, boxed recursion", "genawaiter", "perm_genawaiter", "genawaiter_boxed"),
        ("corosensei, on its stack", "corosensei", "perm_corosensei", "corosensei"),
        ("diapause, yield_all!(box ..)", "diapause", "perm_diapause", "diapause_boxed"),
        ("fauxgen, boxed, re-yielded", "fauxgen", "perm_fauxgen", "fauxgen_boxed_reyield"),
        ("generator-rs, on its stack", "generator-rs", "perm_generator_rs", "generator_rs"),
    ]),
    ("(d) producer \u2192 x + 1 \u2192 sum, 10M items", "d_pipeline", [
        ("iterator chain (hand-written)", "hand", "pipe_iterator_chain", "iterator_chain"),
        ("resumable, pipe, pulled", "ours", "pipe_pull", "pull"),
        ("resumable, sink, pushed", "ours", "pipe_push", "push"),
        ("genawaiter (stack) filter", "genawaiter", "pipe_pull_genawaiter", "pull_genawaiter"),
        ("corosensei filter", "corosensei", "pipe_pull_corosensei", "pull_corosensei"),
        ("diapause filter", "diapause", "pipe_pull_diapause", "pull_diapause"),
        ("fauxgen filter", "fauxgen", "pipe_pull_fauxgen", "pull_fauxgen"),
        ("generator-rs filter", "generator-rs", "pipe_pull_generator_rs", "pull_generator_rs"),
    ]),
    ("(e) create + resume once, 1M kept alive", "e_create_and_resume_many", [
        ("hand-written, in a Vec", "hand", "many_hand", "hand_written_vec"),
        ("resumable, PinnedSlice", "ours", "many_ours_slice", "resumable_pinned_slice"),
        ("resumable, Box::pin each", "ours", "many_ours_boxed", "resumable_boxed"),
        ("genawaiter, rc::Gen each", "genawaiter", "many_genawaiter", "genawaiter_rc"),
        ("diapause, in a Vec", "diapause", "many_diapause", "diapause_vec"),
        ("fauxgen, Box::pin each", "fauxgen", "many_fauxgen", "fauxgen_boxed"),
    ]),
    ("(f) in-order walk of a binary tree, recursive generator", "f_tree_walk", [
        ("hand-written recursion, callback", "hand", "tree_hand_callback",
         "hand_written_recursion"),
        ("hand-written iterator", "hand", "tree_hand_iter", "hand_written_iterator"),
        ("resumable, yield_from! recursion", "ours", "tree_ours", "resumable"),
        ("genawaiter, boxed recursion", "genawaiter", "tree_genawaiter", "genawaiter_boxed"),
        ("corosensei, on its stack", "corosensei", "tree_corosensei", "corosensei"),
        ("diapause, yield_all!(box ..)", "diapause", "tree_diapause", "diapause_boxed"),
        ("fauxgen, boxed, re-yielded", "fauxgen", "tree_fauxgen", "fauxgen_boxed_reyield"),
        ("generator-rs, on its stack", "generator-rs", "tree_generator_rs", "generator_rs"),
    ]),
    ("async stream, 10M items, each awaiting a ready future",
     "stream of 10M u64, each awaiting a ready future", [
         ("hand-written poll_next", "hand", "stream_hand", "hand-written poll_next"),
         ("resumable, async generator", "ours", "stream_ours", "resumable (async)"),
         ("async-stream, stream!", "async-stream", "stream_async_stream",
          "async-stream stream!"),
         ("genawaiter, rc async", "genawaiter", "stream_genawaiter", "genawaiter rc async"),
     ]),
    ("delegation depth: yielded n levels down (baseline: (b)'s hand-written loop)",
     "delegation_depth", [
         ("hand-written Iterator, (b)", "hand", "sum_hand", None),
         ("resumable, 10 levels down", "ours", "depth_10", "yield_from_depth_10"),
         ("resumable, 10,000 levels down", "ours", "depth_10000", "yield_from_depth_10000"),
     ]),
]


def read_callgrind(path):
    """`workload instructions/item` lines of benches/callgrind.sh's output."""
    counts = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                try:
                    counts[parts[0]] = float(parts[1])
                except ValueError:
                    pass  # the header
    return counts


def collect_criterion(directory, out):
    """Writes the median of every benchmark under criterion's output directory to `out`."""
    rows = []
    for root, _dirs, files in os.walk(directory):
        if os.path.basename(root) != "new" or "estimates.json" not in files:
            continue
        with open(os.path.join(root, "benchmark.json"), encoding="utf-8") as f:
            bench = json.load(f)
        with open(os.path.join(root, "estimates.json"), encoding="utf-8") as f:
            median = json.load(f)["median"]["point_estimate"]
        rows.append((bench["group_id"], bench.get("function_id") or "", median))
    rows.sort()
    with open(out, "w", encoding="utf-8") as f:
        f.write("# criterion medians (ns per iteration), collected by benches/chart.py\n")
        for group, function, ns in rows:
            f.write(f"{group}\t{function}\t{ns:.3f}\n")


def read_criterion(path):
    times = {}
    if not os.path.exists(path):
        return times
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            group, function, ns = line.rstrip("\n").split("\t")
            times[(group, function)] = float(ns)
    return times


def fmt_ratio(r):
    return f"{r:.2f}\u00d7" if r < 10 else f"{r:.0f}\u00d7"


def fmt_count(c):
    return f"{c:.0f}" if c >= 100 or c == int(c) else f"{c:.1f}"


def draw(counts, times):
    # Rows: (title) or (label, kind, instruction ratio, count, time ratio or None).
    rows = []
    ratios = []
    missing = []
    for title, group, variants in WORKLOADS:
        base_name, base_fn = variants[0][2], variants[0][3]
        if base_name not in counts:
            missing.append(base_name)
            continue
        base = counts[base_name]
        base_t = times.get((group, base_fn)) if base_fn else None
        rows.append((title,))
        for label, kind, name, function in variants:
            if name not in counts:
                missing.append(name)
                continue
            r = counts[name] / base
            t = None
            if base_t and function and (group, function) in times:
                t = times[(group, function)] / base_t
                ratios.append(t)
            ratios.append(r)
            rows.append((label, kind, r, counts[name], t))
    if missing:
        print("not in the callgrind output (left out):", ", ".join(missing), file=sys.stderr)

    ticks = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
    lo = min([0.5] + [r / 1.15 for r in ratios])
    hi = max(r * 1.15 for r in ratios)
    lo = max(t for t in ticks if t <= lo) if lo >= ticks[0] else lo
    hi = min(t for t in ticks if t >= hi)

    width, label_x, x0, x1, value_x = 900, 292, 300, 772, 780
    row_h, title_h, top = 17, 24, 92

    def x(r):
        return x0 + (math.log10(r) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (
            x1 - x0)

    height = top + sum(title_h if len(r) == 1 else row_h for r in rows) + 40
    out = []
    add = out.append
    add(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="11">')
    add("<title>resumable benchmarks: cost relative to hand-written code, per workload</title>")
    add(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    add('<text x="10" y="20" font-size="15" font-weight="bold" fill="#222">Cost per item, '
        'as a ratio to the hand-written variant of each workload (log scale, lower is better)'
        '</text>')
    add('<text x="10" y="38" fill="#444">Bars: instructions per item (callgrind, '
        'deterministic; the figure after the ratio). \u25c6: median time (criterion, short '
        'runs on a shared 2-core machine: noisy).</text>')

    # Legend.
    lx = 10
    for kind, (name, colour) in KINDS.items():
        add(f'<rect x="{lx}" y="50" width="12" height="10" fill="{colour}"/>')
        add(f'<text x="{lx + 16}" y="59" fill="#222">{escape(name)}</text>')
        lx += 16 + 7 * len(name) + 14
    add(f'<path d="M{lx + 6},49 l5,6 l-5,6 l-5,-6 z" fill="#fff" stroke="#000" '
        f'stroke-width="1.2"/>')
    add(f'<text x="{lx + 16}" y="59" fill="#222">time ratio</text>')

    # Axis: grid lines and tick labels, top and bottom.
    bottom = height - 30
    for t in ticks:
        if lo <= t <= hi:
            tx = x(t)
            strong = t == 1
            add(f'<line x1="{tx:.1f}" y1="{top - 10}" x2="{tx:.1f}" y2="{bottom}" '
                f'stroke="{"#444" if strong else "#ddd"}" stroke-width="{1.2 if strong else 1}"/>')
            label = f"{t:g}\u00d7"
            add(f'<text x="{tx:.1f}" y="{top - 14}" text-anchor="middle" fill="#555">{label}'
                '</text>')
            add(f'<text x="{tx:.1f}" y="{bottom + 13}" text-anchor="middle" fill="#555">'
                f'{label}</text>')

    y = top
    for row in rows:
        if len(row) == 1:
            add(f'<text x="10" y="{y + 16}" font-weight="bold" fill="#222" stroke="#fff" '
                'stroke-width="3" paint-order="stroke">'
                f'{escape(row[0])}</text>')
            add(f'<line x1="10" y1="{y + 20}" x2="{width - 10}" y2="{y + 20}" stroke="#bbb"/>')
            y += title_h
            continue
        label, kind, r, count, t = row
        colour = KINDS[kind][1]
        weight = ' font-weight="bold"' if kind == "ours" else ""
        add(f'<text x="{label_x}" y="{y + 12}" text-anchor="end" fill="#222"{weight}>'
            f'{escape(label)}</text>')
        a, b = sorted((x(1), x(r)))
        add(f'<rect x="{a:.1f}" y="{y + 3}" width="{max(b - a, 1.5):.1f}" height="11" '
            f'fill="{colour}"><title>{escape(label)}: {fmt_ratio(r)}, '
            f'{fmt_count(count)} instructions per item</title></rect>')
        if t is not None:
            tx = x(t)
            add(f'<path d="M{tx:.1f},{y + 2} l5,6.5 l-5,6.5 l-5,-6.5 z" fill="#fff" '
                f'stroke="#000" stroke-width="1.2"><title>{escape(label)}: time '
                f'{fmt_ratio(t)}</title></path>')
        add(f'<text x="{value_x}" y="{y + 12}" fill="#222">{fmt_ratio(r)} '
            f'<tspan fill="#777">({fmt_count(count)})</tspan></text>')
        y += row_h

    add(f'<text x="10" y="{height - 6}" fill="#777">Generated by benches/chart.py from '
        'benches/results/callgrind.txt and benches/results/criterion.txt; the workloads are '
        'in benches/workloads/.</text>')
    add("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--criterion", metavar="DIR",
                        help="criterion's output directory ($CARGO_TARGET_DIR/criterion): "
                             "refresh benches/results/criterion.txt from it first")
    parser.add_argument("--output", default=SVG, help="the SVG to write (benches/chart.svg)")
    args = parser.parse_args()
    if args.criterion:
        collect_criterion(args.criterion, CRITERION)
    svg = draw(read_callgrind(CALLGRIND), read_criterion(CRITERION))
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(svg)


if __name__ == "__main__":
    main()
