"""The indicator vocabulary: codes, names and the aliases reports use for them.

The vocabulary is a CSV file (columns code, name_zh, name_en, typical_units, aliases; lists separated by
";"), by default the package's ``ingest/data/indicators.csv``, which the warehouse also loads as its
``indicators`` table. A name matches an indicator when it *ends* with one of its names or aliases — Chinese
noun phrases put their head last, so "数字经济核心产业增加值占国内生产总值比重" is a share, not GDP — after
brackets, quotes and a few generic tails (增速, 规模, 预期目标 …) are taken off.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ingest.errors import ConfigError

_COLUMNS = ("code", "name_zh", "name_en", "typical_units", "aliases")
# Words after an indicator's name that do not change what is measured.
_GENERIC_TAILS = (
    "预期目标",
    "增长率",
    "增长",
    "预期",
    "增速",
    "增幅",
    "规模",
    "总量",
    "平均值",
    "平均",
    "目标",
    "水平",
    "实际",
    "名义",
)
# The words after a list of names that make each of them a share ("A、B占比分别为31%、40%"): every name's, not
# only the last one's.
SHARE_TAIL = re.compile(r"(?:所占比重|占比|比重)$")
# The kinds of zone inside a region (a 新区 alone may be the region itself: "新区生产总值" in a 新区's own report).
_ZONES = "新片区|开发区|高新区|经开区|园区|自贸区|自由贸易试验区|示范区|保税区"
# Words before an indicator's name that make it another quantity: a per-unit or per-capita measure, a share, a
# sub-sector (其他服务业增加值, 营利性服务业增加值, 海洋生产总值: the marine economy, 民营: the private sector), or the
# figure of a part of the region (市级, 旗本级, 县（市、区）, 中心城区, 乡镇, 开发区, 脱贫地区 …), which is not the
# region's headline figure. The level words cover every level a region may have (州, 旗 and 盟 as much as 市 and 县).
_MODIFIER_END = re.compile(
    r"(?:人均|单位|每万人|每百元|每万元|万元|占|城镇|城市|乡村|农村|其他|营利性|生产性|生活性|现代|海洋|民营"
    rf"|[市县区州旗盟乡镇]本?级|本级|县市区|区县|县区|市县|乡镇|街道|中心城区|城区|县域|脱贫地区|脱贫县|{_ZONES}|国家)$"
)
_NOISE = re.compile(r"\([^()]*\)|（[^（）]*）|[“”\"'‘’《》〈〉\s]")
# "县（市、区）", "区（县）": a list of kinds of area, which the bracket rule would cut down to its first kind.
_AREA_KINDS = re.compile(r"([县市区])[(（]([县市区])(?:、([县市区]))?[)）]")
# A verb between a subject and its measure: "服务业实现增加值", "固定资产完成投资" name 服务业增加值, 固定资产投资.
_INNER_VERB = re.compile(r"(?<=.)(?:实现|完成)(?=.)")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator of the vocabulary."""

    code: str
    name_zh: str
    name_en: str
    units: tuple[str, ...]
    aliases: tuple[str, ...]


