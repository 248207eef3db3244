"""Every filter, grain, measure and selection in the query string, so a reload or a shared
link shows the same view.

The widgets keep their values in ``st.session_state`` under their keys; on the first run
of a session :func:`load` copies the query string into those keys (before any widget is
drawn), and after every run :func:`save` writes the non-empty ones back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from urllib.parse import urlencode

Kind = Literal["list", "text", "range"]


@dataclass(frozen=True)
class Param:
    """One query-string parameter and the session-state key it mirrors."""

    name: str
    key: str
    kind: Kind


# Shared filters first, then per-page view state. "grain" is one key for every page, so
# switching pages keeps the period.
PARAMS: tuple[Param, ...] = (
    Param("range", "f_range", "range"),
    Param("narratives", "f_narratives", "list"),
    Param("stance", "f_stances", "list"),
    Param("outlet", "f_sources", "list"),
    Param("media", "f_media", "list"),
    Param("country", "f_countries", "list"),
    Param("language", "f_languages", "list"),
    Param("grain", "grain", "text"),
    Param("measure", "trend_measure", "text"),
    Param("layout", "trend_layout", "text"),
    Param("compare", "compare_by", "text"),
    Param("compare_narrative", "compare_narrative", "text"),
    Param("narrative", "detail_narrative", "text"),
    Param("by", "detail_by", "text"),
    Param("cards_stance", "cards_stance", "list"),
    Param("cards_outlet", "cards_outlet", "list"),
    Param("article", "archive_article", "text"),
)
LOADED_FLAG = "_url_loaded"


def decode(param: Param, raw: str) -> Any:
    """The session-state value of a query-string value (None when it does not parse)."""
    if param.kind == "list":
        return [v for v in raw.split(",") if v]
    if param.kind == "range":
        parts = raw.split("..")
        try:
            days = tuple(date.fromisoformat(p) for p in parts if p)
        except ValueError:
            return None
        return days if len(days) in (1, 2) else None
    return raw or None


def encode(param: Param, value: Any) -> str | None:
    """The query-string value of a session-state value (None to leave it out)."""
    if value is None or value == "" or value == [] or value == ():
        return None
    if param.kind == "list":
        return ",".join(str(v) for v in value)
    if param.kind == "range":
        days = [d for d in value if isinstance(d, date)]
        return "..".join(d.isoformat() for d in days) or None
    return str(value)


def load(query: Mapping[str, str], state: Any) -> None:
    """Copy the query string into session state (a mapping), once per session."""
    if state.get(LOADED_FLAG):
        return
    state[LOADED_FLAG] = True
    for param in PARAMS:
        raw = query.get(param.name)
        if raw is None:
            continue
        value = decode(param, raw)
        if value is not None:
            state[param.key] = value


def query_of(state: Any) -> dict[str, str]:
    """The query string (as a dict) for the current session state."""
    out: dict[str, str] = {}
    for param in PARAMS:
        text = encode(param, state.get(param.key))
        if text is not None:
            out[param.name] = text
    return out


def link(base_url: str, state: Any) -> str:
    """A shareable link: ``base_url`` (the page's address) with the current state."""
    query = query_of(state)
    base = base_url.split("?", 1)[0]
    return f"{base}?{urlencode(query, safe=',.')}" if query else base
