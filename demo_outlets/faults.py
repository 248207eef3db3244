"""Fault routes every fixture outlet serves under ``/_fault/`` (for tests).

Each route plays one way the web goes wrong: error statuses, slow and huge
responses, binary content, hostile redirects and hostile XML.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote
from xml.sax.saxutils import escape

# Retry-After values the 429 and 503 routes send (seconds).
RETRY_AFTER_429 = 120
RETRY_AFTER_503 = 30
# Default sleep of /_fault/slow: longer than the tests' download timeout.
SLOW_DEFAULT_S = 5.0
# Default size of /_fault/huge: above the tests' DOWNLOAD_MAXSIZE.
HUGE_DEFAULT_MB = 3.0

# The article-like fault routes a fault feed lists, with the failure reason a
# crawler should record for each.
EXPECTED_REASONS: dict[str, str] = {
    "/_fault/404": "http_404",
    "/_fault/410": "http_410",
    "/_fault/429": "http_429",
    "/_fault/500": "http_5xx",
    "/_fault/503": "http_5xx",
    "/_fault/slow": "timeout",
    "/_fault/huge": "too_large",
    "/_fault/huge-chunked": "too_large",
    "/_fault/gzip-bomb": "too_large",
    "/_fault/binary": "binary_content",
    "/_fault/offsite": "offsite_redirect",
    "/_fault/loop": "redirect_loop",
    "/_fault/scheme": "bad_scheme",
}


@dataclass
class FaultResponse:
    """What a fault route answers."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    sleep_s: float = 0.0
    stream_bytes: int = 0  # send this many filler bytes instead of ``body``
    content_length: bool = True
    reset: bool = False  # abort the connection (TCP RST) instead of answering


def _html(title: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>Fault route.</p></body></html>"
    ).encode()


@cache
def _gzip_bomb(megabytes: int) -> bytes:
    """A few KiB of gzip that inflate to ``megabytes`` MiB of HTML."""
    return gzip.compress(b"<p>" + b"0" * (megabytes * 1024 * 1024) + b"</p>", compresslevel=9)


def fault_feed(origin: str, offsite_origin: str) -> bytes:
    """An RSS feed listing every fault route, one good page and a bad-scheme link."""
    links = [origin + path for path in EXPECTED_REASONS]
    links.append(origin + "/_fault/ok")
    links.append("ftp://127.0.0.1/file.html")  # non-http scheme in a feed
    links.append(offsite_origin + "/story.html")  # off the allowed hosts: never fetched
    items = "".join(
        f"<item><title>fault {i}</title><link>{escape(u)}</link>"
        "<pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate></item>"
        for i, u in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>faults</title><link>{origin}/</link><description>faults</description>"
        f"{items}</channel></rss>"
    ).encode()


def xxe_feed(file_path: str, offsite_origin: str) -> bytes:
    """A feed whose entities point at a local file and at another host."""
    return (
        '<?xml version="1.0"?>\n'
        "<!DOCTYPE rss [\n"
        f'  <!ENTITY secret SYSTEM "file://{file_path}">\n'
        f'  <!ENTITY remote SYSTEM "{offsite_origin}/xxe.dtd">\n'
        "]>\n"
        '<rss version="2.0"><channel><title>xxe</title>'
        "<item><title>&secret;</title><link>http://127.0.0.1/&secret;</link>"
        "<description>&remote;</description></item></channel></rss>"
    ).encode()


def billion_laughs_feed() -> bytes:
    """The classic exponential entity expansion."""
    ents = ['<!ENTITY lol0 "lol">']
    ents += [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(ents) + "\n]>\n"
        '<rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>&lol9;</title><link>http://127.0.0.1/x</link></item></channel></rss>"
    ).encode()


def _rss(encoding: str, links: list[str], title: str = "Вести: НАТО и расширение") -> str:
    items = "".join(
        f"<item><title>{escape(title)} {i}</title><link>{escape(u)}</link></item>"
        for i, u in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
    )


def encoded_feeds(origin: str) -> dict[str, bytes]:
    """Feeds whose bytes and declared encoding agree or not, by route name.

    The good ones link ``/_fault/ok?feed=<name>`` (one page each); the broken ones
    must fail with a reason and no crash.
    """

    def ok(name: str) -> list[str]:
        return [f"{origin}/_fault/ok?feed={name}"]

    sitemap = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{escape(ok('utf16')[0])}</loc><lastmod>2025-03-03</lastmod></url></urlset>"
    )
    whole = _rss("utf-8", ok("truncated") * 3).encode("utf-8")
    return {
        # windows-1251 bytes under a UTF-8 declaration: invalid UTF-8, refused.
        "feed-cp1251-as-utf8.xml": _rss("utf-8", ok("mislabelled")).encode("cp1251"),
        # Declared correctly: decoded and parsed.
        "feed-cp1251.xml": _rss("windows-1251", ok("cp1251")).encode("cp1251"),
        # A sitemap in UTF-16 with a byte-order mark.
        "sitemap-utf16.xml": sitemap.encode("utf-16"),
        # An encoding nobody knows.
        "feed-unknown-encoding.xml": _rss("x-klingon", ok("klingon")).encode("utf-8"),
        # Cut mid-document, inside a multi-byte character.
        "feed-truncated.xml": whole[: whole.index("НАТО".encode()) + 3],
    }


