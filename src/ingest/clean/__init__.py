"""Main text and metadata of a government web page (or of a page saved as plain text).

``clean_html`` parses with lxml (BeautifulSoup only if lxml gives up), removes what a reader never sees,
reads the metadata (``ingest.clean.metadata``), finds the article body (``ingest.clean.body``: CMS content
markers, the article record of a page built by script (``ingest.clean.record``), known containers of
TRS/Ucap/Hanweb-style templates, then text density), drops page furniture inside it (``ingest.clean.chrome``)
and renders it as lines (``ingest.clean.render``).

``CleanDocument.text`` is one paragraph per line: no blank lines, each line stripped, whitespace runs
folded to one space, characters otherwise untouched (no NFKC: full-width digits and punctuation stay).
Headings (h1–h6, all-bold paragraphs) are lines of their own. A table row is one line, its cells joined
by " | ". Photo captions (a short line ending in "王雨 摄"), info lines (发布时间, 来源, 责任编辑), widget lines
(【字体：大 中 小】, 【打印本页】【关闭窗口】, 分享到, 扫一扫在手机打开), footers and sidebar date residue are
dropped; a paragraph broken in two is rejoined under the conservative rule of ``ingest.clean.text``.

``clean_text`` applies the same line rules to plain text (a text run together on one line is first split
into its paragraphs at the indents between them: ``ingest.clean.text.paragraphs_of_run_on``), reading
publication time, source and editor from the info lines it drops. Its title is only the obvious one: the
first line, or up to four first lines set as one title ("吉林省人民政府关于禁止在" / … / "和迁入人口的通告",
joined), each of at most 40 characters with no sentence punctuation, number label or date, the last followed
by a "——" subtitle line or ending in a document type (报告, 公报, 纲要, 规划, 通告, …) once a footnote marker
("…统计公报[1]") is taken off. In the seed
001 text that is "政府工作报告"; the title lines stay in the text.

Neither function raises on any input; a page with no text gives ``CleanDocument(text="")``.
"""

from __future__ import annotations

import re
from typing import Final

from ingest.chinese import FOOTNOTE_MARK
from ingest.clean.body import find_body
from ingest.clean.chrome import is_info_line, prune_chrome, strip_invisible
from ingest.clean.metadata import InfoFields, read_info_fields, read_metadata
from ingest.clean.record import article_record
from ingest.clean.render import render_blocks
from ingest.clean.text import Block, finish_lines, normalize_inline, paragraphs_of_run_on
from ingest.clean.tree import Element, parse_document, parse_fragment
from ingest.model import CleanDocument

__all__ = ["clean_html", "clean_text"]

_TEXT_TITLE_MAX: Final = 40
_TEXT_TITLE_LINES: Final = 4  # a long title set over several lines: "吉林省人民政府关于禁止在" / … / "…的通告"
_NOT_A_TITLE: Final = re.compile(
    r"[，。；！？,;!?:：]|^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])"
    r"|(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]"  # a date line
)
_DOCUMENT_TYPE_ENDING: Final = re.compile(
    r"(?:报告|公报|纲要|规划|决定|决议|意见|通知|通告|公告|通报|办法|方案|条例|讲话)$"
)
_WHOLE_TITLE_MIN: Final = 10
_CONTINUATION_START: Final = ("和", "及", "与", "的", "之", "暨")
# A footnote marker after a title: "…统计公报[1]", "…统计公报①".
_FOOTNOTE_MARK: Final = re.compile(rf"\s*{FOOTNOTE_MARK}$")


def clean_html(html: str, url: str | None = None) -> CleanDocument:
    """The main text and metadata of an HTML page; ``url`` is where it was fetched from, if known."""
    root = parse_document(html)
    if root is None:
        return CleanDocument(text="", url=url, canonical_url=url)
    strip_invisible(root)
    record = article_record(html)
    metadata = read_metadata(root, url, html, record)
    body = find_body(root, html, _parse_visible_fragment, record.body_html if record is not None else None)
    prune_chrome(body)
    lines = finish_lines(render_blocks(body), metadata.title)
    return CleanDocument(
        text="\n".join(line.text for line in lines),
        heading_lines=frozenset(index for index, line in enumerate(lines) if line.kind == "heading"),
        url=url,
        canonical_url=metadata.canonical_url,
        title=metadata.title,
        published_at=metadata.published_at,
        source=metadata.source,
        editor=metadata.editor,
        column=metadata.column,
    )


def clean_text(text: str, url: str | None = None) -> CleanDocument:
    """The main text and metadata of a page saved as plain text (one paragraph per line)."""
    lines = [line for line in (normalize_inline(raw) for raw in text.splitlines()) if line]
    info = InfoFields()
    for line in lines:
        if is_info_line(line):
            info = info.merged(read_info_fields(line))
    # split after rejoining: a run-on text copied with line breaks of its own is first one line again
    kept = [part for line in finish_lines(Block(line) for line in lines) for part in paragraphs_of_run_on(line.text)]
    return CleanDocument(
        text="\n".join(kept),
        url=url,
        canonical_url=url,
        title=_obvious_title(kept),
        published_at=info.published_at,
        source=info.source,
        editor=info.editor,
    )


def _obvious_title(lines: list[str]) -> str | None:
    """The first line, or the first few lines joined, when they end in a document type or a "——" subtitle line
    follows; a footnote marker after the title is not part of it."""
    run: list[str] = []
    for index, line in enumerate(lines[:_TEXT_TITLE_LINES]):
        part = _FOOTNOTE_MARK.sub("", line)
        if len(part) > _TEXT_TITLE_MAX or _NOT_A_TITLE.search(part):
            return None
        run.append(part)
        followed_by_subtitle = index + 1 < len(lines) and lines[index + 1].startswith("——")
        if followed_by_subtitle or _DOCUMENT_TYPE_ENDING.search(part):
            # a whole title of its own under an issuer's line ("宜春市统计局" / "宜春市2022年…统计公报") stands alone
            whole = len(part) >= _WHOLE_TITLE_MIN and not part.startswith(_CONTINUATION_START)
            return part if whole else "".join(run)
    return None


def _parse_visible_fragment(html: str) -> Element | None:
    fragment = parse_fragment(html)
    if fragment is not None:
        strip_invisible(fragment)
    return fragment
