"""Dashboard query benchmark: every page's queries at 1,000,000 articles / 2,000,000 tags.

Seeds a database once and reuses it on later runs: a SQLite file under data/bench/
(bench.seed, 20-word articles, 20 outlets over 2025, then one more tag on a tenth of the
articles, so there are 2 tags per article), or the ``narrmon_bench_dash`` database on the
local PostgreSQL. PostgreSQL is filled by copying the SQLite twin's rows (COPY) when that
file is already seeded, so both backends hold the same data; otherwise the server
generates the same shape of data itself (bench.dashboard_seed, INSERT ... SELECT
generate_series: about two minutes for 1M articles and their rollups, against the Python
generator's hour on a shared 2-core machine).

Each query then runs ``--runs`` times with filters varied per run (date range, narratives,
outlets, media type, country, language, grain) through a read-only engine, as the
dashboards open it, with a fresh session per call and no Streamlit cache; p50 and p95 are
reported. The pages are Trends (with now-vs-usual and compare), Narrative detail
(breakdown, top outlets, co-occurring list and matrix, first movers, evidence) and
Outlets (volume, feed health). Targets (issues 7 and 18): every query under 300 ms p95 on
PostgreSQL, the Trends page under 1 s on SQLite.

    python -m bench.dashboard_queries --backend sqlite|postgresql [--markdown PATH]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, insert, literal, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.dashboard_seed import seed_postgresql
from bench.seed import KREMLIN_SIDE, LANGS, MEDIA_TYPES, NARRATIVE_IDS, seed
from dashboards import data
from dashboards.stats.now_vs_usual import now_vs_usual
from dashboards.stats.trend import copies_vs_stories, side_frame
from models import migrate
from models.dashboard import catalogue, detail, evidence, outlets
from models.dashboard import trends as trend_sql
from models.dashboard.cooccurrence import cooccurrence_matrix, first_movers
from models.dashboard.filters import DashboardFilter, Grain
from models.db import make_engine, make_read_only_engine, session_factory
from models.export_selection import ExportFilter
from models.rollups import rebuild_rollups
from models.schema import Article, DailyRollup, DailyTotal, NarrativeTag
from models.types import JsonType

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ARTICLES = 1_000_000
# 20-word bodies: the Trends queries never read text, and short rows keep seeding fast.
WORDS = 20
# The seeded year (bench.seed's defaults): 2025-01-01 plus 365 days.
START, DAYS = date(2025, 1, 1), 365
# Tables copied SQLite -> PostgreSQL, parents first (foreign keys).
COPY_TABLES = (
    "sources",
    "narratives",
    "articles",
    "narrative_tags",
    "daily_rollups",
    "daily_stance_rollups",
    "daily_cooccurrence",
    "daily_totals",
)
TARGET_MS = {"postgresql": 300.0, "sqlite": 1000.0}


def _short(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def bench_url(backend: str, n: int) -> str:
    """The URL of the benchmark database for ``backend`` and ``n`` articles."""
    if backend == "sqlite":
        return f"sqlite:///data/bench/dashboard-{_short(n)}.sqlite3"
    name = "narrmon_bench_dash" if n == ARTICLES else f"narrmon_bench_dash_{_short(n)}"
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def _ensure_pg_database(url: str) -> None:
    name = make_url(url).database
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))  # name is ours, not input
    admin.dispose()


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        articles = session.scalar(select(func.count()).select_from(Article)) or 0
        tags = session.scalar(select(func.count()).select_from(NarrativeTag)) or 0
        rollups = session.scalar(select(func.count()).select_from(DailyRollup)) or 0
    return int(articles), int(tags), int(rollups)


def _truncate(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(COPY_TABLES) + " RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(COPY_TABLES):
                conn.execute(text(f"DELETE FROM {table}"))  # constant table names


def copy_from_sqlite(sqlite_path: Path, pg_url: str) -> None:
    """Copy the seeded SQLite rows into PostgreSQL with COPY (same data on both)."""
    import psycopg
    from psycopg import sql

    conninfo = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    with psycopg.connect(conninfo) as pg:
        pg.execute("SET TIME ZONE 'UTC'")  # SQLite holds naive UTC timestamps
        pg.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in COPY_TABLES)
            )
        )
        for table in COPY_TABLES:
            cols = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
            bools = {
                r[1] for r in source.execute(f"PRAGMA table_info({table})") if r[2] == "BOOLEAN"
            }
            started, rows = time.monotonic(), 0
            copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in cols)
            )
            select_cols = ", ".join(f'"{c}"' for c in cols)
            with pg.cursor() as cur, cur.copy(copy) as out:
                for row in source.execute(f"SELECT {select_cols} FROM {table}"):
                    if bools:
                        row = tuple(
                            (bool(v) if c in bools and v is not None else v)
                            for c, v in zip(cols, row, strict=True)
                        )
                    out.write_row(row)
                    rows += 1
            print(f"copied {rows:,} {table} in {time.monotonic() - started:.0f}s", file=sys.stderr)
        for table in ("articles", "narrative_tags"):
            pg.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({t}, 'id'), max(id)) FROM {i}"
                ).format(t=sql.Literal(table), i=sql.Identifier(table))
            )
        pg.commit()
    source.close()
    admin = psycopg.connect(conninfo, autocommit=True)
    admin.execute("VACUUM ANALYZE")  # fresh statistics and visibility map for the planner
    admin.close()


def _tags(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(NarrativeTag)) or 0)


def top_up_tags(url: str, n: int) -> int:
    """Bring the tags to 2 per article (the issue's 2,000,000 for 1,000,000 articles).

    bench.seed tags 10% of articles with none, 10% with three and 80% with two: 1.9 per
    article. This adds one more narrative to two-tag articles (id % 10 == 3, in id order)
    until there are 2n tags, then rebuilds the rollups. Deterministic; a no-op when done.
    """
    engine = make_engine(url)
    added = 0
    with session_factory(engine)() as session:
        missing = 2 * n - _tags(session)
        if missing <= 0:
            engine.dispose()
            return 0
        n_tags = (
            select(func.count())
            .where(NarrativeTag.article_id == Article.id)
            .correlate(Article)
            .scalar_subquery()
        )
        for narrative in NARRATIVE_IDS:
            if added >= missing:
                break
            has_it = (
                select(NarrativeTag.id)
                .where(
                    NarrativeTag.article_id == Article.id, NarrativeTag.narrative_id == narrative
                )
                .exists()
            )
            candidates = (
                select(
                    Article.id,
                    literal(narrative),
                    literal(0.6),
                    literal("disputes" if narrative not in KREMLIN_SIDE else "reports"),
                    literal([], JsonType),
                    literal("synthetic-1"),
                    Article.day,
                    Article.source_id,
                )
                .where((Article.id % 10) == 3, n_tags == 2, ~has_it)
                .order_by(Article.id)
                .limit(missing - added)
            )
            result = session.execute(
                insert(NarrativeTag).from_select(
                    [
                        "article_id",
                        "narrative_id",
                        "score",
                        "stance",
                        "evidence",
                        "taxonomy_version",
                        "day",
                        "source_id",
                    ],
                    candidates,
                )
            )
            del result  # psycopg reports -1 for INSERT ... SELECT: recount instead
            added = _tags(session) - (2 * n - missing)
        rebuild_rollups(session, START, START + timedelta(days=DAYS))
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    print(f"added {added:,} tags (2 per article) and rebuilt the rollups", file=sys.stderr)
    return added


def ensure_seeded(backend: str, n: int) -> str:
    """Seed (or reuse) the benchmark database; returns its URL."""
    url = bench_url(backend, n)
    if backend == "postgresql":
        _ensure_pg_database(url)
    migrate.upgrade(url)
    engine = make_engine(url)
    articles, tags, rollups = _counts(engine)
    if articles == n and rollups > 0:
        print(f"reusing {url}: {articles:,} articles, {tags:,} tags", file=sys.stderr)
        engine.dispose()
        top_up_tags(url, n)
        return url
    sqlite_twin = Path(make_url(bench_url("sqlite", n)).database or "")
    if backend == "postgresql" and sqlite_twin.exists():
        twin = make_engine(bench_url("sqlite", n))
        twin_articles, _, twin_rollups = _counts(twin)
        twin.dispose()
        if twin_articles == n and twin_rollups > 0:
            engine.dispose()
            copy_from_sqlite(sqlite_twin, url)
            top_up_tags(url, n)
            return url
    print(f"seeding {url} with {n:,} articles (minutes)...", file=sys.stderr)
    _truncate(engine)
    if backend == "postgresql":  # generated by the server: minutes, not an hour
        engine.dispose()
        seed_postgresql(url, n, START, DAYS)
        return url
    with session_factory(engine)() as session:
        seed(session, n, start=START, days=DAYS, words=WORDS, progress=True)
    if backend == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    top_up_tags(url, n)
    return url


def varied_filters(runs: int, seed_value: int = 11) -> list[tuple[DashboardFilter, Grain]]:
    """``runs`` (filter, grain) pairs covering the filters an analyst combines."""
    rng = random.Random(seed_value)
    sources = [f"src-{i:02d}" for i in range(20)]
    out: list[tuple[DashboardFilter, Grain]] = []
    for i in range(runs):
        kind = i % 6
        grain: Grain = ("day", "week", "month")[i % 3]
        first = START + timedelta(days=rng.randrange(0, 300))
        if kind == 0:  # the landing view: whole year, everything
            flt = DashboardFilter(since=START, until=START + timedelta(days=DAYS - 1))
        elif kind == 1:  # a quarter, three narratives
            flt = DashboardFilter(
                since=first,
                until=first + timedelta(days=90),
                narratives=tuple(rng.sample(NARRATIVE_IDS, 3)),
            )
        elif kind == 2:  # a month, a few outlets
            flt = DashboardFilter(
                since=first, until=first + timedelta(days=30), sources=tuple(rng.sample(sources, 4))
            )
        elif kind == 3:  # media type and country
            flt = DashboardFilter(
                media_types=(rng.choice(MEDIA_TYPES),), countries=("RU", "UA", "DE")
            )
        elif kind == 4:  # languages, one narrative
            flt = DashboardFilter(
                languages=tuple(rng.sample(LANGS, 2)), narratives=(rng.choice(NARRATIVE_IDS),)
            )
        else:  # everything at once
            flt = DashboardFilter(
                since=first,
                until=first + timedelta(days=60),
                narratives=tuple(rng.sample(NARRATIVE_IDS, 2)),
                media_types=tuple(rng.sample(MEDIA_TYPES, 3)),
                languages=tuple(rng.sample(LANGS, 3)),
            )
        out.append((flt, grain))
    return out


def _trends_page(session: Session, flt: DashboardFilter, grain: Grain) -> Any:
    """Everything the Trends page asks the database for on an uncached load."""
    catalogue.has_data(session)
    data.filter_options(session)
    frame = data.trend_frame(session, flt, grain)
    side_frame(frame)
    return copies_vs_stories(frame)


def _one(flt: DashboardFilter) -> str:
    """The narrative a detail page shows for ``flt``."""
    return flt.narratives[0] if flt.narratives else NARRATIVE_IDS[0]


def _drivers(session: Session, flt: DashboardFilter, grain: Grain) -> Any:
    """The Trends page's now-vs-usual table: the trend frame's latest complete period and
    the outlets that drove its change."""
    frame = data.trend_frame(session, flt, grain)
    now = now_vs_usual(frame)
    if now.empty:
        return now
    period = now["period"].iloc[0].date()
    return data.change_drivers(session, flt, period, grain, tuple(now["narrative_id"]))


def _export_count(session: Session, flt: DashboardFilter) -> int:
    """The Export page's count for ``flt`` (the page takes one language)."""
    eflt = ExportFilter(
        since=flt.since,
        until=flt.until,
        narratives=flt.narratives,
        sources=flt.sources,
        language=flt.languages[0] if flt.languages else None,
        media_types=flt.media_types,
        countries=flt.countries,
        stances=flt.stances,
    )
    return data.export_count(session, eflt)


QUERIES: dict[str, tuple[bool, Callable[[Session, DashboardFilter, Grain], Any]]] = {
    # name: (part of the Trends page target?, call)
    "Trends page, uncached (all below)": (True, _trends_page),
    "filter_options": (True, lambda s, f, g: data.filter_options(s)),
    "daily_narrative_counts (daily_rollups)": (
        True,
        lambda s, f, g: trend_sql.daily_narrative_counts(s, f),
    ),
    "daily_totals (daily_totals)": (True, lambda s, f, g: trend_sql.daily_totals(s, f)),
    "trend_frame (both + bucketing + spikes)": (
        True,
        lambda s, f, g: data.trend_frame(s, f, g),
    ),
    "detail: narrative_breakdown by outlet": (
        False,
        lambda s, f, g: data.narrative_breakdown(
            s, f.narratives[0] if f.narratives else NARRATIVE_IDS[0], f, "source", g
        ),
    ),
    "detail: top_outlets": (
        False,
        lambda s, f, g: detail.top_outlets(
            s, f.narratives[0] if f.narratives else NARRATIVE_IDS[0], f
        ),
    ),
    "detail: co_occurring (daily_cooccurrence)": (
        False,
        lambda s, f, g: data.co_occurring(
            s, f.narratives[0] if f.narratives else NARRATIVE_IDS[0], f
        ),
    ),
    "detail: latest_articles (narrative_tags)": (
        False,
        lambda s, f, g: evidence.latest_articles(
            s, f.narratives[0] if f.narratives else NARRATIVE_IDS[0], f
        ),
    ),
    "trends: trend_frame with a stance filter (daily_stance_rollups)": (
        False,
        lambda s, f, g: data.trend_frame(s, replace(f, stances=("promotes",)), g),
    ),
    "trends: now-vs-usual drivers": (False, _drivers),
    "trends: compare by media type": (
        False,
        lambda s, f, g: data.compare_frame(s, _one(f), f, "media_type", g),
    ),
    "detail: co-occurrence matrix (daily_cooccurrence)": (
        False,
        lambda s, f, g: cooccurrence_matrix(s, f),
    ),
    "detail: first movers of a week": (
        False,
        lambda s, f, g: first_movers(
            s, _one(f), f, f.since or START, (f.since or START) + timedelta(days=6)
        ),
    ),
    "detail: evidence count + page 3 (narrative_tags)": (
        False,
        lambda s, f, g: (
            evidence.count_evidence(s, _one(f), f),
            evidence.evidence_page(s, _one(f), f, 2),
        ),
    ),
    "detail: evidence CSV, on click (newest 5,000 cards)": (
        False,
        lambda s, f, g: evidence.evidence_csv(s, _one(f), f),
    ),
    "export: count_articles (articles + tags)": (False, lambda s, f, g: _export_count(s, f)),
    "outlets: outlet_daily": (False, lambda s, f, g: outlets.outlet_daily(s, f)),
    "outlets: feed_health (models.feed_health + quality.health)": (
        False,
        lambda s, f, g: data.feed_health(s, f, datetime(2026, 1, 1, tzinfo=UTC)),
    ),
}


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[rank]  # nearest rank: p95 of 30 runs is the 29th fastest, of 20 the 19th


def time_queries(url: str, runs: int, warmup: int) -> list[dict[str, Any]]:
    """Run every query ``warmup`` + ``runs`` times; returns per-query timings in ms."""
    engine = make_read_only_engine(url)
    filters = varied_filters(runs)
    results = []
    for name, (trends, call) in QUERIES.items():
        for flt, grain in filters[:warmup]:  # connection pool, statement cache, page cache
            with Session(engine) as session:
                call(session, flt, grain)
        timings = []
        for flt, grain in filters:
            with Session(engine) as session:
                started = time.perf_counter()
                call(session, flt, grain)
                timings.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "query": name,
                "trends": trends,
                "p50": statistics.median(timings),
                "p95": _percentile(timings, 95),
                "max": max(timings),
                "runs": len(timings),
            }
        )
        print(
            f"{name}: p50 {results[-1]['p50']:.1f} ms, p95 {results[-1]['p95']:.1f} ms",
            file=sys.stderr,
        )
    engine.dispose()
    return results


