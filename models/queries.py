"""Read-side queries for the dashboards: small aggregated results, never all articles.

Every function takes a SQLAlchemy session and a :class:`DashboardFilter` and returns plain
lists, dicts or pandas DataFrames built from aggregated rows. Trends read only the daily
rollups (``daily_rollups``, ``daily_totals``); week and month buckets are summed in pandas
from the aggregated daily rows, which keeps the SQL portable between SQLite and PostgreSQL.

Unique stories: the rollups count distinct ``story_id`` per day x source x language, so a
sum over outlets or days counts a story once per outlet and day it appeared in. Charts
call that figure "unique stories (per outlet-day)": copies *within* one outlet on one day
are collapsed, syndication *across* outlets is not. The exact cross-outlet figure needs the
articles table and is not computed on the Trends page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal, TypeVarTuple

import numpy as np
import pandas as pd
from sqlalchemy import (
    Engine,
    Select,
    and_,
    case,
    create_engine,
    event,
    false,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, aliased

from models.rollups import STANCES as STANCES
from models.rollups import UNKNOWN_LANGUAGE, UNKNOWN_STANCE
from models.schema import (
    Article,
    CrawlRun,
    DailyRollup,
    DailyStanceRollup,
    DailyTotal,
    FeedState,
    Narrative,
    NarrativeTag,
    QuarantineItem,
    Source,
)

Ts = TypeVarTuple("Ts")

Grain = Literal["day", "week", "month"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month")
Side = Literal["kremlin", "counter"]

# The taxonomy's nine stable ids and sides (DESIGN.md), used while the `narratives`
# table is still empty (before `narrmon init` has loaded narratives/taxonomy.yaml).
DEFAULT_NARRATIVES: tuple[tuple[str, str, Side], ...] = (
    ("broken-promise", "Broken promise", "kremlin"),
    ("encirclement", "Encirclement", "kremlin"),
    ("rejected-partnership", "Rejected partnership", "kremlin"),
    ("ukraine-proxy", "Ukraine as proxy", "kremlin"),
    ("nato-provoked-war", "NATO provoked the war", "kremlin"),
    ("no-binding-pledge", "No binding pledge", "counter"),
    ("sovereign-choice", "Sovereign choice", "counter"),
    ("defensive-alliance", "Defensive alliance", "counter"),
    ("aggression-drives-enlargement", "Aggression drives enlargement", "counter"),
)
SIDE_LABELS: dict[str, str] = {"kremlin": "Kremlin-side", "counter": "Counter-narrative"}

# Labels of the stances (models.rollups.STANCES, re-exported here for the pages).
STANCE_LABELS: dict[str, str] = {
    "promotes": "Promotes",
    "reports": "Reports",
    "disputes": "Disputes",
    UNKNOWN_STANCE: "Stance unknown",
}
# The stance that *advances* a narrative. The Kremlin-side and counter measures count
# only tags with this stance: an article disputing a Kremlin claim is a rebuttal and one
# that merely reports it is neutral; neither advances the claim (docs/dashboards.md).
ADVANCING_STANCE = "promotes"

# Rolling baseline for spike marks, in periods of the chosen grain: four weeks of days,
# eight weeks, six months. Long enough to smooth the weekly news cycle, short enough to
# follow a slow trend.
BASELINE_WINDOW: dict[Grain, int] = {"day": 28, "week": 8, "month": 6}
# Periods of history needed before a spike can be marked (a baseline of one or two
# points is noise).
BASELINE_MIN_PERIODS: dict[Grain, int] = {"day": 7, "week": 4, "month": 3}
# A spike: share above baseline mean + SPIKE_Z standard deviations (z of 3 flags roughly
# 1 period in 700 of a stable Gaussian series) ...
SPIKE_Z = 3.0
# ... and at least 1.5 times the baseline mean (so a near-constant series with a tiny
# standard deviation does not flag a one-article wobble) ...
SPIKE_MIN_RATIO = 1.5
# ... and at least 5 articles in the period (a jump from 0 to 2 articles is not a surge).
SPIKE_MIN_ARTICLES = 5

# The grain the spike rule runs at; day and month marks are carried over from it (see
# _spikes_from_weeks) so the three grains never disagree about which waves spiked. A week
# smooths the weekday rhythm of news and still resolves a wave of a few days.
SPIKE_GRAIN: Grain = "week"

# Rows shown in "top" lists and "latest articles": what fits on a screen.
TOP_LIMIT = 15
LATEST_LIMIT = 20
# Co-occurrence is counted over at most this many of the newest articles carrying the
# narrative: a year of a frequent narrative is ~200k tags, and joining all of them takes
# seconds; 5,000 articles give shares within about +-1.4 percentage points (95% binomial
# interval at p=0.5), and the detail page stays around a second at 1M articles.
CO_OCCURRENCE_SAMPLE = 5_000
# Characters of context either side of an evidence sentence in the article excerpt.
EXCERPT_CONTEXT = 160


@dataclass(frozen=True)
class DashboardFilter:
    """What the analyst selected; every field narrows, an empty field means all.

    Frozen and made of tuples, so it is hashable (Streamlit caches results on it).
    """

    since: date | None = None
    until: date | None = None
    narratives: tuple[str, ...] = field(default_factory=tuple)
    sources: tuple[str, ...] = field(default_factory=tuple)
    media_types: tuple[str, ...] = field(default_factory=tuple)
    countries: tuple[str, ...] = field(default_factory=tuple)
    languages: tuple[str, ...] = field(default_factory=tuple)
    # Tag stances counted in narrative figures (STANCES); denominators never narrow.
    stances: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class NarrativeInfo:
    """A narrative of the taxonomy as the dashboards show it."""

    id: str
    label: str
    side: str
    definition: str = ""


@dataclass(frozen=True)
class SourceInfo:
    """A monitored outlet and the attributes analysts filter by."""

    id: str
    name: str
    media_type: str
    country: str
    language: str
    homepage: str


@dataclass(frozen=True)
class FilterOptions:
    """The values the filter widgets offer, read from the database."""

    narratives: list[NarrativeInfo]
    sources: list[SourceInfo]
    media_types: list[str]
    countries: list[str]
    languages: list[str]
    first_day: date | None
    last_day: date | None


# --------------------------------------------------------------------------- engines


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")  # belt and braces beside mode=ro
    cursor.execute("PRAGMA busy_timeout=30000")  # wait out a loader's commit (ms)
    cursor.close()


def make_read_only_engine(url: str, **kwargs: Any) -> Engine:
    """An engine that cannot write: SQLite ``mode=ro`` + ``query_only``; PostgreSQL
    ``default_transaction_read_only=on``.

    A SQLite file that does not exist is not created (connecting fails instead).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            parsed = parsed.set(
                database=f"file:{database}", query={**parsed.query, "mode": "ro", "uri": "true"}
            )
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_read_only)
        return engine
    if parsed.get_backend_name() == "postgresql":
        connect_args = dict(kwargs.pop("connect_args", {}))
        options = connect_args.get("options", "")
        # jit=off: dashboard queries are short; PostgreSQL's JIT compiles for ~40 ms when
        # a join's cost estimate crosses jit_above_cost, longer than the query itself.
        connect_args["options"] = (
            f"{options} -c default_transaction_read_only=on -c jit=off".strip()
        )
        kwargs["connect_args"] = connect_args
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def schema_ready(engine: Engine) -> bool:
    """True when the database holds the narrmon tables the dashboards read."""
    tables = set(inspect(engine).get_table_names())
    return {"sources", "daily_rollups", "daily_totals", "narratives"} <= tables


