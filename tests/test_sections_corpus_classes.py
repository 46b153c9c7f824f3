"""Heading classes the real corpus (eval/corpus) showed: news intertitles the page set in bold, numbered clauses of
a notice, a page's title block, and a "查看更多" link, each in the corpus's own words."""

from __future__ import annotations

from ingest.clean import clean_html
from ingest.extract import extract_response
from ingest.sections import split_sections
from tests.test_clean import page

LEAD = "国庆中秋长假过半，但外媒关注武汉的热情不减，“中国”“武汉”依然频频出现在各大主流媒体的新闻报道中。"
INTERTITLES = "\n".join(
    [
        LEAD,
        "英国《泰晤士报》：",
        "蓬勃发展的武汉再次充满欢声笑语",
        "英国《泰晤士报》网站10月2日发表了题为《蓬勃发展的武汉再次充满欢声笑语》的报道，这座城市再度充满活力。",
        "阿根廷布宜诺斯艾利斯经济新闻网：",
        "大批中国人选择出行，高铁车票在几小时内被抢光",
        "据阿根廷布宜诺斯艾利斯经济新闻网10月1日报道，今年的国庆节是中国成功控制疫情以来第一个重大节日。",
    ]
)


def test_intertitles_the_page_set_in_bold_are_top_level_headings() -> None:
    # 长江日报 (TRS): a bold kicker "…：" over a bold title; the second title joins two phrases with a comma
    sections = split_sections(INTERTITLES, marked=frozenset({1, 2, 4, 5}))
    assert [(s.level, s.heading) for s in sections] == [
        (1, "英国《泰晤士报》： 蓬勃发展的武汉再次充满欢声笑语"),
        (1, "阿根廷布宜诺斯艾利斯经济新闻网： 大批中国人选择出行，高铁车票在几小时内被抢光"),
    ]


def test_in_plain_text_a_short_line_with_a_comma_is_not_a_title() -> None:
    # seed 000: a fragment a multi-column layout cut off reads like an intertitle; nothing marks it as one
    text = (
        "积极招引头部企业。\n扩大高水平对外开放，全方位提升要素\n"
        "行二级以上医疗机构“一次挂号管三天”服务，受益群众3.7万人次。"
    )
    assert split_sections(text) == []


def test_a_short_paragraph_may_follow_a_bold_intertitle() -> None:
    # 人民网: "扛稳粮食安全重任，加快建设农业强省" heads a one-sentence paragraph of 28 characters
    text = "\n".join(
        [
            "“今年3月，习近平总书记主持召开新时代推动中部地区崛起座谈会。”",
            "扛稳粮食安全重任，加快建设农业强省",
            "王凯介绍，河南做好良田、良种、良机、良法融合一体的文章。",
            "系统谋划推进改革，科技创新跑出加速度",
            "王凯介绍，面对新一轮科技革命和产业变革，河南系统谋划推进创新体系建设。",
        ]
    )
    assert [s.heading for s in split_sections(text, marked=frozenset({1, 3}))] == [
        "扛稳粮食安全重任，加快建设农业强省",
        "系统谋划推进改革，科技创新跑出加速度",
    ]


def test_bold_paragraphs_reach_the_sections_through_the_clean_text() -> None:
    # 界面新闻 sets bold with its own cms-style attribute
    body = (
        '<div class="article-content">'
        f"<p>{LEAD}</p>"
        '<p cms-style="font-L strong-Bold"><font cms-style="font-L strong-Bold">2022年重大项目共安排883个，年度</font>'
        '<font cms-style="font-L strong-Bold">社会投资占比74.3%</font></p>'
        "<p>根据报告，深圳2022年重大项目计划共安排项目883个，总投资35674.8亿元，同比增长26.2%。</p>"
        "<p><strong>稳住制造业基本盘</strong></p>"
        "<p>覃伟中强调，深圳要坚持制造业立市之本，增强现代产业体系竞争力，稳住制造业基本盘。</p></div>"
    )
    html = page(body, "<title>深圳两会</title>")
    assert clean_html(html).heading_lines == {1, 3}
    headings = [s.heading for s in extract_response(html.encode()).sections]
    assert headings == ["2022年重大项目共安排883个，年度社会投资占比74.3%", "稳住制造业基本盘"]


def test_numbered_clauses_of_a_notice_are_not_headings() -> None:
    # 吉林省人民政府 通告: each clause is a sentence, not a phrase over a part
    text = "\n".join(
        [
            "为做好吉林省嫩江干流补充治理工程建设，现就有关事项通告如下：",
            "一、吉林省嫩江干流补充治理工程位于大安市、镇赉县和前郭县，建设征占地范围为现有堤防距堤脚线两侧15米范围内。",
            "二、自本通告发布之日起，在吉林省嫩江干流补充治理工程建设征占地范围内,禁止任何单位和个人新建、扩建和改建项目。",
            "三、自本通告发布之日起，上述区域内新迁入的人口不享有相关补偿政策。",
            "特此通告。",
        ]
    )
    assert split_sections(text) == []


