"""A hostile site: every misbehaviour of issue 19 that a website can commit, switched on at once on one demo site.

The site's own columns stay as they were. Besides them, a list page (:data:`HOSTILE_LIST`) holds 100,000 links
in one element; behind its first links sit the hostile pages, one mode each, and behind the rest nothing (404).
robots.txt is oversized and disallows one of the linked pages in its first lines. Each mode names the issue's
case and the failure kind a run must record for its page (or that it loads), so a test or a benchmark can check a
whole hostile run.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ingest.demo_site.faults import Fault
from ingest.demo_site.server import DemoSite, linked_path
from ingest.failures import FailureKind

HOSTILE_LIST = "/zwgk/hostile/index.html"
LINKS = 100_000
ROBOTS_BYTES = 600 * 1024  # over the body cap of robots.txt: only its first 500 KiB are read (RFC 9309)


@dataclass(frozen=True, slots=True)
class HostileMode:
    """One misbehaviour, the issue's case it stands for, and what a run must make of the page it serves: a failure of
    a kind, or None for a page that loads."""

    case: int
    name: str
    path: str
    expected: FailureKind | None


def arm(site: DemoSite) -> list[HostileMode]:
    """Switch every hostile mode on for the running ``site``; returns the modes of the linked pages."""
    at = [linked_path(n) for n in range(1, 13)]
    credentials = f"http://user:secret@{urlsplit(site.base_url).netloc}/"
    modes = [
        (2, "a sentence of 3,000 figures", Fault("dense_figures", at[0], figures=3000), FailureKind.too_complex),
        (3, "a double gzip bomb", Fault("gzip_bomb", at[1], size=256 * 1024 * 1024), FailureKind.too_large),
        (3, "three gzip layers", Fault("gzip_bomb", at[2], size=1024, layers=3), FailureKind.too_large),
        (4, "headers one byte a second", Fault("slow_headers", at[3], seconds=1.0), FailureKind.timeout),
        (4, "80 KB of headers", Fault("big_headers", at[4], size=80 * 1024), FailureKind.too_large),
        (4, "an endless body", Fault("oversize", at[5], size=64 * 1024 * 1024), FailureKind.too_large),
        (7, "disallowed by an oversized robots.txt", None, FailureKind.robots),
        (9, "a redirect to markup", Fault("redirect", at[7], location="/zwgk/[/bold]/x.html"), FailureKind.not_found),
        (10, "a redirect with credentials", Fault("redirect", at[8], location=credentials), FailureKind.userinfo),
        (10, "a redirect loop", Fault("redirect", at[9], location=at[9]), FailureKind.redirect_refused),
        (11, "text 50,000 elements deep", Fault("deep_nesting", at[10], depth=50_000), FailureKind.empty_text),
        (2, "figures of 28 digits and of 23 decimals", Fault("extreme_figures", at[11]), None),
    ]
    for _, _, fault, _ in modes:
        if fault is not None:
            site.faults.add(fault)
    site.faults.set_robots(disallow=[at[6]])
    site.faults.add(Fault("oversize", path="/robots.txt", size=ROBOTS_BYTES))
    site.faults.add(Fault("links", path=HOSTILE_LIST, links=LINKS))
    return [HostileMode(case, name, path, expected) for path, (case, name, _, expected) in zip(at, modes, strict=True)]
