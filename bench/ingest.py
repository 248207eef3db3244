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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import create_engine, text

from bench.fixture_server import render
from demo_outlets import OUTLET_IDS, generate_sites, serve_sites
from demo_outlets.generate import OUTLETS_DIR

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Peak-RSS sampling interval (s): short beside a run of a minute or more.
SAMPLE_S = 0.1
# py-spy sampling rate of the profiled round: 1 ms resolution would cost more than it shows.
PROFILE_HZ = 100


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


def _role(proc: psutil.Process, root_pid: int, forkservers: set[int]) -> str:
    """Which part of `narrmon run` a process of its tree is."""
    try:
        cmd = " ".join(proc.cmdline())
        ppid = proc.ppid()
    except psutil.Error:
        return "other"
    if "py-spy" in cmd:
        return "profiler"
    if "narrmon.cli" in cmd:
        return "parent"
    if "crawlers.crawl" in cmd:
        return "crawl"
    if "forkserver" in cmd:
        if ppid in forkservers:
            return "workers"  # forked by the forkserver: an extraction worker
        if "forkserver import main" in cmd and ppid not in forkservers:
            forkservers.add(proc.pid)
            return "forkserver"
        return "workers"
    return "other"


class TreeSampler:
    """Samples a process tree: peak summed RSS, and CPU seconds per role.

    CPU times are the last sample of each process: a process that exits between two
    samples loses at most one interval (0.1 s) of its time. RSS is summed over the tree
    (shared pages counted in each process: an upper bound).
    """

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        # Largest RSS any one process of each role reached: attributes growth to a role.
        self.peak_by_role: dict[str, int] = {}
        self.cpu: dict[int, tuple[str, float]] = {}
        self._roles: dict[int, str] = {}
        self._forkservers: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                procs = []
            total = 0
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    with p.oneshot():
                        rss = p.memory_info().rss
                        t = p.cpu_times()
                    role = self._roles.get(p.pid)
                    if role is None:
                        role = self._roles[p.pid] = _role(p, self.root.pid, self._forkservers)
                    self.cpu[p.pid] = (role, t.user + t.system)
                    self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss)
                    if role != "profiler":
                        total += rss
            self.peak = max(self.peak, total)
            time.sleep(SAMPLE_S)

    def stop(self) -> tuple[int, dict[str, float]]:
        """Stop sampling; (peak RSS bytes, CPU seconds per role)."""
        self._stop.set()
        self._thread.join()
        by_role: dict[str, float] = {}
        for role, seconds in self.cpu.values():
            by_role[role] = by_role.get(role, 0.0) + seconds
        return self.peak, by_role


@dataclass
class RunFigures:
    """What one `narrmon run` cost: wall time, memory, CPU by role, and its summary."""

    seconds: float
    peak_rss: int
    peak_by_role: dict[str, int]
    cpu: dict[str, float]
    cpu_total: float
    summary: dict[str, Any]


def end_to_end(
    sources: Path, db_url: str, data_dir: Path, profile: Path | None = None
) -> RunFigures:
    """One whole `narrmon run` process, timed from outside (start-up included)."""
    env = {
        **os.environ,
        "NARRMON_DATABASE_URL": db_url,
        "NARRMON_DATA_DIR": str(data_dir),
        "NARRMON_LOG_LEVEL": "WARNING",
        # Every run meets its sentences for the first time, as in the figures before the
        # shared file of vectors: repeated runs must not read each other's.
        "NARRMON_VECTOR_CACHE": "off",
    }
    cmd = [sys.executable, "-m", "narrmon.cli", "run", "--sources", str(sources), "--json"]
    if profile is not None:
        # py-spy samples the parent (loader, gate, streaming loop) while it holds the GIL,
        # without pausing it. Crawl and worker processes are accounted by CPU seconds per
        # role (TreeSampler); following them with --subprocesses fell behind on 2 cores.
        spy = str(Path(sys.executable).with_name("py-spy"))
        cmd = [
            spy, "record", "--gil", "--nonblocking", "--format", "raw",
            "--rate", str(PROFILE_HZ), "-o", str(profile), "--", *cmd,
        ]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    peak, cpu = sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"narrmon run failed: {err[-2000:]}")
    total = sum(v for k, v in cpu.items() if k != "profiler")
    summary, _ = json.JSONDecoder().raw_decode(out[out.index("{") :])  # py-spy adds a line
    return RunFigures(elapsed, peak, dict(sampler.peak_by_role), cpu, total, summary)


