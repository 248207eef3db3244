"""A cheap loopback server for the ingestion benchmark: pre-rendered bytes, one process.

The fixture server is the benchmark's environment, not the product: on the open web the
outlets' servers run on other machines. ``demo_outlets``' threaded server (one
Python thread per connection, files read, rendered and hashed per request) is right for
tests (fault routes, request log) but spends CPU the product then cannot use. This one
renders every file once at start-up and answers from a dict on an asyncio event loop
(uvloop when installed), in its own process, so its CPU is measured apart from
`narrmon run`'s. It still shares the machine's cores with the run: the benchmark reports
its CPU seconds beside the other processes'.

    python -m bench.fixture_server ROOT --sources-out FILE

prints one JSON line ``{"origins": {...}}`` once listening, then serves until stdin closes.
Served bytes, Content-Type, ETag and Last-Modified follow ``demo_outlets.server``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import hashlib
import json
import socket
import sys
from email.utils import formatdate
from pathlib import Path
from typing import cast

from demo_outlets.generate import OUTLETS_DIR, SiteManifest, render_sources
from demo_outlets.outlets import OFFSITE_ID, origin_token
from demo_outlets.server import CONTENT_TYPES, xml_type

NOT_FOUND = b"<!DOCTYPE html><html><body><h1>Not found</h1></body></html>"
# Largest request head accepted (requests from the crawler are a few hundred bytes).
MAX_HEAD = 64 * 1024

Response = tuple[bytes, bytes, bytes]  # (status line + headers, body, etag)


def render(data: bytes, origins: dict[str, str]) -> bytes:
    """Replace origin placeholders with the live origins (as the threaded server does)."""
    if b"__ORIGIN_" not in data:
        return data
    for oid, origin in origins.items():
        data = data.replace(origin_token(oid).encode(), origin.encode())
    return data


def _content_type(file: Path, charset: str) -> str:
    suffix = file.suffix
    if suffix == ".xml":
        return f"{xml_type(file.name)}; charset={charset}"
    if suffix in (".txt", ".css"):
        return f"{CONTENT_TYPES[suffix]}; charset=utf-8"
    return f"{CONTENT_TYPES.get(suffix, 'application/octet-stream')}; charset={charset}"


def _response(status: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [
        f"HTTP/1.1 {status}",
        "Server: narrmon-bench/1.0",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def outlet_table(site: Path, charset: str, origins: dict[str, str]) -> dict[str, Response]:
    """Every file of one outlet rendered once: request path -> (head, body, etag)."""
    table: dict[str, Response] = {}
    for file in sorted(p for p in site.rglob("*") if p.is_file()):
        body = render(file.read_bytes(), origins)
        etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest()[:20] + '"'
        head = _response(
            "200 OK",
            {
                "Content-Type": _content_type(file, charset),
                "ETag": etag,
                "Last-Modified": formatdate(int(file.stat().st_mtime), usegmt=True),
                "Cache-Control": "max-age=60",
            },
            body,
        )
        rel = "/" + file.relative_to(site).as_posix()
        entry = (head, body, etag.encode())
        table[rel] = entry
        if rel.endswith("/index.html"):
            table[rel[: -len("index.html")]] = entry
        if rel.endswith(".html"):
            table.setdefault(rel[: -len(".html")], entry)
    return table


class _Http(asyncio.Protocol):
    """HTTP/1.1 with keep-alive over a fixed table; GET and HEAD, If-None-Match."""

    def __init__(self, table: dict[str, Response]) -> None:
        self.table = table
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not subclass asyncio.Transport; they have its methods.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > MAX_HEAD and self.transport is not None:
                    self.transport.close()
                return
            head, self.buf = self.buf[:end], self.buf[end + 4 :]
            self._answer(head)

    def _answer(self, head: bytes) -> None:
        assert self.transport is not None
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        method = parts[0]
        path = parts[1].split(b"?", 1)[0].decode("latin-1") if len(parts) > 1 else "/"
        inm = None
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            key = name.strip().lower()
            if key == b"if-none-match":
                inm = value.strip()
            elif key == b"connection" and value.strip().lower() == b"close":
                close = True
        entry = self.table.get(path)
        if entry is None:
            hdr = _response(
                "404 Not Found", {"Content-Type": "text/html; charset=utf-8"}, NOT_FOUND
            )
            body = NOT_FOUND
        elif inm is not None and (entry[2] in inm.split(b", ") or inm == b"*"):
            hdr = b"HTTP/1.1 304 Not Modified\r\nETag: " + entry[2] + b"\r\n\r\n"
            body = b""
        else:
            hdr, body = entry[0], entry[1]
        self.transport.write(hdr if method == b"HEAD" else hdr + body)
        if close:
            self.transport.close()


async def _serve(root: Path, host: str, sources_out: str | None) -> None:
    manifest = SiteManifest.load(root)
    ids = [o["id"] for o in manifest.outlets] + [OFFSITE_ID]
    socks = {}
    for oid in ids:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        socks[oid] = sock
    origins = {oid: f"http://{host}:{s.getsockname()[1]}" for oid, s in socks.items()}
    charsets = {o["id"]: o["charset"] for o in manifest.outlets}
    loop = asyncio.get_running_loop()
    servers = []
    # backlog 512: the crawls open up to 16 connections per source at once; room to spare.
    for oid, sock in socks.items():
        if oid == OFFSITE_ID:
            table: dict[str, Response] = {}
        else:
            table = outlet_table(root / OUTLETS_DIR / oid, charsets[oid], origins)
        servers.append(
            await loop.create_server(functools.partial(_Http, table), sock=sock, backlog=512)
        )
    if sources_out:
        Path(sources_out).write_text(render_sources(manifest, origins), encoding="utf-8")
    print(json.dumps({"origins": origins}), flush=True)
    # Serve until the parent closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    for server in servers:
        server.close()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.fixture_server")
    parser.add_argument("root")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--sources-out", default=None)
    args = parser.parse_args(argv)
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()
    asyncio.run(_serve(Path(args.root), args.host, args.sources_out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