# --------------------------------------------------------------------------- filters


def _scope(stmt: Select[*Ts], table: Any, flt: DashboardFilter) -> Select[*Ts]:
    """Narrow a select over a table with day, source_id and language columns."""
    if flt.since is not None:
        stmt = stmt.where(table.day >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(table.day <= flt.until)
    if flt.sources:
        stmt = stmt.where(table.source_id.in_(flt.sources))
    if flt.media_types or flt.countries:
        outlets = select(Source.id)
        if flt.media_types:
            outlets = outlets.where(Source.media_type.in_(flt.media_types))
        if flt.countries:
            outlets = outlets.where(Source.country.in_(flt.countries))
        stmt = stmt.where(table.source_id.in_(outlets))
    if flt.languages and hasattr(table, "language"):
        stmt = stmt.where(table.language.in_(flt.languages))
    return stmt


def narratives(session: Session) -> list[NarrativeInfo]:
    """The taxonomy's narratives (from the ``narratives`` table, else the built-in nine)."""
    rows = session.execute(
        select(Narrative.id, Narrative.label, Narrative.side, Narrative.definition).order_by(
            Narrative.id
        )
    ).all()
    if not rows:
        return [NarrativeInfo(i, label, side) for i, label, side in DEFAULT_NARRATIVES]
    order = {n[0]: k for k, n in enumerate(DEFAULT_NARRATIVES)}
    found = [NarrativeInfo(r.id, r.label or r.id, r.side, r.definition or "") for r in rows]
    return sorted(found, key=lambda n: (order.get(n.id, len(order)), n.id))


def filter_options(session: Session) -> FilterOptions:
    """Everything the filter widgets need: narratives, outlets, facets and the day range."""
    sources = [
        SourceInfo(r.id, r.name, r.media_type, r.country, r.language, r.homepage)
        for r in session.execute(
            select(
                Source.id,
                Source.name,
                Source.media_type,
                Source.country,
                Source.language,
                Source.homepage,
            ).order_by(Source.name)
        )
    ]
    languages = list(
        session.scalars(select(DailyTotal.language).distinct().order_by(DailyTotal.language))
    )
    first, last = session.execute(select(func.min(DailyTotal.day), func.max(DailyTotal.day))).one()
    return FilterOptions(
        narratives=narratives(session),
        sources=sources,
        media_types=sorted({s.media_type for s in sources}),
        countries=sorted({s.country for s in sources}),
        languages=languages,
        first_day=first,
        last_day=last,
    )


def has_data(session: Session) -> bool:
    """True when at least one article has been rolled up."""
    return session.execute(select(DailyTotal.day).limit(1)).first() is not None


# --------------------------------------------------------------------------- bucketing


def bucket(days: pd.Series, grain: Grain) -> pd.Series:
    """The first day of the day / ISO week (Monday) / month each day falls in."""
    stamps = pd.to_datetime(days)
    if grain == "day":
        return stamps
    if grain == "week":
        return stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")
    if grain == "month":
        return stamps.dt.to_period("M").dt.start_time
    raise ValueError(f"unknown grain {grain!r}; choose one of {', '.join(GRAINS)}")


def _narrative_table(flt: DashboardFilter) -> Any:
    """The rollup narrative counts come from: the stance split only when stance narrows."""
    return DailyStanceRollup if flt.stances else DailyRollup


def _narrative_scope(stmt: Select[*Ts], table: Any, flt: DashboardFilter) -> Select[*Ts]:
    """:func:`_scope` plus the stance filter, for selects over a narrative rollup."""
    stmt = _scope(stmt, table, flt)
    if flt.stances and hasattr(table, "stance"):
        stmt = stmt.where(table.stance.in_(flt.stances))
    return stmt


def _daily_narrative_rows(session: Session, flt: DashboardFilter) -> list[Any]:
    table = _narrative_table(flt)
    stmt = select(
        table.day,
        table.narrative_id,
        func.sum(table.articles),
        func.sum(table.unique_stories),
    ).group_by(table.day, table.narrative_id)
    stmt = _narrative_scope(stmt, table, flt)
    if flt.narratives:
        stmt = stmt.where(table.narrative_id.in_(flt.narratives))
    return [tuple(r) for r in session.execute(stmt)]


def _daily_stance_rows(session: Session, flt: DashboardFilter) -> list[Any]:
    """(day, narrative_id, stance, articles) under the filter, from the stance rollup."""
    table = DailyStanceRollup
    stmt = select(table.day, table.narrative_id, table.stance, func.sum(table.articles)).group_by(
        table.day, table.narrative_id, table.stance
    )
    stmt = _narrative_scope(stmt, table, flt)
    if flt.narratives:
        stmt = stmt.where(table.narrative_id.in_(flt.narratives))
    return [tuple(r) for r in session.execute(stmt)]


def _daily_total_rows(session: Session, flt: DashboardFilter) -> list[Any]:
    stmt = select(
        DailyTotal.day,
        func.sum(DailyTotal.articles),
        func.sum(DailyTotal.relevant),
        func.sum(DailyTotal.unique_stories),
    ).group_by(DailyTotal.day)
    return [tuple(r) for r in session.execute(_scope(stmt, DailyTotal, flt))]


def daily_narrative_counts(session: Session, flt: DashboardFilter) -> pd.DataFrame:
    """Articles and unique stories per day x narrative, from ``daily_rollups``."""
    return pd.DataFrame(
        _daily_narrative_rows(session, flt),
        columns=["day", "narrative_id", "articles", "unique_stories"],
    ).astype({"articles": "int64", "unique_stories": "int64"})


def daily_totals(session: Session, flt: DashboardFilter) -> pd.DataFrame:
    """All monitored articles (the share denominator) per day, from ``daily_totals``.

    The narrative selection does not narrow it: shares are of *all* monitored coverage.
    """
    return pd.DataFrame(
        _daily_total_rows(session, flt),
        columns=["day", "total_articles", "relevant", "total_unique"],
    ).astype({"total_articles": "int64", "relevant": "int64", "total_unique": "int64"})


def trend_frame(session: Session, flt: DashboardFilter, grain: Grain = "day") -> pd.DataFrame:
    """Each selected narrative per period: counts, shares of all coverage, spike marks.

    Columns: TREND_COLUMNS. Every period between the first and last monitored day is
    present (zero-filled), so baselines see quiet periods. ``share`` is narrative
    articles / all monitored articles of the period, so a busy news week does not look
    like a surge. ``promotes``, ``reports``, ``disputes`` and ``unknown`` split
    ``articles`` by tag stance. ``baseline`` and ``baseline_sd`` are the mean and
    standard deviation of the share over the previous BASELINE_WINDOW periods, read from
    before the filter's start date when needed, so narrowing the dates keeps the
    baseline. ``complete`` is False for a period that extends past the last monitored
    day (or the filter's end). Empty frame when nothing is monitored.

    The aggregation runs on numpy arrays (period x narrative): the rows are few (at most
    days x narratives) and pandas' per-call overhead would dominate the page's latency.
    """
    catalogue = {n.id: n for n in narratives(session)}
    visible_from = _period_start(grain)(flt.since) if flt.since else None
    query_flt = flt
    if flt.since is not None:  # the baselines of both this grain and the spike rule's
        query_flt = replace(
            flt, since=min(_lookback(flt.since, grain), _lookback(flt.since, SPIKE_GRAIN))
        )
    rows = (
        _daily_narrative_rows(session, query_flt),
        _daily_total_rows(session, query_flt),
        _daily_stance_rows(session, query_flt),
    )
    if not rows[1]:
        return pd.DataFrame(columns=list(TREND_COLUMNS))
    frame = _assemble(rows, flt, query_flt, grain, catalogue)
    if grain != SPIKE_GRAIN:  # the same rows, bucketed by week for the one spike rule
        weeks = _assemble(rows, flt, query_flt, SPIKE_GRAIN, catalogue)
        frame["spike"] = _spikes_from_weeks(frame, weeks, grain)
    if visible_from is not None:
        frame = frame[frame["period"] >= pd.Timestamp(visible_from)]
    return frame.sort_values(["narrative_id", "period"], ignore_index=True, kind="stable")


def _lookback(since: date, grain: Grain) -> date:
    """The first day of the BASELINE_WINDOW periods before the one holding ``since``."""
    start: date = _period_start(grain)(since)
    for _ in range(BASELINE_WINDOW[grain]):
        start = period_starts(start - timedelta(days=1), start, grain)[0]
    return start


def _assemble(
    rows: tuple[list[Any], list[Any], list[Any]],
    flt: DashboardFilter,
    query_flt: DashboardFilter,
    grain: Grain,
    catalogue: dict[str, NarrativeInfo],
) -> pd.DataFrame:
    """The long trend frame at ``grain`` from the daily rows (every fetched period)."""
    count_rows, total_rows, stance_rows = rows
    start_of = _period_start(grain)
    data_last = max(r[0] for r in total_rows)
    first = query_flt.since or min(r[0] for r in total_rows)
    last = flt.until or data_last
    periods = period_starts(first, last, grain)
    slot = {p: k for k, p in enumerate(periods)}
    selected = list(flt.narratives) or list(catalogue)
    selected += sorted({r[1] for r in count_rows} - set(selected))  # ids outside taxonomy
    column = {n: k for k, n in enumerate(selected)}

    n_periods, n_narratives = len(periods), len(selected)
    totals = np.zeros((n_periods, 2), dtype=np.int64)  # articles, unique stories
    for day, total_articles, _relevant, total_unique in total_rows:
        k = slot.get(start_of(day))
        if k is not None:
            totals[k, 0] += total_articles
            totals[k, 1] += total_unique
    articles = np.zeros((n_periods, n_narratives), dtype=np.int64)
    stories = np.zeros((n_periods, n_narratives), dtype=np.int64)
    for day, narrative_id, n_articles, n_stories in count_rows:
        k = slot.get(start_of(day))
        if k is not None:
            articles[k, column[narrative_id]] += n_articles
            stories[k, column[narrative_id]] += n_stories
    by_stance = np.zeros((len(STANCES), n_periods, n_narratives), dtype=np.int64)
    stance_slot = {st: k for k, st in enumerate(STANCES)}
    for day, narrative_id, stance, n_articles in stance_rows:
        k = slot.get(start_of(day))
        j = stance_slot.get(stance, stance_slot[UNKNOWN_STANCE])
        if k is not None and narrative_id in column:
            by_stance[j, k, column[narrative_id]] += n_articles
    share = _divide(articles, totals[:, :1])
    unique_share = _divide(stories, totals[:, 1:])
    # A period with no monitored article at all (before the first crawl, an outage) is
    # missing data, not a quiet period: it stays out of the baseline.
    observed = np.where(totals[:, :1] > 0, share, np.nan)
    baseline, baseline_sd, spike = _spike_arrays(observed, articles, grain)
    ends = [next_period(p, grain) - timedelta(days=1) for p in periods]
    complete = np.array([end <= min(last, data_last) for end in ends])

    labels = [catalogue[i].label if i in catalogue else i for i in selected]
    sides = [catalogue[i].side if i in catalogue else "" for i in selected]
    # Long format, narrative-major (all periods of one narrative, then the next).
    columns: dict[str, Any] = {
        "period": np.tile(np.array(periods, dtype="datetime64[ns]"), n_narratives),
        "narrative_id": np.repeat(np.array(selected, dtype=object), n_periods),
        "label": np.repeat(np.array(labels, dtype=object), n_periods),
        "side": np.repeat(np.array(sides, dtype=object), n_periods),
        "articles": articles.T.ravel(),
        "unique_stories": stories.T.ravel(),
        "total_articles": np.tile(totals[:, 0], n_narratives),
        "total_unique": np.tile(totals[:, 1], n_narratives),
        "share": share.T.ravel(),
        "unique_share": unique_share.T.ravel(),
        "baseline": baseline.T.ravel(),
        "baseline_sd": baseline_sd.T.ravel(),
        "spike": spike.T.ravel(),
        "complete": np.tile(complete, n_narratives),
    }
    for j, stance in enumerate(STANCES):
        columns[stance] = by_stance[j].T.ravel()
    return pd.DataFrame(columns)


def _spikes_from_weeks(frame: pd.DataFrame, weeks: pd.DataFrame, grain: Grain) -> np.ndarray:
    """Spike marks at ``grain`` carried over from the weekly rule, so every grain marks
    the same waves: a month spikes when a spiking week starts in it; a day spikes when it
    is the busiest day (highest share) of a spiking week."""
    waves = weeks.loc[weeks["spike"], ["narrative_id", "period"]]
    marked = np.zeros(len(frame), dtype=bool)
    if waves.empty:
        return marked
    if grain == "month":
        months = set(zip(waves["narrative_id"], waves["period"].dt.to_period("M"), strict=True))
        keys = zip(frame["narrative_id"], frame["period"].dt.to_period("M"), strict=True)
        return np.array([k in months for k in keys], dtype=bool)
    week_of = frame["period"] - pd.to_timedelta(frame["period"].dt.day_of_week, unit="D")
    in_wave = pd.Series(
        [
            k in set(zip(waves["narrative_id"], waves["period"], strict=True))
            for k in zip(frame["narrative_id"], week_of, strict=True)
        ],
        index=frame.index,
    )
    candidates = frame[in_wave]
    if candidates.empty:
        return marked
    peaks = candidates.groupby([candidates["narrative_id"], week_of[in_wave]])["share"].idxmax()
    marked[peaks.to_numpy(dtype=np.int64)] = True  # frame has a fresh RangeIndex
    return marked


TREND_COLUMNS = (
    "period",
    "narrative_id",
    "label",
    "side",
    "articles",
    "unique_stories",
    "total_articles",
    "total_unique",
    "share",
    "unique_share",
    "baseline",
    "baseline_sd",
    "spike",
    "complete",
    *STANCES,
)


def next_period(start: date, grain: Grain) -> date:
    """The first day of the period after the one starting on ``start``."""
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _period_start(grain: Grain) -> Any:
    """A function mapping a day to the first day of its period."""
    if grain == "day":
        return lambda d: d
    if grain == "week":
        return lambda d: d - timedelta(days=d.weekday())
    if grain == "month":
        return lambda d: d.replace(day=1)
    raise ValueError(f"unknown grain {grain!r}; choose one of {', '.join(GRAINS)}")


def period_starts(first: date, last: date, grain: Grain) -> list[date]:
    """The first day of every period from the one holding ``first`` to ``last``."""
    start_of = _period_start(grain)
    current, out = start_of(first), []
    while current <= last:
        out.append(current)
        current = next_period(current, grain)
    return out


def _divide(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole (broadcast), 0 where whole is 0."""
    out = np.zeros(np.broadcast_shapes(part.shape, whole.shape), dtype=np.float64)
    np.divide(part, whole, out=out, where=whole > 0)
    return out


def _spike_arrays(
    value: np.ndarray, articles: np.ndarray, grain: Grain
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Baseline (rolling mean and sd of the *previous* periods) and spike flags, per column."""
    window, min_periods = BASELINE_WINDOW[grain], BASELINE_MIN_PERIODS[grain]
    prior = pd.DataFrame(value).shift(1).rolling(window, min_periods=min_periods)
    mean = prior.mean().to_numpy()
    std = np.nan_to_num(prior.std(ddof=0).to_numpy())
    with np.errstate(invalid="ignore"):
        spike = (
            ~np.isnan(mean)
            & (value > mean + SPIKE_Z * std)
            & (value > mean * SPIKE_MIN_RATIO)
            & (articles >= SPIKE_MIN_ARTICLES)
        )
    return mean, std, spike


def mark_spikes(frame: pd.DataFrame, grain: Grain, value: str = "share") -> pd.DataFrame:
    """Add ``baseline`` (rolling mean of the previous periods) and ``spike`` (bool).

    A period spikes when its ``value`` exceeds the baseline by SPIKE_Z standard
    deviations and by SPIKE_MIN_RATIO, with at least SPIKE_MIN_ARTICLES articles.
    The current period is excluded from its own baseline. ``frame`` is long
    (``period, narrative_id, articles, <value>``), one row per period and narrative.
    """
    wide_value = frame.pivot(index="period", columns="narrative_id", values=value).sort_index()
    wide_articles = frame.pivot(index="period", columns="narrative_id", values="articles")
    wide_articles = wide_articles.reindex_like(wide_value)
    mean, _sd, spike = _spike_arrays(
        wide_value.to_numpy(dtype=np.float64), wide_articles.to_numpy(), grain
    )
    marks = pd.DataFrame(
        {
            "baseline": pd.DataFrame(mean, wide_value.index, wide_value.columns).stack(),
            "spike": pd.DataFrame(spike, wide_value.index, wide_value.columns).stack(),
        }
    )
    out = frame.drop(columns=["baseline", "spike"], errors="ignore").merge(
        marks, left_on=["period", "narrative_id"], right_index=True, how="left"
    )
    return out.sort_values(["narrative_id", "period"], ignore_index=True)


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole, 0 where whole is 0."""
    return (part / whole.where(whole > 0)).fillna(0.0).astype("float64")


def side_frame(trend: pd.DataFrame) -> pd.DataFrame:
    """Kremlin-side vs counter-narratives per period, summed from :func:`trend_frame`.

    Counts what articles *advance*: tags whose stance is ADVANCING_STANCE ("promotes").
    A rebuttal (disputes) or neutral reporting (reports) of a Kremlin-side claim is not
    counted on either side. An article promoting two Kremlin-side narratives counts twice:
    these are narrative *mentions*, and ``share`` is mentions per monitored article.
    """
    if trend.empty:
        return pd.DataFrame(columns=["period", "side", "articles", "total_articles", "share"])
    sided = trend[trend["side"].isin(list(SIDE_LABELS))]
    out = sided.groupby(["period", "side"], as_index=False).agg(
        articles=(ADVANCING_STANCE, "sum"), total_articles=("total_articles", "first")
    )
    out["share"] = _ratio(out["articles"], out["total_articles"])
    out["side"] = out["side"].map(SIDE_LABELS)
    return out


def stance_split(trend: pd.DataFrame) -> pd.DataFrame:
    """Per narrative over the whole range: articles by stance and each stance's share.

    Columns: ``narrative_id, label, side, stance, articles, share`` where ``share`` is the
    stance's fraction of the narrative's tagged articles (stances of one narrative sum
    to 1). Stances with no article are left out.
    """
    columns = ["narrative_id", "label", "side", "stance", "articles", "share"]
    if trend.empty:
        return pd.DataFrame(columns=columns)
    sums = trend.groupby(["narrative_id", "label", "side"], as_index=False)[list(STANCES)].sum()
    long = sums.melt(
        id_vars=["narrative_id", "label", "side"],
        value_vars=list(STANCES),
        var_name="stance",
        value_name="articles",
    )
    long = long[long["articles"] > 0]
    whole = long.groupby("narrative_id")["articles"].transform("sum")
    long = long.assign(share=_ratio(long["articles"], whole))
    order = {st: k for k, st in enumerate(STANCES)}
    long = long.assign(_order=long["stance"].map(order))
    return (
        long.sort_values(["narrative_id", "_order"])
        .drop(columns="_order")
        .reset_index(drop=True)[columns]
        .astype({"articles": "int64"})
    )


def copies_vs_stories(trend: pd.DataFrame) -> pd.DataFrame:
    """Per narrative over the whole range: all copies, unique stories and their ratio."""
    if trend.empty:
        return pd.DataFrame(columns=["narrative_id", "label", "articles", "unique_stories"])
    out = trend.groupby(["narrative_id", "label"], as_index=False)[
        ["articles", "unique_stories"]
    ].sum()
    out["copies_per_story"] = _ratio(out["articles"], out["unique_stories"]).round(2)
    return out.sort_values("articles", ascending=False, ignore_index=True)


# --------------------------------------------------------------------------- narrative detail

Dimension = Literal["source", "media_type", "language", "country", "stance"]


def narrative_breakdown(
    session: Session,
    narrative_id: str,
    flt: DashboardFilter,
    by: Dimension,
    grain: Grain = "week",
) -> pd.DataFrame:
    """One narrative's articles per period x outlet / media type / language / country / stance."""
    table = DailyStanceRollup if by == "stance" else _narrative_table(flt)
    key: Any
    if by == "source":
        key = Source.name
    elif by == "media_type":
        key = Source.media_type
    elif by == "country":
        key = Source.country
    elif by == "language":
        key = table.language
    elif by == "stance":
        key = table.stance
    else:
        raise ValueError(f"unknown dimension {by!r}")
    stmt = (
        select(table.day, key.label("key"), func.sum(table.articles).label("articles"))
        .join(Source, Source.id == table.source_id)
        .where(table.narrative_id == narrative_id)
        .group_by(table.day, key)
    )
    rows = session.execute(_narrative_scope(stmt, table, flt)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["day", "key", "articles"])
    if frame.empty:
        return pd.DataFrame(columns=["period", by, "articles"])
    frame["period"] = bucket(frame["day"], grain)
    out = frame.groupby(["period", "key"], as_index=False)[["articles"]].sum()
    return out.rename(columns={"key": by}).astype({"articles": "int64"})


TOP_OUTLET_KEYS = ("outlet", "media_type", "country", "articles", "unique_stories")


def top_outlets(
    session: Session, narrative_id: str, flt: DashboardFilter, limit: int = TOP_LIMIT
) -> pd.DataFrame:
    """Outlets carrying the narrative most, with the share of each outlet's own output.

    Columns: ``outlet, media_type, country, articles, unique_stories``, one column per
    stance (articles of each stance) and ``share_of_outlet``. ``articles`` counts the
    stances the filter selects (all when none), so the debunkers of a narrative are told
    apart from its amplifiers by the stance columns.
    """
    table = DailyStanceRollup
    carried = _narrative_scope(
        select(
            table.source_id,
            func.sum(table.articles).label("articles"),
            func.sum(table.unique_stories).label("unique_stories"),
            *(
                func.sum(case((table.stance == stance, table.articles), else_=0)).label(stance)
                for stance in STANCES
            ),
        )
        .where(table.narrative_id == narrative_id)
        .group_by(table.source_id),
        table,
        flt,
    ).subquery()
    output = _scope(
        select(DailyTotal.source_id, func.sum(DailyTotal.articles).label("total")).group_by(
            DailyTotal.source_id
        ),
        DailyTotal,
        flt,
    ).subquery()
    stmt = (
        select(
            Source.name,
            Source.media_type,
            Source.country,
            carried.c.articles,
            carried.c.unique_stories,
            *(carried.c[stance] for stance in STANCES),
            output.c.total,
        )
        .join(carried, carried.c.source_id == Source.id)
        .join(output, output.c.source_id == Source.id, isouter=True)
        .order_by(carried.c.articles.desc(), Source.name)
        .limit(limit)
    )
    rows = session.execute(stmt).all()
    frame = pd.DataFrame(
        [tuple(r) for r in rows],
        columns=[*TOP_OUTLET_KEYS, *STANCES, "total"],
    )
    frame["share_of_outlet"] = _ratio(frame["articles"], frame["total"].fillna(0))
    return frame.drop(columns=["total"])


def _tag_scope(stmt: Select[*Ts], tag: Any, flt: DashboardFilter) -> Select[*Ts]:
    """Narrow a select over narrative_tags (which has day and source_id, no language)."""
    stmt = _scope(stmt, tag, flt)
    if flt.stances:
        known = [st for st in flt.stances if st != UNKNOWN_STANCE]
        clauses = [tag.stance.in_(known)] if known else []
        if UNKNOWN_STANCE in flt.stances:
            clauses.append(tag.stance.is_(None))
        stmt = stmt.where(or_(*clauses))
    if flt.languages:
        stmt = stmt.where(
            select(Article.id)
            .where(Article.id == tag.article_id, _language_in(flt.languages))
            .exists()
        )
    return stmt


def _language_in(languages: Sequence[str]) -> Any:
    """Article.language in ``languages``, where ``und`` (the rollups' bucket) means NULL.

    A plain IN on the column, not IN on coalesce(): the planner can then estimate it and
    walks the (narrative_id, day) index instead of scanning every article.
    """
    known = [lang for lang in languages if lang != UNKNOWN_LANGUAGE]
    clauses = [Article.language.in_(known)] if known else []
    if UNKNOWN_LANGUAGE in languages:
        clauses.append(Article.language.is_(None))
    return or_(*clauses) if clauses else false()


def co_occurring(
    session: Session,
    narrative_id: str,
    flt: DashboardFilter,
    limit: int = TOP_LIMIT,
    sample: int = CO_OCCURRENCE_SAMPLE,
) -> pd.DataFrame:
    """Narratives that appear in the same articles as ``narrative_id``, most frequent first.

    Counted over the newest ``sample`` articles carrying the narrative under the filter
    (all of them when fewer). ``share`` is the fraction of those articles that also carry
    the other narrative. The result's ``attrs["base"]`` is how many articles were looked at.
    """
    base = (
        _tag_scope(
            select(NarrativeTag.article_id).where(NarrativeTag.narrative_id == narrative_id),
            NarrativeTag,
            flt,
        )
        .order_by(NarrativeTag.day.desc())  # the (narrative_id, day) index, newest first
        .limit(sample)
        .subquery()
    )
    other = aliased(NarrativeTag)
    rows = session.execute(
        select(other.narrative_id, func.count().label("articles"))
        .join(base, base.c.article_id == other.article_id)
        .where(other.narrative_id != narrative_id)
        .group_by(other.narrative_id)
        .order_by(func.count().desc(), other.narrative_id)
        .limit(limit)
    ).all()
    total = int(session.execute(select(func.count()).select_from(base)).scalar_one() or 0)
    labels = {n.id: n.label for n in narratives(session)}
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["narrative_id", "articles"])
    frame.insert(1, "label", [labels.get(i, i) for i in frame["narrative_id"]])
    frame["share"] = frame["articles"] / total if total else 0.0
    frame.attrs["base"] = total
    return frame


def latest_articles(
    session: Session, narrative_id: str, flt: DashboardFilter, limit: int = LATEST_LIMIT
) -> list[dict[str, Any]]:
    """The newest articles carrying the narrative, each with its evidence excerpts.

    The first page of :func:`models.evidence.evidence_page` (see there for the keys):
    evidence is a list of ``{text, start, end, before, after, marks}`` (``before``/``after``
    are surrounding text, at most EXCERPT_CONTEXT characters). All strings are raw web
    text: escape them.
    """
    from models.evidence import evidence_page  # the workbench builds on this module

    return evidence_page(session, narrative_id, flt, 0, limit)


def evidence_excerpts(
    text: str, evidence: Sequence[dict[str, Any]], context: int = EXCERPT_CONTEXT
) -> list[dict[str, Any]]:
    """Evidence spans with up to ``context`` characters of text before and after.

    Offsets outside the text fall back to the stored evidence text with no context.
    """
    out = []
    for item in evidence:
        start, end = item.get("start"), item.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            out.append(
                {
                    "text": text[start:end],
                    "start": start,
                    "end": end,
                    "before": text[max(0, start - context) : start],
                    "after": text[end : end + context],
                }
            )
        elif item.get("text"):
            out.append(
                {"text": str(item["text"]), "start": start, "end": end, "before": "", "after": ""}
            )
    return out


# --------------------------------------------------------------------------- outlets


def outlet_daily(session: Session, flt: DashboardFilter) -> pd.DataFrame:
    """Articles and relevant articles per outlet per day, from ``daily_totals``."""
    stmt = (
        select(
            DailyTotal.day,
            Source.name.label("outlet"),
            func.sum(DailyTotal.articles).label("articles"),
            func.sum(DailyTotal.relevant).label("relevant"),
        )
        .join(Source, Source.id == DailyTotal.source_id)
        .group_by(DailyTotal.day, Source.name)
    )
    rows = session.execute(_scope(stmt, DailyTotal, flt)).all()
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=["day", "outlet", "articles", "relevant"]
    )
    if not frame.empty:
        frame["day"] = pd.to_datetime(frame["day"])
    return frame.astype({"articles": "int64", "relevant": "int64"})


