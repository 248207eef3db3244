"""DNS resolution that refuses private addresses the sources file does not name (SSRF).

The host allowlist (``crawlers.urls.host_allowed``) keeps requests on a source's
domains, but a name inside an allowed domain may still resolve to an internal
address (``intranet.example.com`` -> 10.0.0.5, or DNS rebinding to 127.0.0.1).
This resolver checks every answer: a private, loopback, link-local or otherwise
non-public address is accepted only for a host the source names exactly; anything
else fails with a ``private_address`` reason before a connection is made.
IP literals never reach a resolver: they must be named to pass the allowlist.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Sequence
from typing import Any, Self

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

log = logging.getLogger(__name__)

# The failure reason (crawlers.failures maps the lookup error to it).
PRIVATE_ADDRESS = "private_address"
# Names refused in this crawl process -> why. Twisted turns a failed lookup into a bare
# "no results" error, so the failure classifier looks the reason up here.
REFUSED: dict[str, str] = {}


def named_hosts(allowed: Iterable[str]) -> frozenset[str]:
    """The host names a source names exactly (allowlist entries without their port)."""
    hosts = set()
    for entry in allowed:
        entry = entry.lower().strip().lstrip(".")
        name, sep, port = entry.rpartition(":")
        hosts.add(name if sep and port.isdigit() and "]" not in port else entry)
    return frozenset(h.strip("[]") for h in hosts)


def address_kind(address: str) -> str | None:
    """Why ``address`` is not a public address (``loopback``, ``private``...), or None."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    for kind in ("loopback", "link_local", "private", "unspecified", "reserved", "multicast"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None


def refusal(name: str, address: str, named: frozenset[str]) -> str | None:
    """The refusal message for ``name`` resolving to ``address``, or None when it may go."""
    kind = address_kind(address)
    if kind is None or name.lower().rstrip(".") in named:
        return None
    return (
        f"{PRIVATE_ADDRESS}: {name} resolves to {kind} address {address}, "
        "which the sources file does not name"
    )


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing unnamed non-public answers."""

    named: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> Self:
        """Read the source's allowed hosts from the settings."""
        resolver = super().from_crawler(crawler, reactor)
        resolver.named = named_hosts(crawler.settings.getlist("NARRMON_ALLOWED_HOSTS"))
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        """Resolve ``name``; fail with :class:`DNSLookupError` on an unnamed private answer."""
        return super().getHostByName(name, timeout).addCallback(self.check, name)

    def check(self, address: str, name: str) -> str:
        """Pass ``address`` on, or raise when ``name`` may not resolve to it."""
        message = refusal(name, address, self.named)
        if message is not None:
            REFUSED[name.lower().rstrip(".")] = message
            log.warning("refused to connect: %s", message)
            raise DNSLookupError(message)
        return address


def refused_reason(host: str | None) -> str | None:
    """Why the resolver refused ``host`` in this process, or None."""
    return REFUSED.get((host or "").lower().rstrip("."))
