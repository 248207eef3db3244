"""The numbers the dashboards chart (models.dashboard through dashboards.data), on SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dashboards import data
from dashboards.stats import trend
from models import db, export_selection, store
from models.dashboard import catalogue, detail, evidence, filters, outlets, trends
from models.dashboard.filters import DashboardFilter
from models.export import ExportFilter, write_export
from models.records import QuarantineRecord, SourceRecord
from models.schema import Article, CrawlRun, DailyRollup, DailyTotal, NarrativeTag
from quality import health as quality_health
from tests.dashboards.conftest import HOSTILE_TITLE, SEED_ARTICLES, add_hostile_article


def test_trend_counts_match_the_tags(seeded: Session) -> None:
    frame = data.trend_frame(seeded, DashboardFilter(), "day")
    tags = dict(
        seeded.execute(
            select(NarrativeTag.narrative_id, func.count()).group_by(NarrativeTag.narrative_id)
        ).all()
    )
    assert frame.groupby("narrative_id")["articles"].sum().to_dict() == tags
    per_day = frame.groupby("period")["total_articles"].first()
    assert int(per_day.sum()) == SEED_ARTICLES
    assert set(frame["label"]) >= {"Broken promise", "Defensive alliance"}
    assert set(frame["side"]) == {"kremlin", "counter"}


@pytest.mark.parametrize("grain", ["week", "month"])
def test_week_and_month_buckets_sum_the_days(seeded: Session, grain: filters.Grain) -> None:
    daily = data.trend_frame(seeded, DashboardFilter(), "day")
    coarse = data.trend_frame(seeded, DashboardFilter(), grain)
    assert coarse["articles"].sum() == daily["articles"].sum()
    assert coarse["period"].nunique() < daily["period"].nunique()
    if grain == "week":
        assert all(p.weekday() == 0 for p in coarse["period"])  # ISO weeks start on Monday
    else:
        assert all(p.day == 1 for p in coarse["period"])


def test_share_is_normalised_by_all_coverage(session: Session) -> None:
    """A week with twice the news and twice the narrative is no surge in share."""
    store.sync_sources(session, [_source("a")])
    for offset in range(14):
        day = date(2025, 3, 3) + timedelta(days=offset)
        busy = 2 if offset >= 7 else 1
        session.add(
            DailyTotal(
                day=day,
                source_id="a",
                language="en",
                articles=100 * busy,
                relevant=10 * busy,
                unique_stories=90 * busy,
            )
        )
        session.add(
            DailyRollup(
                day=day,
                narrative_id="encirclement",
                source_id="a",
                language="en",
                articles=10 * busy,
                unique_stories=9 * busy,
            )
        )
    session.commit()
    frame = data.trend_frame(session, DashboardFilter(narratives=("encirclement",)), "week")
    assert list(frame["articles"]) == [70, 140]
    assert list(frame["share"]) == pytest.approx([0.1, 0.1])
    assert list(frame["unique_share"]) == pytest.approx([0.1, 0.1])


def test_filters_narrow_what_is_counted(seeded: Session) -> None:
    everything = data.trend_frame(seeded, DashboardFilter(), "day")
    one_outlet = data.trend_frame(seeded, DashboardFilter(sources=("src-01",)), "day")
    state = data.trend_frame(seeded, DashboardFilter(media_types=("state-affiliated",)), "day")
    german = data.trend_frame(seeded, DashboardFilter(languages=("de",)), "day")
    uk = data.trend_frame(seeded, DashboardFilter(countries=("UA",)), "day")
    total = everything["articles"].sum()
    for narrowed in (one_outlet, state, german, uk):
        assert 0 < narrowed["articles"].sum() < total
    two = data.trend_frame(
        seeded, DashboardFilter(narratives=("encirclement", "sovereign-choice")), "day"
    )
    assert set(two["narrative_id"]) == {"encirclement", "sovereign-choice"}
    window = data.trend_frame(
        seeded, DashboardFilter(since=date(2025, 1, 10), until=date(2025, 1, 19)), "day"
    )
    assert window["period"].min() == pd.Timestamp("2025-01-10")
    assert window["period"].max() == pd.Timestamp("2025-01-19")
    assert window["period"].nunique() == 10


def test_empty_database_gives_empty_frames(session: Session) -> None:
    assert data.trend_frame(session, DashboardFilter(), "week").empty
    assert not catalogue.has_data(session)
    assert evidence.latest_articles(session, "encirclement", DashboardFilter()) == []
    assert data.narrative_breakdown(session, "encirclement", DashboardFilter(), "source").empty
    options = data.filter_options(session)
    assert options.first_day is None and options.sources == []
    assert len(options.narratives) == 9  # built-in fallback while the table is empty


def test_narratives_table_wins_over_the_fallback(session: Session) -> None:
    store.sync_narratives(
        session,
        [{"id": "encirclement", "side": "kremlin", "label": "Encircled", "definition": ""}],
        "v9",
    )
    session.commit()
    assert data.narratives(session) == [
        catalogue.NarrativeInfo("encirclement", "Encircled", "kremlin")
    ]


def test_sides_and_copies(seeded: Session) -> None:
    frame = data.trend_frame(seeded, DashboardFilter(), "month")
    sides = trend.side_frame(frame)
    assert set(sides["side"]) == {"Kremlin-side", "Counter-narrative"}
    # Only what an article advances (promotes) counts on a side, never rebuttals.
    assert sides["articles"].sum() == frame["promotes"].sum()
    assert 0 < sides["articles"].sum() < frame["articles"].sum()
    copies = trend.copies_vs_stories(frame)
    assert (copies["unique_stories"] <= copies["articles"]).all()


def test_detail_queries(seeded: Session) -> None:
    flt = DashboardFilter()
    tagged = seeded.scalar(
        select(func.count())
        .select_from(NarrativeTag)
        .where(NarrativeTag.narrative_id == "encirclement")
    )
    for by in ("source", "media_type", "language", "country"):
        frame = data.narrative_breakdown(seeded, "encirclement", flt, by, "week")
        assert frame["articles"].sum() == tagged
    top = detail.top_outlets(seeded, "encirclement", flt)
    assert top["articles"].sum() == tagged
    assert top["share_of_outlet"].between(0, 1).all()
    co = data.co_occurring(seeded, "encirclement", flt)
    assert "encirclement" not in set(co["narrative_id"]) and not co.empty
    assert co["share"].between(0, 1).all()
    german = data.co_occurring(seeded, "encirclement", DashboardFilter(languages=("de",)))
    assert german["articles"].sum() < co["articles"].sum()
    latest = evidence.latest_articles(seeded, "encirclement", flt, limit=5)
    assert len(latest) == 5
    assert [a["day"] for a in latest] == sorted((a["day"] for a in latest), reverse=True)
    assert latest[0]["evidence"][0]["text"].startswith("Moscow says")


def test_latest_articles_keep_web_text_raw(seeded: Session) -> None:
    add_hostile_article(seeded)
    latest = evidence.latest_articles(
        seeded, "broken-promise", DashboardFilter(until=date(2025, 1, 20)), limit=50
    )
    hostile = [a for a in latest if a["title"] == HOSTILE_TITLE]
    assert hostile and hostile[0]["evidence"][0]["text"].startswith(HOSTILE_TITLE + " NATO")


def test_evidence_excerpts_tolerate_bad_offsets() -> None:
    text = "a" * 10 + "EVIDENCE" + "b" * 10
    good = evidence.evidence_excerpts(text, [{"start": 10, "end": 18, "text": "EVIDENCE"}], 3)
    assert good == [{"text": "EVIDENCE", "start": 10, "end": 18, "before": "aaa", "after": "bbb"}]
    stale = evidence.evidence_excerpts(text, [{"start": 500, "end": 510, "text": "old"}])
    assert stale[0]["text"] == "old" and stale[0]["before"] == ""


def test_outlet_daily_and_feed_health(seeded: Session) -> None:
    flt = DashboardFilter()
    daily = outlets.outlet_daily(seeded, flt)
    assert daily["articles"].sum() == SEED_ARTICLES
    assert daily["outlet"].nunique() == 4
    finished = datetime(2025, 2, 1, 6, tzinfo=UTC)
    seeded.add(
        CrawlRun(
            run_id="r1",
            source_id="src-00",
            started_at=finished - timedelta(hours=1),
            finished_at=finished,
            status="ok",
        )
    )
    seeded.add(
        CrawlRun(
            run_id="r2",
            source_id="src-00",
            started_at=finished + timedelta(hours=1),
            finished_at=finished + timedelta(hours=2),
            status="failed",
            error_message="HTTP 503",
        )
    )
    store.quarantine_items(
        seeded,
        [
            QuarantineRecord(
                url=f"https://outlet00.example/q/{i}",
                source_id="src-00",
                reasons=["too_short"],
                fetched_at=finished,
            )
            for i in range(3)
        ],
    )
    seeded.commit()
    now = datetime(2025, 3, 1, tzinfo=UTC)
    health = data.feed_health(
        seeded, DashboardFilter(since=date(2020, 1, 1), until=date(2100, 1, 1)), now
    ).set_index("source_id")
    row = health.loc["src-00"]
    assert row["last_success"] == finished
    assert row["last_status"] == "failed"
    stored = seeded.scalar(
        select(func.count()).select_from(Article).where(Article.source_id == "src-00")
    )
    assert row["articles"] == stored
    assert bool(health["last_success"].isna().loc["src-01"])
    # One definition: every judged column is what `narrmon health` says at the same time.
    judged = {h.source_id: h for h in quality_health.feed_health(seeded, now=now)}
    for sid, got in health.iterrows():
        want = judged[str(sid)]
        assert got["quarantine_share"] == want.quarantine_share
        assert got["healthy"] == want.healthy
        assert got["problems"] == "; ".join([*want.reasons, *want.warnings])
    assert 0 < row["quarantine_share"] <= 1  # the three pending items count


def test_export_count_matches_the_export(seeded: Session) -> None:
    eflt = ExportFilter(narratives=["encirclement"], language="de", since=date(2025, 1, 5))
    out = io.StringIO()
    written = write_export(seeded, "jsonl", out, eflt)
    assert export_selection.count_articles(seeded, eflt) == written > 0
    assert all(json.loads(line)["language"] == "de" for line in out.getvalue().splitlines())


def test_read_only_engine_refuses_writes(seeded: Session, db_url: str) -> None:
    engine = db.make_read_only_engine(db_url)
    try:
        with Session(engine) as ro:
            assert ro.scalar(select(func.count()).select_from(Article)) == SEED_ARTICLES
            with pytest.raises(DBAPIError):
                ro.execute(text("DELETE FROM daily_totals"))
                ro.commit()
    finally:
        engine.dispose()


def test_read_only_engine_does_not_create_a_missing_sqlite_file(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "missing.sqlite3"
    engine = db.make_read_only_engine(f"sqlite:///{path}")
    with pytest.raises(DBAPIError):
        engine.connect()
    engine.dispose()
    assert not path.exists()


def _source(source_id: str) -> SourceRecord:
    return SourceRecord(
        id=source_id,
        name=source_id.upper(),
        homepage=f"https://{source_id}.example/",
        language="en",
        country="GB",
        media_type="commercial",
        enabled=True,
        config={},
    )


# Classic injection payloads for every free-text filter value the dashboards pass on.
HOSTILE_VALUES = (
    "'; DROP TABLE articles; --",
    "x' OR '1'='1",
    '" OR ""="',
    "src-01') OR 1=1 --",
    "%",
    "_",
    "\\",
    "1; SELECT pg_sleep(5)",
)


def test_hostile_filter_values_match_nothing_and_change_nothing(seeded: Session) -> None:
    """Every query is parameterised: a hostile value is a literal that matches no row."""
    articles_before = seeded.scalar(select(func.count()).select_from(Article))
    tags_before = seeded.scalar(select(func.count()).select_from(NarrativeTag))
    for value in HOSTILE_VALUES:
        check_hostile_value(seeded, value)
    seeded.rollback()
    assert seeded.scalar(select(func.count()).select_from(Article)) == articles_before
    assert seeded.scalar(select(func.count()).select_from(NarrativeTag)) == tags_before


def check_hostile_value(seeded: Session, value: str) -> None:
    """Run every dashboard and export query with ``value`` in each filter."""
    flts = [
        DashboardFilter(sources=(value,)),
        DashboardFilter(narratives=(value,)),
        DashboardFilter(media_types=(value,)),
        DashboardFilter(countries=(value,)),
        DashboardFilter(languages=(value,)),
    ]
    for flt in flts:
        assert data.trend_frame(seeded, flt, "week")["articles"].sum() == 0, flt
        assert trends.daily_narrative_counts(seeded, flt).empty, flt
        if flt.narratives:  # the per-narrative views take the narrative as an argument
            continue
        daily = outlets.outlet_daily(seeded, flt)
        assert daily.empty or daily.select_dtypes("number").sum().sum() == 0, flt
        for dim in ("source", "media_type", "language", "country"):
            frame = data.narrative_breakdown(seeded, "encirclement", flt, dim, "week")
            assert frame.empty or frame.select_dtypes("number").sum().sum() == 0, (flt, dim)
        assert evidence.latest_articles(seeded, "encirclement", flt) == [], flt
    everything = DashboardFilter()
    assert evidence.latest_articles(seeded, value, everything) == []
    assert data.co_occurring(seeded, value, everything).empty
    assert detail.top_outlets(seeded, value, everything).empty
    for eflt in (
        ExportFilter(sources=[value]),
        ExportFilter(narratives=[value]),
        ExportFilter(language=value),
    ):
        assert export_selection.count_articles(seeded, eflt) == 0, eflt


# --------------------------------------------------------------------------- stance


def _tag_counts(session: Session, *where: object) -> dict[str, int]:
    stmt = select(NarrativeTag.narrative_id, func.count()).group_by(NarrativeTag.narrative_id)
    return dict(session.execute(stmt.where(*where)).all())  # type: ignore[arg-type]


def test_stance_split_matches_the_tags(seeded: Session) -> None:
    frame = data.trend_frame(seeded, DashboardFilter(), "week")
    for stance in ("promotes", "reports", "disputes"):
        wanted = _tag_counts(seeded, NarrativeTag.stance == stance)
        got = frame.groupby("narrative_id")[stance].sum()
        assert {k: int(v) for k, v in got.items() if v} == wanted
    assert (
        frame[["promotes", "reports", "disputes", "unknown"]].sum(axis=1) == frame["articles"]
    ).all()
    split = trend.stance_split(frame)
    assert split.groupby("narrative_id")["share"].sum().to_numpy() == pytest.approx(1.0)
    assert set(split["stance"]) == {"promotes", "reports", "disputes"}


def test_stance_filter_narrows_numerators_not_denominators(seeded: Session) -> None:
    everything = data.trend_frame(seeded, DashboardFilter(), "week")
    disputing = data.trend_frame(seeded, DashboardFilter(stances=("disputes",)), "week")
    wanted = _tag_counts(seeded, NarrativeTag.stance == "disputes")
    assert disputing.groupby("narrative_id")["articles"].sum().to_dict() == wanted
    assert disputing["total_articles"].sum() == everything["total_articles"].sum()
    assert (disputing["promotes"] == 0).all()
    cards = evidence.latest_articles(
        seeded, "broken-promise", DashboardFilter(stances=("promotes",))
    )
    assert cards and {c["stance"] for c in cards} == {"promotes"}
    by_stance = data.narrative_breakdown(
        seeded, "broken-promise", DashboardFilter(), "stance", "month"
    )
    assert set(by_stance["stance"]) == {"promotes", "reports", "disputes"}
    assert by_stance["articles"].sum() == _tag_counts(seeded)["broken-promise"]


def test_top_outlets_tell_amplifiers_from_debunkers(seeded: Session) -> None:
    """The seed's outlet 00 mostly promotes, outlet 01 mostly disputes (bench.seed.STANCE_MIX)."""
    top = detail.top_outlets(seeded, "broken-promise", DashboardFilter()).set_index("outlet")
    split = {o: (int(r["promotes"]), int(r["disputes"])) for o, r in top.iterrows()}
    assert split["Outlet 00"][0] > split["Outlet 00"][1]
    assert split["Outlet 01"][1] > split["Outlet 01"][0]
    assert (
        top[["promotes", "reports", "disputes", "unknown"]].sum(axis=1) == top["articles"]
    ).all()
    promoting = detail.top_outlets(
        seeded, "broken-promise", DashboardFilter(stances=("promotes",))
    ).set_index("outlet")
    assert (promoting["articles"] == promoting["promotes"]).all()


