"""Noise trafilatura keeps is removed; prose that merely looks like it is kept."""

from __future__ import annotations

from lxml import etree

from crawlers.extraction import extract
from crawlers.extraction.boilerplate import clean_body

PARAS = [
    "The harbour authority opened the new ferry terminal on Monday after three years of "
    "construction work that ran well over its original budget.",
    "Officials said the building can handle twice as many passengers as the old hall, "
    "which was closed in the spring after the roof began to leak badly.",
    "Local traders welcomed the opening but warned that parking near the quay remains "
    "scarce, especially on summer weekends when tourists arrive.",
    "The council plans to review the timetable in autumn, once it has data on how many "
    "travellers use the late evening crossings to the islands.",
    "A spokesperson for the ferry operator said ticket prices would stay the same for at "
    "least a year, and that season passes bought for the old terminal remain valid.",
    "Construction of a second pier is expected to begin next spring, subject to approval "
    "from the regional planning board and a final environmental review.",
]
TITLE = "Ferry terminal opens after delays"
URL = "https://gazette.example/news/ferry-terminal"


def paras(items: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


def page(article: str, title: str = TITLE, lang: str = "en") -> str:
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<title>{title} | The Harbour Gazette</title></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
        f"<main><article><h1>{title}</h1>{article}</article></main>"
        "<footer><p>Harbour Gazette, 1 Quay Street</p></footer></body></html>"
    )


def text_of(article: str) -> str:
    return extract(page(article), URL).text


def assert_all_paras(text: str, items: list[str] = PARAS) -> None:
    for p in items:
        assert p in text


# --------------------------------------------------------------------------- end to end


def test_inline_also_read_label_and_headline() -> None:
    teaser = (
        "<p>Also read</p>"
        "<p><a href='/news/bridge'>Bridge repairs to start next week on the old road</a></p>"
    )
    text = text_of(paras(PARAS[:3]) + teaser + paras(PARAS[3:]))
    assert "Also read" not in text
    assert "Bridge repairs" not in text
    assert_all_paras(text)


def test_inline_read_more_line_and_russian_label() -> None:
    teasers = (
        "<p><strong>READ MORE:</strong> <a href='/a'>Council votes on parking fees</a></p>"
        "<p>Читайте также: <a href='/b'>Паром задержался из-за шторма</a></p>"
    )
    text = text_of(paras(PARAS[:2]) + teasers + paras(PARAS[2:]))
    assert "READ MORE" not in text
    assert "Читайте также" not in text
    assert_all_paras(text)


def test_newsletter_box_removed() -> None:
    box = (
        "<div class='newsletter-signup'><h3>The Harbour Briefing</h3>"
        "<p>Sign up for our free morning newsletter and get the day's top stories "
        "delivered to your inbox.</p><form><input type='email'><button>Subscribe</button>"
        "</form></div>"
    )
    text = text_of(paras(PARAS[:3]) + box + paras(PARAS[3:]))
    assert "newsletter" not in text.lower()
    assert "Harbour Briefing" not in text
    assert_all_paras(text)


def test_unmarked_newsletter_prompt_removed() -> None:
    prompt = "<p>Sign up for our weekly newsletter to get stories like this in your inbox.</p>"
    text = text_of(paras(PARAS[:3]) + prompt + paras(PARAS[3:]))
    assert "Sign up" not in text
    assert_all_paras(text)


def test_comment_thread_removed() -> None:
    comments = (
        "<section id='comments' class='comments-area'><h2>3 comments</h2>"
        "<ol class='comment-list'>"
        "<li class='comment'><p class='comment-author'>seagull77</p><p>About time! I have "
        "waited for this terminal since my kids were small and now they have kids.</p></li>"
        "<li class='comment'><p class='comment-author'>quayside</p><p>The parking situation "
        "is a disgrace and nobody at the council seems to care about residents at all.</p></li>"
        "</ol><h3>Leave a reply</h3><form><textarea></textarea></form></section>"
    )
    text = text_of(paras(PARAS) + comments)
    assert "seagull77" not in text
    assert "About time" not in text
    assert "disgrace" not in text
    assert_all_paras(text)


def test_reference_list_removed() -> None:
    refs = (
        "<h2>References</h2><ul>"
        "<li>Berg, A. (2019). Ports and Passengers. Oslo: Nordic Press.</li>"
        "<li>Harbour Authority (2021). Annual Report 2020. Available at: "
        "https://harbour.example/report.pdf</li>"
        "<li>Lindqvist, M. (2023). Ferries in Transition. Journal of Maritime Studies, "
        "12(3), pp. 45-67.</li></ul>"
    )
    text = text_of(paras(PARAS) + refs)
    assert "References" not in text
    assert "Nordic Press" not in text
    assert "Ferries in Transition" not in text
    assert_all_paras(text)


