"""The demo sites' articles, built from the documents in ``content/`` (package data).

The documents' text is never changed: a seed's lines become paragraphs as they are, and the residue of the
page it was copied from (the 发布时间 line, the related-list dates, Wikisource's licence note) becomes page
chrome outside the article body, where it stood on the original page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ingest.demo_site.model import (
    TEMPLATES,
    DemoArticle,
    DemoColumn,
    DemoSiteError,
    Paragraph,
    ParagraphKind,
    RelatedLink,
    Template,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

TRS_REPORTS = DemoColumn("政府工作报告", "/zwgk/zfgzbg/", "trs", parents=(("政务公开", "/zwgk/"),))
TRS_NEWS = DemoColumn("要闻动态", "/xwzx/ywdt/", "trs", parents=(("新闻中心", "/xwzx/"),))
SECOND_BULLETINS = DemoColumn(
    "统计公报",
    "/ycsrmzf/tjgb/",
    "second",
    parents=(("政务公开", "/ycsrmzf/zwgk/zwgk.shtml"), ("统计数据", "/ycsrmzf/tjsj/xxgk_lists.shtml")),
)
SECOND_REPORTS = DemoColumn(
    "政府工作报告", "/ycsrmzf/zfgzbg/", "second", parents=(("政务公开", "/ycsrmzf/zwgk/zwgk.shtml"),)
)

_SEED_REPORT = "seeds/001_87a0047e5aaad651.txt"  # Yanbian's 2021 government work report, as its site published it
_SEED_NEWS = "seeds/000_82c341a43f7495af.txt"  # newspaper page interpreting Yanbian's 2025 report
_LICENCE_START = "本作品是中华人民共和国的"  # Wikisource's licence note closing each national report

# The seed keeps only the dates of the related list that followed the report; its titles are not in the
# seed, so the sidebar carries plausible ones. They are page chrome and lead nowhere on the demo site.
_SEED_REPORT_RELATED_TITLES = (
    "延边州人民政府办公室关于印发延边州数字政府建设规划的通知",
    "延边州人民政府关于公布州级行政权力清单的通知",
    "延边州政府信息公开工作要点",
    "延边州人民政府办公室关于进一步做好稳就业工作的通知",
    "延边州人民政府关于加强城市供水安全管理的通知",
    "延边州人民政府办公室关于印发延边州冬季清雪工作方案的通知",
    "延边州人民政府关于调整州政府领导同志工作分工的通知",
    "延边州人民政府办公室关于做好秋季森林防火工作的通知",
)

_NUMERAL = "[一二三四五六七八九十]+"
_NUMBERED_HEADING = re.compile(rf"^(?:{_NUMERAL}、|（{_NUMERAL}）|第{_NUMERAL}，)")
_PUNCTUATION = set("，。；：:,.!！？?、（）()“”《》—·")
_CAPTION = re.compile(r"\S{2,4} 摄$")
_DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_META = re.compile(r'<meta name="(ArticleTitle|PubDate|ContentSource)" content="([^"]*)">')
_SAVED_FROM = re.compile(r"<!-- saved from url=\(\d+\)(\S+) -->")


def default_articles(template: Template = "trs") -> list[DemoArticle]:
    """The articles of one demo site, newest first within each column.

    ``"trs"`` is Yanbian's TRS-style site (both seeds and the national reports; the 2025 national report is
    ``upcoming``, published by the "newly published" switch). ``"second"`` is a portal on another CMS: the two
    saved statistical-bulletin pages, served unchanged, and the national reports in its own template, with the
    2024 one too: the 2025 report states the outcomes of the 2024 report's targets, so the demo has pairs.
    """
    if template == "trs":
        return _with_related(_trs_articles())
    if template == "second":
        return _with_related(_second_articles())
    raise DemoSiteError(f"unknown template {template!r}; use one of {', '.join(TEMPLATES)}")


def split_paragraphs(lines: Iterable[str]) -> tuple[Paragraph, ...]:
    """Non-blank lines as paragraphs, each marked as heading, photo caption or running text."""
    return tuple(Paragraph(line, _kind(line)) for line in lines if line.strip())


def _kind(line: str) -> ParagraphKind:
    stripped = line.strip()
    if _CAPTION.search(stripped):
        return "caption"
    if len(stripped) <= 40 and stripped[-1] not in "。！？；：:!?" and _NUMBERED_HEADING.match(stripped):
        return "heading"
    short_title = 4 <= len(stripped) <= 16 and not stripped[0].isdigit()
    if short_title and not _PUNCTUATION.intersection(stripped):
        return "heading"
    return "text"


def _content() -> Traversable:
    return files("ingest.demo_site").joinpath("content")


def _local(text: str, layout: str) -> datetime:
    return datetime.strptime(text, layout).replace(tzinfo=SHANGHAI)


def _trs_articles() -> list[DemoArticle]:
    reports = _national_reports()
    return [
        _seed_report(),
        _national_article(reports["2008"], TRS_REPORTS, "/zwgk/zfgzbg/200803/t20080305_10532.html"),
        _national_article(reports["1978"], TRS_REPORTS, "/zwgk/zfgzbg/197802/t19780226_1045.html"),
        _seed_news(),
        _national_article(reports["2025"], TRS_NEWS, "/xwzx/ywdt/202503/t20250305_518846.html", upcoming=True),
    ]


def _second_articles() -> list[DemoArticle]:
    reports = _national_reports()
    saved = [
        _saved_page("corpus/wanzai_county_2022_tjgb.html"),
        _saved_page("corpus/yichun_city_2022_tjgb.html"),
    ]
    rendered = [
        _national_article(report, SECOND_REPORTS, _second_path(report["title"], _report_date(report)))
        for report in (reports["2025"], reports["2024"], reports["2008"], reports["1978"])
    ]
    return saved + rendered


def _seed_report() -> DemoArticle:
    lines = _content().joinpath(_SEED_REPORT).read_text("utf-8").split("\n")
    info_line = lines[0]  # "发布时间:2022-07-11 20:57   责任编辑:www"
    date_count = next(i for i, line in enumerate(reversed(lines)) if not _DATE_LINE.match(line))
    related_dates = [date.fromisoformat(line) for line in lines[len(lines) - date_count :]]
    stamp = re.search(r"发布时间:(\d{4}-\d{2}-\d{2} \d{2}:\d{2})", info_line)
    editor = re.search(r"责任编辑:(\S+)", info_line)
    if stamp is None or editor is None or len(related_dates) != len(_SEED_REPORT_RELATED_TITLES):
        raise DemoSiteError(f"package data {_SEED_REPORT} is not the expected seed; reinstall the package")
    related = tuple(
        RelatedLink(title, f"/zwgk/zfwj/{day:%Y%m}/t{day:%Y%m%d}_4551{n:02d}.html", day)
        for n, (title, day) in enumerate(zip(_SEED_REPORT_RELATED_TITLES, related_dates, strict=True), 1)
    )
    return DemoArticle(
        column=TRS_REPORTS,
        path="/zwgk/zfgzbg/202207/t20220711_437062.html",
        title="政府工作报告",
        published=_local(stamp.group(1), "%Y-%m-%d %H:%M"),
        paragraphs=split_paragraphs(lines[1 : len(lines) - date_count]),
        markup="word",
        encoding="gb18030",
        declared_charset="gb2312",
        header_charset=False,
        info_line=info_line,
        editor=editor.group(1),
        related=related,
    )


def _seed_news() -> DemoArticle:
    paragraphs = split_paragraphs(_content().joinpath(_SEED_NEWS).read_text("utf-8").split("\n"))
    return DemoArticle(
        column=TRS_NEWS,
        path="/xwzx/ywdt/202501/t20250113_512318.html",
        title=paragraphs[0].text,  # the page's headline: "凝心聚力共奋进 务实笃行谱新篇"
        published=_local("2025-01-13 08:45", "%Y-%m-%d %H:%M"),
        source="延边日报",
        paragraphs=paragraphs,
        title_by_script=True,
    )


def _national_reports() -> dict[str, dict[str, str]]:
    corpus = _content().joinpath("corpus")
    reports = {}
    for year in ("1978", "2008", "2024", "2025"):
        record = json.loads(corpus.joinpath(f"national_{year}_gwr.json").read_text("utf-8"))
        reports[record["year"]] = record
    return reports


def _report_date(report: dict[str, str]) -> datetime:
    # The day each report was delivered to the National People's Congress.
    day = {"1978": "02-26", "2008": "03-05", "2024": "03-05", "2025": "03-05"}[report["year"]]
    return _local(f"{report['year']}-{day} 16:30", "%Y-%m-%d %H:%M")


def _national_article(report: dict[str, str], column: DemoColumn, path: str, *, upcoming: bool = False) -> DemoArticle:
    content = report["content"]
    licence_at = content.find(_LICENCE_START)
    body, licence = (content, "") if licence_at < 0 else (content[:licence_at], content[licence_at:])
    notes = tuple(block.strip("\n") for block in re.split(r"\n{2,}", licence) if block.strip())
    return DemoArticle(
        column=column,
        path=path,
        title=report["title"],
        published=_report_date(report),
        source="维基文库",
        paragraphs=split_paragraphs(body.split("\n")),
        notes=notes,
        upcoming=upcoming,
    )


def _second_path(title: str, published: datetime) -> str:
    # The CMS names articles by a 32-hex id under a year-month directory.
    digest = hashlib.md5(title.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{SECOND_REPORTS.path}{published:%Y%m}/{digest}.shtml"


def _saved_page(name: str) -> DemoArticle:
    raw = _content().joinpath(name).read_bytes()
    html = raw.decode("utf-8")
    meta = dict(_META.findall(html))
    saved_from = _SAVED_FROM.search(html)
    if saved_from is None or not {"ArticleTitle", "PubDate"} <= meta.keys():
        raise DemoSiteError(f"package data {name} is not a saved CMS page; reinstall the package")
    return DemoArticle(
        column=SECOND_BULLETINS,
        path=urlsplit(saved_from.group(1)).path,
        title=meta["ArticleTitle"],
        published=_local(meta["PubDate"], "%Y-%m-%d %H:%M:%S"),
        source=meta.get("ContentSource", ""),
        raw_html=raw,
    )


def _with_related(articles: Sequence[DemoArticle], limit: int = 5) -> list[DemoArticle]:
    """Articles whose sidebar is empty get the site's other listed articles, newest first."""
    listed = sorted((a for a in articles if not a.upcoming), key=lambda a: a.published, reverse=True)
    result = []
    for article in articles:
        if article.related or article.raw_html is not None:
            result.append(article)
            continue
        others = [a for a in listed if a.path != article.path][:limit]
        links = tuple(RelatedLink(a.title, a.path, a.published.date()) for a in others)
        result.append(dataclasses.replace(article, related=links))
    return result
