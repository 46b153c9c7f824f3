"""Pages of the demo sites as bytes: pure functions of the articles, no server involved.

Two CMS templates: ``"trs"`` (a TRS-style prefecture portal: index_N.html lists, t20220711_123456.html
articles, body in div.TRS_Editor) and ``"second"`` (a provincial site-group platform: xxgk_list_N.shtml lists,
32-hex .shtml articles, body in ucapcontent). Page skeletons are string templates in ``templates/``.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections.abc import Sequence
from importlib.resources import files
from string import Template as PageTemplate

from ingest.demo_site.model import DemoArticle, DemoColumn, DemoSiteError, Paragraph, RelatedLink, Template

TRS_SITE_NAME = "延边朝鲜族自治州人民政府"
SECOND_SITE_NAME = "中国宜春"
_SECOND_HOME = "/ycsrmzf/index.shtml"
_DIGITS = re.compile(r"(\d+)")
_WORD_FONT = "font-size:16.0pt;font-family:仿宋_GB2312"


def list_page_path(column: DemoColumn, page: int) -> str:
    """Path of the column's list page ``page`` (0 = first): index.html, index_1.html … or xxgk_list.shtml,
    xxgk_list_2.shtml …"""
    if page < 0:
        raise DemoSiteError(f"list page numbers start at 0, got {page}")
    if column.template == "trs":
        return f"{column.path}index.html" if page == 0 else f"{column.path}index_{page}.html"
    return f"{column.path}xxgk_list.shtml" if page == 0 else f"{column.path}xxgk_list_{page + 1}.shtml"


def page_count(entries: int, page_size: int) -> int:
    """How many list pages ``entries`` articles fill (an empty column still has its first page)."""
    if page_size < 1:
        raise DemoSiteError(f"page_size must be at least 1, got {page_size}")
    return max(1, math.ceil(entries / page_size))


def render_article(article: DemoArticle) -> bytes:
    """The article page in its column's template, encoded as the article says (a saved page: unchanged)."""
    if article.raw_html is not None:
        return article.raw_html
    if article.template == "trs":
        head = _head(
            article.template,
            charset=article.declared_charset,
            page_title=f"{article.title}_{TRS_SITE_NAME}",
            column_name=article.column.name,
            article_meta=_article_meta(article, "%Y-%m-%d %H:%M"),
        )
        info = article.info_line or _default_info_line(article)
        page = _template("trs_article.html").substitute(
            breadcrumb=_breadcrumb(article.column, " &gt; "),
            title_html=_title_html(article),
            info=_text(info),
            body=_body(article),
            notes=_notes(article.notes),
            related=_related(article.related),
        )
    else:
        if article.encoding.lower().replace("-", "") != "utf8":
            raise DemoSiteError(f"article {article.path}: the second template serves UTF-8 pages only")
        head = _head(
            article.template,
            charset="UTF-8",
            page_title=f"{article.title} | {SECOND_SITE_NAME}",
            column_name=article.column.name,
            article_meta=_article_meta(article, "%Y-%m-%d %H:%M:%S"),
        )
        page = _template("second_article.html").substitute(
            breadcrumb=_breadcrumb(article.column, "&gt;"),
            source=_text(article.source),
            date=f"{article.published:%Y-%m-%d}",
            column_name=_text(article.column.name),
            title_html=_title_html(article),
            body=_body(article),
            notes=_notes(article.notes),
            related=_related(article.related),
        )
    return (head + page + _template(f"{article.template}_foot.html").template).encode(article.encoding)


