"""Decoding fetched pages: declarations checked against the bytes, GB18030 for every GB label, binaries."""

from __future__ import annotations

import codecs

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.encoding import decode_html, looks_binary

# 㐀 (U+3400, CJK extension A) and 𠀀 (U+20000, extension B) exist in GB18030 only, not in GB2312 or GBK.
TEXT = "延边州2025年地区生产总值增长6%，㐀字与𠀀字只有GB18030能编码。"


def page(charset: str | None, text: str = TEXT) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return f"<html><head>{meta}<title>page</title></head><body><p>{text}</p></body></html>"


def test_utf8_page_declared_utf8() -> None:
    html = page("utf-8")
    assert decode_html(html.encode("utf-8")) == html


def test_gb2312_declaration_decodes_gb18030_only_characters() -> None:
    html = page("gb2312")
    assert decode_html(html.encode("gb18030")) == html


def test_gbk_declared_in_http_header_decodes_as_gb18030() -> None:
    html = page(None)
    assert decode_html(html.encode("gb18030"), "text/html; charset=GBK") == html


def test_header_charset_wins_over_meta() -> None:
    # EUC-KR bytes also decode as GB18030 (into nonsense), so only the header's label gives the right text.
    html = page("gb2312", "한국어 페이지입니다")
    assert decode_html(html.encode("euc-kr"), "text/html; charset=EUC-KR") == html


def test_meta_charset_is_used_before_detection() -> None:
    # Big5 bytes also decode as GB18030 (into other characters): the page's meta says which it is.
    html = '<html><head><meta charset="big5"></head><body><p>臺灣經濟統計資料</p></body></html>'
    assert decode_html(html.encode("big5"), "text/html") == html


def test_page_declared_utf8_but_encoded_gbk_is_detected() -> None:
    html = page("utf-8")
    assert decode_html(html.encode("gb18030"), "text/html; charset=utf-8") == html


def test_page_declared_gbk_but_encoded_utf8_is_detected() -> None:
    html = page("gbk")
    assert decode_html(html.encode("utf-8")) == html


def test_utf8_bom_wins_over_declarations() -> None:
    html = page("gbk")
    assert decode_html(codecs.BOM_UTF8 + html.encode("utf-8"), "text/html; charset=gbk") == html


def test_utf16_bom() -> None:
    html = page(None)
    assert decode_html(codecs.BOM_UTF16_LE + html.encode("utf-16-le")) == html


def test_undeclared_gbk_page_is_detected() -> None:
    html = page(None, "各位代表：现在，我代表州人民政府向大会报告工作，请予审议，并请州政协委员提出意见。")
    assert decode_html(html.encode("gbk")) == html


def test_truncated_utf8_body_keeps_utf8_and_marks_the_cut() -> None:
    html = page("utf-8")
    body = html.encode("utf-8") + "报".encode()[:2]  # a download cut inside the last character
    assert decode_html(body) == html + "\ufffd"


def test_unknown_declared_charset_falls_back_to_detection() -> None:
    html = page("x-no-such-charset")
    assert decode_html(html.encode("utf-8")) == html


def test_binary_files_are_recognised() -> None:
    assert looks_binary(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert looks_binary(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    assert looks_binary(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    assert looks_binary(b"PK\x03\x04\x14\x00\x06\x00")
    assert looks_binary(b"<html>\x00\x00\x00</html>")
    assert looks_binary(bytes(range(1, 32)) * 10)


def test_text_pages_are_not_binary() -> None:
    assert not looks_binary(page("utf-8").encode("utf-8"))
    assert not looks_binary(page("gbk").encode("gb18030"))
    assert not looks_binary(codecs.BOM_UTF16_LE + page(None).encode("utf-16-le"))
    assert not looks_binary("2021年1月\n州十五届人大六次会议秘书处\n".encode())
    assert not looks_binary(b"")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.one_of(st.none(), st.text(max_size=60)))
def test_decode_html_never_raises(body: bytes, content_type: str | None) -> None:
    assert isinstance(decode_html(body, content_type), str)
    assert isinstance(looks_binary(body), bool)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300))
def test_utf8_pages_round_trip(text: str) -> None:
    html = page("utf-8", text)
    assert decode_html(html.encode("utf-8")) == html
