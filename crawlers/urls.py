"""URL canonicalisation and host checks (courlan; no Scrapy)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

HTTP_SCHEMES = frozenset({"http", "https"})


def canonical_url(url: str) -> str:
    """Canonical form of an article URL.

    courlan's normaliser lowercases scheme and host, drops default ports,
    collapses slashes, sorts the query and strips tracking parameters
    (``utm_*``, ``fbclid``, ``ref`` …); the fragment is dropped as well since
    it never reaches the server.
    """
    try:
        norm = normalize_url(url.strip())
    except (ValueError, AttributeError):
        norm = url.strip()
    parts = urlsplit(norm)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def is_http_url(url: str) -> bool:
    """True for absolute http(s) URLs with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname)


def host_key(url: str) -> tuple[str, int | None]:
    """The lowercase host name and explicit port (or None) of ``url``."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port


def host_allowed(url: str, allowed: list[str]) -> bool:
    """Is ``url`` on one of the ``allowed`` hosts?

    An entry without a port (``example.com``) allows that domain and its
    subdomains on any port; an entry with a port (``127.0.0.1:8001``) allows
    exactly that host and port (outlets on one loopback address).
    """
    host, port = host_key(url)
    if not host:
        return False
    for entry in allowed:
        entry = entry.lower().strip().lstrip(".")
        name, sep, entry_port = entry.rpartition(":")
        if sep and entry_port.isdigit() and "]" not in entry_port:
            if host == name and port == int(entry_port):
                return True
            continue
        if host == entry or host.endswith("." + entry):
            return True
    return False
