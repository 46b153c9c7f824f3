"""Find the element that holds the article body.

In order:

1. Content markers that CMSs write around the body: ``<!--ContentStart-->`` … ``<!--ContentEnd-->``,
   ``<!--ZJEG_RSS.content.begin-->`` … ``.end-->`` (Hanweb/JCMS), ``<meta name="ContentStart">`` …
   ``<meta name="ContentEnd">``, ``<!-- 正文开始 -->`` … ``<!-- 正文结束 -->``.
2. The article record a page builds its article from in script (gkmlpt's ``window._CONFIG.DETAIL``, read by
   ``ingest.clean.record``), whose markup holds no body.
3. Known body containers of the usual government CMS templates, most specific first (``KNOWN_TAGS``,
   ``KNOWN_CLASSES``, ``KNOWN_IDS``; names compared case-blind): TRS (``.TRS_Editor``, ``.trs_editor_view``,
   ``.view.TRS_UEDITOR``) and Ucap (``<ucapcontent>``, ``#UCAP-CONTENT``); then ``#zoom``/``#Zoom``,
   ``#zoomcon``, ``.article-content``, ``.pages_content``, ``.wz_con``, ``.xxgk_content``, ``.art_con``,
   ``.bt_content`` and the like; then generic names (``.content``, ``.zw``, ``#content``), trusted only for a
   block of prose that is not mostly links. Among containers of the same rank the one with most text wins.
4. Text density, for templates nothing above knows: every block's Chinese characters outside links
   (blocks of fewer than 10 or mostly links count for nothing) are credited to the block itself when it is
   a container, to its parent in full and to its grandparent by half; a node's credit is scaled by the
   share of its text that is not link text, and the best node wins (the ``<body>`` if nothing scores).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Final, cast

from lxml import etree

from ingest.chinese import NOT_HAN, han_count
from ingest.clean.tree import Element, element_text
from ingest.cms import KNOWN_CLASSES, KNOWN_IDS, KNOWN_TAGS, MARKED_BODY, MARKER_WORDS

__all__ = ["find_body"]


_GENERIC_RANK: Final = 2
_GENERIC_MAX_LINK_SHARE: Final = 0.5
_MIN_BODY_HAN: Final = 10

_COUNTED_BLOCKS: Final = frozenset(
    {"p", "div", "td", "li", "section", "article", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
     "dd", "table", "tr", "th", "ul", "ol", "body", "center", "main"}
)  # fmt: skip
_CANDIDATE_TAGS: Final = frozenset({"div", "td", "section", "article", "main", "body", "center", "table", "tbody"})
_MIN_PARAGRAPH_HAN: Final = 10
_LINK_DENSE_BLOCK: Final = 0.5
_GRANDPARENT_SHARE: Final = 0.5


def find_body(root: Element, html: str, parse: Callable[[str], Element | None], embedded: str | None = None) -> Element:
    """The element holding the article; ``parse`` parses the marked fragment when markers are used, or
    ``embedded``, the body markup of the page's script record, when it has one."""
    marked = _marked_body(root, html, parse)
    if marked is not None:
        return marked
    if embedded is not None:
        fragment = parse(embedded)
        if fragment is not None and _han(fragment) >= _MIN_BODY_HAN:
            return fragment
    known = _known_container(root)
    if known is not None:
        return known
    return _densest(root)


def _marked_body(root: Element, html: str, parse: Callable[[str], Element | None]) -> Element | None:
    if not _has_marker(root):
        return None
    best: Element | None = None
    best_han = 0
    for match in MARKED_BODY.finditer(html):
        fragment = parse(match["body"])
        if fragment is None:
            continue
        han = _han(fragment)
        if han > best_han:
            best, best_han = fragment, han
    return best if best_han >= _MIN_BODY_HAN else None


def _has_marker(root: Element) -> bool:
    """Whether the page has a content-marker comment or meta (cheaper than searching the HTML string)."""
    for comment in root.iter(etree.Comment):
        if any(word in (comment.text or "") for word in MARKER_WORDS):
            return True
    return any(meta.get("name", "").lower() == "contentstart" for meta in root.iter("meta"))


