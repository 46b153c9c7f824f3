"""Parsing and small tree operations, on plain ``lxml.etree`` elements.

Plain etree elements, not ``lxml.html``'s: lxml.html looks up a Python element class for every node it
hands out, which makes walking a page several times slower.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from lxml import etree

__all__ = ["Element", "drop", "element_text", "parse_document", "parse_fragment", "select"]

Element = etree._Element


def parse_document(html: str) -> Element | None:
    """lxml's parse of ``html``; BeautifulSoup's if lxml fails; None when there is no document at all."""
    data = html.encode("utf-8", errors="replace")  # lone surrogates cannot be encoded
    try:
        root: Element | None = etree.fromstring(data, etree.HTMLParser(encoding="utf-8"))
    except (etree.LxmlError, ValueError):
        return _parse_with_beautifulsoup(data.decode("utf-8"))
    return root  # None for a document of nothing but whitespace and comments


def _parse_with_beautifulsoup(html: str) -> Element | None:
    # imported here: BeautifulSoup costs every `ingest` process 0.2 s of CPU, for the rare page lxml cannot read
    from lxml.html import soupparser

    try:
        root: Element = soupparser.fromstring(html, features="html.parser")
    except (ValueError, RecursionError):
        return None
    return root


def parse_fragment(html: str) -> Element | None:
    """The ``<body>`` of ``html`` parsed as a page of its own."""
    root = parse_document(html)
    if root is None:
        return None
    body = root.find("body")
    return body if body is not None else root


def element_text(element: Element) -> str:
    """All text inside ``element`` (not its tail), as written."""
    return "".join(cast(Iterator[str], element.itertext()))  # an HTML tree holds str, never bytes


def select(root: Element, path: str) -> list[Element]:
    """The elements an XPath expression selects (anything else it selects is left out)."""
    found = root.xpath(path)
    return [item for item in found if isinstance(item, etree._Element)] if isinstance(found, list) else []


def drop(element: Element) -> None:
    """Remove ``element`` and everything inside it, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
