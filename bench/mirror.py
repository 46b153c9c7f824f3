"""A synthetic mirror of N report pages, built from the demo site's seed and corpus texts.

Every page is a :class:`DemoArticle` rendered by the demo site's own templates. Half the pages sit on the TRS
portal (延边: government work reports and news), half on the second CMS (宜春: statistical bulletins and
reports). Titles, dates (spread over two decades), paragraph mixes (runs of paragraphs drawn from the seed
report, the seed news page, the three national reports and the two saved statistical bulletins), markup (plain
or pasted from Word) and encoding (UTF-8, or GB18030 declared as gb2312 with no charset header, as the Yanbian
seed was served) vary from page to page. A seeded random generator makes the same N give the same mirror.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import lxml.html

from ingest.demo_site import (
    DemoArticle,
    DemoColumn,
    DemoSite,
    Paragraph,
    RelatedLink,
    Template,
    default_articles,
    render_article,
    split_paragraphs,
)
from ingest.demo_site.content import (
    SECOND_BULLETINS,
    SECOND_REPORTS,
    SHANGHAI,
    TRS_NEWS,
    TRS_REPORTS,
)
from ingest.sources import Source

Genre = Literal["report", "news", "bulletin"]
Pools = dict[Genre, tuple[tuple[Paragraph, ...], ...]]

FIRST_DAY = datetime(2005, 1, 1, tzinfo=SHANGHAI)
LAST_DAY = datetime(2025, 12, 31, tzinfo=SHANGHAI)
RATE_LIMIT = 100.0  # requests per second: the most a Source allows
MAX_CONCURRENCY = 8

# The demo gained the 2024 national report after the mirror's pools were fixed; leaving it out of them keeps every
# mirror, and so the bench results and the reference rows, what it was.
_NOT_IN_POOLS = frozenset({"2024年中华人民共和国国务院政府工作报告"})
_PARAGRAPHS: dict[Genre, tuple[int, int]] = {"report": (40, 140), "news": (6, 40), "bulletin": (30, 80)}
_RUN = (4, 30)  # paragraphs taken in a row from one document, so headings keep their sections
_TRS_PLACES = ("延边州", "延吉市", "图们市", "敦化市", "珲春市", "龙井市", "和龙市", "汪清县", "安图县")
_SECOND_PLACES = ("宜春市", "万载县", "袁州区", "樟树市", "丰城市", "靖安县", "奉新县", "高安市", "上高县", "宜丰县")
_NEWS_TOPICS = (
    "召开经济运行调度会议",
    "推进乡村振兴重点工作",
    "部署安全生产工作",
    "举行重大项目集中开工仪式",
    "召开优化营商环境大会",
    "开展文明城市创建活动",
    "召开政府常务会议",
    "推动招商引资工作再上新台阶",
    "全面推进生态环境保护",
    "部署冬季供暖保障工作",
)
_EDITORS = ("王丽", "李明", "金成哲", "张伟", "朴英华", None)


@dataclass(frozen=True, slots=True)
class MirrorSite:
    """One site of the mirror: the source it becomes and the articles it serves."""

    name: str  # the source's name
    region: str
    template: Template
    articles: tuple[DemoArticle, ...]


@dataclass(frozen=True, slots=True)
class MirrorPage:
    """A page of the mirror as an HTTP response would carry it."""

    body: bytes
    content_type: str
    url: str  # path on the site: extraction only needs something URL-shaped


_SITE_PLANS: tuple[tuple[str, str, Template, tuple[tuple[DemoColumn, Genre, float], ...], tuple[str, ...]], ...] = (
    ("yanbian", "延边朝鲜族自治州", "trs", ((TRS_REPORTS, "report", 0.4), (TRS_NEWS, "news", 0.6)), _TRS_PLACES),
    (
        "yichun",
        "宜春市",
        "second",
        ((SECOND_BULLETINS, "bulletin", 0.5), (SECOND_REPORTS, "report", 0.5)),
        _SECOND_PLACES,
    ),
)


def build_mirror(pages: int, *, seed: int = 8) -> tuple[MirrorSite, ...]:
    """``pages`` articles over the two sites (the TRS portal takes the odd one), the same for the same seed."""
    if pages < 1:
        raise ValueError(f"a mirror needs at least one page, got {pages}; pass --pages 1000 for the default run")
    rng = random.Random(seed)
    pools = paragraph_pools()
    counts = (pages - pages // 2, pages // 2)
    sites = []
    for (name, region, template, columns, places), count in zip(_SITE_PLANS, counts, strict=True):
        if count == 0:
            continue
        articles = [_article(rng, pools, template, columns, places, index) for index in range(count)]
        sites.append(MirrorSite(name, region, template, _with_related(articles)))
    return tuple(sites)


def paragraph_pools() -> Pools:
    """The paragraphs of the bundled texts, one tuple per document, grouped by the genre of page they fill."""
    reports: dict[str, tuple[Paragraph, ...]] = {}
    news: list[tuple[Paragraph, ...]] = []
    bulletins: list[tuple[Paragraph, ...]] = []
    for article in [*default_articles("trs"), *default_articles("second")]:
        if article.title in _NOT_IN_POOLS:
            continue
        if article.raw_html is not None:
            bulletins.append(_saved_page_paragraphs(article))
        elif article.column == TRS_NEWS and article.source != "维基文库":
            news.append(article.paragraphs)
        else:  # the seed report and the national reports (the latter appear on both sites)
            reports.setdefault(article.title if article.source == "维基文库" else article.path, article.paragraphs)
    return {"report": tuple(reports.values()), "news": tuple(news), "bulletin": tuple(bulletins)}


def mirror_pages(sites: Sequence[MirrorSite], count: int) -> list[MirrorPage]:
    """``count`` pages spread evenly over the mirror, rendered as the demo site serves them."""
    articles = [article for site in sites for article in site.articles]
    step = max(1, len(articles) // count)
    return [_page(article) for article in articles[::step][:count]]


def mirror_source(site: MirrorSite, demo: DemoSite) -> Source:
    """The source of one served site, its rate limit lifted to the maximum a source allows."""
    return Source(
        name=site.name,
        region=site.region,
        start_urls=demo.list_urls,
        allow_private=True,
        rate_limit=RATE_LIMIT,
        max_concurrency=MAX_CONCURRENCY,
    )


def write_sources(path: Path, sources: Sequence[Source]) -> None:
    """A sources TOML file for ``sources`` (the file `ingest run` and the flows read)."""
    path.write_text("\n".join(_toml_entry(source) for source in sources), encoding="utf-8")


def _toml_entry(source: Source) -> str:
    # JSON strings, numbers, booleans and arrays of strings are valid TOML values.
    values = source.model_dump(exclude_none=True)
    lines = "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in values.items())
    return f"[[sources]]\n{lines}"


def _article(
    rng: random.Random,
    pools: Pools,
    template: Template,
    columns: tuple[tuple[DemoColumn, Genre, float], ...],
    places: tuple[str, ...],
    index: int,
) -> DemoArticle:
    column, genre, _ = rng.choices(columns, weights=[share for _, _, share in columns])[0]
    published = _random_time(rng)
    place = rng.choice(places)
    title = _title(rng, genre, place, published)
    gb18030 = template == "trs" and rng.random() < 0.3
    return DemoArticle(
        column=column,
        path=_path(column, published, title, index),
        title=title,
        published=published,
        source=_origin(rng, genre, place),
        paragraphs=_paragraph_mix(rng, pools[genre], *_PARAGRAPHS[genre]),
        markup="word" if rng.random() < 0.25 else "plain",
        encoding="gb18030" if gb18030 else "utf-8",
        declared_charset="gb2312" if gb18030 else "utf-8",
        header_charset=not gb18030,
        editor=rng.choice(_EDITORS),
        title_by_script=template == "trs" and genre == "news" and rng.random() < 0.15,
    )


def _paragraph_mix(
    rng: random.Random, documents: tuple[tuple[Paragraph, ...], ...], low: int, high: int
) -> tuple[Paragraph, ...]:
    wanted = rng.randint(low, high)
    mix: list[Paragraph] = []
    while len(mix) < wanted:
        document = rng.choice(documents)
        start = rng.randrange(len(document))
        mix.extend(document[start : start + min(rng.randint(*_RUN), wanted - len(mix))])
    return tuple(mix)


def _title(rng: random.Random, genre: Genre, place: str, published: datetime) -> str:
    year = published.year
    if genre == "bulletin":
        return f"{place}{year - 1}年国民经济和社会发展统计公报"
    if genre == "news":
        return f"{place}{rng.choice(_NEWS_TOPICS)}"
    return rng.choice(
        (
            f"{place}{year}年政府工作报告",
            f"{year}年{place}人民政府工作报告",
            f"政府工作报告——{year}年{published.month}月{published.day}日在{place}人民代表大会上",
        )
    )


def _origin(rng: random.Random, genre: Genre, place: str) -> str:
    if genre == "bulletin":
        return f"{place}统计局"
    if genre == "report":
        return f"{place}人民政府办公室"
    return rng.choice((f"{place}融媒体中心", "延边日报", ""))


def _random_time(rng: random.Random) -> datetime:
    days = rng.randrange((LAST_DAY - FIRST_DAY).days + 1)
    return FIRST_DAY + timedelta(days=days, hours=rng.randint(8, 18), minutes=rng.randrange(60))


def _path(column: DemoColumn, published: datetime, title: str, index: int) -> str:
    if column.template == "trs":  # TRS numbers its articles; the index keeps the paths unique
        return f"{column.path}{published:%Y%m}/t{published:%Y%m%d}_{100000 + index}.html"
    digest = hashlib.md5(f"{title}#{index}".encode(), usedforsecurity=False).hexdigest()
    return f"{column.path}{published:%Y%m}/{digest}.shtml"


def _with_related(articles: list[DemoArticle], limit: int = 5) -> tuple[DemoArticle, ...]:
    """Each article's sidebar lists the next older articles of its column, as the CMSs do."""
    result = []
    for column in dict.fromkeys(article.column for article in articles):
        ordered = sorted((a for a in articles if a.column == column), key=lambda a: a.published, reverse=True)
        for position, article in enumerate(ordered):
            older = ordered[position + 1 : position + 1 + limit]
            links = tuple(RelatedLink(a.title, a.path, a.published.date()) for a in older)
            result.append(dataclasses.replace(article, related=links))
    return tuple(result)


def _saved_page_paragraphs(article: DemoArticle) -> tuple[Paragraph, ...]:
    assert article.raw_html is not None
    body = lxml.html.fromstring(article.raw_html).find(".//*[@id='zoomcon']")
    if body is None:
        raise ValueError(f"saved page {article.path} has no #zoomcon body; the demo site's corpus changed")
    paragraphs = (p for p in body.iter("p") if isinstance(p, lxml.html.HtmlElement))
    return split_paragraphs(paragraph.text_content().strip() for paragraph in paragraphs)


def _page(article: DemoArticle) -> MirrorPage:
    charset = f"; charset={article.declared_charset}" if article.header_charset else ""
    return MirrorPage(render_article(article), f"text/html{charset}", f"http://127.0.0.1{article.path}")
