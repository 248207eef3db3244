"""The source registry: load and validate the sources file (DESIGN.md's contract).

Sources are data, not code. A bad entry raises :class:`SourcesFileError` naming the
file, the entry and the field. Importing this module does not import Scrapy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawlers.urls import allowed_hosts

FEED_TYPES = ("rss", "atom", "news-sitemap", "sitemap")
MEDIA_TYPES = (
    "state-affiliated",
    "public-broadcaster",
    "commercial",
    "independent",
    "think-tank",
    "blog",
    "aggregator",
)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_LANG_RE = re.compile(r"^[a-z]{2}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_KNOWN_FIELDS = {
    "id",
    "name",
    "homepage",
    "feeds",
    "language",
    "country",
    "media_type",
    "allowed_domains",
    "max_articles_per_run",
    "enabled",
    "politeness",
    "freshness",
    "notes",
}
_POLITENESS_FIELDS = {"delay", "concurrency"}
_FRESHNESS_FIELDS = {"max_age_hours", "when_stale"}
# What a stale-but-reachable source is (feed health): a warning in the run's summary, or
# a failure of the DAG's feed health task and of `narrmon health`.
STALE_POLICIES = ("warning", "failure")


class SourcesFileError(ValueError):
    """The sources file is missing, not YAML, or has an invalid entry."""


@dataclass(frozen=True)
class Feed:
    """A feed or sitemap of a source."""

    type: str
    url: str


@dataclass(frozen=True)
class Politeness:
    """Per-source crawl politeness; ``None`` fields use the open-web defaults."""

    delay: float | None = None
    concurrency: int | None = None


@dataclass(frozen=True)
class Freshness:
    """When a source whose feeds answer counts as stale, and what that means.

    ``None`` fields use the feed-health defaults (``quality.thresholds.HealthThresholds``:
    72 hours, a warning).
    """

    max_age_hours: float | None = None
    when_stale: str | None = None


@dataclass(frozen=True)
class SourceConfig:
    """One monitored source (one language edition of an outlet)."""

    id: str
    name: str
    homepage: str
    feeds: tuple[Feed, ...]
    language: str
    country: str
    media_type: str
    allowed_domains: tuple[str, ...] = ()
    max_articles_per_run: int | None = None
    enabled: bool = True
    politeness: Politeness = field(default_factory=Politeness)
    freshness: Freshness = field(default_factory=Freshness)

    def domains(self) -> tuple[str, ...]:
        """Allowed hosts: as configured, else the hosts of the homepage and feeds.

        A host taken from a URL keeps an explicit port (``127.0.0.1:8001``), so outlets
        served on one loopback address stay apart, as the crawler sees them.
        """
        return allowed_hosts(self.allowed_domains, (self.homepage, *self.feed_urls()))

    def feed_urls(self) -> tuple[str, ...]:
        """The URLs of the source's feeds and sitemaps."""
        return tuple(f.url for f in self.feeds)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-serialisable form handed to crawl processes and stored in the database."""
        return {
            "id": self.id,
            "name": self.name,
            "homepage": self.homepage,
            "feeds": [{"type": f.type, "url": f.url} for f in self.feeds],
            "language": self.language,
            "country": self.country,
            "media_type": self.media_type,
            "allowed_domains": list(self.allowed_domains),
            "max_articles_per_run": self.max_articles_per_run,
            "enabled": self.enabled,
            "politeness": {
                "delay": self.politeness.delay,
                "concurrency": self.politeness.concurrency,
            },
            "freshness": {
                "max_age_hours": self.freshness.max_age_hours,
                "when_stale": self.freshness.when_stale,
            },
        }


def _http_url(value: Any, where: str) -> str:
    if (
        not isinstance(value, str)
        or urlsplit(value).scheme not in ("http", "https")
        or not (urlsplit(value).hostname)
    ):
        raise SourcesFileError(f"{where}: {value!r} is not an http(s) URL")
    return value


def _parse_entry(raw: Any, where: str) -> SourceConfig:
    if not isinstance(raw, dict):
        raise SourcesFileError(f"{where}: expected a mapping, got {type(raw).__name__}")
    unknown = sorted(set(raw) - _KNOWN_FIELDS)
    if unknown:
        raise SourcesFileError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for required in ("id", "name", "homepage", "feeds", "language", "country", "media_type"):
        if required not in raw or raw[required] in (None, ""):
            raise SourcesFileError(f"{where}: field '{required}' is required")
    sid = raw["id"]
    if not isinstance(sid, str) or not _ID_RE.match(sid):
        raise SourcesFileError(f"{where}: field 'id': {sid!r} is not a lowercase slug")
    where = f"{where} (id '{sid}')"
    if not isinstance(raw["name"], str):
        raise SourcesFileError(f"{where}: field 'name' must be text")
    homepage = _http_url(raw["homepage"], f"{where}: field 'homepage'")
    feeds_raw = raw["feeds"]
    if not isinstance(feeds_raw, list) or not feeds_raw:
        raise SourcesFileError(f"{where}: field 'feeds' must be a non-empty list")
    feeds = []
    for j, feed in enumerate(feeds_raw):
        fwhere = f"{where}: field 'feeds[{j}]'"
        if not isinstance(feed, dict) or set(feed) != {"type", "url"}:
            raise SourcesFileError(f"{fwhere}: expected {{type, url}}")
        if feed["type"] not in FEED_TYPES:
            raise SourcesFileError(
                f"{fwhere}: type {feed['type']!r} is not one of {', '.join(FEED_TYPES)}"
            )
        feeds.append(Feed(type=feed["type"], url=_http_url(feed["url"], f"{fwhere}.url")))
    language = raw["language"]
    if not isinstance(language, str) or not _LANG_RE.match(language):
        raise SourcesFileError(f"{where}: field 'language': {language!r} is not ISO 639-1")
    country = raw["country"]
    if not isinstance(country, str) or not _COUNTRY_RE.match(country):
        raise SourcesFileError(f"{where}: field 'country': {country!r} is not ISO 3166-1 alpha-2")
    media_type = raw["media_type"]
    if media_type not in MEDIA_TYPES:
        raise SourcesFileError(
            f"{where}: field 'media_type': {media_type!r} is not one of {', '.join(MEDIA_TYPES)}"
        )
    domains_raw = raw.get("allowed_domains") or []
    if not isinstance(domains_raw, list) or not all(isinstance(d, str) and d for d in domains_raw):
        raise SourcesFileError(f"{where}: field 'allowed_domains' must be a list of host names")
    cap = raw.get("max_articles_per_run")
    if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap <= 0):
        raise SourcesFileError(f"{where}: field 'max_articles_per_run' must be a positive integer")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SourcesFileError(f"{where}: field 'enabled' must be true or false")
    pol_raw = raw.get("politeness") or {}
    if not isinstance(pol_raw, dict) or set(pol_raw) - _POLITENESS_FIELDS:
        raise SourcesFileError(f"{where}: field 'politeness' takes only delay and concurrency")
    delay = pol_raw.get("delay")
    if delay is not None and (not isinstance(delay, int | float) or delay < 0):
        raise SourcesFileError(f"{where}: field 'politeness.delay' must be a number >= 0")
    conc = pol_raw.get("concurrency")
    if conc is not None and (not isinstance(conc, int) or conc < 1):
        raise SourcesFileError(f"{where}: field 'politeness.concurrency' must be an integer >= 1")
    return SourceConfig(
        id=sid,
        name=raw["name"],
        homepage=homepage,
        feeds=tuple(feeds),
        language=language,
        country=country,
        media_type=media_type,
        allowed_domains=tuple(d.lower() for d in domains_raw),
        max_articles_per_run=cap,
        enabled=enabled,
        politeness=Politeness(
            delay=None if delay is None else float(delay),
            concurrency=conc,
        ),
        freshness=_parse_freshness(raw.get("freshness"), where),
    )


def _parse_freshness(raw: Any, where: str) -> Freshness:
    """The optional ``freshness: {max_age_hours, when_stale}`` of an entry."""
    if raw is None:
        return Freshness()
    if not isinstance(raw, dict) or not raw or set(raw) - _FRESHNESS_FIELDS:
        raise SourcesFileError(f"{where}: field 'freshness' takes max_age_hours and/or when_stale")
    hours = raw.get("max_age_hours")
    if hours is not None and (
        not isinstance(hours, int | float) or isinstance(hours, bool) or hours <= 0
    ):
        raise SourcesFileError(
            f"{where}: field 'freshness.max_age_hours': {hours!r} is not a number of hours > 0"
        )
    policy = raw.get("when_stale")
    if policy is not None and policy not in STALE_POLICIES:
        raise SourcesFileError(
            f"{where}: field 'freshness.when_stale': {policy!r} is not one of "
            + ", ".join(STALE_POLICIES)
        )
    return Freshness(max_age_hours=None if hours is None else float(hours), when_stale=policy)


def parse_sources(data: Any, origin: str = "<sources>") -> list[SourceConfig]:
    """Validate parsed YAML (``{sources: [...]}``) into source configs."""
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesFileError(f"{origin}: expected a top-level 'sources:' list")
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["sources"]):
        ident = raw.get("id") if isinstance(raw, dict) else None
        label = f"{origin}: source #{i + 1}"
        source = _parse_entry(raw, label)
        if source.id in seen:
            raise SourcesFileError(f"{label} (id '{ident}'): duplicate id")
        seen.add(source.id)
        sources.append(source)
    return sources


def load_sources(path: str | Path) -> list[SourceConfig]:
    """Load and validate a sources file; raises :class:`SourcesFileError` on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesFileError(f"{path}: cannot read the sources file ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesFileError(f"{path}: not valid YAML: {exc}") from exc
    return parse_sources(data, str(path))
