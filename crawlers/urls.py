"""URL canonicalisation and host checks (courlan; no Scrapy)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def host_entry(url: str) -> str:
    """The allowed-hosts entry of ``url``'s host: ``name``, or ``name:port`` when the URL
    names a port (outlets on one loopback address stay apart); IPv6 in brackets."""
    host, port = host_key(url)
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}" if host and port else host


def allowed_hosts(configured: Iterable[str], urls: Iterable[str]) -> tuple[str, ...]:
    """A source's allowed hosts: ``configured`` (its ``allowed_domains``) when given, else
    the hosts of ``urls`` (homepage and feeds), in order, without repeats."""
    entries = [c.strip().lower() for c in configured if c and c.strip()]
    if not entries:
        entries = [host_entry(u) for u in urls if u]
    return tuple(dict.fromkeys(e for e in entries if e))


def _split_entry(entry: str) -> tuple[str, int | None]:
    """An allowed-hosts entry as (host name without IPv6 brackets, port or None)."""
    entry = entry.lower().strip().lstrip(".")
    if entry.startswith("["):  # [::1] or [::1]:8001
        name, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return name, int(port) if port.isdigit() else None
    name, sep, port = entry.rpartition(":")
    if sep and port.isdigit() and ":" not in name:
        return name, int(port)
    return entry, None


def host_allowed(url: str, allowed: Sequence[str]) -> bool:
    """Is ``url`` on one of the ``allowed`` hosts? (The one host rule: the crawler's
    offsite checks and the quality gate's ``url_on_source_domains`` both use it.)

    An entry without a port (``example.com``) allows that domain and its subdomains on
    any port; an entry with a port (``127.0.0.1:8001``, ``[::1]:8001``) allows exactly
    that host and port (outlets on one loopback address). A URL whose port cannot be
    read is on no host.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return False
    try:
        port = parts.port
    except ValueError:
        return False
    for raw in allowed:
        name, entry_port = _split_entry(raw)
        if entry_port is not None:
            if host == name and port == entry_port:
                return True
            continue
        if host == name or host.endswith("." + name):
            return True
    return False
