"""Fixture outlets: a generator of realistic news sites and a loopback server.

Used by the crawl tests, the benchmark and ``narrmon demo``. This subpackage
imports nothing else from the project.
"""

from demo_outlets.generate import SiteManifest, generate_sites, render_sources
from demo_outlets.outlets import OFFSITE_ID, OUTLET_IDS, OUTLETS
from demo_outlets.server import (
    RequestRecord,
    SiteServer,
    serve_sites,
    unreachable_source,
    unused_port,
)

__all__ = [
    "OFFSITE_ID",
    "OUTLETS",
    "OUTLET_IDS",
    "RequestRecord",
    "SiteManifest",
    "SiteServer",
    "generate_sites",
    "render_sources",
    "serve_sites",
    "unreachable_source",
    "unused_port",
]
