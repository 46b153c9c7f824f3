"""Numbers and units as Chinese reports write them.

* ``HALFWIDTH`` maps full-width digits and the punctuation figures use (．％：－～／（）＋) to ASCII one
  character for one character, so offsets into the translated text are offsets into the original.
  (NFKC would also fold characters but may change the length of the text; it is never used.)
* ``reading_text`` is the text the readers read: half-width, without the spaces typesetting puts between
  Chinese and numbers and without footnote markers, with the way back to offsets of the original.
* ``parse_chinese_number`` reads numerals such as 六点五, 十三, 两千, 千.
* ``standardize`` converts a value in a unit as written (亿元, 万人次, 亿斤, 个百分点 …) to the standard
  unit of the warehouse (元, 人次, 吨, pp …).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from ingest.chinese import FOOTNOTE_MARK, FULL_WIDTH_DIGITS, HAN_RANGES, width_folding

HALFWIDTH = width_folding(FULL_WIDTH_DIGITS + "．％：－～／（）＋", also={"〜": "~"})  # 〜: the wave dash

_FULLWIDTH = re.compile("[" + "".join(chr(c) for c in HALFWIDTH) + "]")


def to_halfwidth(text: str) -> str:
    """The text with full-width digits and figure punctuation in ASCII, every character at its offset."""
    return _FULLWIDTH.sub(lambda match: str(HALFWIDTH[ord(match.group())]), text)


# What the readers skip, as if it were not written:
# - "增长 5.3%，达到 3210 亿元", "2022 年": typesetting tools, PDF exports and some editors space Chinese and
#   Latin digits apart for looks ("pangu spacing"); the space says nothing, and every reader of years and
#   figures expects a number against its unit and its 年. Line breaks stay: they end paragraphs.
# - a footnote marker after a figure or a word ("增长5.3%[2]，达到3210亿元", "分别增长5%①和7%②"): it stands
#   between a figure and the words that belong to it or to the next figure. One at the start of a line labels
#   a footnote or a list item and stays.
_SILENT = re.compile(
    rf"(?<=[{HAN_RANGES}])[^\S\n]+(?=\d)|(?<=[\d%])[^\S\n]+(?=[{HAN_RANGES}])"
    rf"|(?<=\S){FOOTNOTE_MARK}"
)
# Every silent span starts with a space or with the first character of a FOOTNOTE_MARK. _SILENT starts with
# lookbehinds, which keep the regex engine from skipping ahead: scanned with finditer it tries every position of
# the text (0.85 ms on a 13,000-character report); tried only where a span can start, it costs a tenth of that.
_SILENT_START = re.compile(r"[\s\[［①-⑩]")


@dataclass(frozen=True, slots=True)
class ReadingText:
    """A text as the readers read it, and the offsets of its characters in the original."""

    text: str
    origin: tuple[int, ...] | None = None  # per character and for the end; None: offsets are the original's

    def original(self, position: int) -> int:
        return position if self.origin is None else self.origin[position]

    def original_end(self, end: int) -> int:
        """The end of a span in the original: after its last character, not after the spaces that follow."""
        return end if self.origin is None or end == 0 else self.origin[end - 1] + 1

    def reading(self, original: int) -> int:
        """Where a position of the original (a section's bounds) falls in the reading text."""
        return original if self.origin is None else bisect.bisect_left(self.origin, original)


def reading_text(text: str) -> ReadingText:
    """``text`` in half-width, without the spaces between Chinese and numbers and the footnote markers."""
    half = to_halfwidth(text)
    silent_spans = list(_silent_spans(half))
    if not silent_spans:
        return ReadingText(half)
    # slices and ranges between the silent spans, not a loop per character: a report is 50,000 of them
    pieces: list[str] = []
    origin: list[int] = []
    start = 0
    for silent in silent_spans:
        pieces.append(half[start : silent.start()])
        origin.extend(range(start, silent.start()))
        start = silent.end()
    pieces.append(half[start:])
    origin.extend(range(start, len(half) + 1))
    return ReadingText("".join(pieces), tuple(origin))


def _silent_spans(text: str) -> Iterator[re.Match[str]]:
    """``_SILENT.finditer(text)``, trying the pattern only where a silent span can start."""
    position = 0
    while candidate := _SILENT_START.search(text, position):
        found = _SILENT.match(text, candidate.start())  # its lookbehinds still see the text before
        if found is None:
            position = candidate.start() + 1
        else:
            yield found
            position = found.end()


def reading_form(text: str) -> str:
    """A title or heading as the readers read it (no offsets are kept)."""
    return reading_text(text).text


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
CHINESE_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_LARGE_UNITS) + "点"


