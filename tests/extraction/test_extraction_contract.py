"""The public contract: record fields, failure policy, language, light imports."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import UTC

import pytest

from crawlers.extraction import EXTRACTOR_VERSION, ExtractedArticle, ExtractionError, extract

EN = [
    "The harbour authority opened the new ferry terminal on Monday after three years of "
    "construction work that ran well over its original budget.",
    "Officials said the building can handle twice as many passengers as the old hall, "
    "which was closed in the spring after the roof began to leak badly.",
    "Local traders welcomed the opening but warned that parking near the quay remains "
    "scarce, especially on summer weekends when tourists arrive.",
]
DE = [
    "Die Hafenbehörde hat am Montag das neue Fährterminal eröffnet, nachdem die Bauarbeiten "
    "fast drei Jahre gedauert und deutlich mehr gekostet hatten als geplant.",
    "Nach Angaben der Stadt kann das Gebäude doppelt so viele Fahrgäste abfertigen wie die "
    "alte Halle, die im Frühjahr wegen eines undichten Dachs geschlossen wurde.",
    "Die Händler am Kai begrüßten die Eröffnung, warnten aber, dass Parkplätze in der Nähe "
    "vor allem an Sommerwochenenden weiterhin knapp sind.",
]
FR = [
    "L'autorité portuaire a inauguré lundi le nouveau terminal des ferries, après près de "
    "trois ans de travaux qui ont largement dépassé le budget prévu.",
    "Selon la mairie, le bâtiment peut accueillir deux fois plus de voyageurs que l'ancienne "
    "salle, fermée au printemps à cause d'une toiture qui fuyait.",
    "Les commerçants du quai ont salué l'ouverture, tout en rappelant que les places de "
    "stationnement restent rares, surtout les week-ends d'été.",
]


def page(paras: list[str], lang: str = "en", title: str = "Ferry terminal") -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
        '<meta property="article:published_time" content="2024-03-05T08:30:00+01:00">'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


URL = "https://gazette.example/news/ferry"


def test_record_shape() -> None:
    art = extract(page(EN), URL)
    assert isinstance(art, ExtractedArticle)
    assert dataclasses.is_dataclass(art)
    with pytest.raises(dataclasses.FrozenInstanceError):
        art.text = "changed"  # type: ignore[misc]
    assert art.text == "\n".join(EN)
    assert art.title == "Ferry terminal"
    assert art.published_at is not None and art.published_at.tzinfo is UTC
    assert art.language == "en"
    assert art.extractor_version == EXTRACTOR_VERSION
    assert EXTRACTOR_VERSION.startswith("narrmon-extract/")
    assert "trafilatura/" in EXTRACTOR_VERSION
    assert art.word_count == len(art.text.split())
    assert 0.0 <= art.link_density <= 1.0
    assert art.url == URL


def test_bytes_and_str_give_the_same_text() -> None:
    html = page(EN)
    assert extract(html.encode("utf-8"), URL).text == extract(html, URL).text


@pytest.mark.parametrize(("paras", "lang"), [(DE, "de"), (FR, "fr"), (EN, "en")])
def test_language_detected_on_text(paras: list[str], lang: str) -> None:
    # the page claims English in <html lang>; the text decides
    art = extract(page(paras, lang="en"), URL)
    assert art.language == lang


def test_link_density_flags_listing_pages() -> None:
    links = "".join(
        f"<li><a href='/n/{i}'>Headline number {i} about the port</a></li>" for i in range(40)
    )
    listing = (
        "<!DOCTYPE html><html><head><title>News</title></head><body><ul>"
        f"{links}</ul><p>Harbour Gazette</p></body></html>"
    )
    assert extract(listing, URL).link_density > 0.8
    assert extract(page(EN), URL).link_density < 0.2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty-input"),
        (b"   \n\t ", "empty-input"),
        ("", "empty-input"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary-input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary-input"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "binary-input"),
        (b"\x00\x01\x02\x03<html>\x00\x00", "binary-input"),
        ("just some words, no markup at all", "not-html"),
    ],
)
def test_not_a_page_raises_extraction_error(data: str | bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract(data, URL)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)


def test_wrong_type_raises_extraction_error() -> None:
    with pytest.raises(ExtractionError) as info:
        extract(12345, URL)  # type: ignore[arg-type]
    assert info.value.reason == "bad-input-type"


def test_broken_html_still_extracts() -> None:
    broken = (
        "<html><head><title>Ferry terminal</title><body><div><article><h1>Ferry terminal"
        + "".join(f"<p>{p}" for p in EN)  # unclosed <p>, <div>, <article>, <head>
        + "<p>trailing <b>bold <i>italic</p></div"
    )
    art = extract(broken, URL)
    for p in EN:
        assert p in art.text


def test_page_without_article_text_gives_empty_text() -> None:
    """A real page with no article: a record with empty text, not an exception."""
    html = (
        "<html><head><title>Menu</title><script>var x = 1;</script></head>"
        "<body><img src='/logo.png'><script>track()</script></body></html>"
    )
    art = extract(html, URL)
    assert art.text == ""
    assert art.word_count == 0
    assert art.language is None
    assert art.title == "Menu"


def test_import_is_light() -> None:
    code = (
        "import sys\n"
        "import crawlers.extraction\n"
        "heavy = [m for m in ('scrapy', 'twisted', 'airflow', 'sqlalchemy', 'psycopg')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_library_failure_becomes_extraction_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated library bug")

    monkeypatch.setattr("crawlers.extraction.pipeline.trafilatura.bare_extraction", boom)
    with pytest.raises(ExtractionError) as info:
        extract(page(EN), URL)
    assert info.value.reason == "extractor-failed"
    assert "simulated library bug" in info.value.detail
