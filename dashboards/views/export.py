"""Export: the current filter as CSV, JSONL or Parquet, through `narrmon export`'s code."""

from __future__ import annotations

import io
import shlex
import tempfile
from pathlib import Path

import streamlit as st
from sqlalchemy.orm import Session

from dashboards import common
from models.dashboard.filters import DashboardFilter
from models.export import FORMATS, ExportFilter, ExportFormat, write_export
from models.export_tags import write_tag_export

# Largest export built in the dashboard: the file is held in the server's memory until
# downloaded. 20,000 articles of ~1,000 words are ~150 MB of JSONL; beyond that the
# command line streams to disk with flat memory.
DOWNLOAD_LIMIT = 20_000
MIME = {"csv": "text/csv", "jsonl": "application/x-ndjson", "parquet": "application/octet-stream"}


def export_filter(flt: DashboardFilter, language: str | None) -> ExportFilter:
    """The dashboard filter as the export's filter (the export takes one language)."""
    return ExportFilter(
        since=flt.since,
        until=flt.until,
        narratives=flt.narratives,
        sources=flt.sources,
        language=language,
        media_types=flt.media_types,
        countries=flt.countries,
        stances=flt.stances,
    )


def cli_command(eflt: ExportFilter, fmt: str) -> str:
    """The `narrmon export` command line that writes the same file."""
    args = ["narrmon", "export", "--format", fmt, "-o", f"narrmon-export.{fmt}"]
    if fmt == "csv":
        args.append("--formula-safe")  # as the download from this page
    if eflt.since:
        args += ["--since", eflt.since.isoformat()]
    if eflt.until:
        args += ["--until", eflt.until.isoformat()]
    for n in eflt.narratives:
        args += ["--narrative", n]
    for s in eflt.sources:
        args += ["--source", s]
    if eflt.language:
        args += ["--language", eflt.language]
    for m in eflt.media_types:
        args += ["--media-type", m]
    for c in eflt.countries:
        args += ["--country", c]
    for s in eflt.stances:
        args += ["--stance", s]
    return shlex.join(args)


LAYOUTS = {
    "articles": "One row per article (narratives nested)",
    "tags": "One row per article x narrative (stance, score, evidence)",
}


def build(url: str, eflt: ExportFilter, fmt: ExportFormat, layout: str = "articles") -> bytes:
    """Run models.export.write_export (the CLI's code path) and return the file's bytes;
    ``layout`` "tags" writes the long layout (models.export_tags) as CSV or JSONL. A CSV
    from here is opened in a spreadsheet, so its cells are formula-safe (like every CSV
    the dashboards offer; the CLI's ``--formula-safe``)."""
    with Session(common.engine_for(url)) as session:
        if layout == "tags" and fmt != "parquet":
            buffer = io.StringIO()
            write_tag_export(session, fmt, buffer, eflt, formula_safe=True)
            return buffer.getvalue().encode("utf-8")
        if fmt == "parquet":
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "export.parquet"
                write_export(session, fmt, str(path), eflt)
                return path.read_bytes()
        buffer = io.StringIO()
        write_export(session, fmt, buffer, eflt, formula_safe=True)
        return buffer.getvalue().encode("utf-8")


def main() -> None:
    """Draw the Export page."""
    st.title("Export")
    url = common.database_url()
    if not common.ready(url):
        return
    flt = common.current_filter()
    fmt: ExportFormat = st.radio("Format", FORMATS, horizontal=True, key="export_format")
    layout = "articles"
    if fmt != "parquet":
        layout = st.radio(
            "Layout",
            list(LAYOUTS),
            format_func=LAYOUTS.__getitem__,
            horizontal=True,
            key="export_layout",
        )
    language: str | None = None
    if len(flt.languages) == 1:
        language = flt.languages[0]
    elif len(flt.languages) > 1:
        language = st.selectbox(
            "Language (an export takes one language, like `narrmon export --language`)",
            flt.languages,
            key="export_language",
        )
    eflt = export_filter(flt, language)
    count = common.export_count(url, eflt)
    st.metric("Articles in the current filter", f"{count:,}")
    st.caption(
        "Filters applied: date range, narratives, stances, outlets, media type, country and "
        "language from the sidebar (an article is exported when it carries a chosen narrative "
        "with a chosen stance; all of its tags are written). Every "
        "field is described in the data dictionary that `narrmon export` writes beside its "
        "file; the article x narrative layout keeps untagged articles as one row with empty "
        "narrative fields, so denominators can be rebuilt."
    )
    st.code(cli_command(eflt, fmt), language="bash")
    if count == 0:
        common.nothing_matches()
        return
    if count > DOWNLOAD_LIMIT:
        st.warning(
            f"{count:,} articles is more than the dashboard builds in memory "
            f"({DOWNLOAD_LIMIT:,}). Narrow the filter, or run the command above: it streams "
            "any size to disk."
        )
        return
    key = (url, eflt, fmt, layout)
    if st.button("Prepare download", key="export_prepare"):
        with st.spinner("Writing the export..."):
            st.session_state["export_ready"] = (key, build(url, eflt, fmt, layout))
    ready = st.session_state.get("export_ready")
    if ready and ready[0] == key:
        st.download_button(
            f"Download {count:,} articles as {fmt.upper()}",
            data=ready[1],
            file_name=f"narrmon-export{'-tags' if layout == 'tags' else ''}.{fmt}",
            mime=MIME[fmt],
            key="export_download",
        )


main()
