"""Turn the bytes of a fetched page into text, whatever it claims its encoding is.

Order of evidence, strongest first:

1. A byte-order mark (UTF-8, UTF-16, UTF-32) wins over everything.
2. The charset of the HTTP ``Content-Type`` header, then the page's own ``<meta charset>`` /
   ``<meta http-equiv="Content-Type">`` (looked for in the first 4 KB).
3. Detection when nothing is declared or the declaration is wrong: strict UTF-8, then strict GB18030 when
   the result reads as Chinese text, then charset-normalizer.

Government sites mislabel pages often, so a declaration is checked before it is trusted:

- any GB2312/GBK declaration is decoded as GB18030, its superset (pages declared gb2312 routinely hold
  characters such as 㐀 or 𠀀 that only GB18030 encodes);
- a page declared in a legacy encoding whose bytes are valid, non-ASCII UTF-8 is UTF-8 (UTF-8 multi-byte
  sequences almost never occur by chance in GBK text, while GB18030 happily decodes UTF-8 bytes into
  nonsense);
- a page declared UTF-8 whose bytes are not UTF-8 is detected, unless the damage is a handful of bytes
  (a truncated body), which become U+FFFD.

``decode_html`` never raises: at worst it decodes with ``errors="replace"``.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from ingest.chinese import HAN_RANGES

__all__ = ["decode_html", "looks_binary"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Every label that means "some subset of GB18030".
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "ms936", "euc-cn", "euccn", "x-gbk", "gb2312-80"})

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_SCAN_BYTES = 4096

# A UTF-8 decode with at most this share of bad bytes is a damaged UTF-8 page, not another encoding.
_UTF8_DAMAGE_TOLERANCE = 0.001
# GB18030 decodes almost anything; accept it only if the non-ASCII text it yields is mostly Chinese.
_GB_CHINESE_SHARE = 0.9

_ASCII = re.compile(r"[\x00-\x7f]+")
_CHINESE_OR_CJK_PUNCTUATION = re.compile(
    f"[\u3000-\u303f{HAN_RANGES}\uff00-\uffef\u2000-\u206f\u00b7\u00d7\u2116\u2103\u2030]"
)

_BINARY_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"%PDF-",
    b"PK\x03\x04",  # zip, docx, xlsx
    b"\x1f\x8b",  # gzip
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE: doc, xls
    b"\x7fELF",
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"\x00\x00\x01\x00",  # ICO
    b"OggS",
    b"ID3",  # MP3
    b"wOFF",
    b"wOF2",
)
_BINARY_SAMPLE_BYTES = 8192
_BINARY_CONTROL_SHARE = 0.1
_TEXT_CONTROL_BYTES = frozenset(b"\t\n\r\f\x1b")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page's bytes to text; ``content_type`` is the HTTP header's value, if any."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    declared = _charset_from_header(content_type) or _charset_from_meta(body)
    if declared is not None:
        decoded = _decode_declared(body, declared)
        if decoded is not None:
            return decoded
    return _decode_detected(body)


def looks_binary(body: bytes) -> bool:
    """Whether ``body`` is an image, archive, PDF or other non-text file rather than a page."""
    if not body or any(body.startswith(bom) for bom, _ in _BOMS):
        return False
    sample = body[:_BINARY_SAMPLE_BYTES]
    if b"\x00" in sample:
        return True
    if sample.startswith(_BINARY_MAGIC):
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROL_BYTES)
    return controls > _BINARY_CONTROL_SHARE * len(sample)


def _charset_from_header(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _known_codec(match.group(1)) if match else None


def _charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_META_SCAN_BYTES])
    return _known_codec(match.group(1).decode("ascii", errors="replace")) if match else None


def _known_codec(label: str) -> str | None:
    """The Python codec for a charset label, GB labels widened to GB18030; None if unknown."""
    label = label.strip().lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"  # what browsers do with these labels
    return name


def _decode_declared(body: bytes, declared: str) -> str | None:
    """Decode with the declared codec if the bytes agree with it; None when they do not."""
    if declared == "utf-8":
        return _decode_utf8_tolerantly(body)
    if declared.startswith(("utf-16", "utf-32")):
        try:
            return body.decode(declared)
        except UnicodeDecodeError:
            return None
    if _is_non_ascii_utf8(body):
        return body.decode("utf-8")
    try:
        return body.decode(declared)
    except UnicodeDecodeError:
        # A few stray bytes in a page that is otherwise the declared encoding.
        text = body.decode(declared, errors="replace")
        return text if text.count("\ufffd") <= _UTF8_DAMAGE_TOLERANCE * len(text) + 1 else None


def _decode_utf8_tolerantly(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= _UTF8_DAMAGE_TOLERANCE * len(text) + 1:
        return text
    return None


def _decode_detected(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = body.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _mostly_chinese(text):
        return text
    best = charset_normalizer.from_bytes(body).best()
    if best is not None and best.encoding:
        encoding = _known_codec(best.encoding) or "utf-8"
        return body.decode(encoding, errors="replace")
    return body.decode("utf-8", errors="replace")


def _is_non_ascii_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_chinese(text: str) -> bool:
    non_ascii = _ASCII.sub("", text)
    if not non_ascii:
        return True
    chinese = len(non_ascii) - len(_CHINESE_OR_CJK_PUNCTUATION.sub("", non_ascii))
    return chinese >= _GB_CHINESE_SHARE * len(non_ascii)