def test_baseline_is_read_from_before_the_visible_range(seeded: Session) -> None:
    full = data.trend_frame(seeded, DashboardFilter(), "week")
    since = date(2025, 2, 10)  # a Monday, 6 weeks into the seeded data
    narrow = data.trend_frame(seeded, DashboardFilter(since=since), "week")
    assert narrow["period"].min() == pd.Timestamp(since)
    first = narrow[narrow["period"] == pd.Timestamp(since)].set_index("narrative_id")
    same = full[full["period"] == pd.Timestamp(since)].set_index("narrative_id")
    assert first["baseline"].notna().all()
    assert first["baseline"].to_numpy() == pytest.approx(same["baseline"].to_numpy())


def test_incomplete_periods_are_flagged(seeded: Session) -> None:
    # The seed covers 2025-01-01 .. 2025-03-01 (a Saturday): the last week is partial.
    weeks = data.trend_frame(seeded, DashboardFilter(), "week")
    last = weeks["period"].max()
    assert not weeks.loc[weeks["period"] == last, "complete"].any()
    assert weeks.loc[weeks["period"] < last, "complete"].all()


# --------------------------------------------------------------------------- compare, CSV


def test_compare_normalises_each_group_by_its_own_volume(seeded: Session) -> None:
    frame = data.compare_frame(seeded, "broken-promise", DashboardFilter(), "media_type", "month")
    assert set(frame["group"]) == {
        "state-affiliated",
        "public-broadcaster",
        "commercial",
        "independent",
    }
    assert frame["share"].between(0, 1).all()
    # Numerators and denominators add up to the whole: one axis, nothing double counted.
    assert frame["articles"].sum() == _tag_counts(seeded)["broken-promise"]
    assert frame["total_articles"].sum() == SEED_ARTICLES
    row = frame.iloc[0]
    assert row["share"] == pytest.approx(row["articles"] / row["total_articles"])
    promoting = data.compare_frame(
        seeded, "broken-promise", DashboardFilter(stances=("promotes",)), "source", "month"
    )
    assert promoting["articles"].sum() == _tag_counts(
        seeded, NarrativeTag.narrative_id == "broken-promise", NarrativeTag.stance == "promotes"
    ).get("broken-promise")


