"""The sources file: the shipped registry is valid and bad entries are named clearly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from crawlers.registry import MEDIA_TYPES, SourcesFileError, load_sources, parse_sources

ROOT = Path(__file__).resolve().parents[2]

GOOD = {
    "id": "herald",
    "name": "The Herald",
    "homepage": "https://www.herald.example/",
    "feeds": [
        {"type": "rss", "url": "https://www.herald.example/world/rss.xml"},
        {"type": "news-sitemap", "url": "https://cdn.herald.example/news.xml"},
    ],
    "language": "en",
    "country": "GB",
    "media_type": "commercial",
}


def test_shipped_sources_cover_the_monitored_landscape() -> None:
    sources = load_sources(ROOT / "config" / "sources.yaml")
    assert len(sources) >= 25
    media = Counter(s.media_type for s in sources)
    assert media["state-affiliated"] >= 5 and media["public-broadcaster"] >= 5
    assert media["think-tank"] >= 2
    langs = {s.language for s in sources}
    assert {"en", "ru", "uk", "de", "fr"} <= langs
    assert {"RU", "UA", "DE", "FR", "GB", "US"} <= {s.country for s in sources}
    assert all(s.media_type in MEDIA_TYPES for s in sources)
    for s in sources:
        assert not any(h.endswith((".example", "localhost")) for h in s.domains()), s.id


def test_defaults_allowed_domains_and_politeness() -> None:
    (src,) = parse_sources({"sources": [GOOD]})
    assert src.domains() == ("www.herald.example", "cdn.herald.example")
    assert src.enabled is True and src.politeness.delay is None
    assert src.to_dict()["allowed_domains"] == []  # the crawler derives the same default
    (local,) = parse_sources(
        {
            "sources": [
                dict(
                    GOOD,
                    homepage="http://127.0.0.1:8001/",
                    feeds=[{"type": "rss", "url": "http://127.0.0.1:8001/rss"}],
                )
            ]
        }
    )
    assert local.domains() == ("127.0.0.1:8001",)


def test_freshness_is_optional_and_stored() -> None:
    """No ``freshness`` key: both values unset (feed health's defaults apply); given, the
    values reach the stored config the health check reads."""
    (plain,) = parse_sources({"sources": [GOOD]})
    assert plain.to_dict()["freshness"] == {"max_age_hours": None, "when_stale": None}
    (strict,) = parse_sources(
        {"sources": [{**GOOD, "freshness": {"max_age_hours": 12, "when_stale": "failure"}}]}
    )
    assert strict.to_dict()["freshness"] == {"max_age_hours": 12.0, "when_stale": "failure"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"media_type": "tabloid"}, "id 'herald'): field 'media_type': 'tabloid' is not one of"),
        ({"language": "english"}, "field 'language': 'english' is not ISO 639-1"),
        ({"country": "gb"}, "field 'country'"),
        ({"homepage": "ftp://x.example/"}, "field 'homepage': 'ftp://x.example/' is not an http"),
        ({"feeds": []}, "field 'feeds' must be a non-empty list"),
        ({"feeds": [{"type": "json", "url": "https://x.example/f"}]}, "type 'json' is not one of"),
        ({"id": "Bad Id"}, "field 'id': 'Bad Id' is not a lowercase slug"),
        ({"max_articles_per_run": 0}, "max_articles_per_run' must be a positive integer"),
        ({"politeness": {"delay": -1}}, "politeness.delay' must be a number >= 0"),
        ({"politeness": {"speed": 3}}, "takes only delay and concurrency"),
        ({"freshness": {"max_age_hours": 0}}, "'freshness.max_age_hours': 0 is not a number"),
        ({"freshness": {"max_age_hours": "3d"}}, "'freshness.max_age_hours': '3d' is not a"),
        ({"freshness": {"when_stale": "red"}}, "'freshness.when_stale': 'red' is not one of"),
        ({"freshness": {"hours": 3}}, "'freshness' takes max_age_hours and/or when_stale"),
        ({"freshness": 72}, "'freshness' takes max_age_hours and/or when_stale"),
        ({"colour": "red"}, "unknown field(s) colour"),
        ({"name": None}, "field 'name' is required"),
    ],
)
def test_bad_entries_are_named(change: dict[str, object], message: str) -> None:
    entry = {**GOOD, **change}
    with pytest.raises(SourcesFileError) as err:
        parse_sources({"sources": [dict(GOOD, id="first"), entry]}, "sources.yaml")
    assert "sources.yaml: source #2" in str(err.value)
    assert message in str(err.value)


def test_duplicate_ids_and_shape_errors(tmp_path: Path) -> None:
    with pytest.raises(SourcesFileError, match="duplicate id"):
        parse_sources({"sources": [GOOD, GOOD]})
    with pytest.raises(SourcesFileError, match="top-level 'sources:' list"):
        parse_sources({"outlets": []})
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [ {id: x", encoding="utf-8")
    with pytest.raises(SourcesFileError, match="not valid YAML"):
        load_sources(bad)
    with pytest.raises(SourcesFileError, match="cannot read the sources file"):
        load_sources(tmp_path / "missing.yaml")
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump({"sources": [GOOD]}), encoding="utf-8")
    assert [s.id for s in load_sources(path)] == ["herald"]
