"""Plain data the demo site is built from: columns, articles and their paragraphs.

Everything here is immutable and free of I/O, so the renderer and the benchmark can build pages from any
articles, real or synthetic, without a server.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from ingest.chinese import HAN_RANGES
from ingest.errors import IngestError

Template = Literal["trs", "second"]
TEMPLATES: tuple[Template, ...] = ("trs", "second")
ParagraphKind = Literal["text", "heading", "caption"]
Markup = Literal["plain", "word"]

# A figure right after a Chinese character ("增长0.5%"): never part of markup such as style="width:100%".
_FIGURE = re.compile(rf"(?<=[{HAN_RANGES}])\d+(?:\.\d+)?%")


class DemoSiteError(IngestError):
    """The demo site was configured or driven in a way it cannot honour."""


@dataclass(frozen=True, slots=True)
class DemoColumn:
    """A list column of the site, e.g. 政府工作报告 under /zwgk/zfgzbg/."""

    name: str
    path: str  # directory of the column, with leading and trailing slash: "/zwgk/zfgzbg/"
    template: Template
    parents: tuple[tuple[str, str], ...] = ()  # breadcrumb between 首页 and the column: (label, href)

    def __post_init__(self) -> None:
        if not (self.path.startswith("/") and self.path.endswith("/")):
            raise DemoSiteError(f"column path {self.path!r} must start and end with '/', e.g. '/zwgk/zfgzbg/'")
        if self.template not in TEMPLATES:
            raise DemoSiteError(f"unknown template {self.template!r}; use one of {', '.join(TEMPLATES)}")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of the article body; the text is exactly what a reader sees."""

    text: str
    kind: ParagraphKind = "text"


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """An entry of the 相关文章 sidebar beside an article."""

    title: str
    href: str
    date: date


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """One article page of the demo site.

    Either ``paragraphs`` are rendered through the site's template, or ``raw_html`` (a complete saved page)
    is served unchanged.
    """

    column: DemoColumn
    path: str  # absolute path on the site: "/zwgk/zfgzbg/202207/t20220711_437062.html"
    title: str  # the clean title (meta ArticleTitle)
    published: datetime  # timezone-aware
    source: str = ""  # 来源 / meta ContentSource; "" when the page names none
    paragraphs: tuple[Paragraph, ...] = ()
    raw_html: bytes | None = None
    markup: Markup = "plain"  # "word": paragraphs pasted from Word (MsoNormal, numbers split across spans)
    encoding: str = "utf-8"  # codec the page is encoded with
    declared_charset: str = "utf-8"  # charset named in the page's <meta>
    header_charset: bool = True  # whether Content-Type names the charset too
    info_line: str | None = None  # the 发布时间 line as the page prints it; None = built from date and source
    editor: str | None = None  # 责任编辑
    title_by_script: bool = False  # the visible title is written by document.write
    related: tuple[RelatedLink, ...] = ()
    notes: tuple[str, ...] = ()  # text shown below the article, outside its body (e.g. where it was copied from)
    upcoming: bool = False  # listed and served only once the site's "newly published" switch is on

    def __post_init__(self) -> None:
        if not self.path.startswith("/"):
            raise DemoSiteError(f"article path {self.path!r} must be absolute, e.g. '/zwgk/zfgzbg/…/t….html'")
        if self.published.tzinfo is None:
            raise DemoSiteError(f"article {self.path}: published must be timezone-aware (Asia/Shanghai)")
        if (self.raw_html is None) == (not self.paragraphs):
            raise DemoSiteError(f"article {self.path}: give either paragraphs or raw_html, not both or neither")
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise DemoSiteError(f"article {self.path}: unknown encoding {self.encoding!r}") from None

    @property
    def template(self) -> Template:
        return self.column.template

    @property
    def text(self) -> str:
        """What an edit can touch: the paragraphs one per line, or the saved page's markup."""
        if self.raw_html is not None:
            return self.raw_html.decode(self.encoding)
        return "\n".join(paragraph.text for paragraph in self.paragraphs)


def default_edit(article: DemoArticle) -> tuple[str, str]:
    """The change a re-publication makes when the test names none: the first percentage's last digit + 1."""
    text = article.text
    start = text.find("<body") if article.raw_html is not None else 0
    match = _FIGURE.search(text, max(start, 0))
    if match is None:
        raise DemoSiteError(f"article {article.path} has no percentage to edit; pass old= and new= explicitly")
    old = match.group()
    last = old[-2]
    return old, f"{old[:-2]}{(int(last) + 1) % 10}%"


def edited(article: DemoArticle, old: str, new: str) -> DemoArticle:
    """The article with the first occurrence of ``old`` in its body replaced by ``new``."""
    if not old:
        raise DemoSiteError("an edit needs a non-empty text to replace")
    if article.raw_html is not None:
        html = article.raw_html.decode(article.encoding)
        at = html.find(old, max(html.find("<body"), 0))
        if at < 0:
            raise DemoSiteError(f"{old!r} does not occur in the body of {article.path}; pass text that does")
        changed = html[:at] + new + html[at + len(old) :]
        return dataclasses.replace(article, raw_html=changed.encode(article.encoding))
    for index, paragraph in enumerate(article.paragraphs):
        if old in paragraph.text:
            replacement = dataclasses.replace(paragraph, text=paragraph.text.replace(old, new, 1))
            paragraphs = (*article.paragraphs[:index], replacement, *article.paragraphs[index + 1 :])
            return dataclasses.replace(article, paragraphs=paragraphs)
    raise DemoSiteError(f"{old!r} does not occur within one paragraph of {article.path}; pass text that does")
