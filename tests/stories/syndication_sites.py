"""Three outlets on loopback that reprint one wire story, plus their own reports.

The wire story (Sweden joins NATO) is reprinted by each outlet with its own headline,
dateline and page furniture; one trims the last paragraph, one adds a sentence of its
own. Each outlet also publishes an independent report of the same event, naming the same
people, places and numbers in its own words. Text written for this test.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from difflib import SequenceMatcher
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from sqlalchemy import select

from models.db import make_engine, session_factory
from models.schema import Article

WIRE = [
    "Sweden formally became the 32nd member of the North Atlantic Treaty Organization on "
    "Thursday, when Prime Minister Ulf Kristersson handed the accession documents to the "
    "United States in Washington, ending two centuries of military non-alignment.",
    "The ceremony at the State Department followed a vote in the Hungarian parliament last "
    "week, which removed the final obstacle after almost two years of delays that had "
    "frustrated Stockholm and its partners in the alliance.",
    "Kristersson told reporters that Sweden would carry its share of the burden and that "
    "the country's armed forces, navy and air force would strengthen the defence of the "
    "Baltic Sea region, where tensions with Russia have grown since 2022.",
    "Secretary of State Antony Blinken said the accession showed that the alliance was "
    "stronger and more united than ever, and that good things come to those who wait.",
    "Moscow has said it will respond to the expansion with military and technical measures, "
    "and the Kremlin spokesman Dmitry Peskov called the step a mistake that would make "
    "Europe less secure rather than more.",
    "Sweden applied to join together with Finland in May 2022, after the full-scale "
    "invasion of Ukraine. Finland became a member in April 2023, while the Swedish bid was "
    "held up first by Turkey and then by Hungary.",
    "The Swedish flag is due to be raised at the alliance's headquarters in Brussels on "
    "Monday in a ceremony attended by the crown princess and the defence minister.",
]

OUTLETS = {
    "nordpost": {
        "headline": "Sweden joins NATO, ending 200 years of neutrality",
        "dateline": "WASHINGTON, March 7 (Reuters) - ",
        "paragraphs": WIRE,
        "own": [
            "Our correspondent in Stockholm watched the news arrive on a grey Thursday "
            "afternoon: in the cafes of Södermalm few people looked up from their phones.",
            "For a generation raised on the idea of neutrality, membership is still strange, "
            "said a retired officer we met near the harbour, who had served in the 1980s.",
            "The government expects defence spending to rise above two percent of output, "
            "and officials told us the navy will take a larger role around Gotland.",
            "Opposition politicians welcomed the step but asked who will pay for it, while "
            "Hungary's delay, they said, had shown how fragile unanimity can be.",
        ],
    },
    "baltic-herald": {
        "headline": "Stockholm completes accession: the alliance now has 32 members",
        "dateline": "(AFP) - ",
        "paragraphs": WIRE[:-1],  # trims the last paragraph
        "own": [
            "In Brussels, diplomats spoke of relief rather than triumph after months in which "
            "Budapest and Ankara used the Swedish application as a bargaining chip.",
            "A senior alliance official, speaking on condition of anonymity, told this paper "
            "that planning for the Baltic had assumed Swedish membership for more than a year.",
            "Kristersson's trip to Washington was kept short; he flew home the same evening "
            "to prepare a statement to parliament on the new obligations.",
            "Russian state media described the accession as a provocation, and analysts in "
            "Tallinn warned of more airspace incidents over the Baltic Sea in the coming months.",
        ],
    },
    "capital-daily": {
        "headline": "'Good things come to those who wait': Sweden is in",
        "dateline": "STOCKHOLM - ",
        # adds a sentence of its own after the second paragraph
        "paragraphs": [
            *WIRE[:2],
            "Readers can follow our live coverage of the ceremony on the website.",
            *WIRE[2:],
        ],
        "own": [
            "The long road ended in a room at the State Department, but it began in a very "
            "different Europe, our foreign editor writes.",
            "When Sweden and Finland applied together in May 2022, few in either capital "
            "expected Turkey and Hungary to hold the process up for so long.",
            "What changes now is less visible than the flag in Brussels: joint planning, "
            "shared air policing and a Swedish role in the defence of the Baltic states.",
            "Peskov's warning of countermeasures was expected; what comes next, officials in "
            "Stockholm say, depends on how Moscow reads the new map of the north.",
        ],
    },
}

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{headline} | {name}</title>
<meta property="article:published_time" content="2024-03-07T{hour}:00:00+00:00">
<link rel="canonical" href="{url}"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{headline}</h1><p class="byline">By the {name} staff</p>
{body}
</article>
<aside><h2>Most read</h2><ul><li><a href="/x">Weather warning for the weekend</a></li>
<li><a href="/y">Local team wins the cup final</a></li></ul></aside></main>
<footer>© {name}. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>
"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{name}</title><link>{origin}/</link>
<description>World news</description>
{items}
</channel></rss>
"""


