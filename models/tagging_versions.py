"""Which tagger judged the stored articles: the counts behind the dashboards' version note."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.schema import Article


def tagger_versions(session: Session) -> list[tuple[str | None, int]]:
    """Stored articles per tagger version (``None``: never tagged), most articles first."""
    rows = session.execute(
        select(Article.tagger_version, func.count()).group_by(Article.tagger_version)
    ).all()
    return sorted(((r[0], int(r[1])) for r in rows), key=lambda r: (-r[1], r[0] or ""))


def version_note(versions: list[tuple[str | None, int]], current: str) -> str:
    """One line for analysts: which tagger the counts come from and what is outdated."""
    total = sum(n for _, n in versions)
    if not total:
        return f"Narratives are judged by tagger {current}; no articles are stored yet."
    now = sum(n for v, n in versions if v == current)
    other = total - now
    note = f"Counts come from tagger {current} ({now:,} of {total:,} articles)."
    if other:
        note += (
            f" {other:,} articles were judged by an older tagger version or never tagged;"
            " `narrmon retag --outdated` brings them up to date."
        )
    return note
