"""Every real outlet's known article-URL pattern is on its allowed hosts (sister hosts too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.registry import load_sources
from crawlers.urls import host_allowed

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {s.id: s for s in load_sources(ROOT / "config" / "sources.yaml")}

# One article URL per outlet in the form its feeds link to (and, where the outlet has
# them, its sister hosts). A new outlet without an entry here fails the coverage test.
ARTICLE_URLS: dict[str, tuple[str, ...]] = {
    "tass-en": ("https://tass.com/politics/1934567",),
    "tass-ru": ("https://tass.ru/politika/23412345",),
    "ria-ru": ("https://ria.ru/20250314/nato-1994512345.html",),
    "rt-en": ("https://www.rt.com/news/614321-nato-expansion-promise/",),
    "rt-ru": ("https://russian.rt.com/world/article/1451234-nato-rasshirenie",),
    "sputnik-en": ("https://sputnikglobe.com/20250314/nato-1121612345.html",),
    "rg-ru": ("https://rg.ru/2025/03/14/nato.html",),
    "kremlin-en": ("http://en.kremlin.ru/events/president/transcripts/76543",),
    "kremlin-ru": ("http://kremlin.ru/events/president/transcripts/76543",),
    "valdai-en": ("https://valdaiclub.com/a/highlights/nato-expansion-and-russia/",),
    "kommersant-ru": ("https://www.kommersant.ru/doc/7561234",),
    "meduza-ru": ("https://meduza.io/news/2025/03/14/nato",),
    "meduza-en": ("https://meduza.io/en/news/2025/03/14/nato",),
    "novaya-europe-ru": ("https://novayagazeta.eu/articles/2025/03/14/nato",),
    "reuters": ("https://www.reuters.com/world/europe/nato-allies-meet-2025-03-14/",),
    "ukrinform-en": ("https://www.ukrinform.net/rubric-polytics/3971234-nato.html",),
    "ukrinform-uk": ("https://www.ukrinform.ua/rubric-polytics/3971234-nato.html",),
    "bbc-world": (
        "https://www.bbc.com/news/articles/c0jk8l1m2n3o",
        "https://www.bbc.co.uk/news/world-europe-68123456",
    ),
    "bbc-russian": (
        "https://www.bbc.com/russian/articles/c0jk8l1m2n3o",
        "https://www.bbc.co.uk/russian/features-68123456",
    ),
    "bbc-ukrainian": (
        "https://www.bbc.com/ukrainian/articles/c0jk8l1m2n3o",
        "https://www.bbc.co.uk/ukrainian/features-68123456",
    ),
    "dw-en": ("https://www.dw.com/en/nato-summit/a-71234567",),
    "dw-de": ("https://www.dw.com/de/nato-gipfel/a-71234567",),
    "dw-ru": ("https://www.dw.com/ru/sammit-nato/a-71234567",),
    "tagesschau": ("https://www.tagesschau.de/ausland/europa/nato-gipfel-100.html",),
    "france24-fr": ("https://www.france24.com/fr/europe/20250314-otan-sommet",),
    "france24-en": ("https://www.france24.com/en/europe/20250314-nato-summit",),
    "rfi-fr": ("https://www.rfi.fr/fr/europe/20250314-otan-sommet",),
    "guardian-world": ("https://www.theguardian.com/world/2025/mar/14/nato-summit",),
    "nyt-world": ("https://www.nytimes.com/2025/03/14/world/europe/nato-summit.html",),
    "spiegel": ("https://www.spiegel.de/ausland/nato-gipfel-a-0c1d2e3f.html",),
    "faz-politik": ("https://www.faz.net/aktuell/politik/ausland/nato-gipfel-110312345.html",),
    "lemonde-international": (
        "https://www.lemonde.fr/international/article/2025/03/14/otan_6581234_3210.html",
    ),
    "pravda-ua-uk": (
        "https://www.pravda.com.ua/news/2025/03/14/7503456/",
        "https://www.eurointegration.com.ua/news/2025/03/14/7201234/",
        "https://www.epravda.com.ua/news/2025/03/14/760123/",
        "https://life.pravda.com.ua/society/2025/03/14/265123/",
    ),
    "pravda-ua-ru": (
        "https://www.pravda.com.ua/rus/news/2025/03/14/7503456/",
        "https://www.eurointegration.com.ua/rus/news/2025/03/14/7201234/",
    ),
    "pravda-ua-en": (
        "https://www.pravda.com.ua/eng/news/2025/03/14/7503456/",
        "https://www.eurointegration.com.ua/eng/news/2025/03/14/7201234/",
    ),
    "kyiv-independent": ("https://kyivindependent.com/nato-allies-agree-on-air-defense/",),
    "brookings": ("https://www.brookings.edu/articles/nato-enlargement-and-russia/",),
    "ecfr": ("https://ecfr.eu/article/nato-enlargement-after-the-war/",),
    "nato-newsroom": ("https://www.nato.int/cps/en/natohq/news_223456.htm",),
    "stopfake-en": ("https://www.stopfake.org/en/fake-nato-promised-not-to-expand/",),
    "euvsdisinfo": ("https://euvsdisinfo.eu/report/nato-promised-not-to-expand-east/",),
    "correctiv": ("https://correctiv.org/faktencheck/2025/03/14/nato-osterweiterung/",),
}


def test_every_outlet_has_its_article_pattern() -> None:
    assert set(ARTICLE_URLS) == set(SOURCES)


@pytest.mark.parametrize(
    ("source_id", "url"), [(s, u) for s, us in ARTICLE_URLS.items() for u in us]
)
def test_article_pattern_is_on_the_allowed_hosts(source_id: str, url: str) -> None:
    assert host_allowed(url, list(SOURCES[source_id].domains())), (
        url,
        SOURCES[source_id].domains(),
    )


@pytest.mark.parametrize("source_id", sorted(ARTICLE_URLS))
def test_feeds_are_on_the_allowed_hosts_and_strangers_are_not(source_id: str) -> None:
    domains = list(SOURCES[source_id].domains())
    assert all(host_allowed(f, domains) for f in SOURCES[source_id].feed_urls())
    assert not host_allowed("https://evil.example/news/1", domains)
