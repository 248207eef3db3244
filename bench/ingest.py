"""End-to-end ingestion benchmark: `narrmon run` over N fixture pages vs the extraction limit.

The anchor is the physical limit on this machine: ``crawlers.extraction.extract`` alone
over the same pages on every core (a process pool), pages already in memory. The
end-to-end figure is a whole `narrmon run` process (start-up, crawl over loopback,
extraction, tagging, quality gate, database, rollups) into a fresh database. Both run
side by side in each round, so the ratio is robust to the machine's noise.

    python -m bench.ingest --pages 5000 --backend sqlite --runs 5 --markdown FILE
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import create_engine, text

from narrmon.demo_sites import OUTLET_IDS, generate_sites, serve_sites

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Peak-RSS sampling interval (s): short beside a run of a minute or more.
SAMPLE_S = 0.1


def _extract_one(item: tuple[bytes, str, str]) -> int:
    from crawlers.extraction import ExtractionError, extract

    body, url, ctype = item
    try:
        return extract(body, url, content_type=ctype).word_count
    except ExtractionError:
        return 0


def anchor(pages: list[tuple[bytes, str, str]], workers: int) -> float:
    """Seconds for extract() alone over ``pages`` on ``workers`` processes."""
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_extract_one, pages, chunksize=16))
    return time.perf_counter() - started


class PeakRss:
    """Samples the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                total = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(SAMPLE_S)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def end_to_end(sources: Path, db_url: str, data_dir: Path) -> tuple[float, int, dict[str, Any]]:
    """(seconds, peak RSS bytes of the process tree, run summary) of one `narrmon run`."""
    env = {
        **os.environ,
        "NARRMON_DATABASE_URL": db_url,
        "NARRMON_DATA_DIR": str(data_dir),
        "NARRMON_LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "narrmon.cli", "run", "--sources", str(sources), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = PeakRss(proc.pid)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    peak = sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"narrmon run failed: {err[-2000:]}")
    return elapsed, peak, json.loads(out)


def fresh_db(backend: str, tmp: Path, tag: str) -> str:
    """A new empty database URL for one run."""
    if backend == "sqlite":
        return f"sqlite:///{tmp}/{tag}.sqlite3"
    name = f"narrmon_bench_ingest_{os.getpid()}_{tag}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_db(backend: str, url: str) -> None:
    """Drop a PostgreSQL benchmark database (SQLite files go with the temp dir)."""
    if backend != "postgresql":
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark rounds and print (and optionally write) a markdown report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args(argv)
    workers = os.cpu_count() or 1
    per_outlet = -(-args.pages // len(OUTLET_IDS))

    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="narrmon-bench-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        manifest = generate_sites(tmp / "sites", seed=3, articles_per_outlet=per_outlet)
        server = serve_sites(manifest.root)
        try:
            sources = server.write_sources(tmp / "sources.yaml")
            data = json.loads((Path(manifest.root) / "manifest.json").read_text("utf-8"))
            pages = []
            for art in data["articles"]:
                if art["robots_disallowed"]:
                    continue
                body = server.served_bytes(art["outlet"], art["path"])
                ctype = (
                    "text/html; charset=windows-1251"
                    if art["language"] == "ru"
                    else "text/html; charset=utf-8"
                )
                pages.append((body, server.url_for(art["outlet"], art["path"]), ctype))
            for i in range(args.runs):
                limit_s = anchor(pages, workers)
                db_url = fresh_db(args.backend, tmp, f"r{i}")
                try:
                    e2e_s, peak, summary = end_to_end(sources, db_url, tmp / f"data{i}")
                finally:
                    drop_db(args.backend, db_url)
                stored = summary["totals"]["new"]
                timings = summary["timings"]
                row = {
                    "limit_s": limit_s,
                    "e2e_s": e2e_s,
                    "ratio": limit_s / e2e_s,
                    "peak_mb": peak / 2**20,
                    "stored": stored,
                    "extract_share": timings["extract_seconds"] / (e2e_s * workers),
                    "load_s": timings["load_seconds"],
                    "crawl_s": timings["crawl_seconds"],
                }
                rows.append(row)
                print(json.dumps({k: round(v, 3) for k, v in row.items()}), file=sys.stderr)
        finally:
            server.stop()

    def med(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    n = len(pages)
    lines = [
        f"### Ingestion, {n:,} pages, {args.backend} ({args.runs} rounds, medians)",
        "",
        f"Command: `python -m bench.ingest --pages {args.pages} --backend {args.backend} "
        f"--runs {args.runs}`  ",
        f"Machine: {platform.machine()}, {workers} cores, Python {platform.python_version()}, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| anchor: extract() alone, {workers} processes | {med('limit_s'):.1f} s "
        f"({n / med('limit_s'):.1f} pages/s) |",
        f"| end to end: `narrmon run` (whole process) | {med('e2e_s'):.1f} s "
        f"({n / med('e2e_s'):.1f} pages/s) |",
        f"| **ratio end-to-end / limit** (target >= 0.8) | **{med('ratio'):.2f}** |",
        f"| articles stored per run | {med('stored'):.0f} |",
        f"| share of core-time in extraction | {med('extract_share'):.0%} |",
        f"| database load time (summed) | {med('load_s'):.1f} s |",
        f"| crawl time (summed over sources, overlaps extraction) | {med('crawl_s'):.1f} s |",
        f"| peak RSS of the whole process tree | {med('peak_mb'):.0f} MB |",
        "",
        "Per round: " + "; ".join(f"{r['ratio']:.2f}" for r in rows),
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
