"""Every page under streamlit.testing.v1.AppTest: filters change what is shown, empty states."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from narrmon.settings import Settings
from tests.dashboards.conftest import (
    APP,
    APP_TIMEOUT_S,
    HOSTILE_TITLE,
    SEED_ARTICLES,
    TAXONOMY_LABELS,
    add_hostile_article,
)

LABELS = TAXONOMY_LABELS


def open_app(page: str | None = None) -> AppTest:
    """The app, run once (and switched to ``page``), failing on any exception."""
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_S).run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> dict[str, dict[str, Any]]:
    """The Plotly figures on the page by element key."""
    out = {}
    for element in at.get("plotly_chart"):
        out[element.proto.id] = json.loads(element.proto.spec)
    return out


def chart(at: AppTest, key: str) -> dict[str, Any]:
    """The Plotly figure whose Streamlit key is ``key``."""
    found = [spec for element_id, spec in figures(at).items() if key in element_id]
    assert found, f"no chart {key!r} on the page"
    return found[0]


def trace_names(spec: dict[str, Any]) -> set[str]:
    return {t.get("name") for t in spec["data"]} - {"spike vs rolling baseline"}


def table_with(at: AppTest, column: str) -> Any:
    """The first dataframe on the page that has ``column``."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a {column!r} column"
    return found[0]


