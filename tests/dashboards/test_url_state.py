"""dashboards.url_state: the query string round-trips every filter and view setting."""

from __future__ import annotations

from datetime import date

from dashboards import url_state


def test_state_round_trips_through_the_query_string() -> None:
    state = {
        "f_range": (date(2025, 1, 1), date(2025, 3, 1)),
        "f_narratives": ["broken-promise", "encirclement"],
        "f_stances": ["promotes"],
        "f_sources": [],
        "grain": "month",
        "detail_narrative": "broken-promise",
    }
    query = url_state.query_of(state)
    assert query == {
        "range": "2025-01-01..2025-03-01",
        "narratives": "broken-promise,encirclement",
        "stance": "promotes",
        "grain": "month",
        "narrative": "broken-promise",
    }
    restored: dict[str, object] = {}
    url_state.load(query, restored)
    assert {k: v for k, v in restored.items() if k != url_state.LOADED_FLAG} == {
        k: v for k, v in state.items() if v
    }
    link = url_state.link("http://host:8501/narrative?old=1", state)
    assert link.startswith("http://host:8501/narrative?range=2025-01-01..2025-03-01&")


def test_a_link_is_read_once_and_bad_values_are_ignored() -> None:
    state: dict[str, object] = {}
    url_state.load({"range": "2025-13-01..x", "stance": "disputes"}, state)
    assert "f_range" not in state and state["f_stances"] == ["disputes"]
    state["f_stances"] = ["promotes"]  # the analyst changes it ...
    url_state.load({"stance": "disputes"}, state)  # ... and a rerun keeps the change
    assert state["f_stances"] == ["promotes"]
