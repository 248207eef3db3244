"""Every tuned number of the gate, batch checks and feed health, with why it has its value."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class Thresholds:
    """Article-level thresholds (the defaults are what production uses)."""

    # Words of body text an article needs. Wire briefs run 60-100 words; below 50 the
    # text is a caption, a teaser or a failed extraction. (The 181-page extraction
    # benchmark's shortest real English article has 64 words.)
    min_words: int = 50
    # Non-blank characters a title needs: one is enough, the check is for a missing title.
    min_title_chars: int = 1
    # Hours a publication time may lie after the fetch time: clock skew and outlets that
    # stamp in local time without a zone put honest articles up to a few hours ahead;
    # 14 h covers UTC+14 (Kiribati), the largest offset in use.
    future_tolerance_hours: float = 14.0
    # Days a publication time may lie before the fetch time: the first news websites
    # date from the mid-1990s, so older dates (the 1970 epoch, year 1) are parse errors.
    # 11,000 days is about 30 years.
    max_age_days: float = 11_000.0
    # Markup fragments (tags, entities, shortcodes) tolerated in text: none, the
    # extractor removes them all, so any left means a broken extraction.
    max_markup_hits: int = 0
    # A text with a subscribe prompt is a paywall teaser when shorter than this: teasers
    # are one to three paragraphs (under ~200 words); a full article that ends with a
    # "subscribe to our newsletter" line is longer and passes.
    paywall_max_words: int = 250
    # Listing and tag pages: most page text inside links. Real article pages reach 0.6 to
    # 0.8 with heavy navigation (extraction benchmark), so density alone is not enough;
    # it must come with little prose (below).
    listing_min_link_density: float = 0.5
    # ...and less than this share of the extracted words in prose paragraphs. Listing
    # text is headlines (short lines); real articles in the benchmark with density over
    # 0.5 all have a prose share of 0.83 or more.
    listing_max_prose_share: float = 0.5
    # A paragraph of at least this many words counts as prose: headlines and link labels
    # are shorter (typically 6-10 words), sentences of running text are longer.
    prose_min_words: int = 12
    # Checks that are reported in GateResult.flagged but do not quarantine the row.
    # Add "language_expected" to keep articles in an unexpected language, flagged.
    flag_only: frozenset[str] = field(default_factory=frozenset)

    def parameters(self) -> dict[str, float | int]:
        """The values the stored suite's ``$PARAMETER`` placeholders take."""
        return {
            "min_words": self.min_words,
            "min_title_chars": self.min_title_chars,
            "future_tolerance_hours": self.future_tolerance_hours,
            "max_age_days": self.max_age_days,
            "max_markup_hits": self.max_markup_hits,
        }


@dataclass(frozen=True)
class BatchThresholds:
    """Per crawl run and source: when a run's numbers need attention."""

    # Share of fetched pages that must extract: the extraction benchmark extracts all
    # 181 real pages; below 80 % a layout change or a block page is the likely cause.
    min_extraction_rate: float = 0.8
    # Share of extracted articles the gate may quarantine: a few bad rows are normal
    # (teasers, tag pages); over a quarter means the source or a check is broken.
    max_quarantine_share: float = 0.25
    # Share of feeds allowed to yield no item: one dead feed of several is a warning in
    # the health page; most feeds empty means the source changed its feeds.
    max_zero_yield_share: float = 0.5
    # Age of the newest article in the run: hourly crawls of a daily outlet see
    # something published within two days unless the feed stopped updating.
    max_newest_age: timedelta = timedelta(hours=48)
    # Share of already-stored or syndicated copies among extracted articles: wires and
    # mirrors make some, but above 90 % the feed is probably replaying old items.
    max_duplicate_rate: float = 0.9
    # Runs with fewer pages than this are too small to judge the rates (one failure in
    # three pages is not a 33 % failure rate worth an alert).
    min_pages_for_rates: int = 5


@dataclass(frozen=True)
class HealthThresholds:
    """Per source: when the feed-health page and ``narrmon health`` call it unhealthy."""

    # Hours without a successful crawl: the DAG runs hourly, so a day of failures plus
    # two hours of slack for retries and backoff.
    max_hours_since_success: float = 26.0
    # Days in the rolling baseline of articles per day (four weeks: weekday rhythm
    # averages out).
    baseline_days: int = 28
    # Sources publishing fewer articles per day than this are not judged on volume (a
    # think tank with two posts a week has many honest empty days).
    min_baseline_per_day: float = 3.0
    # The last complete day is low when under this share of the baseline: a quarter
    # catches a dead feed without firing on quiet weekends (about half of weekdays).
    min_day_ratio: float = 0.25
    # Days over which the quarantine share is measured (a week: enough items to judge).
    quarantine_window_days: int = 7
    # Quarantine share above which a source is unhealthy: half of everything refused
    # means a changed layout or a broken check, not a few bad pages.
    max_quarantine_share: float = 0.5
    # Items needed in the window before the quarantine share is judged.
    min_items_for_share: int = 10
    # Stale but reachable: the feeds answer, yet the newest stored article is older than
    # this. News outlets publish daily; three days covers a long weekend's pause without
    # hiding a feed frozen since last week. Per source: ``freshness.max_age_hours`` in
    # the sources file (a think tank posting weekly wants about 336).
    stale_after_hours: float = 72.0
    # What a stale source is unless its ``freshness.when_stale`` says otherwise: a
    # warning (the run stays green; the summary says so) or a failure (unhealthy). A
    # warning by default: quiet news days and slow outlets are normal, and a red run
    # for them teaches operators to ignore red.
    stale_policy: str = "warning"
