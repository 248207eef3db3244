"""retag and reextract over a crawled database: idempotent, versioned, no re-crawl."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from demo_outlets import SiteServer, generate_sites, serve_sites
from models.db import make_engine, session_factory
from models.schema import Article, DailyRollup, NarrativeTag
from narrmon.settings import Settings
from tests.cli import run_cli

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    manifest = generate_sites(
        tmp_path_factory.mktemp("sites"),
        seed=9,
        articles_per_outlet=6,
        outlets=["novosti", "rundschau"],
    )
    srv = serve_sites(manifest.root)
    yield srv
    srv.stop()


@pytest.mark.pool  # re-extraction on the pool, as in production
def test_retag_and_reextract_are_idempotent(
    server: SiteServer, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRMON_SOURCES", str(server.write_sources(tmp_path / "sources.yaml")))
    res = run_cli("run", "--json")
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads(res.stdout)["totals"]["new"] > 0
    engine = make_engine(settings.database_url)
    factory = session_factory(engine)
    with factory() as s:
        before = sorted(
            (t.article_id, t.narrative_id, t.score) for t in s.scalars(select(NarrativeTag))
        )
        rollups_before = s.scalar(select(func.sum(DailyRollup.articles)))
        # simulate tags from an older taxonomy, and one lost tag
        s.execute(update(NarrativeTag).values(taxonomy_version="old"))
        first_tag = s.scalar(select(func.min(NarrativeTag.id)))
        s.execute(delete(NarrativeTag).where(NarrativeTag.id == first_tag))
        s.commit()
    assert before

    server.clear_log()
    res = run_cli("retag", "--batch-size", "3")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "retagged" in res.stdout and "retagged 3 articles" in res.stderr
    with factory() as s:
        after = sorted(
            (t.article_id, t.narrative_id, t.score) for t in s.scalars(select(NarrativeTag))
        )
        versions = set(s.scalars(select(NarrativeTag.taxonomy_version)))
        assert s.scalar(select(func.sum(DailyRollup.articles))) == rollups_before
    assert after == before and versions == {__import__("narratives").TAXONOMY_VERSION}
    assert run_cli("retag").returncode == 0

    with factory() as s:
        texts = {a.url: a.text for a in s.scalars(select(Article))}
        s.execute(update(Article).values(text="stale", content_hash="x"))
        s.commit()
    res = run_cli("reextract")
    assert res.returncode == 0, res.stderr[-2000:]
    assert f"{len(texts)} changed" in res.stdout
    with factory() as s:
        assert {a.url: a.text for a in s.scalars(select(Article))} == texts
    assert server.requests() == []  # nothing re-crawled
    engine.dispose()


def test_every_article_carries_its_tagger_version_and_retag_outdated_redoes_only_those(
    server: SiteServer, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import narratives

    monkeypatch.setenv("NARRMON_SOURCES", str(server.write_sources(tmp_path / "sources.yaml")))
    res = run_cli("run", "--json")
    assert res.returncode == 0, res.stderr[-2000:]
    engine = make_engine(settings.database_url)
    factory = session_factory(engine)
    with factory() as s:
        rows = s.execute(select(Article.id, Article.tagger_version, Article.taxonomy_version)).all()
        tagged = set(s.scalars(select(NarrativeTag.article_id)))
        assert rows and any(r.id not in tagged for r in rows)  # non-relevant articles exist
        assert {r.tagger_version for r in rows} == {narratives.TAGGER_VERSION}
        assert {r.taxonomy_version for r in rows} == {narratives.TAXONOMY_VERSION}
        old = sorted(r.id for r in rows)[:4]
        s.execute(update(Article).where(Article.id.in_(old)).values(tagger_version="rules-1"))
        s.commit()

    res = run_cli("retag", "--outdated", "--batch-size", "2")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "retagged 4 articles with tagger " + narratives.TAGGER_VERSION in res.stdout
    with factory() as s:
        assert set(s.scalars(select(Article.tagger_version))) == {narratives.TAGGER_VERSION}
    assert "retagged 0 articles" in run_cli("retag", "--outdated").stdout

    out = tmp_path / "export.jsonl"
    res = run_cli("export", "--format", "jsonl", "-o", str(out))
    assert res.returncode == 0, res.stderr[-2000:]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert any(not r["relevant"] for r in records)
    assert {r["tagger_version"] for r in records} == {narratives.TAGGER_VERSION}
    assert {r["taxonomy_version"] for r in records} == {narratives.TAXONOMY_VERSION}
    engine.dispose()