def feed_health(session: Session, flt: DashboardFilter, now: datetime) -> pd.DataFrame:
    """Per outlet: last successful crawl, last status, articles and quarantine share.

    The window is the filter's date range (default: the 30 days before ``now``).
    ``quarantine_share`` = items quarantined in the window / (quarantined + articles
    stored for days in the window): how much of what the outlet yielded was held back.
    """
    until = flt.until or now.date()
    since = flt.since or until - timedelta(days=30)  # a month: enough runs to judge a feed
    start = datetime(since.year, since.month, since.day, tzinfo=now.tzinfo)
    end = datetime(until.year, until.month, until.day, tzinfo=now.tzinfo) + timedelta(days=1)

    outlets = select(Source.id, Source.name, Source.media_type, Source.country, Source.enabled)
    if flt.sources:
        outlets = outlets.where(Source.id.in_(flt.sources))
    if flt.media_types:
        outlets = outlets.where(Source.media_type.in_(flt.media_types))
    if flt.countries:
        outlets = outlets.where(Source.country.in_(flt.countries))
    sources = session.execute(outlets.order_by(Source.name)).all()
    ids = [s.id for s in sources]
    if not ids:
        return pd.DataFrame()

    last_ok_run = dict(
        session.execute(
            select(CrawlRun.source_id, func.max(CrawlRun.finished_at))
            .where(CrawlRun.status == "ok", CrawlRun.source_id.in_(ids))
            .group_by(CrawlRun.source_id)
        ).all()
    )
    last_ok_feed = dict(
        session.execute(
            select(FeedState.source_id, func.max(FeedState.last_ok_at))
            .where(FeedState.source_id.in_(ids))
            .group_by(FeedState.source_id)
        ).all()
    )
    latest = (
        select(CrawlRun.source_id, func.max(CrawlRun.started_at).label("started"))
        .where(CrawlRun.source_id.in_(ids))
        .group_by(CrawlRun.source_id)
        .subquery()
    )
    last_status = {
        r.source_id: (r.status, r.error_message)
        for r in session.execute(
            select(CrawlRun.source_id, CrawlRun.status, CrawlRun.error_message).join(
                latest,
                and_(
                    latest.c.source_id == CrawlRun.source_id,
                    latest.c.started == CrawlRun.started_at,
                ),
            )
        )
    }
    stored = dict(
        session.execute(
            select(DailyTotal.source_id, func.sum(DailyTotal.articles))
            .where(DailyTotal.source_id.in_(ids), DailyTotal.day.between(since, until))
            .group_by(DailyTotal.source_id)
        ).all()
    )
    quarantined = dict(
        session.execute(
            select(QuarantineItem.source_id, func.count())
            .where(
                QuarantineItem.source_id.in_(ids),
                QuarantineItem.created_at >= start,
                QuarantineItem.created_at < end,
            )
            .group_by(QuarantineItem.source_id)
        ).all()
    )
    records = []
    for s in sources:
        ok = [t for t in (last_ok_run.get(s.id), last_ok_feed.get(s.id)) if t is not None]
        status, error = last_status.get(s.id, (None, None))
        n_stored = int(stored.get(s.id) or 0)
        n_quarantined = int(quarantined.get(s.id) or 0)
        seen = n_stored + n_quarantined
        records.append(
            {
                "outlet": s.name,
                "source_id": s.id,
                "media_type": s.media_type,
                "country": s.country,
                "enabled": bool(s.enabled),
                "last_success": max(ok) if ok else None,
                "last_status": status,
                "last_error": error,
                "articles": n_stored,
                "quarantined": n_quarantined,
                "quarantine_share": (n_quarantined / seen) if seen else math.nan,
            }
        )
    return pd.DataFrame.from_records(records)


# --------------------------------------------------------------------------- export


def count_articles(session: Session, flt: Any) -> int:
    """How many articles an export with ``flt`` (a models.export.ExportFilter) would write.

    Uses the export's own selection, so the count and the file always agree.
    """
    from models.export import _selection  # one definition of "which articles"

    sub = _selection(flt).order_by(None).with_only_columns(Article.id).subquery()
    return int(session.execute(select(func.count()).select_from(sub)).scalar_one())