class FixtureServer:
    """The fixture outlets on loopback: ``fast`` (own process) or ``threaded`` (in-process)."""

    def __init__(self, root: Path, kind: str, sources_out: Path) -> None:
        self.kind = kind
        self.proc: subprocess.Popen[str] | None = None
        self.threaded: Any = None
        if kind == "threaded":
            self.threaded = serve_sites(root)
            self.threaded.write_sources(sources_out)
            self.origins: dict[str, str] = dict(self.threaded.origins)
            return
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.fixture_server",
                str(root),
                "--sources-out",
                str(sources_out),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.origins = json.loads(self.proc.stdout.readline())["origins"]

    def cpu_seconds(self) -> float:
        """CPU seconds the server process used so far (0 for the in-process server)."""
        if self.proc is None:
            return 0.0
        t = psutil.Process(self.proc.pid).cpu_times()
        return float(t.user + t.system)

    def stop(self) -> None:
        """Stop the server."""
        if self.threaded is not None:
            self.threaded.stop()
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


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


def anchor_pages(root: Path, origins: dict[str, str]) -> list[tuple[bytes, str, str]]:
    """The robots-allowed article pages exactly as served: (bytes, URL, Content-Type)."""
    data = json.loads((root / "manifest.json").read_text("utf-8"))
    charsets = {o["id"]: o["charset"] for o in data["outlets"]}
    pages = []
    for art in data["articles"]:
        if art["robots_disallowed"]:
            continue
        file = root / OUTLETS_DIR / art["outlet"] / art["path"].lstrip("/")
        if not file.is_file():
            file = file.with_name(file.name + ".html")
        body = render(file.read_bytes(), origins)
        ctype = f"text/html; charset={charsets[art['outlet']]}"
        pages.append((body, origins[art["outlet"]] + art["path"], ctype))
    return pages


