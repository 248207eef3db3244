"""Turn fetched HTML bytes into text: find the encoding, then decode.

Order of evidence (WHATWG "encoding sniffing", simplified):

1. a byte-order mark (UTF-8, UTF-16 LE/BE): unambiguous, so it wins;
2. the ``charset`` parameter of the HTTP ``Content-Type`` header;
3. ``<meta charset>`` or ``<meta http-equiv="Content-Type" content="...; charset=...">``
   in the first bytes of the document;
4. strict UTF-8, if the bytes decode as such;
5. charset_normalizer's guess (it tells windows-1251 from KOI8-R by letter statistics);
6. windows-1252 with replacement, which never fails.

A declared UTF-8 that does not decode falls through to the next source,
since a wrong "utf-8" label is the commonest lie on the web; a declared
single-byte charset is trusted (any bytes decode, so there is no test of it).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

# WHATWG maps these labels to windows-1252, which is what browsers decode them as.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "win-1251": "cp1251",
    "x-cp1251": "cp1251",
    "koi8r": "koi8_r",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""",
    re.IGNORECASE,
)
# WHATWG prescan looks at the first 1024 bytes; real pages put long <head>
# scripts before the meta, so we look further (cost is one regex on 8 KB).
_META_WINDOW = 8192
# charset_normalizer reads the whole input otherwise; 64 KB is plenty of letters
# to tell Cyrillic code pages apart and keeps detection fast on long pages.
_DETECT_WINDOW = 65536


def normalise_label(label: str | None) -> str | None:
    """Map a charset label to a Python codec name, or None when unknown."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    """The codec named by a ``Content-Type`` header value, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalise_label(match.group(1)) if match else None


def charset_from_meta(data: bytes) -> str | None:
    """The codec declared by a ``<meta>`` tag near the start of the document."""
    match = _META_CHARSET.search(data[:_META_WINDOW])
    if not match:
        return None
    name = normalise_label(match.group(1).decode("ascii", "ignore"))
    # A page served as bytes cannot really be UTF-16 if its meta tag was readable
    # as ASCII: browsers then use UTF-8 (WHATWG prescan rule).
    if name and name.startswith("utf-16"):
        return "utf-8"
    return name


def _try(data: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes; return ``(text, codec name used)``.

    See the module docstring for the order of evidence. Never raises on
    undecodable bytes: the last resort is windows-1252 with replacement.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace"), codec

    for declared in (charset_from_content_type(content_type), charset_from_meta(data)):
        if declared is None:
            continue
        text = _try(data, declared)
        if text is not None:
            return text, declared
        if not declared.startswith("utf"):
            # a single-byte page with a few unmapped bytes (cp1252 has holes)
            return data.decode(declared, "replace"), declared

    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"

    best = charset_normalizer.from_bytes(data[:_DETECT_WINDOW]).best()
    guess = normalise_label(best.encoding) if best is not None else None
    if guess:
        return data.decode(guess, "replace"), guess
    return data.decode("cp1252", "replace"), "cp1252"
