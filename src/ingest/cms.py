"""What Chinese government CMSs (TRS WCM, Hanweb, gkmlpt, VSB, WebPlus …) look like: the vocabularies the stages
recognise them by, in one place, as trafilatura keeps its XPaths in one module.

* URL shapes: an article's path, a list page's file, the publication day a path carries;
* list markup: the rows and containers of article lists, their pagination, and the furniture around them;
* body containers: the comments and elements that hold an article's text, and the script record some pages
  build their article from;
* page furniture: the tags and class/id words of share bars, breadcrumbs, navigation and the like in an article page;
* shown dates: where a page shows its publication day outside an info line (发布时间：…).
"""

from __future__ import annotations

import re
from typing import Final

# --- URL shapes -------------------------------------------------------------------------------------------------
ARTICLE_PATH = re.compile(
    r"""
      /t\d{8}_\d+\.s?html?$                          # TRS WCM: /202207/t20220711_123456.html
    | /art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$  # Hanweb JCMS
    | /post_\d+\.html$                               # content/post_123456.html (gkmlpt and derived portals)
    | /content_\d+\.s?html?$                         # gov.cn and Xinhua: /2023-05/26/content_5123456.htm
    | /(?:19|20)\d{4}/[\w-]+\.s?html?$               # month folders: /202305/36796cdc82d0….shtml
    | /(?:19|20)\d{6}/[\w-]+\.s?html?$               # day folders: /20230526/….html
    | /(?:19|20)\d{2}/\d{1,2}/\d{1,2}/[\w-]+\.s?html?$
    | /c\d+a\d+/page\.s?html?$                       # WebPlus: /2023/0526/c1234a56789/page.htm
    | /info/\d+/\d+\.s?html?$                        # VSB: /info/1023/12345.htm
    """,
    re.IGNORECASE | re.VERBOSE,
)
# List and column pages that can sit in dated folders too.
LIST_FILE = re.compile(r"(?:index|default|list|more)(?:_\d+)?\.\w+$", re.IGNORECASE)

URL_DAY = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
)
URL_YEAR = re.compile(r"/t?((?:19|20)\d{2})(?:\d{2}|[-/])")


# --- list markup ------------------------------------------------------------------------------------------------
ROW_TAGS = frozenset({"li", "tr", "dd", "dt", "dl", "p", "article"})
CONTAINER_TAGS = frozenset({"ul", "ol", "table", "tbody", "thead", "body", "html", "form"})
# class/id words of the page chrome around a list (broader than CHROME_NAME: a list page has no prose to protect);
# "position"/"location" are the 当前位置 breadcrumb, "dh" is 导航
BOILERPLATE_WORD = re.compile(
    r"(?:^|[-_])(?:header|head|nav|navbar|navigation|menu|topbar|footer|foot|bottom|crumbs?|breadcrumbs?"
    r"|position|location|sidebar|side|aside|copyright|friendlinks?|yqlj|dh|share|toolbar)(?:$|[-_\d])",
    re.IGNORECASE,
)
NAV_TEXT = frozenset(
    ["首页", "返回首页", "网站首页", "更多", "更多>>", "more", "上一页", "下一页", "尾页", "末页", "打印"]
)
NEXT_TEXT = frozenset({"下一页", "下页", "下一頁", "后页", "后一页", "next", ">", "›"})
PAGE_PARAMS = frozenset(
    {"page", "pagenum", "pageno", "pageindex", "pagenumber", "page_no", "curpage", "currentpage", "p", "pn"}
)
PAGED_FILE = re.compile(r"^(?P<stem>.+?)(?:_(?P<n>\d+))?\.(?P<ext>s?html?|jsp|php|aspx?)$", re.IGNORECASE)
CREATE_PAGE_CALL = re.compile(r"(?<!function )\bcreatePageHTML\s*\(([^)]*)\)")
DATASTORE_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)


# --- list data endpoints (lists a column page builds in script) ---------------------------------------------------
# Hanweb/jpaas jpage: the column page's script names module/web/jpage/dataproxy.jsp and the column's parameters
# (in a jpage({...}) call, an ajaxParam object, or the datastore's <nextgroup> link); the endpoint answers an XML
# <datastore> of <record><![CDATA[<li>…]]></record> rows with <totalrecord>.
DATAPROXY_URL = re.compile(r"""["'=]\s*([^"'\s<>]*?/module/web/jpage/dataproxy\.jsp[^"'\s<>]*)""", re.IGNORECASE)
DATAPROXY_PARAM = re.compile(
    r"""\b(columnid|unitid|webid|appid|col|path|sourcecontenttype|permissiontype|webname)["']?\s*[:=]\s*"""
    r"""(?:"([^"]*)"|'([^']*)'|([^,;&}\s"']+))""",
    re.IGNORECASE,
)
DATAPROXY_PER_PAGE = re.compile(r"""\bperpage["']?\s*[:=]\s*["']?(\d+)""", re.IGNORECASE)
TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.IGNORECASE)
# Guangdong's gkmlpt (政府信息公开目录平台) behind every Guangdong prefecture and county portal: a JSON list API
# at /gkmlpt/api/all/<column>?page=N&sid=<site>, {"articles": [{"url", "title", "first_publish_time"…}], "total"}.
GKMLPT_API = re.compile(r"""["']([^"'\s<>]*/gkmlpt/api/[^"'\s<>]*)["']""", re.IGNORECASE)
# What a JSON list answer calls its rows, their fields, and its total.
JSON_LIST_KEYS = ("articles", "list", "data", "rows", "records", "items", "result", "results")
JSON_URL_KEYS = ("url", "link", "href", "art_url", "linkurl", "docpuburl")
JSON_TITLE_KEYS = ("title", "name", "doctitle")
JSON_DATE_KEYS = ("first_publish_time", "publish_time", "date", "pubdate", "publishdate", "docreltime", "created_at")
JSON_TOTAL_KEYS = ("total", "count", "totalcount", "total_count", "totalrecord")
# Script that builds a list in the page: what marks a column page as rendered client-side.
BUILDS_BY_SCRIPT = re.compile(
    r"\.innerHTML\s*[+]?=|document\.write\s*\(|\.appendChild\s*\(|\.insertAdjacentHTML\s*\(|\$\.(?:ajax|get|post|getJSON)\s*\("
    r"|\bfetch\s*\(|XMLHttpRequest|\.jpage\s*\(|\.html\s*\(",
)