def database_bytes(backend: str, url: str) -> float:
    """Bytes the database holds after a run (PostgreSQL: its tables with indexes and TOAST)."""
    if backend == "sqlite":
        return float(Path(url.removeprefix("sqlite:///")).stat().st_size)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            size = conn.execute(
                text(
                    "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'r' AND n.nspname = 'public'"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return float(size)


def versions() -> str:
    """Versions of the libraries on the hot path."""
    from importlib.metadata import version

    names = ["scrapy", "trafilatura", "lxml", "great_expectations", "sqlalchemy", "psycopg"]
    return ", ".join(f"{n} {version(n)}" for n in names)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark rounds and print (and optionally write) a markdown report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--server", choices=["fast", "threaded"], default="fast")
    parser.add_argument("--markdown", default=None)
    parser.add_argument(
        "--profile", default=None, help="also run one py-spy-profiled round; write its stacks here"
    )
    args = parser.parse_args(argv)
    workers = os.cpu_count() or 1
    per_outlet = -(-args.pages // len(OUTLET_IDS))

    rows: list[dict[str, float]] = []
    profile_row: dict[str, float] | None = None
    with tempfile.TemporaryDirectory(prefix="narrmon-bench-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        manifest = generate_sites(tmp / "sites", seed=3, articles_per_outlet=per_outlet)
        sources = tmp / "sources.yaml"
        server = FixtureServer(Path(manifest.root), args.server, sources)
        try:
            pages = anchor_pages(Path(manifest.root), server.origins)
            rounds: list[tuple[int, Path | None]] = [(i, None) for i in range(args.runs)]
            if args.profile:
                rounds.append((args.runs, Path(args.profile)))
            for i, profile in rounds:
                limit_s = anchor(pages, workers)
                db_url = fresh_db(args.backend, tmp, f"r{i}")
                server_before = server.cpu_seconds()
                try:
                    run = end_to_end(sources, db_url, tmp / f"data{i}", profile)
                    db_bytes = database_bytes(args.backend, db_url)
                finally:
                    drop_db(args.backend, db_url)
                server_cpu = server.cpu_seconds() - server_before
                stored = run.summary["totals"]["new"]
                timings = run.summary["timings"]
                row = {
                    "limit_s": limit_s,
                    "e2e_s": run.seconds,
                    "ratio": limit_s / run.seconds,
                    "peak_mb": run.peak_rss / 2**20,
                    "stored": stored,
                    "extract_share": timings["extract_seconds"] / (run.seconds * workers),
                    "load_s": timings["load_seconds"],
                    "crawl_s": timings["crawl_seconds"],
                    "cpu_total": run.cpu_total,
                    "cpu_server": server_cpu,
                    "db_bytes": db_bytes,
                    **{f"cpu_{k}": v for k, v in run.cpu.items()},
                    **{f"rss_{k}": v / 2**20 for k, v in run.peak_by_role.items()},
                }
                if profile is None:
                    rows.append(row)
                else:
                    profile_row = row
                print(json.dumps({k: round(v, 3) for k, v in row.items()}), file=sys.stderr)
        finally:
            server.stop()

    def med(key: str) -> float:
        return statistics.median(r.get(key, 0.0) for r in rows)

    n = len(pages)
    cpu_keys = ["cpu_parent", "cpu_crawl", "cpu_workers", "cpu_forkserver", "cpu_other"]
    cpu_rows = [
        f"| CPU: {k[4:]} | {med(k):.1f} s ({med(k) / n * 1000:.1f} ms/page) |"
        for k in cpu_keys
        if med(k) > 0
    ]
    rss_rows = [
        f"| peak RSS of one {k[4:]} process | {med(k):.0f} MB |"
        for k in ("rss_parent", "rss_crawl", "rss_workers", "rss_forkserver")
        if med(k) > 0
    ]
    lines = [
        f"### Ingestion, {n:,} pages, {args.backend} ({args.runs} rounds, medians)",
        "",
        f"Command: `python -m bench.ingest --pages {args.pages} --backend {args.backend} "
        f"--runs {args.runs} --server {args.server}`  ",
        f"Machine: {platform.machine()}, {workers} cores, Python {platform.python_version()}, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB; {versions()}",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| anchor: extract() alone, {workers} processes | {med('limit_s'):.1f} s "
        f"({n / med('limit_s'):.1f} pages/s) |",
        f"| end to end: `narrmon run` (whole process) | {med('e2e_s'):.1f} s "
        f"({n / med('e2e_s'):.1f} pages/s) |",
        f"| **ratio end-to-end / limit** (target >= 0.8) | **{med('ratio'):.2f}** |",
        f"| articles stored per run | {med('stored'):.0f} |",
        f"| share of core-time in extraction workers (page seconds / (wall x {workers})) "
        f"| {med('extract_share'):.0%} |",
        f"| database load time (summed over batches) | {med('load_s'):.1f} s |",
        f"| crawl time (summed over sources, overlaps extraction) | {med('crawl_s'):.1f} s |",
        f"| peak RSS of the whole process tree | {med('peak_mb'):.0f} MB |",
        *rss_rows,
        f"| CPU of `narrmon run` and its processes | {med('cpu_total'):.1f} s "
        f"({med('cpu_total') / n * 1000:.1f} ms/page) |",
        *cpu_rows,
        f"| CPU: fixture server ({args.server}; the environment, same cores) "
        f"| {med('cpu_server'):.1f} s |",
        f"| database size after the run | {med('db_bytes') / 2**20:.1f} MiB "
        f"({med('db_bytes') / max(med('stored'), 1) / 1024:.1f} KiB/article) |",
        "",
        "Per round (ratio): " + "; ".join(f"{r['ratio']:.2f}" for r in rows),
    ]
    if profile_row is not None:
        lines += [
            "",
            f"Profiled round (py-spy at {PROFILE_HZ} Hz, not in the medians): "
            f"{profile_row['e2e_s']:.1f} s, stacks in `{args.profile}`.",
        ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
