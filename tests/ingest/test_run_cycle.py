"""`narrmon run` end to end over the fixture outlets, with real Scrapy, on both databases;
its exit codes, failed sources' causes in words and the per-source deadline."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from crawlers.urls import canonical_url
from demo_outlets import SiteManifest, SiteServer, generate_sites, serve_sites
from models.db import make_engine, session_factory
from models.schema import Article, CrawlRun, DailyRollup, NarrativeTag, QuarantineItem
from narrmon import exit_codes
from narrmon.pipeline import run as pipeline_run
from narrmon.pipeline.run import CycleSummary
from narrmon.settings import Settings
from tests.cli import run_cli

pytestmark = pytest.mark.crawl

# Enough articles per outlet for robots-disallowed ones (every 10th on one outlet).
ARTICLES_PER_OUTLET = 12
# The slow source's held article, and the longest the server holds it (s): a run that
# waited for every crawl before loading would keep the others unloaded that long.
HELD_PATH = "/held/slow.html"
HOLD_MAX_S = 120.0


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SiteManifest, SiteServer]]:
    manifest = generate_sites(
        tmp_path_factory.mktemp("sites"), seed=5, articles_per_outlet=ARTICLES_PER_OUTLET
    )
    server = serve_sites(manifest.root)
    yield manifest, server
    server.stop()


def expected_articles(manifest: SiteManifest, server: SiteServer) -> dict[str, dict[str, Any]]:
    data = json.loads((Path(manifest.root) / "manifest.json").read_text(encoding="utf-8"))
    return {
        canonical_url(server.url_for(a["outlet"], a["path"])): a
        for a in data["articles"]
        if not a["robots_disallowed"]
    }


def assert_counts_add_up(summary: dict[str, Any]) -> None:
    """Every fetched page is counted exactly once, per source and in total."""
    parts = ("new", "updated", "unchanged", "quarantined", "repeats")
    for row in [*summary["sources"], summary["totals"]]:
        assert row["fetched"] == sum(row[k] for k in parts), row
        assert row["syndicated"] <= row["new"] + row["updated"] + row["unchanged"], row


def assert_exports_carry_provenance(settings: Settings, run_id: str, tmp_path: Path) -> None:
    """Every exported row names its WARC record, run, page and hash; a dictionary is beside."""
    import hashlib
    import re

    import pyarrow.parquet as pq
    from warcio.archiveiterator import ArchiveIterator

    out = tmp_path / "articles.parquet"
    res = run_cli("export", "--format", "parquet", "-o", str(out))
    assert res.returncode == 0, res.stderr[-2000:]
    dictionary = json.loads((tmp_path / "articles.dictionary.json").read_text(encoding="utf-8"))
    table = pq.read_table(out)
    documented = [f["name"] for f in dictionary["fields"]]
    assert documented == table.column_names
    assert all(f["type"] and f["meaning"] and "example" in f for f in dictionary["fields"])
    assert table.schema.field("warc_record_id").metadata[b"description"]
    records: dict[str, set[str]] = {}
    for warc in settings.archive_dir.glob("*.warc.gz"):
        with warc.open("rb") as fh:
            records[warc.name] = {
                str(r.rec_headers.get_header("WARC-Record-ID")) for r in ArchiveIterator(fh)
            }
    rows = table.to_pylist()
    assert rows
    for row in rows:
        assert row["crawl_run_id"] == run_id
        assert row["warc_record_id"] in records[row["warc_file"]], row["url"]
        assert row["page_url"].startswith("http")
        norm = re.sub(r"\s+", " ", row["text"]).strip().lower()
        assert row["content_hash"] == hashlib.sha256(norm.encode()).hexdigest()
    res = run_cli("export", "--format", "parquet", "-o", str(out))
    assert res.returncode == 1 and "exists; pass --force" in res.stderr


@pytest.mark.pool  # the production default: pages go to a process pool (one per core)
def test_run_stores_every_article_once_then_adds_nothing(
    sites: tuple[SiteManifest, SiteServer], settings: Settings, tmp_path: Path
) -> None:
    manifest, server = sites
    sources = server.write_sources(tmp_path / "sources.yaml")
    server.clear_log()
    first = run_cli("run", "--sources", str(sources), "--json")
    assert first.returncode == 0, first.stderr[-3000:]
    summary = json.loads(first.stdout)
    expected = expected_articles(manifest, server)
    assert summary["totals"]["new"] == len(expected)
    assert {s["status"] for s in summary["sources"]} == {"ok"}
    assert_counts_add_up(summary)
    # Staged outputs are removed once stored; Scrapy's log stays, and the summary names it.
    staged = sorted(p.relative_to(settings.staging_dir) for p in settings.staging_dir.rglob("*"))
    assert staged == [Path(summary["run_id"]), Path(summary["run_id"]) / "crawl.log"]
    assert summary["crawl_log"] == str(settings.staging_dir / summary["run_id"] / "crawl.log")
    assert "Spider closed" in Path(summary["crawl_log"]).read_text(encoding="utf-8")
    # robots-disallowed URLs are refused, their own category: not errors, not quarantine
    n_disallowed = sum(1 for a in manifest.articles if a["robots_disallowed"])
    assert n_disallowed and summary["totals"]["refused"] == n_disallowed
    assert summary["totals"]["errors"] == summary["totals"]["refused"] - n_disallowed

    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session:
        stored = {a.url: a for a in session.scalars(select(Article))}
        assert set(stored) == set(expected)
        for url, exp in expected.items():
            art = stored[url]
            assert art.title == exp["title"], url
            assert art.author == exp["author"], url
            assert art.language == exp["language"], url
            assert art.published_at == datetime.fromisoformat(exp["published_at"]), url
            assert art.warc_path and Path(art.warc_path).exists()
        # robots-disallowed pages are not fetched but are accounted for, with a reason
        refused = [q for q in session.scalars(select(QuarantineItem))]
        assert {(tuple(q.reasons), q.status) for q in refused} == {
            (("robots_disallowed",), "refused")
        }
        # narratives tagged with evidence inside the text; rollups built
        tags = session.scalars(select(NarrativeTag)).all()
        assert tags
        for t in tags:
            text = stored_text = session.get(Article, t.article_id)
            assert stored_text is not None
            for ev in t.evidence:
                assert stored_text.text[ev["start"] : ev["end"]] == ev["text"]
            del text
        assert (session.scalar(select(func.count()).select_from(DailyRollup)) or 0) > 0
        runs = session.scalars(select(CrawlRun)).all()
        assert {r.status for r in runs} == {"ok"} and sum(r.new for r in runs) == len(expected)
    count_before = len(stored)
    assert_exports_carry_provenance(settings, summary["run_id"], tmp_path)

    server.clear_log()
    second = run_cli("run", "--sources", str(sources), "--json")
    assert second.returncode == 0, second.stderr[-3000:]
    assert_counts_add_up(json.loads(second.stdout))
    totals = json.loads(second.stdout)["totals"]
    assert totals["new"] == 0 and totals["fetched"] == 0 and totals["updated"] == 0
    assert totals["refused"] == 0  # refused URLs stay known: not asked for again
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == count_before
    engine.dispose()
    feed_requests = [r for r in server.requests() if r.path.endswith(".xml")]
    assert feed_requests
    conditional = {"if-none-match", "if-modified-since"}
    assert all(conditional & {h.lower() for h in r.headers} for r in feed_requests), [
        (r.path, r.headers) for r in feed_requests
    ]
    assert all(r.status == 304 for r in feed_requests)
    article_requests = [r for r in server.requests() if r.path.endswith(".html")]
    assert article_requests == []


def test_run_with_unknown_source_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    res = run_cli("run", "--source", "no-such-source")
    assert res.returncode == 1
    assert "unknown source id(s): no-such-source" in res.stderr


def test_a_finished_source_is_loaded_while_a_slow_one_still_crawls(
    sites: tuple[SiteManifest, SiteServer], settings: Settings, tmp_path: Path
) -> None:
    """All sources crawl in one process; each is loaded and summed up once its crawler
    closes, not when the slowest source is done."""
    import dataclasses
    import threading

    from demo_outlets.faults import FaultResponse
    from demo_outlets.generate import OUTLETS_DIR
    from narrmon.pipeline.run import run_cycle
    from narrmon.summary import SourceProgress, SourceSummary

    manifest, server = sites
    data = yaml.safe_load(server.sources_yaml())
    slow = data["sources"][0]
    outlet = slow["id"].removeprefix("demo-")
    origin = server.origin(outlet)
    # One article of the slow source is held by the server until the run's progress shows
    # every other source loaded (or HOLD_MAX_S, when the run waits for the slowest crawl).
    feed = Path(manifest.root) / OUTLETS_DIR / outlet / "slow-feed.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>slow</title>'
        f"<link>{origin}/</link><item><title>slow</title>"
        f"<link>{origin}{HELD_PATH}</link></item></channel></rss>",
        encoding="utf-8",
    )
    slow["feeds"].append({"type": "rss", "url": f"{origin}/slow-feed.xml"})
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump(data), encoding="utf-8")
    others_done = threading.Event()
    held: list[bool] = []  # whether the others were shown loaded while the article was held
    finished: dict[str, float] = {}

    def hold(outlet_id: str, path: str) -> FaultResponse | None:
        if (outlet_id, path) != (outlet, HELD_PATH):
            return None
        held.append(others_done.wait(HOLD_MAX_S))
        return FaultResponse(200, {"Content-Type": "text/html; charset=utf-8"}, b"<p>late</p>")

    def on_source(summary: SourceSummary) -> None:
        finished[summary.source_id] = time.monotonic()

    shown: list[list[SourceProgress]] = []

    def on_progress(rows: list[SourceProgress]) -> None:
        shown.append(rows)
        # The slow source is listed first; release it once the others are shown done.
        if not rows[0].done and all(r.done for r in rows[1:]):
            others_done.set()

    cfg = dataclasses.replace(settings, workers=1)
    server.inject = hold
    try:
        summary = run_cycle(cfg, sources_path=sources, on_source=on_source, on_progress=on_progress)
    finally:
        server.inject = None
    assert {s.source_id for s in summary.sources} == {s["id"] for s in data["sources"]}
    assert held and all(held), "the other sources were not loaded while the slow one crawled"
    others = [t for sid, t in finished.items() if sid != slow["id"]]
    assert max(others) < finished[slow["id"]]
    assert all(s.new > 0 for s in summary.sources)
    # Live progress while the slow source still crawled: the others shown done and stored.
    slow_pending = [rows for rows in shown if not rows[0].done]
    assert slow_pending and any(all(r.done for r in rows[1:]) for rows in slow_pending)
    last_seen = {r.source_id: r for r in shown[-1]}
    for s in summary.sources:
        if last_seen[s.source_id].done:
            loaded = s.new + s.updated + s.unchanged + s.quarantined
            assert last_seen[s.source_id].stored == loaded


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def outlet(source_id: str, origin: str) -> dict[str, Any]:
    return {
        "id": source_id,
        "name": source_id,
        "homepage": f"{origin}/",
        "feeds": [{"type": "rss", "url": f"{origin}/rss.xml"}],
        "language": "en",
        "country": "GB",
        "media_type": "commercial",
        "politeness": {"delay": 0},
    }


def write_sources(path: Path, sources: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
    return path


def test_some_failed_exits_3_and_names_the_cause(
    sites: tuple[SiteManifest, SiteServer],
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Exit 3 and the failed source's cause in words, in the summary table and in --json.

    One real run: `--json` is then shown the summary that run returned (the command's
    two branches differ only in how they print it and share the exit code), instead of a
    second crawl of the same outlets (~12 s per backend). `--json` over real runs is
    checked by the other tests of this file.
    """
    _, server = sites
    good = yaml.safe_load(server.sources_yaml())["sources"][0]
    refused = outlet("refused", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    path = write_sources(tmp_path / "sources.yaml", [good, refused])
    summaries: list[CycleSummary] = []
    real_cycle = pipeline_run.run_cycle

    def recorded_cycle(*args: Any, **kwargs: Any) -> CycleSummary:
        summaries.append(real_cycle(*args, **kwargs))
        return summaries[-1]

    monkeypatch.setattr(pipeline_run, "run_cycle", recorded_cycle)
    res = run_cli("run", "--sources", str(path))
    assert res.returncode == exit_codes.SOME_SOURCES_FAILED, res.stderr[-2000:]
    assert "every feed failed: connection refused or dropped" in res.stdout
    assert "1 of 2 sources failed" in res.stderr

    (summary,) = summaries
    monkeypatch.setattr(pipeline_run, "run_cycle", lambda *args, **kwargs: summary)
    res = run_cli("run", "--sources", str(path), "--json")
    assert res.returncode == exit_codes.SOME_SOURCES_FAILED
    statuses = {s["source_id"]: s for s in json.loads(res.stdout)["sources"]}
    assert statuses[good["id"]]["status"] == "ok"
    assert statuses["refused"]["status"] == "failed"
    assert (
        "every feed failed: connection refused or dropped" in statuses["refused"]["error_message"]
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_source_succeeded_exits_4(settings: Settings, tmp_path: Path) -> None:
    path = write_sources(
        tmp_path / "sources.yaml",
        [
            outlet("refused", f"http://127.0.0.1:{free_port()}"),
            outlet("nowhere", "http://nx.invalid"),
        ],
    )
    res = run_cli("run", "--sources", str(path))
    assert res.returncode == exit_codes.ALL_SOURCES_FAILED, res.stderr[-2000:]
    assert "connection refused or dropped" in res.stdout
    assert "host name not found (DNS)" in res.stdout
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_silent_outlet_stops_at_its_deadline(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An outlet that accepts connections and never answers cannot stall the run."""
    monkeypatch.setenv("NARRMON_SOURCE_DEADLINE", "3")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # the kernel completes handshakes; nobody ever reads or answers
        origin = f"http://127.0.0.1:{silent.getsockname()[1]}"
        path = write_sources(tmp_path / "sources.yaml", [outlet("silent", origin)])
        started = time.monotonic()
        res = run_cli("run", "--sources", str(path))
        elapsed = time.monotonic() - started
    assert res.returncode == exit_codes.ALL_SOURCES_FAILED, res.stderr[-2000:]
    assert "stopped at its crawl deadline" in res.stdout
    # The download timeout (30 s) with retries would take minutes; the deadline is 3 s,
    # and start-up (imports, Scrapy, the quality gate's warm-up) adds well under 40 s.
    assert elapsed < 45, elapsed