def numbers(values: Any) -> list[float]:
    """A trace's x or y as numbers (Plotly writes numeric arrays as base64 ``bdata``)."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        raw = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return [float(v) for v in raw]
    return [float(v) for v in values]


def first_line(spec: dict[str, Any]) -> dict[str, Any]:
    """The first line trace (not a spike marker) of a figure."""
    return next(t for t in spec["data"] if t.get("mode") == "lines")


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --------------------------------------------------------------------------- Trends


def test_trends_charts_every_narrative(seeded: Session) -> None:
    at = open_app()
    assert at.title[0].value == "Narrative trends"
    assert trace_names(chart(at, "trend_chart")) == LABELS
    assert trace_names(chart(at, "side_chart")) == {"Kremlin-side", "Counter-narrative"}
    monitored = at.metric[0]
    assert monitored.label == "Monitored articles" and monitored.value == f"{SEED_ARTICLES:,}"
    assert any("Share = the narrative's articles / all monitored" in c.value for c in at.caption)
    assert any("Dates are UTC" in c.value for c in at.caption)


def test_trends_now_vs_usual(seeded: Session) -> None:
    at = open_app()
    now = table_with(at, "outlets driving it")
    assert set(now["narrative"]) == LABELS
    assert set(now["status"]) <= {"usual", "above usual", "below usual", "no baseline yet"}
    assert now["usual (mean)"].notna().all()
    assert any("Latest complete week: 17 Feb 2025 (UTC)" in c.value for c in at.caption)
    # The seed ends on Saturday 1 March: that week is incomplete and shown apart.
    assert now["current period so far (incomplete)"].notna().all()
    at.date_input(key="f_range").set_value((date(2025, 2, 10), date(2025, 3, 1)))
    rerun(at)
    narrowed = table_with(at, "outlets driving it")
    assert narrowed["usual (mean)"].notna().all()  # baseline read from before the range


def test_trends_stance_split_and_advancing_sides(seeded: Session) -> None:
    at = open_app()
    stance = chart(at, "stance_chart")
    assert {t["name"] for t in stance["data"]} == {"Promotes", "Reports", "Disputes"}
    sides_all = sum(sum(numbers(t["y"])) for t in chart(at, "side_chart")["data"])
    at.multiselect(key="f_stances").set_value(["disputes"])
    rerun(at)
    stance = chart(at, "stance_chart")
    assert {t["name"] for t in stance["data"]} == {"Disputes"}
    # Rebuttals never count as advancing a side: nothing promotes under this filter.
    assert sum(sum(numbers(t["y"])) for t in chart(at, "side_chart")["data"]) == 0 < sides_all
    assert any("Stances counted: Disputes" in c.value for c in at.caption)


def test_trends_filters_change_the_chart(seeded: Session) -> None:
    at = open_app()
    at.multiselect(key="f_narratives").set_value(["encirclement", "sovereign-choice"])
    rerun(at)
    assert trace_names(chart(at, "trend_chart")) == {"Encirclement", "Sovereign choice"}

    share_y = chart(at, "trend_chart")["data"][0]["y"]
    at.radio(key="trend_measure").set_value("articles")
    rerun(at)
    count_y = chart(at, "trend_chart")["data"][0]["y"]
    assert count_y != share_y

    weekly_points = len(chart(at, "trend_chart")["data"][0]["x"])
    at.radio(key="trend_grain").set_value("month")
    rerun(at)
    assert len(chart(at, "trend_chart")["data"][0]["x"]) < weekly_points

    before = at.metric[0].value
    at.multiselect(key="f_sources").set_value(["src-01"])
    rerun(at)
    assert int(at.metric[0].value.replace(",", "")) < int(before.replace(",", ""))
    at.multiselect(key="f_languages").set_value(["de"])  # src-01 writes Russian
    rerun(at)
    assert "Nothing matches the current filters" in at.info[0].value


def test_trends_empty_database_says_what_to_do(settings: Settings) -> None:
    at = open_app()
    assert not at.get("plotly_chart")
    assert "No articles have been ingested yet" in at.info[0].value
    assert "narrmon run" in at.info[0].value


def test_unmigrated_and_unreachable_databases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blank = tmp_path / "blank.sqlite3"
    blank.write_bytes(b"")
    monkeypatch.setenv("NARRMON_DATABASE_URL", f"sqlite:///{blank}")
    at = open_app()
    assert "narrmon init" in at.warning[0].value
    monkeypatch.setenv("NARRMON_DATABASE_URL", f"sqlite:///{tmp_path / 'missing.sqlite3'}")
    at = open_app()
    assert "Cannot read the database" in at.error[0].value
    assert not (tmp_path / "missing.sqlite3").exists()  # read-only: nothing created


def test_dashboard_database_url_override(
    seeded: Session, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRMON_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    monkeypatch.setenv("NARRMON_DASHBOARD_DATABASE_URL", db_url)
    at = open_app()
    assert trace_names(chart(at, "trend_chart")) == LABELS


# --------------------------------------------------------------------------- detail


def test_narrative_detail_breakdowns_and_evidence(seeded: Session) -> None:
    add_hostile_article(seeded)
    at = open_app("views/narrative.py")
    assert at.title[0].value == "Narrative detail"
    at.selectbox(key="detail_narrative").set_value("broken-promise")
    rerun(at)
    outlets = trace_names(chart(at, "detail_chart"))
    assert outlets == {"Outlet 00", "Outlet 01", "Outlet 02", "Outlet 03"}
    at.radio(key="detail_by").set_value("Language")
    rerun(at)
    assert trace_names(chart(at, "detail_chart")) == {"en", "ru", "uk", "de"}
    co = table_with(at, "label")
    assert "Broken promise" not in set(co["label"]) and len(co) == 8

    at.date_input(key="f_range").set_value((date(2025, 1, 20), date(2025, 1, 20)))
    rerun(at)
    body = at.html[0].proto.body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<img" not in body and "<script" not in body
    assert "<mark>" in body
    assert 'href="https://outlet00.example/news/hostile"' in body


def test_narrative_detail_stance_breakdown_and_definition(seeded: Session) -> None:
    from models import store

    store.sync_narratives(
        seeded,
        [
            {
                "id": "broken-promise",
                "side": "kremlin",
                "label": "Broken promise",
                "definition": "The West promised NATO would not expand eastward.",
            }
        ],
        "v-test",
    )
    seeded.commit()
    at = open_app("views/narrative.py")
    at.selectbox(key="detail_narrative").set_value("broken-promise")
    at.radio(key="detail_by").set_value("Stance")
    rerun(at)
    assert trace_names(chart(at, "detail_chart")) == {"promotes", "reports", "disputes"}
    assert any("would not expand eastward" in m.value for m in at.markdown)
    top = table_with(at, "disputes").set_index("outlet")
    # The seed's Outlet 01 debunks (mostly disputes), Outlet 00 amplifies.
    assert top.loc["Outlet 01", "disputes"] > top.loc["Outlet 01", "promotes"]
    assert top.loc["Outlet 00", "promotes"] > top.loc["Outlet 00", "disputes"]


def test_narrative_detail_respects_the_narrative_filter(seeded: Session) -> None:
    at = open_app("views/narrative.py")
    at.multiselect(key="f_narratives").set_value(["defensive-alliance"])
    rerun(at)
    assert at.selectbox(key="detail_narrative").options == ["Defensive alliance"]
    assert at.selectbox(key="detail_narrative").value == "defensive-alliance"


def test_narrative_detail_empty_database(settings: Settings) -> None:
    at = open_app("views/narrative.py")
    assert "No articles have been ingested yet" in at.info[0].value


# --------------------------------------------------------------------------- outlets


def test_outlets_page(seeded: Session, settings: Settings) -> None:
    at = open_app("views/outlets.py")
    assert "outlet_heatmap" in "".join(figures(at))
    health = at.dataframe[0].value
    assert len(health) == 4 and set(health["articles"]) != {0}
    assert "Data Docs appear here" in at.caption[0].value
    at.multiselect(key="f_media").set_value(["commercial"])
    rerun(at)
    assert list(at.dataframe[0].value["outlet"]) == ["Outlet 02"]

    docs = settings.data_dir / "quality" / "docs"
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("<html></html>")
    at = open_app("views/outlets.py")
    assert "serve them over HTTP" in at.markdown[0].value
    assert at.code[0].value.endswith(f"-d {docs.resolve()}")
    assert "file://" not in "".join(m.value for m in at.markdown)


def test_freshness_banner_and_the_health_rule(seeded: Session, settings: Settings) -> None:
    from datetime import UTC, datetime

    from models import store
    from models.records import QuarantineRecord

    now = datetime.now(UTC)
    store.quarantine_items(
        seeded,
        [
            QuarantineRecord(
                url=f"https://outlet00.example/bad/{k}",
                source_id="src-00",
                reasons=["too_short"],
                fetched_at=now,
            )
            for k in range(20)
        ],
    )
    seeded.commit()
    at = open_app("views/outlets.py")
    banner = at.warning[0].value
    assert banner.startswith("Data may be stale. The newest article is from 01 Mar 2025")
    assert "days ago, UTC" in banner and "Outlet 00" in banner
    health = table_with(at, "problems").set_index("source_id")
    # 20 pending items against no article stored in the health window: the share shows.
    assert health.loc["src-00", "quarantine_share"] == 1.0
    assert "no successful crawl yet" in health.loc["src-00", "problems"]


def test_outlets_page_shows_a_stale_but_reachable_feed(seeded: Session) -> None:
    """A feed that answers while the newest stored article is months old: the warning that
    `narrmon health` prints is on the Outlets page too (quality.health, one rule)."""
    from datetime import UTC, datetime

    from models.schema import FeedState

    now = datetime.now(UTC)
    seeded.add(
        FeedState(
            feed_url="https://outlet01.example/rss.xml",
            source_id="src-01",
            last_status="ok",
            last_checked_at=now,
            last_ok_at=now,
        )
    )
    seeded.commit()
    at = open_app("views/outlets.py")
    health = table_with(at, "problems").set_index("source_id")
    assert "stale: https://outlet01.example/rss.xml answers" in health.loc["src-01", "problems"]
    assert "stale:" not in health.loc["src-02", "problems"]


def test_outlets_empty_database(settings: Settings) -> None:
    at = open_app("views/outlets.py")
    assert "No articles have been ingested yet" in at.info[0].value


# --------------------------------------------------------------------------- export


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_downloads_the_current_filter(seeded: Session, fmt: str) -> None:
    add_hostile_article(seeded)
    at = open_app("views/export.py")
    at.multiselect(key="f_narratives").set_value(["broken-promise"])
    at.multiselect(key="f_languages").set_value(["en"])
    at.radio(key="export_format").set_value(fmt)
    rerun(at)
    count = int(at.metric[0].value.replace(",", ""))
    assert 0 < count < SEED_ARTICLES
    assert "--narrative broken-promise" in at.code[0].value
    assert "--language en" in at.code[0].value
    assert "--media-type" not in at.code[0].value and "--country" not in at.code[0].value
    at.button(key="export_prepare").click()
    rerun(at)
    assert at.get("download_button")
    data: bytes = at.session_state["export_ready"][1]
    if fmt == "parquet":
        rows = pq.read_table(io.BytesIO(data)).to_pylist()
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in data.decode().splitlines()]
    else:
        import csv

        rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert len(rows) == count
    assert {r["language"] for r in rows} == {"en"}
    assert HOSTILE_TITLE in {r["title"] for r in rows}


def test_export_empty_database(settings: Settings) -> None:
    at = open_app("views/export.py")
    assert "No articles have been ingested yet" in at.info[0].value


def run_shown_command(command: list[str]) -> list[dict[str, Any]]:
    """Run the Export page's `narrmon export` command to stdout as JSONL; its rows."""
    from click.testing import CliRunner

    from narrmon.cli import main

    args = command[1:]  # after "narrmon"
    args[args.index("-o") + 1] = "-"
    args[args.index("--format") + 1] = "jsonl"
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_export_command_line_carries_the_outlet_filters(seeded: Session) -> None:
    """The command the Export page shows writes the same rows the page counts."""
    import shlex

    at = open_app("views/export.py")
    at.multiselect(key="f_media").set_value(["commercial"])
    at.multiselect(key="f_countries").set_value([at.multiselect(key="f_countries").options[0]])
    rerun(at)
    count = int(at.metric[0].value.replace(",", ""))
    command = shlex.split(at.code[0].value)
    assert "--media-type" in command and "--country" in command
    rows = run_shown_command(command)
    assert len(rows) == count
    assert {r["media_type"] for r in rows} <= {"commercial"}


