"""Page noise that trafilatura keeps in its output, removed by general rules.

``clean_body`` works on trafilatura's body tree (``<p>``, ``<head>``,
``<list>``, ``<quote>``... with ``<ref>`` for links) and drops blocks by what
they say and how they are linked: the headline echoed as the first line,
date/byline lines at the top, inline "Also read"/"Related" teasers, newsletter
and share prompts, reference lists, credit and copyright lines at the end.
(Regions removed before extraction are in ``prune.py``.)

Every rule is language-aware through small multilingual phrase lists (English,
Russian, Ukrainian, German, French, plus Spanish/Italian/Portuguese/Dutch where
the phrase is a stock one). Nothing here knows a site.
"""

from __future__ import annotations

import re
import unicodedata

from lxml.etree import Element, _Element

# --------------------------------------------------------------------------- rules

# A label that introduces a teaser block or a run of links to other articles.
_TEASER_LABELS = (
    r"also read|read also|read more|more to read|see also|see more|watch more|more on this|"
    r"more on this story|more from [\w .'-]+|"
    r"related(?: articles?| stories| posts| content| coverage| news)?|"
    r"recommended(?: for you)?|you (?:may|might) also like|don[’']?t miss|must read|"
    r"most (?:read|popular|viewed)(?: [\w ]+)?|trending(?: now)?|popular(?: now| stories)?|"
    r"similar posts|more stories|top stories|latest news|further reading|in this section|"
    r"читайте также|читайте также на [\w .-]+|смотрите также|см\. также|"
    r"по теме|еще по теме|ещё по теме|"
    r"рекомендуем|популярное|читайте нас в [\w .-]+|"
    r"читайте також|дивіться також|по темі|"
    r"lesen sie auch|lesen sie mehr|mehr zum thema|das könnte sie auch interessieren|"
    r"auch interessant|"
    r"à lire aussi|a lire aussi|lire aussi|voir aussi|sur le même sujet|à voir aussi|"
    r"lea también|leer más|ver también|leggi anche|leia também|veja também|lees ook|more"
)
# "Also read: headline", "[Related: headline]", "(Leggi anche su: ...)", or the label alone
_TEASER_LINE = re.compile(
    rf"^[\s\[(«\"'*»>•–—-]*(?:{_TEASER_LABELS})\s*(?:[:|»>→–—-]|\.\.\.|…|$)",
    re.IGNORECASE,
)
_TEASER_ALONE = re.compile(
    rf"^[\s\[(«\"'*>•–—-]*(?:{_TEASER_LABELS})[\s:.!…)\]»]*$",
    re.IGNORECASE,
)

# Calls to action: newsletters, apps, social accounts, sharing, comments, paywalls.
_PROMPT = re.compile(
    r"sign(?:ing)? up (?:for|to)\b|subscribe (?:to|for|now|today)|subscribing to|"
    r"(?:our|free|daily|weekly|morning|evening|email)\s+(?:[\w-]+\s+){0,2}newsletters?\b|"
    r"newsletters? (?:sign-?up|subscription)|delivered to your inbox|in your inbox|"
    r"follow (?:us|him|her|them|me|@\w+|[\w .'-]{2,40}) on (?:twitter|x|facebook|instagram|"
    r"linkedin|youtube|tiktok|telegram)|"
    r"(?:like|join) us on (?:facebook|twitter|instagram|telegram)|"
    r"click here (?:to|for)|tap here to|get the [\w .'-]+ app|download (?:the|our) [\w .'-]*app|"
    r"share (?:this|on) (?:article|story|post|page|facebook|twitter)|"
    r"share (?:via|by) (?:email|e-mail|whatsapp|facebook|twitter)|"
    r"leave a (?:comment|reply)|post a comment|\bcomments? (?:are|is) closed|"
    r"view comments|show comments|join the (?:conversation|discussion)|"
    r"if you enjoyed this article|support (?:our|independent) journalism|"
    r"this (?:copy|article|material) is for your personal,? non-commercial use|"
    r"all rights reserved|^\W*(?:copyright|©)|order reprints|print article|"
    r"an error has occurred|please try again later|"
    r"подписывайтесь на|подпишитесь на|наш (?:telegram|телеграм)|"
    r"підписуйтесь|підпишіться|"
    r"abonnieren sie|melden sie sich (?:für|zum) newsletter|folgen sie uns|"
    r"abonnez-vous|inscrivez-vous|suivez-nous|"
    r"suscríbete|iscriviti",
    re.IGNORECASE,
)
# Phrases that only ever open a paywall or licence notice, however long it runs.
_STRONG_PROMPT = re.compile(
    r"if you (?:enjoyed|liked|value) (?:this|our) (?:article|story|journalism|reporting)|"
    r"this (?:copy|article|material) is for your personal,? non-commercial use|"
    r"this material may not be published, broadcast, rewritten,? or redistributed|"
    r"(?:become|join as) a (?:member|subscriber|supporter) (?:today|now)|"
    r"support (?:our|independent|quality) journalism",
    re.IGNORECASE,
)
# Credit lines closing wire stories.
_CREDIT = re.compile(
    r"contributed to this (?:report|story|article)|^\W*(?:additional )?reporting by|"
    r"^\W*(?:writing|editing|compiled|reported) by\b|^\W*(?:source|sources|источник)\s*:|"
    r"^\W*write to [\w .'-]+ at |^\W*(?:contact|email) (?:the )?(?:author|reporter|writer)",
    re.IGNORECASE,
)
# Headings of reference lists and source notes at the end of a text.
_REFERENCES = re.compile(
    r"^\W*(?:references?(?: list)?|sources?|bibliography|works cited|notes|footnotes|citations|"
    r"further reading|external links|"
    r"список литературы|литература|источники|примечания|джерела|література|"
    r"einzelnachweise|quellen|literatur|anmerkungen|fußnoten|"
    r"références|bibliographie|sources et références|notes et références)\W*$",
    re.IGNORECASE,
)
# Labels that end the article when they appear as a short line in its last part.
_END_LABELS = re.compile(
    r"^\W*(?:comments?|\d+ comments?|tags?|topics?|filed under|share|share this|"
    r"about the author|in this section|комментарии|теги|метки|kommentare|"
    r"commentaires|étiquettes|"
    r"(?:media|press) contacts?|contacts? for (?:media|press)|pressekontakt|contact presse)\W*$",
    re.IGNORECASE,
)

