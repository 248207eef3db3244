"""Quarantine replay: a page refused by the gate loads after its cause is fixed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from crawlers.archive import WarcArchive
from crawlers.registry import parse_sources
from models import store
from models.db import make_engine, session_factory
from models.schema import Article, QuarantineItem
from narrmon.bootstrap import source_record
from narrmon.pipeline.extract import PageTask, process_page
from narrmon.pipeline.load import load_outcomes
from narrmon.settings import Settings
from narrmon.summary import SourceSummary
from tests.cli import run_cli

BODY = (
    "Moscow again accused the West of breaking the promise it says was made in 1990 that NATO "
    "would not expand eastward, while alliance officials replied that no such pledge was ever "
    "written down and that every new member chose to join."
)
PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Kremlin revives the 1990 promise dispute</title>
<meta property="article:published_time" content="2025-04-02T08:00:00Z"></head>
<body><nav><a href="/">Home</a></nav><article><h1>Kremlin revives the 1990 promise dispute</h1>
{
    "".join(
        f"<p>{BODY} Paragraph {i} adds detail on the talks and the reaction.</p>" for i in range(6)
    )
}
</article><footer>© Herald</footer></body></html>""".encode()


def entry(allowed: list[str]) -> dict[str, object]:
    return {
        "id": "herald",
        "name": "The Herald",
        "homepage": "https://www.herald.example/",
        "feeds": [{"type": "rss", "url": "https://www.herald.example/rss.xml"}],
        "language": "en",
        "country": "GB",
        "media_type": "commercial",
        "allowed_domains": allowed,
    }


def test_replay_loads_an_item_after_its_cause_is_fixed(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://news.herald.example/world/kremlin-promise"
    archive = WarcArchive(tmp_path / "run.warc.gz")
    rec = archive.write_response(url, 200, [("Content-Type", "text/html; charset=utf-8")], PAGE)
    archive.close()
    # Misconfigured: the news subdomain is missing from allowed_domains.
    (bad_source,) = parse_sources({"sources": [entry(["www.herald.example"])]})
    engine = make_engine(settings.database_url)
    factory = session_factory(engine)
    task = PageTask(
        url=url,
        final_url=url,
        canonical_url=url,
        warc_path=rec.warc_path,
        warc_offset=rec.offset,
        warc_record_id=rec.record_id,
        content_type="text/html; charset=utf-8",
        fetched_at="2025-04-02T09:00:00+00:00",
    )
    with factory.begin() as s:
        store.sync_sources(s, [source_record(bad_source)])
        load_outcomes(
            s,
            bad_source,
            [process_page(task)],
            "r1",
            SourceSummary("herald"),
            taxonomy_version="t",
            data_dir=settings.data_dir,
        )
    with factory() as s:
        (item,) = s.scalars(select(QuarantineItem)).all()
        assert item.reasons == ["url_on_source_domains"] and item.status == "pending"
        assert s.scalars(select(Article)).all() == []

    fixed = tmp_path / "sources.yaml"
    fixed.write_text(yaml.safe_dump({"sources": [entry(["herald.example"])]}), encoding="utf-8")
    monkeypatch.setenv("NARRMON_SOURCES", str(fixed))
    res = run_cli("quarantine", "replay", "--all")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "loaded 1" in res.stdout
    with factory() as s:
        (article,) = s.scalars(select(Article)).all()
        assert article.url == url and article.title == "Kremlin revives the 1990 promise dispute"
        assert s.scalars(select(QuarantineItem.status)).all() == ["replayed"]
    res = run_cli("quarantine", "replay")
    assert res.returncode == 1 and "--id ID" in res.stderr
    engine.dispose()