def test_stance_filter_narrows_the_export_and_its_command_line(seeded: Session) -> None:
    """Only articles with a tag of the chosen stance; the shown command writes the same rows."""
    import shlex

    at = open_app("views/export.py")
    everything = int(at.metric[0].value.replace(",", ""))
    at.multiselect(key="f_stances").set_value(["disputes"])
    rerun(at)
    count = int(at.metric[0].value.replace(",", ""))
    assert 0 < count < everything
    command = shlex.split(at.code[0].value)
    assert command[command.index("--stance") + 1] == "disputes"
    rows = run_shown_command(command)
    assert len(rows) == count
    for row in rows:
        assert "disputes" in {t["stance"] for t in row["narratives"]}, row["narratives"]


# --------------------------------------------------------------------------- URL state


def open_link(query: dict[str, str], page: str | None = None) -> AppTest:
    """The app opened from a shared link with ``query`` as its query string."""
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT_S)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_shared_link_restores_the_view(seeded: Session) -> None:
    query = {
        "range": "2025-01-13..2025-02-23",
        "narratives": "encirclement,sovereign-choice",
        "stance": "disputes",
        "outlet": "src-01,no-such-outlet",
        "grain": "month",
        "measure": "articles",
        "layout": "overlay",
    }
    at = open_link(query)
    assert at.date_input(key="f_range").value == (date(2025, 1, 13), date(2025, 2, 23))
    assert at.multiselect(key="f_narratives").value == ["encirclement", "sovereign-choice"]
    assert at.multiselect(key="f_stances").value == ["disputes"]
    assert at.multiselect(key="f_sources").value == ["src-01"]  # unknown ids dropped
    assert at.radio(key="trend_grain").value == "month"
    assert at.radio(key="trend_measure").value == "articles"
    assert trace_names(chart(at, "trend_chart")) == {"Encirclement", "Sovereign choice"}
    written = {k: at.query_params[k] for k in at.query_params}
    assert written["stance"] == "disputes" and written["grain"] == "month"
    assert written["outlet"] == "src-01"


