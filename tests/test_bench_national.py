"""bench.national's pieces: the sites it serves, where it serves them, and the floor it measures against."""

from __future__ import annotations

import ipaddress
from contextlib import ExitStack

import httpx
import pytest
from bench.national import FAULTY_EVERY, arm, loopback_address, main, plan_sites, politeness_floor, serve


def test_the_sites_vary_as_the_issue_asks_and_are_the_same_for_the_same_seed() -> None:
    sites, again = plan_sites(60, seed=3), plan_sites(60, seed=3)
    assert [site.name for site in sites] == [site.name for site in again]
    assert [len(site.articles) for site in sites] == [len(site.articles) for site in again]
    assert all(10 <= len(site.articles) <= 40 for site in sites)
    assert {site.template for site in sites} == {"trs", "second"}
    assert len({site.page_size for site in sites}) >= 4  # pagination varies
    assert len({site.host for site in sites}) == 60  # every site its own host
    assert [index for index, site in enumerate(sites) if site.faults] == [10, 30, 50]
    assert [(site.faults[0].kind, site.faults[0].status) for site in sites if site.faults] == [
        ("status", 503),  # retried past
        ("drop", None),  # retried past
        ("status", 404),  # a failure the run reports
    ]
    assert len({len(site.articles) for site in sites}) > 10


def test_each_site_gets_its_own_loopback_address() -> None:
    addresses = [loopback_address(index) for index in (0, 1, 253, 254, 299, 254 * 256 - 1)]
    assert addresses == ["127.77.0.1", "127.77.0.2", "127.77.0.254", "127.77.1.1", "127.77.1.46", "127.77.255.254"]
    assert all(ipaddress.ip_address(address).is_loopback for address in addresses)
    with pytest.raises(ValueError, match="does not fit"):
        loopback_address(254 * 256)


def test_a_quick_look_serves_its_sites_in_another_network_and_refuses_one_outside_loopback() -> None:
    """--network keeps a quick look off the /16 a running benchmark holds; a bad one is a one-line usage error."""
    assert [site.host for site in plan_sites(3, seed=3, network="127.78")] == ["127.78.0.1", "127.78.0.2", "127.78.0.3"]
    with pytest.raises(SystemExit) as exit_info:
        main(["--sites", "1", "--no-baseline", "--network", "10.0"])
    assert exit_info.value.code == 2


def test_the_floor_is_the_busiest_hosts_requests_over_the_rate() -> None:
    assert politeness_floor({"a": 30, "b": 41, "c": 7}, 2.0) == 20.5
    assert politeness_floor({}, 2.0) == 0.0


def test_served_sites_answer_on_their_own_addresses_count_their_requests_and_misbehave_when_armed() -> None:
    sites = plan_sites(FAULTY_EVERY // 2 + 2, seed=5)[FAULTY_EVERY // 2 - 1 :]  # the faulty one and its neighbours
    with ExitStack() as stack:
        demos = serve(stack, sites)
        arm(demos, sites)
        for site, demo in zip(sites, demos, strict=True):
            assert demo.base_url.startswith(f"http://{site.host}:")
            assert httpx.get(demo.list_urls[0]).status_code == 200
        faulty = next(i for i, site in enumerate(sites) if site.faults)
        fault = sites[faulty].faults[0]
        assert httpx.get(demos[faulty].url(fault.path)).status_code == fault.status == 503
        assert [len(demo.requests()) for demo in demos] == [1, 2, 1]
        arm(demos, sites)  # every run starts from an empty log and the faults armed afresh
        assert [len(demo.requests()) for demo in demos] == [0, 0, 0]
        assert httpx.get(demos[faulty].url(fault.path)).status_code == 503
        first = demos[0].list_urls[0]
    with pytest.raises(httpx.ConnectError):  # stopped with the stack
        httpx.get(first, timeout=2)
