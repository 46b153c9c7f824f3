"""Render an lxml element as blocks of text: one block per paragraph, heading, list item or table row.

Block-level elements (p, div, h1–h6, li, …) and ``<br>`` end a block; everything else is inline and
contributes its text to the current block with nothing inserted, so ``<span>30</span><span>8525</span>``
reads "308525". A paragraph whose text is all bold (``<p><strong>回顾2024年</strong></p>``) is a heading.

Tables: a data table (at least two cells in some row, no table nested inside) becomes one line per row,
cells joined by " | " (an empty cell leaves nothing between two separators, so columns still line up);
its ``<caption>`` is a heading line before the rows. A layout table (one cell per row, or tables nested
inside) is read like any other container.
"""

from __future__ import annotations

from typing import Final

from ingest.clean.text import Block, BlockKind, normalize_inline
from ingest.clean.tree import Element
from ingest.cms import BOLD_STYLE, CMS_STYLE

__all__ = ["render_blocks"]

_BLOCK_KINDS: Final[dict[str, BlockKind]] = {
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6", "caption"), "heading"),
    **dict.fromkeys(("li", "dt", "dd"), "item"),
    **dict.fromkeys(
        (
            "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "blockquote", "pre",
            "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "form", "fieldset",
            "figure", "figcaption", "address", "center", "hr", "body", "html", "legend", "details", "summary",
        ),
        "paragraph",
    ),
}  # fmt: skip
_BOLD_TAGS: Final = frozenset({"b", "strong"})
_CELL_TAGS: Final = frozenset({"td", "th"})
_BOLD_HEADING_MAX: Final = 50
_CELL_SEPARATOR: Final = " | "


def render_blocks(root: Element) -> list[Block]:
    """The blocks of text under ``root``, in document order, whitespace folded, empty ones left out."""
    renderer = _Renderer()
    renderer.walk(root, in_link=False, bold=False)
    renderer.flush()
    return renderer.blocks


class _Renderer:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._pieces: list[str] = []
        self._linked = 0
        self._all_bold = True
        self._kinds: list[BlockKind] = ["paragraph"]

    def walk(self, element: Element, in_link: bool, bold: bool) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # comment or processing instruction; its tail is the caller's
            return
        if tag == "br":
            self.flush()
            return
        if tag == "table" and _is_data_table(element):
            self.flush()
            self._table(element)
            return
        kind = _BLOCK_KINDS.get(tag)
        if kind is not None:
            self.flush()
            self._kinds.append(kind)
        in_link = in_link or tag == "a"
        if not bold:
            # bold by a tag, or by a style ("font-weight: bold", 界面新闻's cms-style="strong-Bold": ``ingest.cms``)
            style = element.get("style") or element.get(CMS_STYLE)
            bold = tag in _BOLD_TAGS or (style is not None and BOLD_STYLE.search(style) is not None)
        if element.text:
            self._add(element.text, in_link, bold)
        for child in element:
            self.walk(child, in_link, bold)
            if child.tail:
                self._add(child.tail, in_link, bold)
        if kind is not None:
            self.flush()
            self._kinds.pop()

    def flush(self) -> None:
        if not self._pieces:
            return
        text = normalize_inline("".join(self._pieces))
        if text:
            kind = self._kinds[-1]
            if kind == "paragraph" and self._all_bold and len(text) <= _BOLD_HEADING_MAX:
                kind = "heading"
            self.blocks.append(Block(text, kind, self._linked))
        self._pieces.clear()
        self._linked = 0
        self._all_bold = True

    def _add(self, text: str, in_link: bool, bold: bool) -> None:
        self._pieces.append(text)
        if in_link:
            self._linked += len("".join(text.split()))
        if not bold and not text.isspace():
            self._all_bold = False

    def _table(self, table: Element) -> None:
        caption = table.find("caption")
        if caption is not None:
            self.walk(caption, in_link=False, bold=False)
        for row in table.iter("tr"):
            cells = [_render_cell(cell) for cell in row if cell.tag in _CELL_TAGS]
            if any(text for text, _ in cells):
                line = normalize_inline(_CELL_SEPARATOR.join(text for text, _ in cells))
                self.blocks.append(Block(line, "row", sum(linked for _, linked in cells)))


def _render_cell(cell: Element) -> tuple[str, int]:
    blocks = render_blocks(cell)
    return " ".join(block.text for block in blocks), sum(block.linked_chars for block in blocks)


def _is_data_table(table: Element) -> bool:
    if table.find(".//table") is not None:
        return False
    return any(sum(1 for cell in row if cell.tag in _CELL_TAGS) >= 2 for row in table.iter("tr"))