def test_filters_and_grain_go_into_the_url_and_survive_a_page_switch(seeded: Session) -> None:
    at = open_app()
    at.multiselect(key="f_stances").set_value(["promotes"])
    at.radio(key="trend_grain").set_value("day")
    rerun(at)
    assert at.query_params["stance"] == "promotes"
    assert at.query_params["grain"] == "day"
    at.switch_page("views/narrative.py")
    rerun(at)
    assert at.radio(key="detail_grain").value == "day"
    assert at.multiselect(key="f_stances").value == ["promotes"]
    assert any("stance=promotes" in c.value for c in at.code)  # the copy-link box


def test_date_presets_and_plain_validation(seeded: Session) -> None:
    at = open_app()
    # The seeded data is from early 2025; "last 30 days" (of today, UTC) holds none of it.
    at.selectbox(key="f_preset").set_value("30")
    rerun(at)
    problem = [w.value for w in at.warning if "No articles after" in w.value]
    assert problem and "the newest is from 01 Mar 2025" in problem[0]
    at.selectbox(key="f_preset").set_value("all")
    rerun(at)
    assert not [w for w in at.warning if "No articles" in w.value]
    picked = at.date_input(key="f_range").value
    assert isinstance(picked, tuple) and picked and picked[0] == date(2025, 1, 1)


