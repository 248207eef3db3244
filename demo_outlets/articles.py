"""Article specs for the fixture outlets: topic, dates, text, labels."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from demo_outlets.outlets import Outlet
from demo_outlets.texts import (
    AUTHORS,
    COUNTER,
    DISTRACTOR_TEXT,
    DISTRACTORS,
    FILLER,
    KREMLIN,
    NARRATIVES,
    SLOTS,
)

# Share of narrative articles dated inside an event wave rather than uniformly.
WAVE_SHARE = 0.6
# Spread (standard deviation, days) of an event wave.
WAVE_SD_DAYS = 4.0
# Chance that a narrative article also quotes the opposing side (then it carries both).
REBUTTAL_CHANCE = 0.35


@dataclass
class ArticleSpec:
    """One generated article (its page, feed entries and manifest row)."""

    outlet: str
    n: int
    topic: str
    path: str
    title: str
    author: str
    published: datetime
    language: str
    paragraphs: list[str]
    narratives: list[str] = field(default_factory=list)
    premium: bool = False

    @property
    def text(self) -> str:
        """The article body as plain text, one paragraph a line."""
        return "\n".join(self.paragraphs)


class _Filler:
    """Fills {slots} in templates from a seeded random source."""

    def __init__(self, rng: random.Random, language: str, side: str) -> None:
        self.rng = rng
        self.values = {k: rng.choice(v) for k, v in SLOTS[language].items()}
        officials = SLOTS[language]["official"]  # first three Russian, last three Western
        if side == "kremlin":
            self.values["official"] = rng.choice(officials[:3])
        elif side == "counter":
            self.values["official"] = rng.choice(officials[3:])

    def __call__(self, template: str) -> str:
        text = template.format(**self.values)
        return text[:1].upper() + text[1:]


def event_dates(start: date, end: date) -> list[date]:
    """Event days for the narrative waves: 20 %, 50 % and 80 % into the period."""
    span = (end - start).days
    return [start + timedelta(days=round(span * f)) for f in (0.2, 0.5, 0.8)]


def _pick_date(rng: random.Random, start: date, end: date, wave: bool) -> datetime:
    span = max(0, (end - start).days)
    if wave:
        centre = rng.choice(event_dates(start, end))
        offset = round(rng.gauss(0.0, WAVE_SD_DAYS))
        day = min(max(centre + timedelta(days=offset), start), end)
    else:
        day = start + timedelta(days=rng.randint(0, span))
    # Newsroom hours 06:00–22:59.
    return datetime(
        day.year, day.month, day.day, rng.randint(6, 22), rng.randint(0, 59), tzinfo=UTC
    )


def _topic(rng: random.Random, outlet: Outlet) -> str:
    kremlin, counter, _ = outlet.mix
    roll = rng.random()
    if roll < kremlin:
        return rng.choice(KREMLIN)
    if roll < kremlin + counter:
        return rng.choice(COUNTER)
    return rng.choice(DISTRACTORS)


def _paragraphs(sentences: list[str], rng: random.Random) -> list[str]:
    paras: list[str] = []
    i = 0
    while i < len(sentences):
        size = rng.choice((2, 2, 3))
        paras.append(" ".join(sentences[i : i + size]))
        i += size
    return paras


def build_article(
    rng: random.Random, outlet: Outlet, n: int, start: date, end: date, *, on_end: bool = False
) -> ArticleSpec:
    """One article for ``outlet`` (deterministic for a given random state); with ``on_end``
    it is published on the period's last day."""
    lang = outlet.language
    topic = _topic(rng, outlet)
    side = "kremlin" if topic in KREMLIN else "counter" if topic in COUNTER else "other"
    fill = _Filler(rng, lang, side)
    narratives: list[str] = []
    if topic in DISTRACTORS:
        titles, main = DISTRACTOR_TEXT[topic][lang]
        sentences = rng.sample(main, k=len(main))
        published = _pick_date(rng, start, end, wave=False)
    else:
        titles, main = NARRATIVES[topic][lang]
        narratives.append(topic)
        sentences = rng.sample(main, k=min(len(main), rng.randint(2, 3)))
        if rng.random() < REBUTTAL_CHANCE:
            other = rng.choice(COUNTER if topic in KREMLIN else KREMLIN)
            narratives.append(other)
            other_side = "counter" if other in COUNTER else "kremlin"
            sentences.append(_Filler(rng, lang, other_side)(rng.choice(NARRATIVES[other][lang][1])))
        published = _pick_date(rng, start, end, wave=rng.random() < WAVE_SHARE)
    if on_end:
        published = published.replace(year=end.year, month=end.month, day=end.day)
    fillers = rng.sample(FILLER[lang], k=rng.randint(3, len(FILLER[lang])))
    body = [fillers[0], *sentences, *fillers[1:]]
    paragraphs = _paragraphs([fill(s) for s in body], rng)
    premium = outlet.robots_disallow is not None and n % 10 == 7
    section = (
        outlet.robots_disallow.strip("/")
        if premium and outlet.robots_disallow
        else (outlet.section)
    )
    if outlet.style == "broadcaster":
        path = f"/{section}/{topic}-{n}"
    else:
        path = f"/{section}/{published:%Y/%m/%d}/{topic}-{n}.html"
    return ArticleSpec(
        outlet=outlet.id,
        n=n,
        topic=topic,
        path=path,
        title=fill(rng.choice(titles)),
        author=rng.choice(AUTHORS[lang]),
        published=published,
        language=lang,
        paragraphs=paragraphs,
        narratives=narratives,
        premium=premium,
    )


def build_articles(
    outlet: Outlet, count: int, start: date, end: date, seed: int, *, newest_on_end: bool = False
) -> list[ArticleSpec]:
    """``count`` articles for one outlet, newest first; with ``newest_on_end`` the first is
    published on ``end`` (a demo dated up to yesterday then has fresh feeds)."""
    rng = random.Random(f"{seed}:{outlet.id}")
    arts = [
        build_article(rng, outlet, n, start, end, on_end=newest_on_end and n == 1)
        for n in range(1, count + 1)
    ]
    arts.sort(key=lambda a: (a.published, a.n), reverse=True)
    return arts