def _version(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            value = conn.execute(text("SHOW server_version")).scalar_one()
            label = f"PostgreSQL {value}"
        else:
            label = f"SQLite {conn.execute(text('SELECT sqlite_version()')).scalar_one()}"
    engine.dispose()
    return label


def report(backend: str, url: str, results: list[dict[str, Any]], runs: int, warmup: int) -> str:
    """The markdown section for docs/BENCHMARKS.md."""
    engine = make_engine(url)
    articles, tags, rollups = _counts(engine)
    with Session(engine) as session:
        totals = session.scalar(select(func.count()).select_from(DailyTotal)) or 0
    engine.dispose()
    target = TARGET_MS[backend]
    page = next(r for r in results if r["query"].startswith("Trends page"))
    verdict = "meets" if page["p95"] < target else "MISSES"
    slow = [r for r in results if r["p95"] >= target]
    lines = [
        f"### Dashboard queries ({backend}, {articles:,} articles, {tags:,} tags)",
        "",
        f"Command: `python -m bench.dashboard_queries --backend {backend} --runs {runs}`  ",
        f"Database: {_version(url)}; rollup rows: {rollups:,} daily_rollups, "
        f"{totals:,} daily_totals  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}, load average at the end "
        f"{os.getloadavg()[0]:.1f}  ",
        f"Method: {runs} timed runs per query after {warmup} warm-up runs, a fresh read-only "
        "session per run, filters varied per run (date range, narratives, outlets, media "
        "type, country, language; day/week/month), no Streamlit cache.",
        "",
        "| query | Trends page | p50 ms | p95 ms | max ms |",
        "|---|:-:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['query']} | {'yes' if r['trends'] else ''} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['max']:.1f} |"
        )
    lines += [
        "",
        f"Trends page p95: **{page['p95']:.0f} ms**, target under {target:.0f} ms: {verdict}.",
        "",
        f"Queries over {target:.0f} ms p95: "
        + (", ".join(f"{r['query']} ({r['p95']:.0f} ms)" for r in slow) or "none")
        + ".",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Seed or reuse the database, time the queries, print (and write) the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--runs", type=int, default=30)  # p95 needs >= 20 samples
    parser.add_argument("--warmup", type=int, default=3)  # pool, statement and page caches
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args(argv)
    if args.runs < 20:
        parser.error("--runs must be at least 20 for a meaningful p95")
    url = ensure_seeded(args.backend, args.articles)
    results = time_queries(url, args.runs, args.warmup)
    text_report = report(args.backend, url, results, args.runs, args.warmup)
    print(text_report)
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(text_report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