def test_compare_groups_and_chart_downloads(seeded: Session) -> None:
    at = open_app()
    at.selectbox(key="compare_narrative").set_value("broken-promise")
    at.radio(key="compare_by").set_value("media_type")
    rerun(at)
    lines = chart(at, "compare_chart")["data"]
    assert {t["name"] for t in lines} == {
        "state-affiliated",
        "public-broadcaster",
        "commercial",
        "independent",
    }
    assert all(0 <= v <= 1 for t in lines for v in numbers(t["y"]))
    colour_before = {t["name"]: t["line"]["color"] for t in lines}
    at.multiselect(key="f_media").set_value(["commercial", "state-affiliated"])
    rerun(at)
    after = {t["name"]: t["line"]["color"] for t in chart(at, "compare_chart")["data"]}
    assert after == {k: colour_before[k] for k in after}  # a group keeps its colour
    assert at.query_params["compare"] == "media_type"
    downloads = {b.proto.label for b in at.get("download_button")}
    assert downloads == {"Data behind this chart (CSV)"}
    assert len(at.get("download_button")) == 5  # trends, compare, stance, sides, copies


def test_cooccurrence_matrix_and_first_movers(seeded: Session) -> None:
    at = open_app("views/narrative.py")
    at.selectbox(key="detail_narrative").set_value("broken-promise")
    rerun(at)
    heat = chart(at, "cooccurrence_matrix")["data"][0]
    assert len(heat["x"]) == 9 and heat["x"] == heat["y"]
    movers = table_with(at, "lag_hours")
    assert len(movers) == 4 and movers["lag_hours"].iloc[0] == 0
    assert movers["lag_hours"].is_monotonic_increasing


def test_outlet_colours_are_fixed_between_views(seeded: Session) -> None:
    at = open_app("views/narrative.py")
    at.selectbox(key="detail_narrative").set_value("broken-promise")
    rerun(at)
    before = {t["name"]: t["marker"]["color"] for t in chart(at, "detail_chart")["data"]}
    at.multiselect(key="f_sources").set_value(["src-02", "src-03"])
    rerun(at)
    after = {t["name"]: t["marker"]["color"] for t in chart(at, "detail_chart")["data"]}
    assert set(after) == {"Outlet 02", "Outlet 03"}
    assert after == {k: before[k] for k in after}


def test_trends_show_each_narratives_definition(seeded: Session) -> None:
    from models import store

    store.sync_narratives(
        seeded,
        [
            {
                "id": "encirclement",
                "side": "kremlin",
                "label": "Encirclement",
                "definition": "NATO surrounds Russia with bases.",
            }
        ],
        "v-test",
    )
    seeded.commit()
    at = open_app()
    assert any("NATO surrounds Russia with bases" in m.value for m in at.markdown)


def test_every_page_says_which_tagger_version_counts(seeded: Session) -> None:
    import narratives

    at = open_app()
    notes = [c.value for c in at.sidebar.caption]
    # the seeded articles were tagged by a synthetic tagger, not by the current one
    assert any(
        f"tagger {narratives.TAGGER_VERSION}" in n and "narrmon retag --outdated" in n
        for n in notes
    ), notes


CSV_LABEL = "Data behind this chart (CSV)"


@pytest.mark.parametrize(
    "page", [None, "views/narrative.py", "views/outlets.py"], ids=["trends", "detail", "outlets"]
)
def test_every_chart_on_every_page_has_its_data_as_csv(seeded: Session, page: str | None) -> None:
    """Issue 18: a CSV download per chart (the table builders are tested in test_stats)."""
    at = open_app(page)
    charts = at.get("plotly_chart")
    downloads = [b for b in at.get("download_button") if b.proto.label == CSV_LABEL]
    assert charts and len(downloads) == len(charts), (len(charts), len(downloads))
