"""Where a profiled `narrmon run` spends its CPU: py-spy stacks grouped by process and stage.

    python -m bench.profile_summary STACKS.txt [--markdown FILE]

STACKS.txt is ``py-spy record --subprocesses --format raw`` output (what
``bench.ingest --profile`` writes). Every sample is one process on a core at one instant;
a sample is put in the first stage whose marker appears in its stack.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

# (process role, stage, stack markers); the first matching row wins, so specific
# stages come before the catch-alls of their role.
STAGES: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "crawl",
        "start-up (imports, Scrapy set-up)",
        ("_find_and_load", "Crawler._apply_settings", "Crawler._create_engine", "load_object"),
    ),
    ("crawl", "archive (WARC + pages.jsonl)", ("OutputPipeline.",)),
    ("crawl", "spider callbacks (feeds, links)", ("SourceSpider.",)),
    ("crawl", "fetch (Scrapy engine, Twisted, HTTP)", ("",)),
    ("workers", "extraction (crawlers.extraction.extract)", ("extract (crawlers/extraction",)),
    ("workers", "tagging (narratives.tag)", ("narratives/",)),
    ("workers", "story keys (MinHash)", ("text_story_keys",)),
    ("workers", "WARC read", ("read_record",)),
    ("workers", "start-up (imports)", ("_find_and_load",)),
    ("workers", "pool plumbing (pickling, queues)", ("",)),
    (
        "parent",
        "Great Expectations import and context",
        ("gx_module", "warm_up_gate", "_build (quality"),
    ),
    ("parent", "quality gate (GX validation per batch)", ("gate_items",)),
    ("parent", "load: story dedup (SimHash lookups)", ("near_story", "near_duplicate_stories")),
    (
        "parent",
        "load: database writes",
        (
            "gate_outcomes",
            "store_gated",
            "record_fetch_failures",
            "record_feed_states",
            "finish_crawl_run",
        ),
    ),
    ("parent", "rollups", ("rebuild_dirty",)),
    ("parent", "Data Docs", ("build_quality_docs",)),
    ("parent", "schema and catalogue (migrations)", ("upgrade (models", "sync_catalogue")),
    ("parent", "batch checks", ("batch_checks",)),
    ("parent", "start-up (imports)", ("_find_and_load",)),
    ("parent", "crawl bookkeeping (threads)", ("crawl_source", "prepare_crawl")),
    ("parent", "streaming loop and pool plumbing", ("",)),
    ("forkserver", "forkserver", ("",)),
    ("other", "other", ("",)),
]


def role_of(process: str) -> str:
    """The role of a py-spy process frame (``process PID:"command line"``).

    Stacks of a single-process recording have no process frame: they are the parent's.
    """
    if not process.startswith("process "):
        return "parent"
    if "crawlers.crawl" in process:
        return "crawl"
    if "narrmon.cli" in process:
        return "parent"
    if "forkserver" in process:
        return "workers"  # the forkserver itself is idle; its children are the workers
    return "other"


def summarise(path: Path) -> tuple[Counter[tuple[str, str]], int]:
    """Samples per (role, stage) and the total number of samples."""
    counts: Counter[tuple[str, str]] = Counter()
    total = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if not stack or not n.isdigit():
                continue
            frames = stack.split(";")
            role = role_of(frames[0])
            for r, stage, markers in STAGES:
                if r == role and any(m in stack for m in markers):
                    counts[(role, stage)] += int(n)
                    break
            total += int(n)
    return counts, total


def table(counts: Counter[tuple[str, str]], total: int) -> str:
    """A markdown table: share of all CPU samples per process role and stage."""
    lines = ["| process | stage | share of CPU samples |", "|---|---|---:|"]
    roles: Counter[str] = Counter()
    for (role, _), n in counts.items():
        roles[role] += n
    for role, rn in roles.most_common():
        lines.append(f"| **{role}** | (all) | **{rn / total:.1%}** |")
        for (r, stage), n in counts.most_common():
            if r == role and n / total >= 0.002:
                lines.append(f"| {role} | {stage} | {n / total:.1%} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print (and optionally write) the table for one stacks file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stacks")
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args(argv)
    counts, total = summarise(Path(args.stacks))
    report = table(counts, total)
    print(report)
    if args.markdown:
        Path(args.markdown).write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