def test_chart_csv_rebuilds_the_share(seeded: Session) -> None:
    from dashboards.stats import chart_data

    frame = data.trend_frame(seeded, DashboardFilter(), "week")
    table = chart_data.chart_table(
        frame,
        group="label",
        baseline="baseline",
    )
    back = pd.read_csv(io.BytesIO(chart_data.to_csv(table)))
    assert list(back.columns) == list(chart_data.CHART_COLUMNS)
    rebuilt = back["numerator"] / back["denominator"]
    assert rebuilt.fillna(0).to_numpy() == pytest.approx(back["share"].to_numpy())
    assert back["period"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()


def test_cooccurrence_matrix_matches_the_tags(seeded: Session) -> None:
    from sqlalchemy.orm import aliased

    from models.dashboard.cooccurrence import cooccurrence_matrix

    other = aliased(NarrativeTag)
    both = seeded.execute(
        select(func.count())
        .select_from(NarrativeTag)
        .join(other, other.article_id == NarrativeTag.article_id)
        .where(NarrativeTag.narrative_id == "broken-promise", other.narrative_id == "encirclement")
    ).scalar_one()
    matrix = cooccurrence_matrix(seeded, DashboardFilter()).set_index(
        ["narrative_a", "narrative_b"]
    )
    own = _tag_counts(seeded)["broken-promise"]
    assert matrix.loc[("broken-promise", "encirclement"), "both"] == both
    assert matrix.loc[("encirclement", "broken-promise"), "both"] == both
    assert matrix.loc[("broken-promise", "encirclement"), "share"] == pytest.approx(both / own)
    assert matrix.loc[("broken-promise", "broken-promise"), "share"] == 1.0
    narrowed = cooccurrence_matrix(seeded, DashboardFilter(sources=("src-00",)))
    assert narrowed["both"].sum() < matrix["both"].sum()


def test_first_movers_order_and_lag(seeded: Session) -> None:
    from models.dashboard.cooccurrence import first_movers

    movers = first_movers(
        seeded, "broken-promise", DashboardFilter(), date(2025, 2, 3), date(2025, 2, 9)
    )
    firsts = seeded.execute(
        select(Article.source_id, func.min(Article.published_at))
        .join(NarrativeTag, NarrativeTag.article_id == Article.id)
        .where(
            NarrativeTag.narrative_id == "broken-promise",
            NarrativeTag.day.between(date(2025, 2, 3), date(2025, 2, 9)),
        )
        .group_by(Article.source_id)
    ).all()
    earliest = min(t for _, t in firsts if t is not None)
    assert len(movers) == len(firsts)
    assert movers["first_seen"].iloc[0] == pd.Timestamp(earliest).tz_convert("UTC")
    assert movers["lag_hours"].iloc[0] == 0 and movers["lag_hours"].is_monotonic_increasing
    german = first_movers(
        seeded,
        "broken-promise",
        DashboardFilter(languages=("de",)),
        date(2025, 1, 1),
        date(2025, 3, 1),
    )
    assert list(german["outlet"]) == ["Outlet 03"]  # the seed's only German outlet


def test_article_by_narrative_export_layout(seeded: Session) -> None:
    from models.export_tags import TAG_FIELDS, write_tag_export

    buffer = io.StringIO()
    rows_written = write_tag_export(seeded, "jsonl", buffer, ExportFilter())
    rows = [json.loads(line) for line in buffer.getvalue().splitlines()]
    tags = seeded.execute(select(func.count()).select_from(NarrativeTag)).scalar_one()
    untagged = [r for r in rows if r["narrative_id"] is None]
    assert rows_written == len(rows) == tags + len(untagged)
    assert len({r["article_id"] for r in rows}) == SEED_ARTICLES  # denominators kept
    assert set(rows[0]) == set(TAG_FIELDS)
    tagged = [r for r in rows if r["narrative_id"]]
    assert {r["stance"] for r in tagged} == {"promotes", "reports", "disputes"}
    assert all(r["evidence"] and r["evidence"][0]["start"] == 0 for r in tagged)
    flat = io.StringIO()
    write_tag_export(seeded, "csv", flat, ExportFilter(narratives=("broken-promise",)))
    assert flat.getvalue().splitlines()[0] == ",".join(TAG_FIELDS)


def test_one_spike_rule_marks_the_same_wave_at_every_grain(session: Session) -> None:
    """Twelve steady weeks at 10 %, then a week at 40 %: every grain marks that one wave."""
    store.sync_sources(session, [_source("a")])
    start = date(2025, 1, 6)  # a Monday
    wave = start + timedelta(weeks=12)
    for offset in range(7 * 14):
        day = start + timedelta(days=offset)
        in_wave = wave <= day < wave + timedelta(days=7)
        narrative = (40 if in_wave else 10) + (5 if day == wave + timedelta(days=2) else 0)
        session.add(
            DailyTotal(
                day=day, source_id="a", language="en", articles=100, relevant=0, unique_stories=100
            )
        )
        session.add(
            DailyRollup(
                day=day,
                narrative_id="encirclement",
                source_id="a",
                language="en",
                articles=narrative + offset % 3,  # a little noise so the sd is not zero
                unique_stories=narrative,
            )
        )
    session.commit()
    flt = DashboardFilter(narratives=("encirclement",))
    marks = {
        grain: list(data.trend_frame(session, flt, grain).query("spike")["period"].dt.date)
        for grain in filters.GRAINS
    }
    assert marks["week"] == [wave]
    assert marks["day"] == [wave + timedelta(days=2)]  # the busiest day of that week
    assert marks["month"] == [wave.replace(day=1)]


def test_outlet_ids_stand_for_media_type_and_country(seeded: Session) -> None:
    flt = DashboardFilter(media_types=("state-affiliated",))
    resolved = filters.with_outlet_ids(seeded, flt)
    assert resolved is not None and resolved.sources and not resolved.media_types
    assert evidence.latest_articles(seeded, "encirclement", flt, limit=50) == (
        evidence.latest_articles(seeded, "encirclement", resolved, limit=50)
    )
    nowhere = DashboardFilter(media_types=("state-affiliated",), countries=("XX",))
    assert filters.with_outlet_ids(seeded, nowhere) is None
    assert evidence.latest_articles(seeded, "encirclement", nowhere) == []