# Press-release boilerplate: "About Acme", "Über Acme", "À propos de Acme", "О компании".
# Could also be a last subheading ("About the treaty"), so it only ends the text when
# what follows is short (see _MAX_ABOUT_SHARE).
_ABOUT_LABEL = re.compile(
    r"^\W*(?:about|über|à propos de|a propos de|о компании|про компанію)\s*[\w&.,' -]{0,40}$",
    re.IGNORECASE,
)
_MONTH_WORDS = (
    # English (abbreviations need a word end: "mar" must not hit "market"); "may" only next
    # to a day number, see _DATE_BITS
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    # Russian and Ukrainian (genitive and nominative)
    r"январ[яь]|феврал[яь]|марта?|апрел[яь]|мая|июн[яь]|июл[яь]|августа?|сентябр[яь]|"
    r"октябр[яь]|ноябр[яь]|декабр[яь]|січ(?:ня|ень)|лют(?:ого|ий)|березн?(?:я|ень)|"
    r"квіт(?:ня|ень)|трав(?:ня|ень)|черв(?:ня|ень)|лип(?:ня|ень)|серп(?:ня|ень)|"
    r"верес(?:ня|ень)|жовт(?:ня|ень)|листопада?|груд(?:ня|ень)|"
    # German, French, Spanish, Portuguese, Italian
    r"januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|"
    r"juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|"
    r"mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janeiro|fevereiro|"
    r"março|maio|junho|julho|setembro|outubro|novembro|dezembro|gennaio|febbraio|"
    r"aprile|maggio|giugno|luglio|settembre|ottobre|dicembre"
)
_DATE_BITS = re.compile(
    rf"\b(?:19|20)\d\d\b|\b\d{{1,2}}[:.]\d\d\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|"
    rf"\b(?:{_MONTH_WORDS})\b\.?|\bmay\s+\d{{1,2}}\b|\b\d{{1,2}}\s+may\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE_LINE_LEAD = re.compile(
    r"^\W*(?:updated|published|posted|last updated|modified|created|"
    r"обновлено|опубликовано|aktualisiert|veröffentlicht|publié|mis à jour)\b",
    re.IGNORECASE,
)
# "By Jane Doe", "Von Jane Doe": the word after "by" is a capitalised name, and a
# byline does not end like a sentence ("By 2007, NATO had grown.")
_BYLINE_LEAD = re.compile(
    r"^\W*(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Аа]втор:?)\s+[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][^\s,]*\s"
)
_EMAIL_OR_URL_ONLY = re.compile(
    r"^\W*(?:\w+:\s*)?(?:\S+@\S+\.\w+|(?:https?://|www\.)\S+|\S+\.\w{2,}/\S*)\W*$"
)
_WORD = re.compile(r"\w+")