def _known_container(root: Element) -> Element | None:
    candidates: list[tuple[int, int, Element]] = []
    for order, element in enumerate(root.iter()):
        classes, element_id = element.get("class"), element.get("id")
        if classes is None and element_id is None and element.tag not in KNOWN_TAGS:
            continue
        ranks = [KNOWN_TAGS[element.tag]] if element.tag in KNOWN_TAGS else []
        if classes:
            ranks.extend(KNOWN_CLASSES[name] for name in classes.lower().split() if name in KNOWN_CLASSES)
        if element_id and element_id.lower() in KNOWN_IDS:
            ranks.append(KNOWN_IDS[element_id.lower()])
        if ranks:
            candidates.append((min(ranks), order, element))
    candidates.sort(key=lambda candidate: candidate[:2])
    for rank, group in groupby(candidates, key=lambda candidate: candidate[0]):
        viable = [element for _, _, element in group if _viable(element, rank)]
        if viable:
            # Among containers of one rank the one with most text wins (the first on a tie). Counting the Chinese
            # characters of a whole body costs more than the rest of this search, so it is done only when two compete.
            return viable[0] if len(viable) == 1 else max(viable, key=_han)
    return None


def _viable(element: Element, rank: int) -> bool:
    if rank == _GENERIC_RANK:
        # A generic name is only trusted for a block of prose, not a placeholder or a list of links.
        return _han(element) >= _MIN_BODY_HAN and _link_share(element) <= _GENERIC_MAX_LINK_SHARE
    return any(text.strip() for text in cast(Iterator[str], element.itertext()))  # any visible text


def _densest(root: Element) -> Element:
    """The node whose own paragraphs hold the most prose (see the module docstring)."""
    own_text: dict[Element, list[int]] = defaultdict(lambda: [0, 0])  # [han, linked han]
    _collect_text(root, root, in_link=False, own_text=own_text)
    credit: dict[Element, float] = defaultdict(float)
    totals: dict[Element, list[int]] = defaultdict(lambda: [0, 0])
    for block, (han, linked) in own_text.items():
        ancestor: Element | None = block
        while ancestor is not None:
            totals[ancestor][0] += han
            totals[ancestor][1] += linked
            ancestor = ancestor.getparent()
        prose = han - linked
        if prose < _MIN_PARAGRAPH_HAN or linked > _LINK_DENSE_BLOCK * han:
            continue
        parent = block.getparent()
        if block.tag in _CANDIDATE_TAGS:
            credit[block] += prose
        if parent is not None:
            credit[parent] += prose
            grandparent = parent.getparent()
            if grandparent is not None:
                credit[grandparent] += prose * _GRANDPARENT_SHARE
    body = root.find("body")
    best, best_score = (body if body is not None else root), 0.0
    for node, score in credit.items():
        if node.tag not in _CANDIDATE_TAGS:
            continue
        han, linked = totals[node]
        scaled = score * (1 - linked / han) if han else 0.0
        if scaled > best_score:
            best, best_score = node, scaled
    return best


def _collect_text(
    element: Element,
    owner: Element,
    in_link: bool,
    own_text: dict[Element, list[int]],
) -> None:
    tag = element.tag
    if not isinstance(tag, str):
        return
    if tag in _COUNTED_BLOCKS:
        owner = element
    in_link = in_link or tag == "a"
    if element.text:
        _credit(own_text[owner], element.text, in_link)
    for child in element:
        _collect_text(child, owner, in_link, own_text)
        if child.tail:
            _credit(own_text[owner], child.tail, in_link)


def _credit(counts: list[int], text: str, in_link: bool) -> None:
    han = han_count(text)
    counts[0] += han
    if in_link:
        counts[1] += han


def _han(element: Element) -> int:
    return len(NOT_HAN.sub("", element_text(element)))


def _link_share(element: Element) -> float:
    total = _han(element)
    linked = sum(_han(link) for link in element.iter("a"))
    return linked / total if total else 1.0
