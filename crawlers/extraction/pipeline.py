"""The extraction function: bytes or text of one page in, an ``ExtractedArticle`` out.

Steps, on one parsed tree:

1. decode bytes (``encoding.decode_html``) and parse once with trafilatura's loader;
2. metadata by precedence on the untouched tree (``metadata.collect``);
3. lift embedded posts and prune noise regions on a copy (``prune``), then trafilatura's
   ``bare_extraction`` on that copy (comments off, links kept as ``<ref>`` so
   link-dense lines can be recognised);
4. drop the boilerplate blocks trafilatura kept (``boilerplate.clean_body``) and
   serialise the body as text, one paragraph per line;
5. language by py3langid on the text.

Failure policy: input that is not an HTML page (empty, binary, plain text)
raises ``ExtractionError`` (a ``ValueError``) with a ``reason``. A real page
without article text returns an ``ExtractedArticle`` with ``text == ""`` and its
metadata, so the quality gate can quarantine it with a reason of its own.
"""

from __future__ import annotations

import logging
import re
from copy import copy

import trafilatura
from lxml.etree import strip_tags
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html, normalize_unicode
from trafilatura.xml import xmltotxt

from crawlers.extraction.boilerplate import clean_body
from crawlers.extraction.encoding import decode_html
from crawlers.extraction.language import detect_language
from crawlers.extraction.metadata import collect
from crawlers.extraction.prune import prune_tree, unwrap_embedded_posts
from crawlers.extraction.record import ExtractedArticle, ExtractionError

# Bump the first number whenever a rule changes what text comes out.
EXTRACTOR_VERSION = f"narrmon-extract/1 trafilatura/{trafilatura.__version__}"

LOGGER = logging.getLogger(__name__)

_BINARY_MAGIC = (
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip (decompress before extracting)"),
    (b"\x89PNG", "png"),
    (b"GIF8", "gif"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"RIFF", "riff"),
    (b"\x00\x00\x01\x00", "ico"),
)
# Look for markup and for NUL bytes in the first 4 KB: an HTML page has a tag
# there, a binary file has NULs (UTF-16 pages are caught earlier by their BOM).
_SNIFF_BYTES = 4096
_TAG = re.compile(r"<\s*[a-zA-Z!?/]")
# An extraction under 1,000 characters (about 150 words, shorter than most news
# stories) after pruning is suspicious enough to retry without pruning ...
_SHORT_TEXT_CHARS = 1000
# ... and the retry wins only if clearly longer (not just a stray caption more).
_RETRY_GAIN = 1.5
# parent:: rather than ancestor:: keeps these cheap; script/style hold only text
_TEXT_NODES = "//body//text()[not(parent::script or parent::style or parent::noscript)]"
_LINK_TEXT_NODES = "//body//a//text()"


def _check_bytes(data: bytes) -> None:
    if not data.strip():
        raise ExtractionError("empty-input", "no bytes")
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ExtractionError("binary-input", kind)
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError("binary-input", "NUL bytes")


def _to_text(html: str | bytes, content_type: str | None) -> tuple[str, str | None]:
    if isinstance(html, bytes | bytearray | memoryview):
        data = bytes(html)
        _check_bytes(data)
        return decode_html(data, content_type)
    if isinstance(html, str):
        return html, None
    raise ExtractionError("bad-input-type", type(html).__name__)


def _parse(text: str) -> HtmlElement:
    if not text.strip():
        raise ExtractionError("empty-input", "blank text")
    head = text[:_SNIFF_BYTES]
    if "\x00" in head:
        raise ExtractionError("binary-input", "NUL characters")
    if not _TAG.search(text[: _SNIFF_BYTES * 4]):
        raise ExtractionError("not-html", "no markup at the start of the document")
    try:
        tree = load_html(text)
    except (ValueError, TypeError) as err:  # lxml refuses some inputs outright
        raise ExtractionError("not-html", str(err)) from err
    if tree is None:
        raise ExtractionError("not-html", "lxml found no document")
    return tree


def _page_text_stats(tree: HtmlElement) -> tuple[int, float]:
    """Visible characters in the page body, and the share of them inside links."""
    total = sum(len(t.strip()) for t in tree.xpath(_TEXT_NODES))
    if not total:
        return 0, 0.0
    linked = sum(len(t.strip()) for t in tree.xpath(_LINK_TEXT_NODES))
    return total, min(1.0, linked / total)


def _too_short(doc: Document | None) -> bool:
    return doc is None or len(doc.text or "") < _SHORT_TEXT_CHARS


def _run_trafilatura(tree: HtmlElement, url: str) -> Document | None:
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_links=True,  # <ref> elements: we measure link share per block
            include_tables=True,
        )
    except Exception as err:  # a library bug on a strange page must not kill a worker
        LOGGER.warning("trafilatura failed on %s: %r", url, err)
        raise ExtractionError("extractor-failed", repr(err)) from err
    return doc if isinstance(doc, Document) else None


def extract(html: str | bytes, url: str, *, content_type: str | None = None) -> ExtractedArticle:
    """Extract the article text and metadata of one page.

    ``html`` is the page as text or as the fetched bytes (then the encoding is
    detected: BOM, the ``content_type`` header's charset, ``<meta charset>``,
    then a statistical guess). ``url`` is the page's address (used for relative
    links and for a date in the path).

    Raises ``ExtractionError`` (a ``ValueError``, with ``.reason``) for input
    that is not an HTML page: empty, binary, or plain text.
    """
    text, encoding = _to_text(html, content_type)
    tree = _parse(text)
    page_chars, link_density = _page_text_stats(tree)

    work = copy(tree)
    unwrap_embedded_posts(work)
    pruned = prune_tree(work, page_chars)
    doc = _run_trafilatura(work, url)
    if pruned and _too_short(doc):
        # safety net: pruning may have cut the article's own container; retry on the
        # untouched page and keep whichever run found more text
        retry = _run_trafilatura(copy(tree), url)
        before = len(doc.text or "") if doc is not None else 0
        if retry is not None and len(retry.text or "") > _RETRY_GAIN * before:
            doc = retry

    meta = collect(
        tree,
        url,
        traf_title=doc.title if doc else None,
        traf_author=doc.author if doc else None,
        traf_date=doc.date if doc else None,
        traf_description=doc.description if doc else None,
        traf_sitename=doc.sitename if doc else None,
    )

    body_text = ""
    if doc is not None and doc.body is not None:
        body = doc.body
        clean_body(body, title=meta.title, author=meta.author)
        strip_tags(body, "ref")
        body_text = normalize_unicode(xmltotxt(body, False)).strip()  # NFC, as extract()

    return ExtractedArticle(
        text=body_text,
        title=meta.title,
        author=meta.author,
        published_at=meta.published_at,
        language=detect_language(body_text),
        extractor_version=EXTRACTOR_VERSION,
        url=url,
        canonical_url=meta.canonical_url,
        description=meta.description,
        sitename=meta.sitename,
        word_count=len(body_text.split()),
        link_density=round(link_density, 4),
        encoding=encoding,
        date_source=meta.date_source,
    )
