"""`ingest demo-site` says what it serves and how to switch its faults (issue 17), and the switches it prints work."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import lxml.html
import pytest

BIN = Path(sys.executable).parent
SWITCH = re.compile(r"^  (.+?): curl -X POST (\S+) -d '(.+)'$", re.MULTILINE)


@pytest.mark.timeout(60)
def test_demo_site_prints_its_urls_and_switches_that_work() -> None:
    process = subprocess.Popen(
        [BIN / "ingest", "demo-site", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or lines[-1] != "Ctrl-C stops it.":
            line = process.stdout.readline()
            assert line, "\n".join(lines)  # the process ended before it said how to stop it
            lines.append(line.rstrip("\n"))
        printed = "\n".join(lines)
        base = re.match(r"Demo site \(trs\) serving at (http://127\.0\.0\.1:\d+)$", lines[0])
        assert base, printed
        lists = [line.strip() for line in lines if line.strip().endswith("/index.html")]
        assert lists == [base[1] + "/zwgk/zfgzbg/index.html", base[1] + "/xwzx/ywdt/index.html"]
        assert all(httpx.get(url).status_code == 200 for url in lists)
        switches = {what: (control, setting) for what, control, setting in SWITCH.findall(printed)}
        assert list(switches) == [
            "edit a page (0.5% → 0.6%)",
            "HTTP 500 on every page of a section",
            "a list page answers 40 s late, twice (a timeout)",
            "publish the upcoming articles",
            "robots.txt",
        ]
        control, setting = switches["edit a page (0.5% → 0.6%)"]
        [edited] = json.loads(setting)["edits"]
        assert "地区生产总值增长0.5%" in page_text(base[1] + edited["path"])
        assert httpx.post(control, content=setting.encode()).status_code == 200
        assert "地区生产总值增长0.6%" in page_text(base[1] + edited["path"])
        control, setting = switches["HTTP 500 on every page of a section"]
        assert httpx.post(control, content=setting.encode()).status_code == 200
        assert httpx.get(base[1] + edited["path"]).status_code == 500
    finally:
        process.terminate()
        process.wait(timeout=10)


def page_text(url: str) -> str:
    """The text a reader sees: the page (GB18030, declared gb2312) spreads a figure's digits over Word's spans."""
    return str(lxml.html.fromstring(httpx.get(url).content.decode("gb18030")).text_content())
