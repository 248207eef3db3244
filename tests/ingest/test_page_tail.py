"""PageTail: reading a crawl's pages.jsonl while the crawl is still writing it."""

from __future__ import annotations

import json
from pathlib import Path

from narrmon.pipeline.ingest import PageTail


def _line(i: int) -> bytes:
    return (json.dumps({"url": f"http://x/{i}"}) + "\n").encode()


def test_missing_file_reads_nothing(tmp_path: Path) -> None:
    tail = PageTail(tmp_path / "pages.jsonl")
    assert tail.read(10) == []
    assert tail.at_eof


def test_whole_lines_only_until_final(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_bytes(_line(1) + _line(2) + b'{"url": "http://x/3"')  # torn: still writing
    tail = PageTail(path)
    assert [r["url"] for r in tail.read(10)] == ["http://x/1", "http://x/2"]
    assert not tail.at_eof  # the torn line waits in the buffer
    with path.open("ab") as fh:
        fh.write(b"}\n" + _line(4))
    assert [r["url"] for r in tail.read(10)] == ["http://x/3", "http://x/4"]
    assert tail.at_eof


def test_limit_and_torn_last_line_dropped_when_final(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_bytes(b"".join(_line(i) for i in range(5)) + b'{"url": "http://x/to')
    tail = PageTail(path)
    assert len(tail.read(3)) == 3
    assert not tail.at_eof
    assert [r["url"] for r in tail.read(10, final=True)] == ["http://x/3", "http://x/4"]
    assert tail.at_eof
    assert tail.read(10, final=True) == []