# Size limits (in \w+ words) that separate stock lines from prose:
_TEASER_MAX_WORDS = 30  # "Also read: <a headline>" is a label plus one headline
_PROMPT_MAX_WORDS = 45  # newsletter boxes run to two short sentences
_STRONG_PROMPT_MAX_WORDS = 120  # a paywall pitch is a paragraph, not a page
_CREDIT_MAX_WORDS = 40  # "Reporting by A, B and C; editing by D"
_DATE_LINE_MAX_WORDS = 14  # "Updated: Tue., Nov. 19, 2019 at 5:45 PM" plus a name
_TOP_WINDOW = 4  # date/byline/headline lines sit in the first few blocks
_TAIL_SHARE = 0.7  # end labels only count in the last 30% of the text
_MAX_ABOUT_SHARE = 0.25  # an "About Acme" section is a paragraph or two at the very end
_LINK_SHARE = 0.6  # a block mostly made of link text is navigation
_FULL_LINK = 0.9  # a paragraph that is one link: a teaser for another article
_LINKED_TEASER_MAX_WORDS = 25  # a linked headline, not a linked paragraph of prose
_MIN_HEADLINE_WORDS = 4  # shorter linked lines are names (products, people), not teasers
# headlines have no closing punctuation; a linked sentence in the text does
_SENTENCE_END = re.compile(r"[.!?…:;\"”»’')]\W*$")


