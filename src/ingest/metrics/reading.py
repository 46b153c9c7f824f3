"""Reading the words on either side of a figure: its verb, qualifier, adverbs, time and name.

Chinese reports state a figure as ``[name][adverbs][verb][qualifier]<figure>[qualifier]``:
"城镇登记失业率控制在4.5%以内", "地区生产总值年均增长3%", "国内生产总值达到134.9万亿元". ``read_left`` peels
those parts off the text before a figure from the right; ``read_right`` reads the noun a counted figure
modifies ("24家企业获批…" → 企业).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Direction = Literal["up", "down"]
Role = Literal["from", "to"]

_PREFIX_QUALIFIERS = {
    "不低于": "不低于",
    "不少于": "不少于",
    "不超过": "不超过",
    "不高于": "不高于",
    "不到": "不到",
    "超过": "超过",
    "突破": "突破",
    "接近": "近",
    "将近": "近",
    "约为": "约",
    "大约": "约",
    "达到": "达",
    "可达": "达",
    "高于": "高于",
    "低于": "低于",
    "力争": "力争",
    "约": "约",
    "近": "近",
    "超": "超过",
    "逾": "超过",
    "达": "达",
}
_QUALIFIER_END = re.compile("(?:" + "|".join(sorted(_PREFIX_QUALIFIERS, key=len, reverse=True)) + ")$")
_TIME_END = re.compile(r"(?:(?:19|20)\d{2}\s*年|去年|今年|上年|当年)(?:底|末)?的?$")
_FROM_END = re.compile(r"(?:由|从)$")
_COMPARED_WITH = ("比", "较", "与", "同")
_PARTICLE_END = re.compile(r"(?:的|了|按)$")

_UP = "增长|增加|提高|上涨|上升|提升|扩大|回升|增"
_DOWN = "下降|减少|降低|回落|下滑|缩小|压缩|压减|削减|缩减|减"
_GROWTH_UP_END = re.compile(
    r"(?:增收|增支|增产|增长|增加|提高|上涨|上升|提升|扩大|回升|增速|增幅|涨幅|增长幅度)(?:为|达|是|了)?$"
)
_GROWTH_DOWN_END = re.compile(
    r"(?:减收|减支|减产|下降|减少|降低|回落|下滑|缩小|压缩|压减|削减|减量|缩减|降幅|下降幅度)(?:为|达|是|了)?$"
)
_LEVEL_REACH_END = re.compile(
    rf"(?:(?:{_UP}|{_DOWN}|发展|跃升|降|调整|修订|优化|设定|确定|定)(?:到|至|为)|跃上|迈上|稳定在|控制在|保持在|维持在|在|为|是)$"
)
_LEVEL_END = re.compile(r"(?:占|实现|完成|有|安排)$")
_DOWN_VERBS = frozenset(("压缩", "削减", "压减", "减少", "降低", "下降"))
_VERB_OBJECT = re.compile(r"压缩|削减|压减|减少|降低|提高|增加(?!值)")
_GROWTH_NOUN_END = re.compile(r"(增长|增速|增幅|涨幅|增长率|降幅|下降|降低)(?:预期目标|目标)?$")
_ADVERB_END = re.compile(
    r"(?:平均每年|每年平均|年均|每年|平均|实际|名义|同比|分别|均|都|五年累计|累计|合计|总计|共计|共|首次|始终|更|再|又|将|要"
    r"|力争|确保|争取|计划|拟|预计|全年|持续|同期|已经|已|继续|进一步|仅|只|总共|基本|就|也|还"
    r"|(?:比|较|与)(?:上年末?|去年|上一年|年初|前五年|(?:19|20)\d{2}\s*年)(?:末|底|同期)?(?:相比)?"
    r"|在(?:19|20)\d{2}\s*年的?基础上|按可比价格?计算|同口径)$"
)
# An adverbial of circumstance between a subject and its verb: "收入在更大规模减税降费的情况下下降1.7%".
_FRAME_END = re.compile(r"在[^，,。；;、]{1,24}?(?:情况|条件|背景|形势|前提)下$")
_FRAME_WINDOW = 30
_AVERAGE = ("平均每年", "每年平均", "年均")
_CUMULATIVE = ("累计", "五年累计")
_TARGET_ADVERBS = ("力争", "确保", "争取", "计划", "拟")

_LEADING = re.compile(
    r"^(?:[—\-\s,，、。;；:：()（）]+|\d{1,2}[.．、](?!\d)|其中|预计|全(?:州|市|省|县|区|国|盟|旗|年)|我(?:州|市|省|县|区|国)|今年|去年|当年|年内"
    r"|过去一年|一年来|五年来|过去五年|五年|新的一年|“?十[一二三四五]五”?(?:时期|期间)?的?|同时|此外|另外|实现|完成|达到|累计|合计|共计|总计|共有|共|力争|确保"
    r"|争取|计划|拟|要|将|进一步|主要表现在|平均每年|每年平均|年均|每年|实施|落实|推进|开展|组织|举办|(?:到|至|截至)?(?:19|20)\d{2}\s*年(?:底|末)?的?|并|还|再|又|使|对)"
)
# What a clause's predicate opens with, after a subject at the clause's start: "地区生产总值连跨4个千亿台阶".
_PREDICATE_START = re.compile(
    r"(?:连续|接连|持续|先后|连跨|首次|稳居|突破|超过|达到|跨越|迈上|跃上|增长|增加|提高|下降|实现|完成|保持)"
)
_ENUMERATION = re.compile(r"(?<![高中初平同相均对优上下])等(?![级于待同])")
_MAX_NAME = 32
_WINDOW = 16  # longer than any word the end-anchored patterns match

# Where the noun after a figure ends; "和" before the next figure, in digits or in words ("5.3%和百分之六点四").
_RIGHT_STOP = re.compile(
    r"[，,。；;、：:!?！？\n()（）\d]|[和及与](?=\d|百分之)|全部|全面|相继|顺利|圆满|获批|获评|获得|荣获|获|入选|纳入|受益|建成|开工|完工"
    r"|投产|实现|完成|通过|用于|投入|进入|被|参加|落户|摘帽|出列|脱贫|治愈|达标|开放|上市|入驻|得到|列入|接受|享受|覆盖"
    r"|参与|提供|配备|配齐|惠及|的|在|已|将|正|均|都|分别|撬动|向社会|以上|以下|左右|累计|大关|新台阶|排名|排|实施|支持|增加|增长|提高|提升|下降|减少|降低|上升|上涨|达到|降至|比|同比|占|扩大|发展到|到|至|率先"
)
_MAX_RIGHT = 16
_PUNCTUATION = re.compile(r"[，,。；;：:!?！？\n]")


# The characters a word that read_left peels off can end with. Each such word ends in a character its pattern
# writes out (no class or escape ends one), and $ also matches before a final newline. A text that ends in any
# other character has no word to peel: most texts (a bare name, or one after a round of peeling) are settled by
# this lookup instead of by a search per pattern.
_WORD_END_CHARS = frozenset(
    "\n"
    + "".join(
        pattern.pattern
        for pattern in (
            _QUALIFIER_END,
            _TIME_END,
            _FROM_END,
            _PARTICLE_END,
            _GROWTH_UP_END,
            _GROWTH_DOWN_END,
            _LEVEL_REACH_END,
            _LEVEL_END,
            _ADVERB_END,
            _FRAME_END,
        )
    )
)


@dataclass(slots=True)
class Left:
    """What the text before a figure says about it."""

    name: str = ""
    qualifier: str | None = None
    direction: Direction | None = None  # growth verb: up or down
    level_verb: bool = False
    reach: bool = False  # a level reached (达到, 发展到, 为): a stock, not a flow
    average: bool = False
    cumulative: bool = False
    target: bool = False
    estimate: bool = False
    time: str | None = None  # the time written right before the figure: "2007年", "去年"
    role: Role | None = None  # 由/从 … or … 增加到: one end of a change
    every_year: bool = False  # 每年: average annual growth, or a yearly amount
    verb_object: bool = False  # the growth verb came before the name: "压缩一般性支出20%"

    @property
    def has_verb(self) -> bool:
        return self.direction is not None or self.level_verb


def read_left(text: str) -> Left:
    """Peel qualifier, time, verb and adverbs off the text before a figure; what remains is its name. (Footnote
    markers are not in the text the readers read: see ``numbers.reading_text``.)"""
    left = Left()
    rest = text.rstrip()
    while rest[-1:] in _WORD_END_CHARS:
        before = rest
        if left.qualifier is None and not left.has_verb and (m := _at_end(_QUALIFIER_END, rest)):
            left.qualifier = _PREFIX_QUALIFIERS[m.group()]
            left.reach = left.qualifier in ("达", "突破", "超过")
            rest = rest[: m.start()]
        if left.time is None and not left.has_verb and (m := _at_end(_TIME_END, rest)):
            left.time = m.group().rstrip("的底末")
            rest = rest[: m.start()]
        if (m := _at_end(_FROM_END, rest)) and not left.has_verb:
            left.role = "from"
            rest = rest[: m.start()]
        if m := _at_end(_PARTICLE_END, rest):
            rest = rest[: m.start()]
        if not left.has_verb:
            rest = _read_verb(rest, left)
        if m := _at_end(_ADVERB_END, rest):
            _read_adverb(m.group(), left)
            rest = rest[: m.start()]
        # "固定资产投资今年要增长8%": a time between the subject and its verb dates the figure as well; the year of a
        # comparison ("比2006年分别下降") is the base's, read as an adverb
        if (
            left.time is None
            and left.has_verb
            and (m := _at_end(_TIME_END, rest))
            and not rest[: m.start()].endswith(_COMPARED_WITH)
        ):
            left.time = m.group().rstrip("的底末")
            rest = rest[: m.start()]
        if left.has_verb and (m := _FRAME_END.search(rest, max(0, len(rest) - _FRAME_WINDOW))):
            rest = rest[: m.start()]
        if rest == before:
            break
    left.name = _trim_name(rest, left)
    if left.direction is None:
        _read_growth_in_name(left)
    return left


def _read_growth_in_name(left: Left) -> None:
    """Growth written into the name: "压缩一般性支出20%" (verb before its object), "涨幅控制在4.8%" (a growth noun)."""
    if not left.level_verb and (m := _VERB_OBJECT.search(left.name)) and m.end() < len(left.name):
        left.direction = "down" if m.group() in _DOWN_VERBS else "up"
        left.verb_object = True
        left.name = left.name[m.end() :]
    elif m := _at_end(_GROWTH_NOUN_END, left.name):
        left.direction = "down" if m.group(1) in _DOWN_VERBS or m.group(1) == "降幅" else "up"
        # "经济年均增长保持在6.5%以上": the adverb before the growth noun still says how the growth is measured
        if adverb := _at_end(_ADVERB_END, left.name[: m.start()]):
            _read_adverb(adverb.group(), left)
            left.name = left.name[: adverb.start()] + left.name[m.start() :]


def names_growth(name: str) -> bool:
    """Whether a name ends with a growth noun (涨幅, 增速 …), which makes its figure a growth."""
    return _at_end(_GROWTH_NOUN_END, name) is not None


def _at_end(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern`` (anchored with $, no longer than _WINDOW) at the end of text, without scanning all of it."""
    return pattern.search(text, max(0, len(text) - _WINDOW))


