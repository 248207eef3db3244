"""The derived columns (pandas only, no Great Expectations): fast unit tests."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from quality.features import build_frame
from quality.patterns import MARKUP_PATTERN, SUBSCRIBE_PATTERN
from quality.records import GateRow
from quality.thresholds import Thresholds

RowFactory = Callable[..., GateRow]


@pytest.mark.parametrize(
    "text",
    [
        "Subscribe now to continue reading.",
        "Already a subscriber? Log in.",
        "Оформите подписку, чтобы читать дальше.",
        "Підпишіться, щоб продовжити читання.",
        "Jetzt abonnieren und weiterlesen.",
        "Abonnez-vous pour lire la suite.",
    ],
)
def test_subscribe_prompts_found(text: str) -> None:
    assert re.search(SUBSCRIBE_PATTERN, text)


@pytest.mark.parametrize(
    "text",
    [
        "Thirty states subscribed to the Helsinki Final Act.",
        "Стороны подпишут договор о безопасности.",
        "Сторони підпишуть угоду.",
        "Die Regierung hat das Abkommen unterzeichnet.",
    ],
)
def test_news_about_signing_is_not_a_prompt(text: str) -> None:
    assert not re.search(SUBSCRIBE_PATTERN, text)


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("plain text, 3 < 4 and 5 > 2", 0),
        ("AT&T said", 0),
        ("left <p>over</p>", 2),
        ("a&nbsp;b &#8217; &#x2019;", 3),
        ('<a href="/x">link</a>', 2),
        ("[caption id=1]photo[/caption]", 2),
        ("<!-- comment -->", 1),
        ("<BR/> and <Div class='x'>", 2),
        ("watch <The Palace: Tale of Jang Noksu> tonight", 0),
        ("<script>var x = 1;</script>", 2),
    ],
)
def test_markup_pattern(text: str, hits: int) -> None:
    assert len(re.findall(MARKUP_PATTERN, text)) == hits


def test_frame_columns(row_factory: RowFactory, body: str) -> None:
    rows = [
        row_factory(0),
        row_factory(1, text="  ", title=None, language=None, published_at=None),
        row_factory(2, language="EN-gb", expected_languages=("en",)),
    ]
    frame = build_frame(rows, Thresholds())
    assert list(frame["key"]) == [r.key for r in rows]
    assert frame.loc[0, "words"] == len(body.split())
    assert frame.loc[0, "prose_share"] == 1.0
    assert frame.loc[1, "text_chars"] == 0
    assert frame["words"].isna().tolist() == [False, True, False]
    assert frame.loc[1, "title_chars"] == 0
    assert frame.loc[1, "language"] is None
    assert frame.loc[1, "language_expected"] is None
    assert frame.loc[1, "published_aware"] is None
    assert frame.loc[2, "language"] == "en"
    assert frame.loc[2, "language_expected"] is True
    assert frame.loc[0, "published_lead_hours"] == pytest.approx(-2.0)
    assert frame.loc[0, "published_age_days"] == pytest.approx(2 / 24)


def test_listing_and_teaser_flags(row_factory: RowFactory, body: str) -> None:
    headlines = "\n".join(f"Headline number {i} about the summit" for i in range(15))
    teaser = "Ministers met in Brussels. " * 10 + "Subscribe now to continue reading."
    rows = [
        row_factory(0, text=headlines, link_density=0.7),
        row_factory(1, text=headlines, link_density=0.3),
        row_factory(2, link_density=0.9),
        row_factory(3, text=teaser),
        row_factory(4, text=(body + "\n") * 3 + "Subscribe to our newsletter."),
    ]
    frame = build_frame(rows, Thresholds())
    assert frame["listing_page"].tolist() == [True, False, False, False, False]
    assert frame["paywall_teaser"].tolist() == [False, False, False, True, False]
    assert frame.loc[4, "subscribe_prompt"]


def test_frame_counts_markup_like_python_re(row_factory: RowFactory, body: str) -> None:
    """pandas may run the pattern with pyarrow's RE2: same counts as Python's re."""
    texts = [
        body + "\n<BR/> and <Div class='x'>",
        body + "\nwatch <The Palace: Tale of Jang Noksu> tonight",
        body + "\n[caption id=1]photo[/caption] a&nbsp;b",
    ]
    frame = build_frame([row_factory(i, text=t) for i, t in enumerate(texts)], Thresholds())
    assert frame["markup_hits"].tolist() == [len(re.findall(MARKUP_PATTERN, t)) for t in texts]
    assert frame["markup_hits"].tolist() == [2, 0, 3]