def _page(outlet: str, url: str, headline: str, paragraphs: list[str], hour: int) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return PAGE.format(headline=headline, name=outlet, url=url, body=body, hour=f"{hour:02d}")


def write_outlet(root: Path, outlet: str, origin: str) -> None:
    """Write one outlet's pages, feed and robots.txt under ``root``."""
    spec = OUTLETS[outlet]
    paras = list(spec["paragraphs"])
    paras[0] = str(spec["dateline"]) + paras[0]
    root.mkdir(parents=True, exist_ok=True)
    pages = {
        "wire-sweden.html": (str(spec["headline"]), paras, 12),
        "own-sweden.html": (f"{outlet}: what Sweden's accession means", list(spec["own"]), 15),
    }
    items = []
    for path, (headline, body, hour) in pages.items():
        url = f"{origin}/{path}"
        (root / path).write_text(_page(outlet, url, headline, body, hour), encoding="utf-8")
        items.append(
            f"<item><title>{headline}</title><link>{url}</link>"
            f"<pubDate>Thu, 07 Mar 2024 {hour:02d}:00:00 +0000</pubDate></item>"
        )
    (root / "rss.xml").write_text(
        RSS.format(name=outlet, origin=origin, items="\n".join(items)), encoding="utf-8"
    )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request log on stderr."""


@contextmanager
def serve_outlets(root: Path) -> Iterator[Path]:
    """Serve the three outlets on loopback; yields the sources file for them."""
    servers, sources = [], []
    try:
        for outlet in OUTLETS:
            server = ThreadingHTTPServer(
                ("127.0.0.1", 0), partial(_Quiet, directory=str(root / outlet))
            )
            origin = f"http://127.0.0.1:{server.server_address[1]}"
            write_outlet(root / outlet, outlet, origin)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            sources.append(
                {
                    "id": outlet,
                    "name": outlet,
                    "homepage": origin + "/",
                    "feeds": [{"type": "rss", "url": origin + "/rss.xml"}],
                    "language": "en",
                    "country": "SE",
                    "media_type": "commercial",
                    "politeness": {"delay": 0, "concurrency": 4},
                }
            )
        path = root / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
        yield path
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def assert_one_wire_story(database_url: str, beside: Collection[str] = ()) -> None:
    """The three stored wire copies share one story id; the three reports have their own.

    ``beside``: ids of other sources whose articles are stored in the same database (a run
    over more outlets than these three); every other stored article must belong to one of
    them, and none may share a story with the three outlets' articles.
    """
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        stored = list(session.scalars(select(Article)))
    engine.dispose()
    strangers = {a.source_id for a in stored} - set(OUTLETS) - set(beside)
    assert not strangers, sorted(strangers)
    arts = {(a.source_id, a.url.rsplit("/", 1)[1]): a for a in stored if a.source_id in OUTLETS}
    assert len(arts) == 6, sorted(arts)
    copies = [arts[(o, "wire-sweden.html")] for o in OUTLETS]
    reports = [arts[(o, "own-sweden.html")] for o in OUTLETS]
    # The copies really are near and not exact (the measured range).
    ratio = SequenceMatcher(None, copies[0].text.split(), copies[1].text.split()).ratio()
    assert 0.85 <= ratio < 1.0
    assert len({a.content_hash for a in copies}) == 3
    assert len({a.story_id for a in copies}) == 1
    assert len({a.story_id for a in reports} | {copies[0].story_id}) == 4
    ours = {a.story_id for a in arts.values()}
    assert len(ours) == 4
    # No article of another outlet joined these stories.
    assert not [a.url for a in stored if a.source_id not in OUTLETS and a.story_id in ours]