def test_share_prompt_and_similar_posts_removed() -> None:
    tail = (
        "<p>Share this article on Facebook or Twitter</p>"
        "<h3>SIMILAR POSTS</h3>"
        "<p><a href='/p1'>Island bus timetable changes from June</a></p>"
        "<p><a href='/p2'>New marina plans divide residents of the old town</a></p>"
    )
    text = text_of(paras(PARAS) + tail)
    assert "Share this" not in text
    assert "SIMILAR POSTS" not in text
    assert "marina" not in text
    assert_all_paras(text)


def test_headline_and_dateline_not_in_text() -> None:
    top = "<p>Updated: 5 March 2024, 09:15</p>"
    text = text_of(top + paras(PARAS))
    assert TITLE not in text
    assert "Updated" not in text
    assert text.startswith(PARAS[0])


def test_wire_credit_line_removed() -> None:
    credit = "<p>Reporting by Maria Lindqvist; editing by Tom Okafor</p>"
    text = text_of(paras(PARAS) + credit)
    assert "Reporting by" not in text
    assert_all_paras(text)


def test_lookalike_prose_is_kept() -> None:
    """Sentences that share words with boilerplate but are article text stay."""
    tricky = [
        "By 2007, the old terminal was handling more passengers than it had been built for.",
        "More than 40 workers were on site during the busiest months of construction.",
        "The operator's newsletter for staff first reported the roof leak in March.",
        "Related costs, such as the temporary tent terminal, were paid by the council.",
    ]
    text = text_of(paras(PARAS[:2]) + paras(tricky) + paras(PARAS[2:]))
    assert_all_paras(text, PARAS + tricky)


# --------------------------------------------------------------------------- unit


def body_of(xml: str) -> etree._Element:
    return etree.fromstring(f"<body>{xml}</body>")


def test_clean_body_reports_reasons() -> None:
    long_para = " ".join(["The ferry left the quay on time and crossed the bay."] * 6)
    body = body_of(
        f"<head rend='h1'>{TITLE}</head>"
        "<p>By Maria Lindqvist</p>"
        f"<p>{long_para}</p>"
        "<p>Also read: <ref target='/x'>Storm delays island crossings</ref></p>"
        f"<p>{long_para}</p>"
        "<p>Follow us on Twitter for more harbour news</p>"
        f"<p>{long_para}</p>"
        "<p>Sources</p><list><item>Harbour Authority annual report</item></list>"
    )
    dropped = clean_body(body, title=TITLE, author="Maria Lindqvist")
    reasons = [reason for reason, _ in dropped]
    assert reasons == ["headline", "byline", "teaser", "prompt", "references", "references"]
    assert [el.tag for el in body] == ["p", "p", "p"]


def test_clean_body_never_empties_a_text() -> None:
    body = body_of("<p>Read more</p>")
    assert clean_body(body) == []
    assert len(body) == 1


def test_lb_block_label_with_links() -> None:
    """A "DON'T MISS" label and its links inside one paragraph broken by <lb/>."""
    long_para = " ".join(["The ferry left the quay on time and crossed the bay."] * 6)
    body = body_of(
        f"<p>{long_para}</p>"
        "<p>DON'T MISS<lb/><ref target='/a'>Storm delays island crossings</ref> [VIDEO]"
        "<lb/><ref target='/b'>Harbour master retires after 30 years</ref> [INSIGHT]</p>"
        f"<p>{long_para}</p>"
    )
    dropped = clean_body(body)
    assert [r for r, _ in dropped] == ["teaser-label"]


def test_embedded_social_post_is_kept_as_a_quote() -> None:
    """A statement embedded as a post is content, even inside a widget wrapper."""
    tweet = (
        "<div class='article-widget embed-widget'><div class='tweet-inner'>"
        "<blockquote class='twitter-tweet'><p>The new terminal is open to all passengers "
        "from today. Thank you for your patience.</p>— Harbour Authority (@harbour) "
        "<a href='https://twitter.example/harbour/status/1'>March 4, 2024</a></blockquote>"
        "<script src='https://platform.twitter.example/widgets.js'></script></div></div>"
    )
    text = text_of(paras(PARAS[:3]) + tweet + paras(PARAS[3:]))
    assert "The new terminal is open to all passengers from today." in text
    assert_all_paras(text)