def render_list(
    column: DemoColumn,
    articles: Sequence[DemoArticle],
    *,
    page: int = 0,
    page_size: int = 2,
    columns: Sequence[DemoColumn] = (),
) -> bytes:
    """List page ``page`` of a column holding ``articles`` (any order; shown newest first), UTF-8.

    ``columns`` are the site's columns for the side navigation (default: just this one).
    """
    pages = page_count(len(articles), page_size)
    if not 0 <= page < pages:
        raise DemoSiteError(f"column {column.path} has {pages} list page(s); page {page} does not exist")
    ordered = sorted(articles, key=lambda a: a.published, reverse=True)
    shown = ordered[page * page_size : (page + 1) * page_size]
    nav = "\n".join(
        f'\t\t\t<li><a href="{list_page_path(c, 0)}">{_text(c.name)}</a></li>' for c in (columns or [column])
    )
    head = _head(column.template, charset="utf-8", page_title="", column_name=column.name, article_meta="")
    if column.template == "trs":
        head = head.replace("<title></title>", f"<title>{_text(column.name)}_{TRS_SITE_NAME}</title>")
        items = "\n".join(
            f'\t\t\t<li><span>{a.published:%Y-%m-%d}</span><a href="{_href(column, a.path)}" target="_blank"'
            f' title="{_attr(a.title)}">{_text(a.title)}</a></li>'
            for a in shown
        )
        body = _template("trs_list.html").substitute(
            breadcrumb=_breadcrumb(column, " &gt; "),
            section_name=_text(column.parents[-1][0] if column.parents else column.name),
            columns=nav,
            column_name=_text(column.name),
            items=items,
            page_count=pages,
            page_index=page,
            page_number=page + 1,
            total=len(articles),
            next=_pager(column, page, pages, " "),
        )
    else:
        head = head.replace("<title></title>", f"<title>{_text(column.name)} | {SECOND_SITE_NAME}</title>")
        items = "\n".join(
            f'\t\t\t<li><a href="{a.path}" target="_blank" title="{_attr(a.title)}">{_text(a.title)}</a>'
            f"<span>{a.published:%Y-%m-%d}</span></li>"
            for a in shown
        )
        body = _template("second_list.html").substitute(
            breadcrumb=_breadcrumb(column, "&gt;"),
            columns=nav,
            column_name=_text(column.name),
            items=items,
            total=len(articles),
            page_number=page + 1,
            page_count=pages,
            pager=_pager(column, page, pages, ""),
        )
    return (head + body + _template(f"{column.template}_foot.html").template).encode("utf-8")


def render_home(template: Template, columns: Sequence[tuple[DemoColumn, Sequence[DemoArticle]]]) -> bytes:
    """The site's home page: each column's newest articles and a link to its list."""
    blocks = []
    for column, articles in columns:
        newest = sorted(articles, key=lambda a: a.published, reverse=True)[:5]
        items = "".join(
            f'<li><a href="{a.path}" target="_blank">{_text(a.title)}</a><span>{a.published:%m-%d}</span></li>'
            for a in newest
        )
        more = f'<a class="more" href="{list_page_path(column, 0)}">更多&gt;&gt;</a>'
        blocks.append(f'<div class="home-block"><h2>{_text(column.name)}</h2>{more}<ul>{items}</ul></div>')
    site_name = TRS_SITE_NAME if template == "trs" else SECOND_SITE_NAME
    head = _head(template, charset="utf-8", page_title=site_name, column_name="首页", article_meta="")
    body = _template(f"{template}_home.html").substitute(blocks="\n".join(blocks))
    return (head + body + _template(f"{template}_foot.html").template).encode("utf-8")


def render_not_found() -> bytes:
    return _template("not_found.html").template.encode("utf-8")


