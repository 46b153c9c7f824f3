"""What is page furniture rather than article: by element (tags, classes, visibility) and by line.

Element rules remove what a reader never sees (scripts, styles, hidden elements) from the whole page, and
named furniture (share bars, print and font-size widgets, breadcrumbs, navigation, footers, related lists)
from inside the chosen body, unless such an element holds a real amount of prose.

Line rules catch furniture that sits inside the body container or in plain text, as government
templates write it: 【字体：大 中 小】, 【打印本页】【关闭窗口】, 分享到, 扫一扫在手机打开, footers (主办, 承办,
ICP备, 网站标识码, 公网安备, 版权所有), breadcrumbs (首页 > …), info lines (发布时间, 来源, 责任编辑, 浏览次数 …),
上一篇/下一篇, related-list headings, photo captions ("王雨 摄": a line ending in a name and 摄), and lines that are
nothing but a numeric date (the dates of a sidebar list). A date written 2021年1月 or 2021年1月12日 alone on a
line is kept: that is how reports sign off. Line rules only fire on lines of at most 200 characters (info
lines 100), so a paragraph of prose is never dropped.
"""

from __future__ import annotations

import re
from typing import Final

from ingest.chinese import HAN_RANGES, han_count
from ingest.clean.tree import Element, drop, element_text, select
from ingest.cms import CATALOG_LABELS, CHROME_NAME, FURNITURE_TAGS, MAYBE_CHROME

__all__ = ["is_chrome_line", "is_info_line", "prune_chrome", "strip_invisible"]

_INVISIBLE_TAGS: Final = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "select",
     "textarea", "button", "audio", "video", "map"}
)  # fmt: skip
_HIDING_STYLE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")

# An element with this much prose of its own is not furniture, whatever its class says.
_PROSE_GUARD_CHARS: Final = 200

_CATALOG_MIN_ROWS: Final = 2
_LABEL_NOISE: Final = re.compile(r"[\s\u3000\xa0:：]+")
_MAX_CHROME_LINE: Final = 200
_MAX_INFO_LINE: Final = 100
_MAX_WIDGET_LINE: Final = 40

_INFO_LABEL: Final = (
    r"(?:发布时间|发布日期|发表时间|更新时间|信息来源|文章来源|稿件来源|来源|作者|浏览次数|浏览量|点击数|点击量"
    r"|阅读次数|阅读量|访问量|访问次数|责任编辑|责编|编辑|审核|校对|字号|字体)\s*[:：]"
)
_INFO_LABELS: Final = re.compile(_INFO_LABEL)
_INFO_AT_START: Final = re.compile(r"[【\[（(]?\s*" + _INFO_LABEL)
# Furniture recognised by how the line starts (re.match).
_CHROME_START: Final = re.compile(
    # a date and nothing else: 2022-10-06, [2022/10/06 09:35], 10-06
    r"[\[(（【]?\s*(?:(?:19|20)\d{2}\s*[-/.]\s*\d{1,2}\s*[-/.]|\d{1,2}\s*[-/])\s*\d{1,2}"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\])）】]?$"
    r"|上一篇|下一篇|上一条|下一条|上篇|下篇"
    r"|(?:相关(?:链接|新闻|文章|阅读|稿件|文件|信息|推荐|报道)|延伸阅读|推荐阅读|热点(?:新闻|推荐)|最新(?:发布|信息|动态)"
    r"|关联稿件|热门(?:文章|新闻))\s*[:：]?$"
    r"|(?:您|当前|现在)\S{0,4}位置|首页\s*[>»＞›→]"  # breadcrumbs: 您当前的位置：首页 > …
    r"|(?:摄影|图片|供图)\s*[:：/]"
    r"|分享到|(?:用?手机)?扫(?:一扫|描二维码)"
)
# Furniture recognised anywhere in a short line: a literal, and the pattern that must match where it occurs
# (None: the literal is enough). Literal checks first, because regex alternations are slow on long lines.
_CHROME_ANYWHERE: Final[tuple[tuple[str, re.Pattern[str] | None], ...]] = (
    ("ICP备", None),
    ("ICP证", None),
    ("网站标识码", None),
    ("公网安备", None),
    ("Copyright", None),
    ("COPYRIGHT", None),
    ("copyright", None),
    ("©", None),
    ("扫一扫在手机", None),
    ("版权所有", re.compile(r"版权所有(?:[:：©\s(（]|$)")),
    ("技术支持", re.compile(r"技术支持\s*[:：]")),
    ("主办", re.compile(r"^主办(?:单位)?\s*[:：]")),
    ("承办", re.compile(r"承办(?:单位)?\s*[:：]")),
    ("字", re.compile(r"字[体号]\s*[:：【\[]\s*[【\[]?\s*[大中小]\s*[】\]]?\s*[大中小]")),
    ("【", re.compile(r"【\s*(?:打印|关闭|返回顶部|收藏|纠错|加入收藏)")),
    ("[", re.compile(r"\[\s*(?:打印|关闭|返回顶部|收藏|纠错|加入收藏)")),
    ("分享到", re.compile(r"分享到\s*[:：]")),
)
# Photo captions: "…开幕。王雨 摄", "（记者 王雨 摄）", "王雨/摄".
_CAPTION_END: Final = re.compile(
    rf"[{HAN_RANGES}·]{{2,5}}(?:\s+|\s*[/／]\s*)摄(?:影)?\s*[）)]?$"
    rf"|[（(](?:记者|通讯员|摄影)?\s*[{HAN_RANGES}·、\s]{{2,20}}摄[）)]$"
)
_CAPTION_TAIL: Final = 3  # 摄 is among a caption's last three characters
_WIDGET_WORDS: Final = frozenset(
    re.split(
        r"\s+",
        "打印 打印本页 打印此页 打印页面 关闭 关闭窗口 关闭本页 返回顶部 返回 收藏 加入收藏 保存 纠错 我要纠错 "
        "字体 字号 大 中 小 默认 放大 缩小 分享 微信 微博 QQ QQ空间 朋友圈 视力保护色 无障碍 网站无障碍 "
        "关怀版 长者模式 繁体 简体 繁體 English 登录 注册 搜索 网站地图 联系我们 网站帮助 隐私声明 关于我们 "
        "查看更多 更多 展开全文 阅读全文",
    )
)
_WIDGET_SEPARATORS: Final = re.compile(r"[\s【】\[\]|｜:：/、，,()（）·]+")