def _read_verb(rest: str, left: Left) -> str:
    if m := _at_end(_GROWTH_DOWN_END, rest):
        left.direction = "down"
    elif m := _at_end(_GROWTH_UP_END, rest):
        left.direction = "up"
    elif m := _at_end(_LEVEL_REACH_END, rest):
        left.level_verb = left.reach = True
        if m.group()[-1] in "到至":
            left.role = "to"
    elif m := _at_end(_LEVEL_END, rest):
        left.level_verb = True
    else:
        return rest
    return rest[: m.start()]


def _read_adverb(adverb: str, left: Left) -> None:
    if adverb in _AVERAGE:
        left.average = True
    elif adverb == "每年":
        left.every_year = True
    elif adverb in _CUMULATIVE:
        left.cumulative = True
    elif adverb in _TARGET_ADVERBS:
        left.target = True
        if adverb == "力争" and left.qualifier is None:
            left.qualifier = "力争"
    elif adverb == "预计":
        left.estimate = True


def _trim_name(name: str, left: Left) -> str:
    while m := _LEADING.match(name):
        if not m.group():
            break
        _read_adverb(m.group(), left)
        name = name[m.end() :]
    parts = _ENUMERATION.split(name)
    if len(parts) > 1:
        name = parts[-1] or parts[-2]  # "木耳、灵芝、桑黄等食(药)用菌" → 食(药)用菌
    name = name.strip("，,、 ")
    return name[-_MAX_NAME:]


def strip_leading(text: str) -> str:
    """The text without the words that open a clause before its subject: "全省地区生产总值…" → "地区生产总值…"."""
    while (m := _LEADING.match(text)) and m.group():
        text = text[m.end() :]
    return text


def opens_predicate(text: str) -> bool:
    """Whether the text opens with a verb that follows a subject: "连跨4个千亿台阶", "突破5万关口"."""
    return _PREDICATE_START.match(text) is not None


def read_right(text: str, *, stop_at_verbs: bool = True) -> str:
    """The noun right after a counted figure, up to a verb or punctuation: "家企业获批…" → "企业"."""
    stop = (_RIGHT_STOP if stop_at_verbs else _PUNCTUATION).search(text, 0, _MAX_RIGHT)
    noun = text[: stop.start()] if stop else text[:_MAX_RIGHT]
    return noun.strip()


def after_separator(text: str) -> str:
    """The part of the text between two figures of one clause that belongs to the second."""
    for separator in ("、", "，", ","):
        if separator in text:
            return text.rsplit(separator, 1)[1]
    return text.lstrip("和及与或")