def parse_chinese_number(numeral: str) -> Decimal:
    """Read a Chinese numeral: 六点五 → 6.5, 十三 → 13, 两千 → 2000, 千 → 1000, 一万二千 → 12000.

    Raises ValueError for a string that is not a numeral.
    """
    if not numeral or any(ch not in CHINESE_NUMERAL_CHARS for ch in numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    integer_part, _, fraction_part = numeral.partition("点")
    value = Decimal(_parse_integer(integer_part)) if integer_part else Decimal(0)
    if fraction_part:
        if any(ch not in _DIGITS for ch in fraction_part):
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
        value += Decimal("0." + "".join(str(_DIGITS[ch]) for ch in fraction_part))
    return value


def _parse_integer(numeral: str) -> int:
    high = 0  # what 亿 closed
    low = 0  # what 万 closed since the last 亿: 万 multiplies only that ("一亿零五百万" is 105,000,000)
    group = 0  # the group being read, below 万
    digit: int | None = None
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            group += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:
            group += digit or 0
            if ch == "万":
                low = (low + (group or 1)) * _LARGE_UNITS[ch]
            else:
                high = (high + (low + group or 1)) * _LARGE_UNITS[ch]
                low = 0
            group, digit = 0, None
    return high + low + group + (digit or 0)


# Magnitude prefixes written between a number and its base unit ("1.4万亿斤", "2000多万人").
MAGNITUDES: dict[str, Decimal] = {
    "万亿": Decimal(10) ** 12,
    "千亿": Decimal(10) ** 11,
    "百亿": Decimal(10) ** 10,
    "亿": Decimal(10) ** 8,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "万": Decimal(10) ** 4,
}

# Base units: unit as written → (factor to the standard unit, standard unit).
_WEIGHT = {"吨": Decimal(1), "斤": Decimal("0.0005"), "公斤": Decimal("0.001"), "千克": Decimal("0.001")}
BASE_UNITS: dict[str, tuple[Decimal, str]] = {
    "%": (Decimal(1), "%"),
    "‰": (Decimal(1), "‰"),
    "个百分点": (Decimal(1), "pp"),
    "百分点": (Decimal(1), "pp"),
    "倍": (Decimal(1), "times"),
    "元/月": (Decimal(1), "元/月"),
    "元/年": (Decimal(1), "元/年"),
    "元/人": (Decimal(1), "元/人"),
    "元": (Decimal(1), "元"),
    "美元": (Decimal(1), "美元"),
    "人次": (Decimal(1), "人次"),
    "人口": (Decimal(1), "人"),
    "人份": (Decimal(1), "人份"),
    "人": (Decimal(1), "人"),
    "名": (Decimal(1), "人"),
    **{unit: (factor, "吨") for unit, factor in _WEIGHT.items()},
    "亩": (Decimal(1), "亩"),
    "公顷": (Decimal(1), "公顷"),
    "平方公里": (Decimal(1), "平方公里"),
    "平方米": (Decimal(1), "平方米"),
    "立方米": (Decimal(1), "立方米"),
    "人公里": (Decimal(1), "人公里"),
    "吨公里": (Decimal(1), "吨公里"),
    "公里": (Decimal(1), "公里"),
    **{unit: (Decimal(1), unit) for unit in ("架次", "艘次", "车次", "班次", "人次")},
    "千米": (Decimal(1), "公里"),
    "千瓦时": (Decimal(1), "千瓦时"),
    "千瓦": (Decimal(1), "千瓦"),
    "个工作日": (Decimal(1), "工作日"),
    "工作日": (Decimal(1), "工作日"),
    "小时": (Decimal(1), "小时"),
    "标准箱": (Decimal(1), "标准箱"),
    # classifiers of counted things: the standard unit is the classifier itself
    **{
        c: (Decimal(1), c)
        for c in "个户家项件所套处座条台辆艘架头只匹羽箱袋部批种次份张册篇场间栋幢块片根株棵枚支类床轮期"
    },
}
# A magnitude alone is a unit when a noun follows: "4.73万农村贫困人口", "1.5亿学生".
BARE_MAGNITUDE_UNITS = ("万", "亿")

# Units as written whose figures are shares, rates, changes or multiples rather than amounts.
RELATIVE_UNITS = frozenset({"%", "‰", "个百分点", "百分点", "倍", "成", "番"})
# Classifiers that count things; a noun often follows them ("24家企业").
CLASSIFIERS = frozenset(
    unit for unit, (_, std) in BASE_UNITS.items() if std == unit and len(unit) == 1 and unit not in "%‰倍元亩"
) | {"名"}


def split_unit(unit: str) -> tuple[str, str]:
    """Split a unit as written into its magnitude prefix and base unit: "万亿元" → ("万亿", "元")."""
    for magnitude in MAGNITUDES:
        if unit.startswith(magnitude) and unit != magnitude:
            rest = unit[len(magnitude) :]
            if rest in BASE_UNITS:
                return magnitude, rest
    return "", unit


def standardize(value: Decimal, unit: str | None) -> tuple[Decimal | None, str | None]:
    """The value and unit of the warehouse's standard for a value in a unit as written.

    亿元 → 元 (×1e8), 万人 → 人, 亿斤 → 吨 (1 斤 = 0.5 kg), 万人次 → 人次, 个百分点 → pp, 倍 → times.
    A bare magnitude ("万" before a noun) scales the value and has no standard unit.
    Unknown units give (None, None).
    """
    if unit is None:
        return None, None
    factor, std_unit = _conversion(unit)
    if factor is None:
        return None, None
    return _normal(value * factor), std_unit


@cache
def _conversion(unit: str) -> tuple[Decimal | None, str | None]:
    if unit in MAGNITUDES:
        return MAGNITUDES[unit], None
    magnitude, base = split_unit(unit)
    if base not in BASE_UNITS:
        return None, None
    factor, std_unit = BASE_UNITS[base]
    return (MAGNITUDES[magnitude] if magnitude else Decimal(1)) * factor, std_unit


def _normal(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (1.4E+12 → 1400000000000)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal
