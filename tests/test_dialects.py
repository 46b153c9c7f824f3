"""Data endpoints recognised from column pages as real portals write them, and their answers read generically."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from ingest.dialects import ListRequest, builds_by_script, find_endpoint, read_data_page

# A Hanweb JCMS column page: the first records inline, the rest from dataproxy.jsp, named in <nextgroup>
NEXTGROUP = (
    "/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=1229276&unitid=4946821"
    "&webname=%E5%BB%B6%E8%BE%B9&permissiontype=0"
)
RECORD = '<li><a href="/art/2023/5/26/art_1229276_123.html">2023年政府工作报告</a><span>2023-05-26</span></li>'
HANWEB = f"""<html><body><div class="nav"><a href="/col/col1/index.html">首页</a></div>
<div id="4946821"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{NEXTGROUP}"></a>]]></nextgroup>
<recordset><record><![CDATA[{RECORD}]]></record></recordset>
</datastore></script></div>
<script src="/module/jslib/jquery/jpage/jpage.js"></script>
<script>$('#4946821').jpage({{dataStore: $('#4946821 script'), perPage: 15, groupSize: 3}});</script>
</body></html>"""


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_a_hanweb_page_names_its_dataproxy_endpoint_and_parameters() -> None:
    found = find_endpoint(HANWEB, "http://www.example.gov.cn/col/col1229276/index.html")
    assert found is not None and found.dialect == "dataproxy"
    assert found.url.startswith("http://www.example.gov.cn/module/web/jpage/dataproxy.jsp?")
    params = query(found.url)
    assert params["columnid"] == "1229276" and params["unitid"] == "4946821" and params["path"] == "/"
    assert (params["startrecord"], params["endrecord"], params["perpage"]) == ("1", "45", "15")
    assert "page" not in params  # the nextgroup link's own page number is jpage's, not the endpoint's


def test_a_dataproxy_answer_is_read_and_paged_to_its_total() -> None:
    rows = "".join(
        f'<record><![CDATA[<li><a href="/art/2023/5/{n}/art_1_{n}.html">第{n}号通知公告</a>'
        f"<span>2023-05-{n:02d}</span></li>]]></record>"
        for n in range(1, 4)
    )
    answer = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<datastore><totalrecord>7</totalrecord><recordset>{rows}</recordset></datastore>"
    )
    request = ListRequest(
        "http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=3&columnid=1", "dataproxy"
    )
    page = read_data_page(answer.encode(), request)
    assert [a.published for a in page.articles] == [date(2023, 5, n) for n in range(1, 4)]
    assert page.next is not None and query(page.next.url) == {"startrecord": "4", "endrecord": "6", "columnid": "1"}
    last = ListRequest(
        "http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=7&endrecord=9&columnid=1", "dataproxy"
    )
    assert read_data_page(answer.encode(), last).next is None


def test_a_gkmlpt_page_names_its_json_api() -> None:
    page = "<script>var url = '/gkmlpt/api/all/2?sid=440100'; $.getJSON(url, render);</script>"
    found = find_endpoint(page, "http://www.gz.gov.cn/gkmlpt/index")
    assert found == ListRequest("http://www.gz.gov.cn/gkmlpt/api/all/2?sid=440100&page=1", "json")


def test_json_lists_are_read_whatever_their_nesting_and_date_form() -> None:
    answer = {
        "code": 0,
        "data": {
            "list": [
                {"doctitle": "统计公报", "linkurl": "/tjgb/post_1.html", "pubdate": 1651334400000},
                {"doctitle": "其他站点", "linkurl": "http://elsewhere.cn/post_2.html", "pubdate": "2022-05-01"},
                {"doctitle": "工作报告", "linkurl": "/zfgzbg/post_3.html", "pubdate": "2022年4月30日"},
            ],
            "total": 9,
        },
    }
    page = read_data_page(json.dumps(answer).encode(), ListRequest("http://a.gov.cn/api/list?pageNo=2", "json"))
    assert [(a.url, a.published) for a in page.articles] == [
        ("http://a.gov.cn/tjgb/post_1.html", date(2022, 5, 1)),  # milliseconds since the epoch, in Beijing time
        ("http://a.gov.cn/zfgzbg/post_3.html", date(2022, 4, 30)),
    ]
    assert page.next == ListRequest("http://a.gov.cn/api/list?pageNo=3", "json")


def test_a_page_with_links_names_no_endpoint_and_a_script_built_list_is_noticed() -> None:
    plain = '<ul><li><a href="/zwgk/202305/t20230526_1.html">通知</a> 2023-05-26</li></ul>'
    assert find_endpoint(plain, "http://a.gov.cn/zwgk/index.html") is None
    assert not builds_by_script(plain)
    assert builds_by_script("<ul id='l'></ul><script>document.getElementById('l').innerHTML = rows;</script>")