# --- body containers ---------------------------------------------------------------------------------------------
MARKED_BODY: Final = re.compile(
    r"(?:<!--\s*(?:ContentStart|ZJEG_RSS\.content\.begin|正文开始)\s*-->"
    r"|<meta\s+name\s*=\s*[\"']?ContentStart[\"']?[^>]*>)"
    r"(?P<body>.*?)"
    r"(?:<!--\s*(?:ContentEnd|ZJEG_RSS\.content\.end|正文结束)\s*-->"
    r"|<meta\s+name\s*=\s*[\"']?ContentEnd[\"']?[^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
MARKER_WORDS: Final = ("ContentStart", "contentstart", "content.begin", "正文开始")  # in comments
# Guangdong's gkmlpt article pages (/gkmlpt/content/…/post_….html) build the article in the browser from a record
# the page carries in script: window._CONFIG = {SID: '…', …, DETAIL: {"title", "content", "source", times …}}, with
# "content" the body as HTML inside a JSON string ("<" written "\u003C"). Times are Unix seconds; the displayed one
# first. (Read as public crawlers of gkmlpt read it, e.g. hulelan/china-governance crawlers/gkmlpt.py.)
EMBEDDED_RECORD: Final = re.compile(r"\bDETAIL\s*:\s*(?=\{)")
EMBEDDED_RECORD_WORD: Final = "DETAIL"  # looked for first: a substring test costs far less than the pattern's scan
RECORD_BODY_KEY: Final = "content"
RECORD_SOURCE_KEYS: Final = ("source", "publisher")
RECORD_TIME_KEYS: Final = ("display_publish_time", "first_publish_time", "publish_time")
# Lower rank wins. Names are compared lower-cased.
KNOWN_TAGS: Final = {"ucapcontent": 0}
KNOWN_CLASSES: Final = {
    **dict.fromkeys(("trs_editor", "trs_editor_view", "trs_ueditor"), 0),
    **dict.fromkeys(
        (
            "article-content", "article_content", "articlecontent", "pages_content", "wz_con", "xxgk_content",
            "art_con", "bt_content", "detail-content", "detail_content", "news_content", "newscontent",
            "zoom", "con_text", "text_con", "zwnr", "article_con",
        ),
        1,
    ),
    **dict.fromkeys(("content", "zw", "zhengwen", "main-content", "maincontent", "article", "detail"), 2),
}  # fmt: skip
KNOWN_IDS: Final = {
    **dict.fromkeys(("ucap-content",), 0),
    **dict.fromkeys(("zoom", "zoomcon", "fontzoom", "vsb_content", "article-content", "zoomtext"), 1),
    **dict.fromkeys(("content", "zw", "article", "maincontent"), 2),
}


# --- page furniture ----------------------------------------------------------------------------------------------
FURNITURE_TAGS: Final = frozenset({"nav", "footer", "aside", "header"})  # of list pages and article pages alike
MAYBE_CHROME: Final = ".//nav | .//footer | .//aside | .//header | .//*[@class or @id]"
# class/id words of furniture inside an article page (chrome.py spares an element with prose of its own)
CHROME_NAME: Final = re.compile(
    r"share|crumb|footer|sidebar|related|relevant|qrcode|erweima|fontsize|font-size|jiathis"
    r"|(?:^|[\s_-])(?:nav|navbar|menu|foot|bottom|side|position|location|dqwz|xgwz|xgxw|xglj|ewm|gotop|print"
    r"|close|btn|tools?|toolbar|pager|pagination|prevnext|sxp|comment|font|attr)(?:$|[\s_-])",
    re.IGNORECASE,
)

# Bold set by a paragraph's style: CSS font-weight, or 界面新闻's own attribute cms-style="strong-Bold".
CMS_STYLE: Final = "cms-style"
BOLD_STYLE: Final = re.compile(r"font-weight\s*:\s*(?:[Bb]old|[6-9]00)|strong-[Bb]old")  # literal starts: fast

# The labels of a 政务公开 catalog header (索引号 | 分类 | 发文机关 | 成文日期 | 标题 | 发文字号 …), a table above the
# document that restates its metadata; a table whose rows are led by these labels is furniture, not body.
CATALOG_LABELS: Final = frozenset(
    {"索引号", "分类", "主题分类", "发文机关", "发布机构", "成文日期", "发文日期", "生成日期", "发布日期", "标题",
     "名称", "发文字号", "文号", "有效性", "公开方式", "公开时限", "公开范围", "责任部门", "主题词", "体裁分类"}
)  # fmt: skip

# --- shown dates -------------------------------------------------------------------------------------------------
# e-paper (数字报) templates show the issue's day in a bar above the page: <span id="paperdate">, <div class="dSearch">
ISSUE_DATE_NAME: Final = re.compile(r"^(?:paperdate|dsearch)$", re.IGNORECASE)
# WeChat articles write their publication time into <em id="publish_time"> by script, from `var ct = "<unix time>"`
WECHAT_CREATE_TIME: Final = re.compile(r"""\bvar\s+ct\s*=\s*["'](?P<seconds>\d{9,11})["']""")
