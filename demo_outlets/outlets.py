"""The fixture outlets: who they are, which feeds they publish, how pages look."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    """One fixture outlet (served on its own loopback port)."""

    id: str
    name: str
    language: str
    country: str
    media_type: str
    charset: str
    # Feed formats: rss2, rss1, atom, news-sitemap, sitemap-index.
    feeds: tuple[str, ...]
    jsonld: bool  # JSON-LD NewsArticle and meta dates; else only a visible byline date
    style: str  # portal | paper | broadcaster | blog
    section: str  # first path segment of article URLs
    # Share of Kremlin-side, counter-narrative and distractor articles.
    mix: tuple[float, float, float]
    robots_disallow: str | None = None  # a path prefix its feeds still link to
    tracking_params: bool = False  # feed links carry utm_* parameters
    syndicates_from: str | None = None  # feed also links an article of this outlet


OUTLETS: tuple[Outlet, ...] = (
    Outlet(
        "novosti",
        "Novosti World Service",
        "en",
        "RU",
        "state-affiliated",
        "utf-8",
        ("rss2", "news-sitemap"),
        True,
        "portal",
        "world",
        (0.5, 0.1, 0.4),
        robots_disallow="/premium/",
        tracking_params=True,
    ),
    Outlet(
        "vesti",
        "Вести Сегодня",
        "ru",
        "RU",
        "state-affiliated",
        "windows-1251",
        ("rss2",),
        False,
        "portal",
        "politika",
        (0.5, 0.1, 0.4),
    ),
    Outlet(
        "rundschau",
        "Berliner Rundschau",
        "de",
        "DE",
        "commercial",
        "utf-8",
        ("atom",),
        True,
        "paper",
        "politik",
        (0.25, 0.35, 0.4),
    ),
    Outlet(
        "courrier",
        "Le Courrier de l'Europe",
        "fr",
        "FR",
        "commercial",
        "utf-8",
        ("rss1",),
        False,
        "paper",
        "international",
        (0.25, 0.35, 0.4),
    ),
    Outlet(
        "nbc",
        "Northern Broadcasting Corporation",
        "en",
        "GB",
        "public-broadcaster",
        "utf-8",
        ("news-sitemap", "sitemap-index"),
        True,
        "broadcaster",
        "news",
        (0.15, 0.45, 0.4),
    ),
    Outlet(
        "atlantic",
        "Atlantic Policy Forum",
        "en",
        "US",
        "think-tank",
        "utf-8",
        ("rss2",),
        False,
        "blog",
        "analysis",
        (0.2, 0.6, 0.2),
        syndicates_from="nbc",
    ),
)

OUTLET_IDS = tuple(o.id for o in OUTLETS)
# The extra host that plays "somewhere else on the web" for offsite tests.
OFFSITE_ID = "elsewhere"


def outlet_by_id(outlet_id: str) -> Outlet:
    """Look an outlet up by id."""
    for outlet in OUTLETS:
        if outlet.id == outlet_id:
            return outlet
    raise KeyError(outlet_id)


def origin_token(outlet_id: str) -> str:
    """Placeholder written into generated files; the server swaps in the origin."""
    return f"__ORIGIN_{outlet_id}__"