def render_robots(disallow: Sequence[str] = (), crawl_delay: float | None = None) -> bytes:
    """robots.txt for every user agent: allow all unless paths are disallowed; Crawl-delay only when set."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallow)]
    if not disallow:
        lines.append("Disallow:")
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    return ("\n".join(lines) + "\n").encode("ascii")


@functools.cache
def _template(name: str) -> PageTemplate:
    return PageTemplate(files("ingest.demo_site").joinpath("templates", name).read_text("utf-8"))


def _head(template: Template, *, charset: str, page_title: str, column_name: str, article_meta: str) -> str:
    values = {"page_title": _text(page_title), "column_name": _attr(column_name), "article_meta": article_meta}
    if template == "trs":
        values["charset"] = charset
    return _template(f"{template}_head.html").substitute(values)


def _article_meta(article: DemoArticle, date_layout: str) -> str:
    fields = {
        "ArticleTitle": article.title,
        "PubDate": article.published.strftime(date_layout),
        "ContentSource": article.source,
        "Keywords": "",
        "Author": article.editor or "",
        "Description": article.title,
    }
    return "".join(f'<meta name="{name}" content="{_attr(value)}">\n' for name, value in fields.items())


def _default_info_line(article: DemoArticle) -> str:
    line = f"发布时间：{article.published:%Y-%m-%d %H:%M}"
    if article.source:
        line += f"\u3000\u3000来源：{article.source}"
    if article.editor:
        line += f"\u3000\u3000责任编辑：{article.editor}"
    return line


def _breadcrumb(column: DemoColumn, separator: str) -> str:
    home = "/index.html" if column.template == "trs" else _SECOND_HOME
    trail = [("首页", home), *column.parents]
    trail.append((column.name, list_page_path(column, 0)))
    return separator.join(f'<a href="{href}">{_text(label)}</a>' for label, href in trail)


def _title_html(article: DemoArticle) -> str:
    if not article.title_by_script:
        return _text(article.title)
    literal = json.dumps(article.title, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="text/javascript">document.write({literal});</script>'


def _body(article: DemoArticle) -> str:
    blocks = []
    images = 0
    for paragraph in article.paragraphs:
        if paragraph.kind == "caption":
            images += 1
            image = f"W0{article.published:%Y%m%d}{images:06d}.jpg"
            blocks.append(
                f'<p style="text-align: center;"><img src="./{image}" oldsrc="{image}" border="0" alt=""></p>'
            )
            blocks.append(f'<p style="text-align: center;">{_text(paragraph.text)}</p>')
        elif article.markup == "word":
            blocks.append(_word_paragraph(paragraph))
        elif paragraph.kind == "heading":
            blocks.append(f'<p style="text-indent: 2em;"><strong>{_text(paragraph.text)}</strong></p>')
        else:
            blocks.append(f'<p style="text-indent: 2em;">{_text(paragraph.text)}</p>')
    return "\n".join(blocks)


def _word_paragraph(paragraph: Paragraph) -> str:
    """A paragraph as Word pastes it: MsoNormal, one span per run, long numbers split across two runs."""
    runs = []
    for part in _DIGITS.split(paragraph.text):
        if not part:
            continue
        if not part.isdigit():
            runs.append(f'<span style="{_WORD_FONT}">{_text(part)}</span>')
            continue
        pieces = [part[: len(part) // 2], part[len(part) // 2 :]] if len(part) >= 4 else [part]
        runs.extend(f'<span lang="EN-US" style="{_WORD_FONT}">{piece}</span>' for piece in pieces)
    text = "".join(runs)
    if paragraph.kind == "heading":
        text = f"<b>{text}</b>"
    return (
        '<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt;mso-line-height-rule:exactly">'
        f'{text}<span lang="EN-US" style="{_WORD_FONT}"><o:p></o:p></span></p>'
    )


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    # A note's lines were inline links on the page it came from: one span each, on one line.
    paragraphs = "".join(
        "<p>" + "".join(f"<span>{_text(line)}</span>" for line in note.split("\n")) + "</p>" for note in notes
    )
    return f'\t\t<div class="article-note">{paragraphs}</div>\n'


def _related(links: Sequence[RelatedLink]) -> str:
    return "\n".join(
        f'\t\t\t\t<li><a href="{link.href}" target="_blank" title="{_attr(link.title)}">{_text(link.title)}</a>'
        f'<span class="date">{link.date:%Y-%m-%d}</span></li>'
        for link in links
    )


def _pager(column: DemoColumn, page: int, pages: int, separator: str) -> str:
    links = []  # relative links, as the CMSs write them
    if page > 0:
        previous = list_page_path(column, page - 1).rsplit("/", 1)[1]
        links.append(f'<a href="{previous}" class="prev">上一页</a>')
    if page < pages - 1:
        following = list_page_path(column, page + 1).rsplit("/", 1)[1]
        links.append(f'<a href="{following}" class="next">下一页</a>')
    return separator.join(links)


def _href(column: DemoColumn, path: str) -> str:
    """Links inside the column's directory are relative ("./202207/t….html"), as TRS publishes them."""
    return "./" + path[len(column.path) :] if path.startswith(column.path) else path


def _text(text: str) -> str:
    return html.escape(text, quote=False).replace("\xa0", "&nbsp;")


def _attr(text: str) -> str:
    return html.escape(text, quote=True).replace("\xa0", "&nbsp;")
