"""Regular expressions of the article checks (no pandas, no Great Expectations)."""

from __future__ import annotations

# An absolute http(s) URL with a host and no whitespace (IDN hosts allowed).
URL_PATTERN = r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$"

# HTML elements whose tags betray leftover markup. A closed list, not any ``<word ...>``:
# Korean and Chinese texts put work titles in angle brackets (``<The Palace>``), and
# two real pages of the extraction benchmark do.
_TAGS = (
    "a|abbr|article|aside|audio|b|blockquote|body|br|button|center|code|div|em|embed|"
    "figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|"
    "label|li|link|meta|nav|noscript|ol|p|picture|pre|script|section|small|source|span|"
    "strong|style|sub|sup|svg|table|tbody|td|th|thead|title|tr|u|ul|video"
)
# Markup the extractor should have removed: tags of those elements, character
# entities, HTML comments and WordPress-style shortcodes. RE2-compatible (pandas runs
# it with pyarrow).
MARKUP_PATTERN = (
    r"<\s*/?\s*(?i:" + _TAGS + r")(?:\s[^<>]*)?\s*/?\s*>"
    r"|&(?:[A-Za-z]{2,10}|#[0-9]{2,6}|#[xX][0-9A-Fa-f]{2,6});"
    r"|<!--"
    r"|\[/?(?:caption|embed|gallery|video|audio)\b[^\]]*\]"
)

# Subscribe prompts of paywalls in the monitored languages (en, ru, uk, de, fr). Phrases,
# not stems: "subscribed to the treaty" and "подпишут договор" (will sign) are news.
SUBSCRIBE_PATTERN = (
    r"(?i)"
    r"subscribe (?:now|today|to (?:continue|read|unlock|access|get|our|the))|subscribe for"
    r"|subscription (?:required|needed)|subscribers? only|for subscribers|already a subscriber"
    r"|become a (?:subscriber|member)|to continue reading|(?:sign|log) ?in to (?:continue|read)"
    r"|register to (?:continue|read)|unlock this (?:article|story)"
    r"|подпишитесь|оформите подписку|оформить подписку|для подписчиков|только подписчикам"
    r"|чтобы продолжить чтение|чтобы читать дальше"
    r"|підпишіться|передплатіть|оформіть передплату|оформити передплату|для передплатників"
    r"|щоб продовжити читання"
    r"|jetzt abonnieren|abonnieren sie|jetzt abo|abo abschlie|zum weiterlesen|weiterlesen mit"
    r"|bereits abonnent|plus-artikel|für abonnenten"
    r"|abonnez-vous|réservé aux abonnés|déjà abonné|pour lire la suite"
)
