"""Archived copy: an article's stored response from the WARC archive, as escaped text.

Opened from an evidence card (``archive?article=<id>``). The page never renders the
original markup: the body is decoded and shown as plain text, so scripts and styles of
the archived page cannot run in the dashboard.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from crawlers.archive import read_record
from dashboards import common
from models.dashboard import evidence

# Characters of the archived body shown: a long article's HTML fits, a pathological page
# cannot flood the browser.
MAX_CHARS = 300_000


def _charset(headers: dict[str, str]) -> str:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    for part in content_type.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return "utf-8"


def main() -> None:
    """Draw the Archived copy page."""
    st.title("Archived copy")
    url = common.database_url()
    if not common.ready(url):
        return
    raw_id = str(st.session_state.get("archive_article") or "")  # from ?article=, url_state
    if not raw_id.isdigit():
        st.info("Open an archived copy from an evidence card on the Narrative detail page.")
        return
    found = common.run_query(url, lambda s: evidence.archived_location(s, int(raw_id)))
    if found is None:
        st.warning(f"Article {int(raw_id)} has no archived copy.")
        return
    archive_root = (common.data_dir() / "archive").resolve()
    path = Path(found["warc_path"]).resolve()
    if not path.is_relative_to(archive_root) or not path.is_file():
        st.warning(f"The archive file of article {found['article_id']} is not available here.")
        return
    headers, body = read_record(path, found["warc_offset"])
    try:
        text = body.decode(_charset(headers), errors="replace")
    except LookupError:  # an unknown charset name in the stored headers
        text = body.decode("utf-8", errors="replace")
    st.caption(
        f"{found['outlet']} · fetched {found['fetched_at']:%d %b %Y %H:%M} UTC · "
        f"WARC-Record-ID {headers.get('WARC-Record-ID', '-')} · original URL below. "
        "Shown as text: the archived page's markup and scripts do not run here."
    )
    st.text(found["url"])
    st.text(text[:MAX_CHARS])
    if len(text) > MAX_CHARS:
        st.caption(f"First {MAX_CHARS:,} of {len(text):,} characters shown.")


main()
