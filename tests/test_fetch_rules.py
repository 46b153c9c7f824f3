"""The fetcher's rules that need no server: address safety, robots.txt policy, Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from ingest.fetch.politeness import CRAWL_DELAY_CAP, RobotsPolicy, parse_retry_after
from ingest.fetch.safety import non_public_address, refusal
from ingest.sources import Source

UA = "ingest-reports/0.1 (+https://github.com/; research)"


def source(**options: object) -> Source:
    return Source.model_validate(
        {"name": "t", "region": "延边", "start_urls": ["http://www.yanbian.gov.cn/zwgk/"]} | options
    )


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("10.1.2.3", "10.1.2.3"),
        ("192.168.0.7", "192.168.0.7"),
        ("169.254.169.254", "169.254.169.254"),  # cloud metadata, link-local
        ("::1", "::1"),
        ("::ffff:10.0.0.1", "10.0.0.1"),
        ("100.64.0.1", "100.64.0.1"),  # carrier-grade NAT
        ("0.0.0.0", "0.0.0.0"),
        ("224.0.0.1", "224.0.0.1"),
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
    ],
)
def test_non_public_addresses(host: str, address: str | None) -> None:
    assert non_public_address(host) == address


def test_refusal_reasons() -> None:
    site = source(allowed_hosts=["www.yanbian.gov.cn", "10.1.2.3", "8.8.8.8:8080"])
    assert refusal("ftp://www.yanbian.gov.cn/a", site) == "scheme ftp is not http or https"
    assert "example.invalid is not on allowed_hosts" in (refusal("http://example.invalid/a", site) or "")
    assert "non-public address 10.1.2.3" in (refusal("http://10.1.2.3/a", site) or "")
    assert refusal("http://8.8.8.8:8080/a", site) is None
    assert refusal("http://8.8.8.8:9090/a", site) is not None  # the entry names a port
    local = source(allowed_hosts=["www.yanbian.gov.cn", "10.1.2.3"], allow_private=True)
    assert refusal("http://10.1.2.3/a", local) is None


def test_robots_rules_for_our_user_agent() -> None:
    policy = RobotsPolicy.from_response(
        200, "User-agent: *\nDisallow: /private/\nCrawl-delay: 1.5\n\nUser-agent: ingest-reports\nDisallow: /x/\n"
    )
    # the group naming our product token wins over "*"
    assert not policy.allows("http://a.gov.cn/x/1.html", UA)
    assert policy.allows("http://a.gov.cn/private/1.html", UA)
    assert not policy.allows("http://a.gov.cn/private/1.html", "OtherBot/1.0")
    assert policy.crawl_delay("OtherBot/1.0") == 1.5
    assert RobotsPolicy.from_response(200, "User-agent: *\nCrawl-delay: 3600\n").crawl_delay(UA) == CRAWL_DELAY_CAP


def test_robots_unavailable_and_unreachable() -> None:
    missing = RobotsPolicy.from_response(404, "")
    assert missing.allows("http://a.gov.cn/anything", UA)
    for status in (500, None):
        down = RobotsPolicy.from_response(status, "")
        assert not down.allows("http://a.gov.cn/anything", UA)
        assert down.reason is not None and down.reason.startswith("robots.txt unavailable")


def test_retry_after_seconds_and_http_dates() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 <= (parse_retry_after(later) or 0) <= 90
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # already past