def _text(el: _Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _link_share(el: _Element, text_len: int) -> float:
    if not text_len:
        return 0.0
    linked = sum(len(" ".join("".join(r.itertext()).split())) for r in el.iter("ref"))
    return min(1.0, linked / text_len)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def _is_title_echo(text: str, title: str | None) -> bool:
    if not title:
        return False
    a, b = _norm(text), _norm(title)
    if not a or not b:
        return False
    # the headline, possibly with the site name or a kicker around it
    return a == b or (len(a) <= 1.5 * len(b) and (b in a or a in b) and len(a) >= 0.6 * len(b))


def _is_date_line(text: str, words: int) -> bool:
    if words > _DATE_LINE_MAX_WORDS:
        return False
    if _DATE_LINE_LEAD.search(text):
        return True
    if not _YEAR.search(text):
        return False
    bits = len(_DATE_BITS.findall(text))
    # a year and one more date part (a month, a day, a time) in a short line
    return bits >= 2 and words <= 10  # 10: a date, a time and a few words ("às", "PST", "by")


class _Block:
    __slots__ = ("el", "first_line", "link", "rest_link", "text", "words")

    def __init__(self, el: _Element) -> None:
        self.el = el
        self.text = _text(el)
        self.words = _words(self.text)
        self.link = _link_share(el, len(self.text))
        # a block broken by <lb/>: its first line may be a label for the rest
        self.first_line = self.text
        self.rest_link = 0.0
        first_lb = el.find(".//lb")
        if first_lb is not None:
            head = [el.text or ""]
            for node in el:
                if node is first_lb:
                    break
                head.append("".join(node.itertext()) + (node.tail or ""))
            self.first_line = " ".join("".join(head).split())
            rest_len = len(self.text) - len(self.first_line)
            linked = sum(len(" ".join("".join(r.itertext()).split())) for r in el.iter("ref"))
            self.rest_link = min(1.0, linked / rest_len) if rest_len > 0 else 0.0


def _wrap_loose_text(body: _Element) -> None:
    """Put text lying directly in the body (``Tags`` between blocks) into its own <p>."""
    if body.text and body.text.strip():
        p = Element("p")
        p.text, body.text = body.text, None
        body.insert(0, p)
    for child in list(body):
        if child.tail and child.tail.strip():
            p = Element("p")
            p.text, child.tail = child.tail, None
            child.addnext(p)


def _blocks(body: _Element) -> list[_Block]:
    """Top-level blocks; a list counts as its items so single teaser items can go."""
    out: list[_Block] = []
    for child in body:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "list":
            out.extend(_Block(item) for item in child if isinstance(item.tag, str))
        else:
            out.append(_Block(child))
    return out


def _drop(block: _Block) -> None:
    parent = block.el.getparent()
    if parent is not None:
        parent.remove(block.el)
        if parent.tag == "list" and len(parent) == 0 and parent.getparent() is not None:
            parent.getparent().remove(parent)


def _top_reason(i: int, b: _Block, title: str | None, author: str | None) -> str | None:
    if _is_title_echo(b.text, title):
        return "headline"
    if i == 0 and b.el.tag == "head" and b.el.get("rend") == "h1":
        return "headline"
    if _is_date_line(b.text, b.words):
        return "dateline"
    if author is not None and _norm(b.text) in (_norm(author), _norm("by " + author)):
        return "byline"
    if (
        _BYLINE_LEAD.match(b.text + " ") is not None
        and b.words <= _DATE_LINE_MAX_WORDS
        and not b.text.endswith(".")
    ):
        return "byline"
    return None


def _inline_reason(blocks: list[_Block], i: int) -> str | None:
    b = blocks[i]
    if b.words > _STRONG_PROMPT_MAX_WORDS:
        return None  # prose: none of the rules below applies to a block this long
    if b.words <= _TEASER_MAX_WORDS and _TEASER_LINE.match(b.text):
        return "teaser"
    if b.words <= _PROMPT_MAX_WORDS and _PROMPT.search(b.text):
        return "prompt"
    if _STRONG_PROMPT.search(b.text):
        return "prompt"
    if b.words <= _TEASER_MAX_WORDS and _EMAIL_OR_URL_ONLY.match(b.text):
        return "address"
    if (
        b.link >= _FULL_LINK
        and _MIN_HEADLINE_WORDS <= b.words <= _LINKED_TEASER_MAX_WORDS
        and b.el.tag == "p"
        and not _SENTENCE_END.search(b.text)
    ):
        return "linked-teaser"
    if (
        b.link >= _LINK_SHARE
        and b.words <= _LINKED_TEASER_MAX_WORDS
        and b.el.tag != "head"
        and _in_run_of_links(blocks, i)
    ):
        return "link-run"
    return None


def clean_body(
    body: _Element, *, title: str | None = None, author: str | None = None
) -> list[tuple[str, str]]:
    """Drop boilerplate blocks from trafilatura's body tree in place.

    Returns what was dropped as ``(reason, text)`` pairs, in text order.
    """
    _wrap_loose_text(body)
    blocks = [b for b in _blocks(body) if b.text]
    separators = [b for b in blocks if b.words == 0 and b.el.tag in ("p", "head")]
    for b in separators:  # "___", "* * *": rules, not text
        _drop(b)
    blocks = [b for b in blocks if b not in separators]
    if not blocks:
        return []
    total_words = sum(b.words for b in blocks) or 1
    doomed: dict[int, str] = {}

    # 1. the top: headline echo, date and byline lines
    for i, b in enumerate(blocks[:_TOP_WINDOW]):
        reason = _top_reason(i, b, title, author)
        if reason:
            doomed[i] = reason
        elif b.words > _DATE_LINE_MAX_WORDS:
            break  # the text proper has started

    # 2. inline teasers, prompts, link runs anywhere
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if _TEASER_ALONE.match(b.first_line) and (
            b.first_line == b.text or b.rest_link >= _LINK_SHARE
        ):
            doomed[i] = "teaser-label"
            # the label's teasers: following short linked lines
            j = i + 1
            while (
                j < len(blocks)
                and blocks[j].words <= _LINKED_TEASER_MAX_WORDS
                and (blocks[j].link >= _LINK_SHARE or blocks[j].el.tag == "item")
            ):
                doomed[j] = "teaser"
                j += 1
            i = j
            continue
        reason = _inline_reason(blocks, i)
        if reason:
            doomed.setdefault(i, reason)
        i += 1

    # 3. the end: credits, reference lists, end labels and what follows them
    seen = 0
    for i, b in enumerate(blocks):
        seen += b.words
        if seen < _TAIL_SHARE * total_words:
            continue
        if _REFERENCES.match(b.text) or _END_LABELS.match(b.text):
            label = "references" if _REFERENCES.match(b.text) else "end-label"
            for k in range(i, len(blocks)):
                doomed.setdefault(k, label)
            break
        if _ABOUT_LABEL.match(b.text) and total_words - seen <= _MAX_ABOUT_SHARE * total_words:
            for k in range(i, len(blocks)):
                doomed.setdefault(k, "about-boilerplate")
            break
        if _CREDIT.search(b.text) and b.words <= _CREDIT_MAX_WORDS:
            doomed.setdefault(i, "credit")

    # never empty a text: if the rules would remove everything, keep it as is
    if len(doomed) >= len(blocks):
        return []
    for i in sorted(doomed, reverse=True):
        _drop(blocks[i])
    return [(doomed[i], blocks[i].text) for i in sorted(doomed)]


def _in_run_of_links(blocks: list[_Block], i: int) -> bool:
    """A linked line next to another linked line: a list of other articles."""
    for j in (i - 1, i + 1):
        if (
            0 <= j < len(blocks)
            and blocks[j].link >= _LINK_SHARE
            and blocks[j].words <= _LINKED_TEASER_MAX_WORDS
        ):
            return True
    return False