class Vocabulary:
    """Indicators and the names that refer to them."""

    def __init__(self, indicators: list[Indicator]) -> None:
        self.indicators = indicators
        self._by_name: dict[str, str] = {}
        for indicator in indicators:
            for name in (indicator.name_zh, *indicator.aliases):
                self._by_name.setdefault(normalize_name(name), indicator.code)
        self._lengths = sorted({len(name) for name in self._by_name}, reverse=True)
        self._matched: dict[str, str | None] = {}
        self._openings: dict[str, tuple[str, str] | None] = {}
        # generic head → the names ending with it, for names that leave their subject to an earlier clause
        self._by_head: dict[str, list[str]] = {}
        for name in sorted(self._by_name, key=len, reverse=True):
            for head in ELLIPTIC_HEADS:
                if name.endswith(head) and len(name) > len(head):
                    self._by_head.setdefault(head, []).append(name)

    @classmethod
    def load(cls, path: Path | None = None) -> Vocabulary:
        """Read a vocabulary CSV; without a path, the package's own ``data/indicators.csv``."""
        if path is None:
            text = resources.files("ingest").joinpath("data/indicators.csv").read_text(encoding="utf-8")
            source = "ingest/data/indicators.csv"
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as error:
                raise ConfigError(f"cannot read the indicator vocabulary {path}: {error.strerror}") from None
            source = str(path)
        return cls(_parse(text, source))

    def match(self, name: str) -> str | None:
        """The code of the indicator a name refers to, or None. The longest alias at the end of the name wins."""
        if name not in self._matched:
            self._matched[name] = self._match(normalize_name(name))
        return self._matched[name]

    def _match(self, key: str) -> str | None:
        code = self._match_key(key)
        if code is None and _INNER_VERB.search(key):
            code = self._match_key(_INNER_VERB.sub("", key))
        return code

    def _match_key(self, key: str) -> str | None:
        for _ in range(4):  # "…生产总值预期增长目标" sheds three generic tails
            if key in WHOLE_NAME_ALIASES:  # "经济增速预期目标" is 经济 once its tails are shed
                return WHOLE_NAME_ALIASES[key]
            for length in self._lengths:
                if length <= len(key) and key[-length:] in self._by_name:
                    # "人均国内生产总值", "单位GDP能耗" name another quantity than the alias they end with
                    modified = _MODIFIER_END.search(key, 0, len(key) - length)
                    return None if modified else self._by_name[key[-length:]]
            stripped = _strip_generic_tail(key)
            if stripped == key:
                return None
            key = stripped
        return None

    def opening_name(self, text: str) -> tuple[str, str] | None:
        """The longest name of the vocabulary a text opens with, and the rest of the text after it."""
        if text not in self._openings:
            self._openings[text] = self._opening_name(normalize_name(text))
        return self._openings[text]

    def _opening_name(self, key: str) -> tuple[str, str] | None:
        for length in self._lengths:
            if length <= len(key) and key[:length] in self._by_name:
                return key[:length], key[length:]
        return None

    def match_elliptic(self, name: str, before: str) -> tuple[str, str] | None:
        """Resolve a bare head ("产量", "利润") whose subject was named earlier in the sentence.

        Returns (indicator code, full name) when a name of the vocabulary ends with the head and the rest of it
        occurs in ``before``: "全国粮食连续四年增产，2007年产量达到…" → ("GRAIN_OUTPUT", "粮食产量").
        """
        key = normalize_name(name)
        context = normalize_name(before)
        for full in self._by_head.get(key, ()):
            if full[: -len(key)] in context:
                return self._by_name[full], full
        return None


# A sentence that opens with a named part of the region ("临港新片区新一轮…政策出台，…全社会固定资产投资总额…增长
# 10.3%") states that part's figures, not the region's headline ones.
SUB_AREA_OPENING = re.compile(rf"^[^，,。；;:：\s]{{2,10}}?(?:{_ZONES}|新区|片区)")

# Words that name an indicator only as the whole name, never as the end of a longer one: "经济增长5.5%左右" is the
# growth of the economy (GDP), "民营经济增长8%" is not.
WHOLE_NAME_ALIASES = {"经济": "GDP"}

# Heads that reports use alone when the subject is in the previous clause.
ELLIPTIC_HEADS = ("产量", "利润", "总产值", "产值", "增加值", "营业收入")


def normalize_name(name: str) -> str:
    """A name without brackets, quotes and spaces, as the vocabulary compares names."""
    if "（" in name or "(" in name:
        name = _AREA_KINDS.sub(_joined_kinds, name)
    return _NOISE.sub("", name)


def _joined_kinds(match: re.Match[str]) -> str:
    return "".join(kind for kind in match.groups() if kind)


def _strip_generic_tail(key: str) -> str:
    for tail in _GENERIC_TAILS:
        if key.endswith(tail) and len(key) > len(tail):
            return key[: -len(tail)]
    return key


def _parse(text: str, source: str) -> list[Indicator]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or tuple(reader.fieldnames[: len(_COLUMNS)]) != _COLUMNS:
        raise ConfigError(f"{source}: the header must start with {','.join(_COLUMNS)}")
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        code = (row["code"] or "").strip()
        name_zh = (row["name_zh"] or "").strip()
        if not code or not name_zh:
            raise ConfigError(f"{source}, line {line}: every indicator needs a code and a name_zh")
        if code in seen:
            raise ConfigError(f"{source}, line {line}: the code {code} is defined twice; keep one row per code")
        seen.add(code)
        indicators.append(
            Indicator(
                code=code,
                name_zh=name_zh,
                name_en=(row["name_en"] or "").strip(),
                units=_split_list(row["typical_units"]),
                aliases=_split_list(row["aliases"]),
            )
        )
    return indicators


def _split_list(cell: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (cell or "").split(";") if item.strip())