def strip_invisible(root: Element) -> None:
    """Remove scripts, styles, form controls and hidden elements (keeping the text that follows them)."""
    doomed = [
        *root.iter(*_INVISIBLE_TAGS),
        *(element for element in select(root, "//*[@style or @hidden]") if _is_hidden(element)),
    ]
    for element in doomed:
        drop(element)


def prune_chrome(container: Element) -> None:
    """Remove named furniture (share bars, widgets, breadcrumbs, related lists) and 政务公开 catalog headers
    inside ``container``."""
    doomed = [element for element in select(container, MAYBE_CHROME) if _is_named_chrome(element)]
    for element in doomed:
        if _prose_chars(element) < _PROSE_GUARD_CHARS:
            drop(element)
    for table in [table for table in container.iter("table") if _is_catalog(table)]:
        drop(table)


def _is_catalog(table: Element) -> bool:
    """A table whose rows are led by catalog labels (索引号：, 发文机关：, 成文日期：…)."""
    rows = [row for row in table.iter("tr") if row.find("td") is not None or row.find("th") is not None]
    led = 0
    for row in rows:
        first = next((cell for cell in row if cell.tag in ("td", "th")), None)
        label = _LABEL_NOISE.sub("", element_text(first)) if first is not None else ""
        led += label in CATALOG_LABELS
    return len(rows) >= _CATALOG_MIN_ROWS and led * 2 > len(rows)


def is_info_line(line: str) -> bool:
    """An article info line: 发布时间：… 来源：… 责任编辑：… 浏览次数：…"""
    if len(line) > _MAX_INFO_LINE:
        return False
    return bool(_INFO_AT_START.match(line)) or len(_INFO_LABELS.findall(line)) >= 2


def is_chrome_line(line: str) -> bool:
    """Whether a clean line is page furniture, a photo caption, or sidebar date residue."""
    if len(line) > _MAX_CHROME_LINE:
        return False
    if _CHROME_START.match(line) or is_info_line(line):
        return True
    for literal, pattern in _CHROME_ANYWHERE:
        if literal in line and (pattern is None or pattern.search(line)):
            return True
    if "摄" in line[-_CAPTION_TAIL:] and _CAPTION_END.search(line):
        return True
    if len(line) > _MAX_WIDGET_LINE:
        return False
    return all(word in _WIDGET_WORDS for word in _WIDGET_SEPARATORS.split(line) if word)


def _is_hidden(element: Element) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style", "").lower()
    return ("none" in style or "hidden" in style) and bool(_HIDING_STYLE.search(style))


def _is_named_chrome(element: Element) -> bool:
    if element.tag in FURNITURE_TAGS:
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}".strip()
    return bool(names) and bool(CHROME_NAME.search(names))


def _prose_chars(element: Element) -> int:
    """Chinese characters in ``element`` outside links."""
    total = han_count(element_text(element))
    linked = sum(han_count(element_text(link)) for link in element.iter("a"))
    return total - linked
