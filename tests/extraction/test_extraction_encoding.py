"""Bytes in: the encoding is found (BOM, header, meta, guess) and Russian comes out right."""

from __future__ import annotations

import codecs

import pytest

from crawlers.extraction import extract
from crawlers.extraction.encoding import (
    charset_from_content_type,
    charset_from_meta,
    decode_html,
    normalise_label,
)

RU_PARAS = [
    "В понедельник в городе открылся новый паромный терминал, строительство которого "
    "заняло почти три года и обошлось значительно дороже, чем планировалось.",
    "По словам чиновников, здание способно принять вдвое больше пассажиров, чем старый "
    "зал ожидания, закрытый весной из-за протекающей крыши.",
    "Местные торговцы приветствовали открытие, однако предупредили, что парковочных мест "
    "возле причала по-прежнему не хватает, особенно летом по выходным.",
    "Городской совет намерен пересмотреть расписание осенью, когда появятся данные о том, "
    "сколько людей пользуется вечерними рейсами на острова.",
]
RU_TITLE = "Паромный терминал открылся после задержек"


def ru_page(meta: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in RU_PARAS)
    return (
        f"<!DOCTYPE html><html lang='ru'><head>{meta}<title>{RU_TITLE}</title></head>"
        f"<body><main><article><h1>{RU_TITLE}</h1>{body}</article></main></body></html>"
    )


URL = "https://gazeta.example/news/ferry"


def _assert_russian(text: str) -> None:
    for para in RU_PARAS:
        assert para in text


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r"])
def test_cyrillic_declared_in_meta(codec: str) -> None:
    data = ru_page(f'<meta charset="{codec}">').encode(codec)
    art = extract(data, URL)
    _assert_russian(art.text)
    assert art.language == "ru"
    assert art.title == RU_TITLE


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r"])
def test_cyrillic_declared_in_http_equiv(codec: str) -> None:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={codec}">'
    art = extract(ru_page(meta).encode(codec), URL)
    _assert_russian(art.text)
    assert art.language == "ru"


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r"])
def test_cyrillic_from_header_only(codec: str) -> None:
    art = extract(ru_page().encode(codec), URL, content_type=f"text/html; charset={codec}")
    _assert_russian(art.text)
    assert art.encoding == codecs.lookup(codec).name


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r"])
def test_cyrillic_undeclared_is_guessed(codec: str) -> None:
    """No header, no meta: the statistical detector must tell the code pages apart."""
    art = extract(ru_page().encode(codec), URL)
    _assert_russian(art.text)
    assert art.language == "ru"
    assert art.encoding == codecs.lookup(codec).name


def test_header_charset_wins_over_meta() -> None:
    # the page lies in its meta tag (claims KOI8-R) but the server says windows-1251
    data = ru_page('<meta charset="koi8-r">').encode("windows-1251")
    art = extract(data, URL, content_type="text/html; charset=windows-1251")
    _assert_russian(art.text)
    assert art.encoding == "cp1251"


def test_utf8_bom_wins_over_everything() -> None:
    data = codecs.BOM_UTF8 + ru_page('<meta charset="windows-1251">').encode("utf-8")
    art = extract(data, URL, content_type="text/html; charset=koi8-r")
    _assert_russian(art.text)
    assert art.encoding == "utf-8"
    assert not art.text.startswith("\ufeff")


def test_utf16_bom() -> None:
    data = codecs.BOM_UTF16_LE + ru_page().encode("utf-16-le")
    art = extract(data, URL)
    _assert_russian(art.text)


def test_false_utf8_label_falls_back() -> None:
    """A page labelled UTF-8 that is not UTF-8 is still decoded (by the next source)."""
    data = ru_page('<meta charset="windows-1251">').encode("windows-1251")
    art = extract(data, URL, content_type="text/html; charset=utf-8")
    _assert_russian(art.text)


def test_labels() -> None:
    assert normalise_label("Windows-1251") == "cp1251"
    assert normalise_label("KOI8-R") == "koi8-r"
    assert normalise_label("ISO-8859-1") == "cp1252"  # WHATWG: latin-1 means windows-1252
    assert normalise_label("no-such-charset") is None
    assert charset_from_content_type('text/html; charset="KOI8-R"') == "koi8-r"
    assert charset_from_content_type("text/html") is None
    assert charset_from_meta(b'<meta charset="utf-16">') == "utf-8"


def test_decode_never_raises() -> None:
    text, codec = decode_html(b"<html><body>\x81\x8d caf\xe9</body></html>", "text/html")
    assert "caf" in text
    assert codec