def test_a_long_top_level_heading_without_a_comma_is_still_a_heading() -> None:
    # a report's second part explains the draft plan it is delivered with: a long phrase, not a clause
    text = "\n".join(
        [
            "一、过去一年工作回顾",
            "全区经济运行稳中向好。",
            "二、关于《某某区国民经济和社会发展第十五个五年规划和二〇三五年远景目标纲要（草案）》的编制说明",
            "纲要草案共分十二个部分。",
            "三、今年主要任务",
            "今年要重点做好以下工作。",
        ]
    )
    assert [s.heading for s in split_sections(text) if s.level == 1] == [
        "过去一年工作回顾",
        "关于《某某区国民经济和社会发展第十五个五年规划和二〇三五年远景目标纲要（草案）》的编制说明",
        "今年主要任务",
    ]


def test_the_items_of_a_list_ended_by_semicolons_are_not_headings() -> None:
    text = "\n".join(
        [
            "一、过去一年工作回顾",
            "全区经济运行稳中向好。",
            "二、今年主要任务",
            "今年的主要预期目标是：",
            "1.地区生产总值增长6%左右；",
            "2.城镇调查失业率5.5%以内；",
            "3.居民消费价格涨幅3%左右。",
        ]
    )
    assert [s.heading for s in split_sections(text)] == ["过去一年工作回顾", "今年主要任务"]


def test_long_measures_below_the_top_level_stay_headings() -> None:
    # the 1978 national report: its （一）…（九） measures are long sentences under a short top-level heading
    text = "\n".join(
        [
            "一、加快社会主义经济建设",
            "（一）在普遍增产粮食的基础上抓好两头，一头是抓好十二个大面积商品粮基地和全国的国营农场，"
            "八年内使它们提供的商品粮比现在增加两、三倍。",
            "（二）在提高单位面积产量的同时，在不损害水土保持、森林、草原和水产资源的条件下，组织国营农场和"
            "人民公社有计划地开垦荒地。",
            "二、繁荣社会主义科学教育文化事业",
            "科学技术是生产力。",
        ]
    )
    assert [(s.level, s.number) for s in split_sections(text)] == [(1, "一"), (2, "（一）"), (2, "（二）"), (1, "二")]


def test_the_title_block_at_the_start_of_a_page_is_not_a_section() -> None:
    # 云南网 and 西藏日报 repeat the headline (with a kicker or a subtitle) as the first lines of the body
    text = (
        "15家企业\n17种产品、1个园区入选国家绿色制造名单\n"
        "近年来，我省积极把握制造业发展趋势，加速向智能制造、绿色制造、高端制造转型。"
    )
    assert split_sections(text, "17种产品、1个园区入选国家绿色制造名单") == []
    assert [s.heading for s in split_sections(text)] == ["15家企业 17种产品、1个园区入选国家绿色制造名单"]


def test_a_more_link_is_not_text() -> None:
    # 新华网: "查看更多" under the article
    body = f'<div class="article-content"><p>{LEAD}</p><p>查看更多</p></div>'
    assert clean_html(page(body)).text == LEAD


# A report whose top level is unnumbered and whose parts each hold a list that starts again at （一）; the second
# part's heading proposes ("…建议"), the third names no year. Written for the test in the shape of a provincial report.
RESTARTING = "\n".join(
    [
        "2024年工作回顾",
        "过去一年，我们坚持稳中求进工作总基调，全年地区生产总值增长5.5%。",
        "（一）稳住经济基本盘。固定资产投资增长4%。",
        "（二）推进科技创新。研发投入增长9%。",
        "2025年工作安排建议",
        "今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。",
        "（一）扩大有效需求。社会消费品零售总额增长5%。",
        "民生实事",
        "1.新增城镇就业40万人。",
        "2.改造老旧小区800个。",
        "（二）深化改革开放。进出口总额增长3%。",
        "加强政府自身建设",
        "新征程上，政府工作要更加务实。",
        "（一）坚持依法行政。全面推进法治政府建设。",
        "（二）坚持廉洁从政。",
    ]
)


def test_a_list_restarting_at_its_first_label_marks_a_new_unnumbered_part() -> None:
    sections = split_sections(RESTARTING)
    assert [s.heading for s in sections if s.level == 1] == ["2024年工作回顾", "2025年工作安排建议", "加强政府自身建设"]
    # a list of another scheme (1. under （一）) restarts nothing: the bare line above it is not a part
    assert "民生实事" not in [s.heading for s in sections if s.level == 1]