# Addresses a feed or a redirect may point a crawler at to reach internal services.
PRIVATE_TARGETS = (
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://10.0.0.1/admin",  # private network
    "http://192.168.1.1/",  # private network
    "http://127.0.0.2:{port}/internal",  # loopback, another address
    "http://localhost:{port}/internal",  # loopback by name
    "http://[::1]:{port}/internal",  # IPv6 loopback
    "http://0.0.0.0:{port}/internal",  # "this host"
)


def private_targets(port: int) -> list[str]:
    """:data:`PRIVATE_TARGETS` with the outlet's port filled in."""
    return [t.format(port=port) for t in PRIVATE_TARGETS]


def ssrf_feed(origin: str) -> bytes:
    """A feed linking private addresses directly and through on-site redirects."""
    port = int(origin.rsplit(":", 1)[1])
    links = private_targets(port)
    links += [f"{origin}/_fault/redirect?to={quote(t, safe='')}" for t in private_targets(port)]
    return _rss("utf-8", links, "internal").encode("utf-8")


MALFORMED_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>broken</title>'
    b"<item><title>unterminated <link>http://127.0.0.1/a</link></item>"
)


def handle(name: str, query: dict[str, str], origin: str, offsite_origin: str) -> FaultResponse:
    """Answer the fault route ``/_fault/<name>``."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    xml = {"Content-Type": "application/rss+xml; charset=utf-8"}
    if name in ("404", "410", "500", "502"):
        return FaultResponse(int(name), html, _html(f"HTTP {name}"))
    if name == "429":
        return FaultResponse(429, {**html, "Retry-After": str(RETRY_AFTER_429)}, _html("slow down"))
    if name == "503":
        return FaultResponse(503, {**html, "Retry-After": str(RETRY_AFTER_503)}, _html("busy"))
    if name == "ok":
        return FaultResponse(200, html, _html("A perfectly good page"))
    if name == "reset":
        return FaultResponse(0, reset=True)
    if name == "slow":
        seconds = float(query.get("s", SLOW_DEFAULT_S))
        return FaultResponse(200, html, _html("finally"), sleep_s=seconds)
    if name in ("huge", "huge-chunked"):
        size = int(float(query.get("mb", HUGE_DEFAULT_MB)) * 1024 * 1024)
        return FaultResponse(200, html, stream_bytes=size, content_length=name == "huge")
    if name == "gzip-bomb":
        headers = {**html, "Content-Encoding": "gzip"}
        return FaultResponse(200, headers, _gzip_bomb(int(float(query.get("mb", HUGE_DEFAULT_MB)))))
    if name == "binary":
        pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
        return FaultResponse(200, {"Content-Type": "application/pdf"}, pdf)
    if name == "offsite":
        return FaultResponse(302, {"Location": offsite_origin + "/landing.html"})
    if name == "loop":
        return FaultResponse(302, {"Location": "/_fault/loop-b"})
    if name == "loop-b":
        return FaultResponse(302, {"Location": "/_fault/loop"})
    if name == "scheme":
        return FaultResponse(302, {"Location": "ftp://127.0.0.1/file.html"})
    if name == "redirect":
        return FaultResponse(302, {"Location": query.get("to", "/")})
    if name == "feed-ssrf.xml":
        return FaultResponse(200, xml, ssrf_feed(origin))
    encoded = encoded_feeds(origin)
    if name in encoded:
        return FaultResponse(200, {"Content-Type": "application/xml"}, encoded[name])
    if name == "feed.xml":
        return FaultResponse(200, xml, fault_feed(origin, offsite_origin))
    if name == "feed-malformed.xml":
        return FaultResponse(200, xml, MALFORMED_FEED)
    if name == "feed-xxe.xml":
        return FaultResponse(200, xml, xxe_feed(query.get("path", "/etc/hostname"), offsite_origin))
    if name == "feed-billion.xml":
        return FaultResponse(200, xml, billion_laughs_feed())
    if name == "feed-offsite.xml":
        return FaultResponse(302, {"Location": offsite_origin + "/rss.xml"})
    return FaultResponse(404, html, _html("no such fault"))
