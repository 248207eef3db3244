"""Serve generated fixture outlets on loopback, one threaded server per outlet.

Each outlet gets its own port (closest to separate hosts); one more server
("elsewhere") plays the rest of the web for offsite tests. Placeholders in
the generated files are replaced with the real origins when served. Every
request is kept in an in-memory log, so tests can check the headers a
crawler sent (User-Agent, If-None-Match, If-Modified-Since).
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from demo_outlets import faults
from demo_outlets.generate import OUTLETS_DIR, SiteManifest, render_sources
from demo_outlets.outlets import OFFSITE_ID, origin_token

# A fault injector: (outlet id, request path without query) -> the fault to answer
# with, or None to serve the request normally.
Injector = Callable[[str, str], "faults.FaultResponse | None"]

# Write huge fault bodies in 64 KiB chunks.
CHUNK = 64 * 1024

CONTENT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".txt": "text/plain",
    ".rdf": "application/rdf+xml",
}


@dataclass
class RequestRecord:
    """One request a fixture server received."""

    outlet: str
    method: str
    path: str
    headers: dict[str, str]
    status: int = 0
    at: float = field(default_factory=time.time)


def xml_type(name: str) -> str:
    """The Content-Type a fixture outlet serves for the XML file ``name`` (feeds, sitemaps)."""
    if name.startswith("rss"):
        return "application/rss+xml"
    if name.startswith("atom"):
        return "application/atom+xml"
    return "application/xml"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "narrmon-demo/1.0"
    # Set per outlet server by _make_handler:
    group: SiteServer
    outlet_id: str
    site_dir: Path | None
    charset: str

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stderr access log (the in-memory log keeps requests)."""

    def do_HEAD(self) -> None:
        """HEAD: like GET without the body."""
        self._serve(head=True)

    def do_GET(self) -> None:
        """GET a file or a fault route."""
        self._serve(head=False)

    def _record(self) -> RequestRecord:
        rec = RequestRecord(
            outlet=self.outlet_id,
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        self.group.log.append(rec)
        return rec

    def _send(
        self, rec: RequestRecord, status: int, headers: dict[str, str], body: bytes, head: bool
    ) -> None:
        rec.status = status
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        rec = self._record()
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        try:
            injected = self.group.inject(self.outlet_id, path) if self.group.inject else None
            if injected is not None:
                self._answer(rec, injected, head)
                return
            if path.startswith("/_fault/"):
                self._fault(rec, path[len("/_fault/") :], dict(parse_qsl(parts.query)), head)
                return
            if self.site_dir is None:
                self._elsewhere(rec, path, head)
                return
            self._file(rec, path, head)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _resolve(self, path: str) -> Path | None:
        assert self.site_dir is not None
        rel = path.lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        candidate = (self.site_dir / rel).resolve()
        if not candidate.is_relative_to(self.site_dir):
            return None
        if candidate.is_file():
            return candidate
        html = candidate.with_name(candidate.name + ".html")
        return html if html.is_file() else None

    def _file(self, rec: RequestRecord, path: str, head: bool) -> None:
        file = self._resolve(path)
        if file is None:
            body = b"<!DOCTYPE html><html><body><h1>Not found</h1></body></html>"
            self._send(rec, 404, {"Content-Type": "text/html; charset=utf-8"}, body, head)
            return
        body = self.group.render(file.read_bytes())
        suffix = file.suffix
        if suffix == ".xml":
            ctype = f"{xml_type(file.name)}; charset={self.charset}"
        elif suffix == ".txt" or suffix == ".css":
            ctype = f"{CONTENT_TYPES[suffix]}; charset=utf-8"
        else:
            main = CONTENT_TYPES.get(suffix, "application/octet-stream")
            ctype = f"{main}; charset={self.charset}"
        mtime = int(file.stat().st_mtime)
        etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest()[:20] + '"'
        headers = {
            "Content-Type": ctype,
            "ETag": etag,
            "Last-Modified": formatdate(mtime, usegmt=True),
            "Cache-Control": "max-age=60",
        }
        if self._not_modified(etag, mtime):
            self._send(
                rec, 304, {"ETag": etag, "Last-Modified": headers["Last-Modified"]}, b"", head
            )
            return
        self._send(rec, 200, headers, body, head)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            return "*" in tags or etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
            return mtime <= since
        return False

    def _elsewhere(self, rec: RequestRecord, path: str, head: bool) -> None:
        origin = self.group.origins[OFFSITE_ID]
        if path == "/rss.xml":
            body = (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>elsewhere</title>'
                f"<item><title>Elsewhere</title><link>{origin}/story.html</link></item>"
                "</channel></rss>"
            ).encode()
            self._send(rec, 200, {"Content-Type": "application/rss+xml"}, body, head)
            return
        body = b"<!DOCTYPE html><html><body><p>Somewhere else on the web.</p></body></html>"
        self._send(rec, 200, {"Content-Type": "text/html; charset=utf-8"}, body, head)

    def _fault(self, rec: RequestRecord, name: str, query: dict[str, str], head: bool) -> None:
        origin = self.group.origins[self.outlet_id]
        self._answer(rec, faults.handle(name, query, origin, self.group.origins[OFFSITE_ID]), head)

    def _answer(self, rec: RequestRecord, resp: faults.FaultResponse, head: bool) -> None:
        if resp.sleep_s:
            time.sleep(resp.sleep_s)
        if resp.reset:
            # SO_LINGER 0: close() sends a TCP RST, the client sees "connection reset".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if not resp.stream_bytes:
            self._send(rec, resp.status, resp.headers, resp.body, head)
            return
        rec.status = resp.status
        self.send_response(resp.status)
        for key, value in resp.headers.items():
            self.send_header(key, value)
        if resp.content_length:
            self.send_header("Content-Length", str(resp.stream_bytes))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head:
            return
        chunk = b"<p>" + b"x" * (CHUNK - 7) + b"</p>"
        sent = 0
        while sent < resp.stream_bytes:
            piece = chunk[: resp.stream_bytes - sent]
            self.wfile.write(piece)
            sent += len(piece)


class SiteServer:
    """The running fixture outlets: one ThreadingHTTPServer per outlet."""

    def __init__(self, root_dir: str | Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root_dir).resolve()
        self.manifest = SiteManifest.load(self.root)
        self.host = host
        self.log: list[RequestRecord] = []
        # Set by tests to answer chosen requests with a fault (see :data:`Injector`).
        self.inject: Injector | None = None
        self.origins: dict[str, str] = {}
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._tokens: list[tuple[bytes, bytes]] = []
        ids = [o["id"] for o in self.manifest.outlets] + [OFFSITE_ID]
        charsets = {o["id"]: o["charset"] for o in self.manifest.outlets}
        for i, outlet_id in enumerate(ids):
            site = self.root / OUTLETS_DIR / outlet_id if outlet_id != OFFSITE_ID else None
            handler = type(
                f"Handler_{outlet_id}",
                (_Handler,),
                {
                    "group": self,
                    "outlet_id": outlet_id,
                    "site_dir": site,
                    "charset": charsets.get(outlet_id, "utf-8"),
                },
            )
            server = ThreadingHTTPServer((host, port + i if port else 0), handler)
            server.daemon_threads = True
            self._servers.append(server)
            self.origins[outlet_id] = f"http://{host}:{server.server_address[1]}"
        self._tokens = [
            (origin_token(oid).encode(), origin.encode()) for oid, origin in self.origins.items()
        ]
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever, daemon=True, kwargs={"poll_interval": 0.1}
            )
            thread.start()
            self._threads.append(thread)

    @property
    def url(self) -> str:
        """Origin of the first outlet."""
        return next(iter(self.origins.values()))

    @property
    def port(self) -> int:
        """Port of the first outlet."""
        return int(self.url.rsplit(":", 1)[1])

    def origin(self, outlet_id: str) -> str:
        """``http://127.0.0.1:PORT`` of an outlet (or of ``elsewhere``)."""
        return self.origins[outlet_id]

    def url_for(self, outlet_id: str, path: str) -> str:
        """Absolute URL of a path on an outlet."""
        return self.origins[outlet_id] + path

    def render(self, data: bytes) -> bytes:
        """Replace origin placeholders with the live origins."""
        if b"__ORIGIN_" not in data:
            return data
        for token, origin in self._tokens:
            data = data.replace(token, origin)
        return data

    def served_bytes(self, outlet_id: str, path: str) -> bytes:
        """The exact bytes served for a generated file (without fetching it)."""
        rel = path.lstrip("/")
        file = self.root / OUTLETS_DIR / outlet_id / rel
        if not file.is_file():
            file = file.with_name(file.name + ".html")
        return self.render(file.read_bytes())

    def requests(self, outlet: str | None = None, path: str | None = None) -> list[RequestRecord]:
        """Logged requests, optionally for one outlet and/or path (query included)."""
        return [
            r
            for r in list(self.log)
            if (outlet is None or r.outlet == outlet)
            and (path is None or r.path == path or r.path.split("?", 1)[0] == path)
        ]

    def clear_log(self) -> None:
        """Forget logged requests."""
        self.log.clear()

    def sources_yaml(self) -> str:
        """The sources file for the outlets at their live origins."""
        return render_sources(self.manifest, self.origins)

    def write_sources(self, path: str | Path) -> Path:
        """Write :meth:`sources_yaml` to ``path``."""
        p = Path(path)
        p.write_text(self.sources_yaml(), encoding="utf-8")
        return p

    def stop(self) -> None:
        """Stop every server."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_sites(root_dir: str | Path, host: str = "127.0.0.1", port: int = 0) -> SiteServer:
    """Serve a generated root; ``port=0`` picks free ports, else outlet i is on port+i."""
    return SiteServer(root_dir, host, port)


def unused_port() -> int:
    """A loopback port nothing listens on right now (connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unreachable_source(source_id: str) -> dict[str, Any]:
    """A sources-file entry for an outlet that is down: its feed's port refuses connections."""
    origin = f"http://127.0.0.1:{unused_port()}"
    return {
        "id": source_id,
        "name": "Outlet that is down",
        "homepage": origin + "/",
        "feeds": [{"type": "rss", "url": f"{origin}/feed.xml"}],
        "language": "en",
        "country": "GB",
        "media_type": "blog",
        "politeness": {"delay": 0, "concurrency": 1},
    }
