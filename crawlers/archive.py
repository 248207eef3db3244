"""The raw archive: article responses as WARC records (warcio; no Scrapy).

One gzip-compressed WARC file per crawl run; every record is its own gzip
member, so a record can be read back from its byte offset alone and a
crawl killed mid-run leaves a readable file up to its last full record.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Hop-by-hop and transfer headers that no longer describe the stored body
# (Scrapy hands us the decoded, de-chunked body).
_DROP_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class ArchivedRecord:
    """Where a response record landed in the WARC file."""

    warc_path: str
    offset: int
    record_id: str


class WarcArchive:
    """Append response records to one WARC file (single-threaded use)."""

    def __init__(self, path: str | Path, *, software: str = "narrative-monitor") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: BinaryIO = self.path.open("ab")
        self._writer = WARCWriter(self._fh, gzip=True)
        if self._fh.tell() == 0:
            info = self._writer.create_warcinfo_record(
                self.path.name, {"software": software, "format": "WARC File Format 1.1"}
            )
            self._writer.write_record(info)
            self._fh.flush()

    def write_response(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        reason: str = "",
        fetched_at: str | None = None,
    ) -> ArchivedRecord:
        """Write one HTTP response record and return its offset and record id."""
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(
            f"{status} {reason or 'OK'}".strip(), kept, protocol="HTTP/1.1"
        )
        warc_headers = {"WARC-Date": fetched_at} if fetched_at else None
        record = self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        offset = self._fh.tell()
        self._writer.write_record(record)
        self._fh.flush()
        record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
        return ArchivedRecord(str(self.path), offset, record_id)

    def close(self) -> None:
        """Flush and close the file."""
        if not self._fh.closed:
            self._fh.flush()
            self._fh.close()


def read_record(warc_path: str | Path, offset: int) -> tuple[dict[str, str], bytes]:
    """Read the response record at ``offset``: (HTTP headers, body bytes).

    The headers dict holds the stored HTTP response headers plus
    ``WARC-Target-URI``, ``WARC-Date`` and ``WARC-Record-ID`` and the
    ``:status`` line's code, so re-extraction knows the URL, the fetch time
    and the declared charset without the database.
    """
    with Path(warc_path).open("rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            headers: dict[str, str] = {}
            if record.http_headers is not None:
                for key, value in record.http_headers.headers:
                    headers[key] = value
                headers[":status"] = record.http_headers.get_statuscode()
            for name in ("WARC-Target-URI", "WARC-Date", "WARC-Record-ID"):
                value = record.rec_headers.get_header(name)
                if value:
                    headers[name] = value
            return headers, record.content_stream().read()
    raise ValueError(f"no WARC record at offset {offset} in {warc_path}")
