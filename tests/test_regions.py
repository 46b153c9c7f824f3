"""Region identity: names resolve to the GB/T 2260 codes typed here from the official list, never from the table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.cli import app
from ingest.errors import ConfigError, IngestError
from ingest.regions import AmbiguousRegionError, UnknownRegionError, figure_region_code, is_within, region, resolve
from ingest.sources import load_sources

ROOT = Path(__file__).resolve().parents[1]

# The names of our material (eval/corpus/catalog.jsonl, sources/*.toml, the demo site's figures) and those the
# issue names, with their codes as the national list gives them.
OFFICIAL = {
    "延边朝鲜族自治州": "222400",
    "延边州": "222400",
    "延边": "222400",
    "龙岗区": "440307",
    "高唐县": "371526",
    "宜春市": "360900",
    "万载县": "360922",
    "深圳市": "440300",
    "中山市": "442000",
    "吉林市": "220200",
    "吉林省": "220000",
    "上海市": "310000",
    "太原市": "140100",
    "巴彦淖尔市": "150800",
    "武汉市": "420100",
    "洛阳市": "410300",
    "遵化市": "130281",
    "云南省": "530000",
    "内蒙古自治区": "150000",
    "山西省": "140000",
    "江苏省": "320000",
    "河南省": "410000",
    "浙江省": "330000",
    "西藏自治区": "540000",
    "甘肃省": "620000",
    "广西壮族自治区": "450000",
    "黑龙江省": "230000",
    "贵州省": "520000",
    "四川省": "510000",
    "湖南省": "430000",
    "辽宁省": "210000",
    "新疆维吾尔自治区": "650000",
    "河北省": "130000",
    "陕西省": "610000",
    "山东省": "370000",
    "湖北省": "420000",
    "安徽省": "340000",
    "天津市": "120000",
    "北京市": "110000",
    "广东省": "440000",
    "福建省": "350000",
    "重庆市": "500000",
    "青海省": "630000",
    "江西省": "360000",
    "海南省": "460000",
    "宁夏回族自治区": "640000",
}


@pytest.mark.parametrize(("name", "code"), sorted(OFFICIAL.items()))
def test_names_and_short_forms_resolve_to_their_official_code(name: str, code: str) -> None:
    assert resolve(name).code == code


def test_every_region_of_the_corpus_catalog_is_covered_here() -> None:
    catalog = (ROOT / "eval" / "corpus" / "catalog.jsonl").read_text(encoding="utf-8").splitlines()
    named = {json.loads(line)["region"] for line in catalog if line.strip()} - {None}
    assert named <= set(OFFICIAL)


def test_a_region_has_its_level_and_parent() -> None:
    yanbian = resolve("延边州")
    assert (yanbian.name, yanbian.level, yanbian.parent) == ("延边朝鲜族自治州", "prefecture", "220000")
    assert (resolve("龙岗区").level, resolve("龙岗区").parent) == ("county", "440300")
    assert (region("220000").level, region("220000").parent) == ("province", None)
    assert is_within("222401", "220000") and not is_within("222401", "360900")


def test_a_renamed_county_resolves_for_the_years_it_had_its_name() -> None:
    # 玉环县 (331021) became 玉环市 (331083) in 2017; 大同县 (140227) became 云州区 (140215) in 2018
    assert resolve("玉环县", year=2016).code == "331021"
    with pytest.raises(UnknownRegionError, match="in 2019"):
        resolve("玉环县", year=2019)
    assert resolve("大同县", year=2015).code == "140227"
    assert resolve("云州区", year=2020).code == "140215"
    with pytest.raises(UnknownRegionError):
        resolve("云州区", year=2015)
    # 襄樊市 was renamed 襄阳市 in 2010 and kept its code
    assert resolve("襄樊市", year=2009).code == resolve("襄阳市").code == "420600"


def test_within_narrows_a_name_to_a_region() -> None:
    assert resolve("万载县", within="360900").code == "360922"
    with pytest.raises(UnknownRegionError, match="within 222400"):
        resolve("万载县", within="222400")
    with pytest.raises(UnknownRegionError, match="no division has the code '999999'"):
        resolve("万载县", within="999999")


def test_unknown_and_ambiguous_names_say_what_to_write() -> None:
    with pytest.raises(UnknownRegionError) as unknown:
        resolve("示例市")
    assert 'region_code = "…"' in str(unknown.value) and "\n" not in str(unknown.value)
    # 巴州 is the short name of 巴州区 (Bazhong, 511902) and of 巴音郭楞蒙古自治州 (652800)
    with pytest.raises(AmbiguousRegionError) as ambiguous:
        resolve("巴州")
    message = str(ambiguous.value)
    assert "511902" in message and "652800" in message and 'region_code = "' in message
    assert isinstance(ambiguous.value, IngestError)


def test_a_figure_takes_its_source_code_or_a_code_within_it() -> None:
    yichun = {"source_region": "宜春市", "source_code": "360900", "year": 2023}
    assert figure_region_code("宜春市", **yichun) == "360900"
    assert figure_region_code(None, **yichun) == "360900"
    assert figure_region_code("万载县", **yichun) == "360922"
    assert figure_region_code("全国", **yichun) is None
    assert figure_region_code("延边朝鲜族自治州", **yichun) is None  # a region outside the source's
    assert figure_region_code("宜春市", source_region="宜春市", source_code=None, year=None) is None


SOURCE = """
[[sources]]
name = "yanbian"
region = "{region}"
start_urls = ["http://127.0.0.1:8765/zwgk/zfgzbg/index.html"]
{extra}
"""


def sources_file(tmp_path: Path, region_name: str, extra: str = "") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(SOURCE.format(region=region_name, extra=extra), encoding="utf-8")
    return path


def test_a_source_gets_the_code_of_its_region_or_the_one_it_gives(tmp_path: Path) -> None:
    [source] = load_sources(sources_file(tmp_path, "延边州"))
    assert (source.region, source.region_code) == ("延边州", "222400")
    [source] = load_sources(sources_file(tmp_path, "示例市", 'region_code = "222400"'))
    assert (source.region, source.region_code) == ("示例市", "222400")
    codes = {s.name: s.region_code for s in load_sources(ROOT / "sources" / "demo.toml")}
    assert codes == {"yanbian": "222400", "yichun": "360900", "portal": "222400"}


@pytest.mark.parametrize(
    ("region_name", "extra", "message"),
    [
        ("示例市", "", "source yanbian: no division is called '示例市'"),
        ("巴州", "", "source yanbian: '巴州' could be 巴州区 (511902, 巴中市)"),
        ("延边州", 'region_code = "999999"', "source yanbian: no division has the code '999999'"),
        ("延边州", 'region_code = "2224"', "source yanbian: region_code: String should match pattern"),
    ],
)
def test_a_region_that_names_no_single_division_is_an_error_of_the_sources_file(
    tmp_path: Path, region_name: str, extra: str, message: str
) -> None:
    path = sources_file(tmp_path, region_name, extra)
    with pytest.raises(ConfigError, match="^sources file .*" + message.replace("(", r"\(").replace(")", r"\)")):
        load_sources(path)
    result = CliRunner().invoke(app, ["run", "--sources", str(path), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "w.duckdb").exists()  # refused before anything ran
