"""narrative-monitor dashboards: the Streamlit entry point (``narrmon dashboard``).

Run: ``streamlit run dashboards/app.py``. It reads NARRMON_DASHBOARD_DATABASE_URL, else
NARRMON_DATABASE_URL, through a read-only engine. This script draws the shared filter
sidebar and hands over to the selected page; every page is a thin view over
dashboards.data (models.dashboard SQL through the pure dashboards.stats).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboards/app.py` puts dashboards/ (not the project root) on sys.path;
# the root makes `dashboards`, `models` and `narrmon` importable without an install.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from dashboards import common, palette  # noqa: E402

# Not `pages/`: Streamlit would also auto-register a `pages/` folder beside the entry
# script, which fights st.navigation (the sidebar filters vanish on rerun).
PAGES = Path(__file__).resolve().parent / "views"

st.set_page_config(page_title="narrative-monitor", page_icon=":material/monitoring:", layout="wide")
st.html(palette.READABLE_CSS)  # our own constant CSS, no web text in it

url = common.database_url()
if common.database_state(url) == "ok":
    common.filter_sidebar(common.filter_options(url))
    common.freshness_banner(url, common.filter_options(url))
    common.tagger_note(url)
st.sidebar.caption(f"Database: `{common.redact(url)}` (read-only)")

page = st.navigation(
    [
        st.Page(PAGES / "trends.py", title="Trends", icon=":material/show_chart:", default=True),
        st.Page(PAGES / "narrative.py", title="Narrative detail", icon=":material/search:"),
        st.Page(PAGES / "outlets.py", title="Outlets and feed health", icon=":material/rss_feed:"),
        st.Page(PAGES / "export.py", title="Export", icon=":material/download:"),
        st.Page(PAGES / "archive.py", title="Archived copy", icon=":material/inventory_2:"),
    ]
)
page.run()
if common.database_state(url) == "ok":
    common.save_url_and_offer_link()
