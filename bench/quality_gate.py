"""Benchmark of the quality gate: import cost and validation time of a 1,000-row batch.

Run: ``.venv/bin/python -m bench.quality_gate [--rows 1000] [--runs 7] [--markdown FILE]``.

Reports the one-off costs (``import great_expectations`` and ``import quality.gate`` in a
fresh interpreter; the first validation, which imports GX and creates the file data
context) and then the median, min and max of ``--runs`` validations of the same batch
(derived columns in pandas plus one Great Expectations validation), and one Data Docs
build. The batch holds realistic 600-word articles, 3 % of them bad.
Target (issue #5): under 1 s per 1,000 rows after the import.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawlers.urls import host_allowed
from quality.records import GateRow

TARGET_S = 1.0  # issue #5: validating 1,000 articles costs under 1 s after the import
WORDS = 600  # words per article: a typical news article body
PARAGRAPH_WORDS = 60  # words per paragraph: running prose
BAD_EVERY = 33  # one bad row in 33: about 3 % of the batch
_VOCAB = [
    "alliance",
    "ministers",
    "brussels",
    "enlargement",
    "security",
    "summit",
    "treaty",
    "border",
    "talks",
    "promise",
    "moscow",
    "kyiv",
    "warsaw",
    "baltic",
    "defence",
    "troops",
    "exercise",
    "sovereignty",
    "officials",
    "said",
    "that",
    "the",
    "of",
    "and",
    "in",
    "on",
    "with",
    "for",
    "a",
    "to",
    "was",
    "were",
    "would",
    "not",
    "has",
    "have",
    "been",
]
NOW = datetime(2025, 3, 3, 12, tzinfo=UTC)


def make_rows(n: int, seed: int = 5) -> list[GateRow]:
    """``n`` deterministic rows; every ``BAD_EVERY``-th breaks one check."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        paragraphs = [
            " ".join(rng.choice(_VOCAB) for _ in range(PARAGRAPH_WORDS)).capitalize() + "."
            for _ in range(WORDS // PARAGRAPH_WORDS)
        ]
        text = "\n".join(paragraphs)
        url = f"https://www.herald.example/world/{i}"
        published: datetime | None = NOW - timedelta(hours=rng.randrange(1, 48))
        kind = (i // BAD_EVERY) % 3 if i % BAD_EVERY == 1 else -1
        if kind == 0:
            text = text + "\n<div>Advertisement</div>"
        elif kind == 1:
            url = f"https://mirror.test/world/{i}"
        elif kind == 2:
            published = NOW + timedelta(days=3)
        rows.append(
            GateRow(
                key=url,
                url=url,
                source_id="herald",
                allowed_domains=("herald.example",),
                expected_languages=("en",),
                text=text,
                title=f"Article {i}",
                language="en",
                published_at=published,
                fetched_at=NOW,
                word_count=len(text.split()),
                link_density=round(rng.uniform(0.05, 0.6), 3),
                duplicate_of=None,
                on_source_hosts=host_allowed(url, ("herald.example",)),
            )
        )
    return rows


def _import_seconds(module: str) -> float:
    """Seconds to import ``module`` in a fresh interpreter."""
    code = (
        "import os, time\nos.environ.setdefault('GX_ANALYTICS_ENABLED', 'false')\n"
        f"t = time.perf_counter()\nimport {module}\nprint(time.perf_counter() - t)\n"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return float(out.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class Figures:
    """What the benchmark measured (seconds)."""

    rows: int
    runs: int
    failed: int
    passed: int
    import_gx_s: float
    import_gate_s: float
    first_s: float
    median_s: float
    cpu_median_s: float
    min_s: float
    max_s: float
    features_median_s: float
    validation_median_s: float
    docs_s: float
    load_avg: float


def run(rows: int, runs: int) -> Figures:
    """Measure; returns the figures the report prints."""
    from quality.gate import build_data_docs, validate_batch

    load = _load()
    batch = make_rows(rows)
    import_gx = _import_seconds("great_expectations")
    import_gate = _import_seconds("quality.gate")
    with tempfile.TemporaryDirectory(prefix="narrmon-bench-quality-") as tmp:
        t0 = time.perf_counter()
        first = validate_batch(batch, data_dir=tmp, run_id="bench-first")
        first_s = time.perf_counter() - t0
        totals, cpu, features, validation = [], [], [], []
        for i in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            result = validate_batch(batch, data_dir=tmp, run_id=f"bench-{i}")
            totals.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            timing = result.batch_checks["timing_s"]
            features.append(float(timing["features"]))
            validation.append(float(timing["validation"]))
        t0 = time.perf_counter()
        build_data_docs(tmp)
        docs_s = time.perf_counter() - t0
    return Figures(
        rows=rows,
        runs=runs,
        failed=len(first.failed),
        passed=len(first.passed),
        import_gx_s=import_gx,
        import_gate_s=import_gate,
        first_s=first_s,
        median_s=statistics.median(totals),
        cpu_median_s=statistics.median(cpu),
        min_s=min(totals),
        max_s=max(totals),
        features_median_s=statistics.median(features),
        validation_median_s=statistics.median(validation),
        docs_s=docs_s,
        load_avg=load,
    )


def markdown(r: Figures) -> str:
    """The report as a docs/BENCHMARKS.md section."""
    median = r.median_s
    verdict = "meets" if median < TARGET_S else "MISSES"
    return "\n".join(
        [
            f"### Quality gate ({r.rows:,} articles of {WORDS} words, {r.failed} bad)",
            "",
            f"Command: `python -m bench.quality_gate --rows {r.rows} --runs {r.runs}`  ",
            f"Machine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, "
            f"load average {r.load_avg:.1f} at the start (the cores are shared)",
            "",
            "| step | seconds |",
            "|---|---:|",
            f"| `import great_expectations` (fresh interpreter, once per process) "
            f"| {r.import_gx_s:.2f} |",
            f"| `import quality.gate` (fresh interpreter; GX stays unloaded) "
            f"| {r.import_gate_s:.3f} |",
            f"| first validation (imports GX, creates the file data context) | {r.first_s:.2f} |",
            f"| validation of {r.rows:,} rows, median of {r.runs} "
            f"(min {r.min_s:.3f}, max {r.max_s:.3f}) | **{median:.3f}** |",
            f"| the same, CPU time of this process (median) | {r.cpu_median_s:.3f} |",
            f"| of which derived columns (pandas) | {r.features_median_s:.3f} |",
            f"| of which Great Expectations validation (13 expectations) "
            f"| {r.validation_median_s:.3f} |",
            f"| Data Docs build ({r.runs + 1} stored validations) | {r.docs_s:.2f} |",
            "",
            f"Target: under {TARGET_S:.0f} s per 1,000 rows after the import: "
            f"**{verdict}** it ({median:.3f} s). "
            f"{r.passed} rows pass, {r.failed} are quarantined with their reasons.",
            "",
        ]
    )


def _load() -> float:
    import os

    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7, help="timed validations (at least 5)")
    parser.add_argument("--markdown", type=Path, help="also write the section to this file")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    report = markdown(run(args.rows, args.runs))
    print(report)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
