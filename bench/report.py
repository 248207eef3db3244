"""Output of a benchmark: print the markdown report and, when asked, write it to a file."""

from __future__ import annotations

from pathlib import Path


def emit(lines: list[str], markdown: str | None) -> None:
    """Print the report's lines; also write them to ``markdown`` when it is given."""
    text = "\n".join(lines) + "\n"
    print(text)
    if markdown:
        Path(markdown).write_text(text, encoding="utf-8")
