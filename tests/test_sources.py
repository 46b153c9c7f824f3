from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.sources import load_sources, select_source

MINIMAL = """
[[sources]]
name = "yanbian"
region = "延边朝鲜族自治州"
start_urls = ["http://127.0.0.1:8765/zwgk/zfgzbg/index.html"]
allowed_hosts = ["127.0.0.1:8765"]
allow_private = true   # loopback and private addresses allowed (only for local sites such as the demo)
rate_limit = 2.0       # requests per second per host
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_documented_minimal_form_loads(tmp_path: Path) -> None:
    [source] = load_sources(write(tmp_path, MINIMAL))
    assert source.name == "yanbian"
    assert source.allowed_hosts == ["127.0.0.1:8765"]
    assert source.allow_private is True
    assert source.rate_limit == 2.0
    assert source.max_bytes == 20 * 1024 * 1024
    assert source.allows_host("http://127.0.0.1:8765/zwgk/zfgzbg/202207/t20220711_1.html")
    assert not source.allows_host("http://127.0.0.1:9999/")
    assert not source.allows_host("http://example.invalid/")


def test_allowed_hosts_default_to_the_start_urls_hosts(tmp_path: Path) -> None:
    [source] = load_sources(write(tmp_path, MINIMAL.replace('allowed_hosts = ["127.0.0.1:8765"]\n', "")))
    assert source.allowed_hosts == ["127.0.0.1:8765"]


def test_shipped_sources_files_are_valid() -> None:
    root = Path(__file__).resolve().parents[1] / "sources"
    for path in sorted(root.glob("*.toml")):
        assert load_sources(path), path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "is not valid TOML"),
        ("x = 1", "has no [[sources]] entries"),
        (MINIMAL.replace("rate_limit = 2.0", "rate_limit = -1"), "source yanbian: rate_limit"),
        (MINIMAL.replace('name = "yanbian"', 'name = "Yan Bian"'), "name"),
        (MINIMAL.replace("http://127.0.0.1:8765/zwgk", "ftp://127.0.0.1:8765/zwgk"), "not an http(s) URL"),
        (
            MINIMAL.replace('allowed_hosts = ["127.0.0.1:8765"]', 'allowed_hosts = ["other.org"]'),
            "not on allowed_hosts",
        ),
        (MINIMAL + 'colour = "red"\n', "colour"),
        (MINIMAL + MINIMAL, "names a source twice"),
    ],
)
def test_invalid_files_give_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_sources(write(tmp_path, text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_and_unknown_source(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_sources(tmp_path / "nope.toml")
    sources = load_sources(write(tmp_path, MINIMAL))
    with pytest.raises(ConfigError, match="no source named 'x'; the file defines yanbian"):
        select_source(sources, "x")
