"""Export memory benchmark: peak RSS of `narrmon export` at 50k and 200k articles.

Seeds one database with synthetic articles (bench.seed), then exports the first 50,000
and all 200,000 in separate processes, so each peak RSS is the export's own. The
export is flat when the 200k peak is close to the 50k peak.

    python -m bench.export_memory [--backend sqlite|postgresql] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.seed import seed
from models import migrate
from models.db import make_engine, session_factory

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SIZES = (50_000, 200_000)
# Seeded days are uniform over 2025: up to 2025-04-01 holds about a quarter (~50k).
UNTIL = {50_000: "2025-04-01", 200_000: None}
# Articles of ~300 words, a typical news length, so text dominates the row size.
WORDS = 300


def _export_once(db_url: str, until: str | None, fmt: str, out: Path) -> tuple[int, float, float]:
    """Run `narrmon export` in a child process; returns (rows, peak RSS MB, seconds)."""
    cmd = [sys.executable, "-m", "narrmon.cli", "export", "--format", fmt, "-o", str(out)]
    if until:
        cmd += ["--until", until]
    env = {**os.environ, "NARRMON_DATABASE_URL": db_url}
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    elapsed = time.monotonic() - started
    # RUSAGE_CHILDREN's maximum covers every child so far: sizes run in ascending order
    # so the reading belongs to the export just run (a smaller one cannot exceed it).
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = int(proc.stderr.split("exported ", 1)[1].split(" ", 1)[0])
    return rows, peak_mb, elapsed


def main(argv: list[str] | None = None) -> int:
    """Seed, export at each size, print a table (and write markdown with --markdown)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", default="parquet", choices=["csv", "jsonl", "parquet"])
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="narrmon-bench-") as tmp:
        if args.backend == "sqlite":
            db_url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            name = f"narrmon_bench_{os.getpid()}"
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            db_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
        try:
            migrate.upgrade(db_url)
            engine = make_engine(db_url)
            t0 = time.monotonic()
            with session_factory(engine)() as session:
                seed(session, max(SIZES), words=WORDS, batch=5000)
            engine.dispose()
            print(f"seeded {max(SIZES)} articles in {time.monotonic() - t0:.0f}s", file=sys.stderr)
            results: dict[int, list[tuple[int, float, float]]] = {}
            # Ascending sizes: RUSAGE_CHILDREN's max then belongs to the run just made.
            for size in SIZES:
                results[size] = []
                for _ in range(args.runs):
                    out = Path(tmp) / f"export-{size}.{args.format}"
                    results[size].append(_export_once(db_url, UNTIL[size], args.format, out))
        finally:
            if args.backend == "postgresql":
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()

    lines = [
        f"### Export memory ({args.backend}, {args.format}, {WORDS}-word articles)",
        "",
        f"Command: `python -m bench.export_memory --backend {args.backend} --runs {args.runs}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "",
        "| articles exported | peak RSS MB (median) | seconds (median) | rows/s |",
        "|---:|---:|---:|---:|",
    ]
    for runs in results.values():
        rows = runs[0][0]
        rss = statistics.median(r[1] for r in runs)
        secs = statistics.median(r[2] for r in runs)
        lines.append(f"| {rows:,} | {rss:.0f} | {secs:.1f} | {rows / secs:,.0f} |")
    small = statistics.median(r[1] for r in results[SIZES[0]])
    large = statistics.median(r[1] for r in results[SIZES[-1]])
    lines += [
        "",
        f"Ratio of peak RSS 200k / 50k: **{large / small:.2f}** (1.00 = flat); "
        "target: under 300 MB and flat.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
