"""The overview at the top of docs/benchmarks.md: every goal the benchmarks recorded.

Run with ``python -m bench._summary`` (``bash scripts/bench.sh`` runs it last, after every
benchmark, whether or not they met their goals). It reads docs/benchmarks.md alone: each
section's ``<!-- goal: {json} -->`` lines (written by ``bench._report.goals_markdown``),
and writes the section ``goals`` right after the file's header: one row per goal with a
link to its section, and the count of goals met and missed. A section without any goal
line (figures written before goals were recorded) is listed as such. The name starts with
``_`` so that scripts/bench.sh does not run it as a benchmark.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from bench._report import DOC, Goal, goals_in, markdown_table, sections, write_section

SECTION = "goals"
NO_GOAL = "no recorded goal yet — rerun `bash scripts/bench.sh`"


def heading(body: str, key: str) -> str:
    """The section's title (its first ``## `` line), or its key."""
    found = re.search(r"^## (.+)$", body, re.MULTILINE)
    return found.group(1).strip() if found else key


def anchor(title: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces as -."""
    kept = re.sub(r"[^\w\- ]", "", title.lower())
    return "#" + kept.replace(" ", "-")


def summary(text: str) -> str:
    """The overview of every goal recorded in ``text`` (the whole of docs/benchmarks.md)."""
    rows: list[list[str]] = []
    without: list[str] = []
    goals: list[tuple[str, Goal]] = []
    for key, body in sections(text):
        if key == SECTION:
            continue
        title = heading(body, key)
        link = f"[{title}]({anchor(title)})"
        try:
            found = goals_in(body)
        except (ValueError, KeyError, TypeError) as error:  # a goal line edited by hand
            found = [Goal.holds(f"goal lines unreadable ({error})", "", "", False)]
        if not found:
            without.append(link)
            rows.append([link, NO_GOAL, "", "", "", ""])
            continue
        for goal in found:
            goals.append((title, goal))
            rows.append([link, *goal.row()])
    missed = [(title, goal) for title, goal in goals if not goal.met]
    count = f"**{len(goals) - len(missed)} of {len(goals)} goals met, {len(missed)} missed**"
    if not goals:
        count = "**No goal recorded yet**"
    if without:
        count += (
            f"; {len(without)} section{'s' if len(without) > 1 else ''} with no recorded goal "
            "(written before the benchmarks recorded their goals: rerun `bash scripts/bench.sh`)"
        )
    lines = [
        "## Goals at a glance",
        "",
        "Built by `python -m bench._summary` from the goals each section below records "
        "(`bash scripts/bench.sh` runs it after every benchmark). The ratio is the figure "
        "over its reference, or over the limit for an absolute goal; the bound it must keep "
        "is in brackets.",
        "",
        count + ".",
        "",
    ]
    if missed:
        lines += [
            "Not met: " + "; ".join(f"{goal.name} ({title})" for title, goal in missed) + ".",
            "",
        ]
    lines.append(
        markdown_table(["section", "goal", "figure", "reference", "ratio", "verdict"], rows)
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--doc", type=Path, default=DOC, help="the file to read and update")
    parser.add_argument("--no-write", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    text = summary(args.doc.read_text())
    print(text)
    if not args.no_write:
        write_section(SECTION, text, args.doc, first=True)
        print(f"written to {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
