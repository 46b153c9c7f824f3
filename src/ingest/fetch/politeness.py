"""Politeness towards the sites fetched: a per-host request spacing shared by all threads, and robots.txt rules."""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from protego import Protego

from ingest.failures import FailureKind

__all__ = ["CRAWL_DELAY_CAP", "RateLimiter", "RobotsPolicy", "parse_retry_after"]

CRAWL_DELAY_CAP = 60.0  # seconds; a larger Crawl-delay would stall a scheduled run, so it is capped


class RateLimiter:
    """Spaces the requests to each host at least ``1 / requests_per_second`` seconds apart, across threads.

    Each caller reserves the next free slot for its host and sleeps until it comes, so concurrent threads queue
    up instead of bursting. A host's spacing can only be widened (by a robots.txt Crawl-delay).
    """

    def __init__(self, requests_per_second: float) -> None:
        if requests_per_second <= 0:
            raise ValueError(f"requests_per_second must be positive, not {requests_per_second}")
        self._interval = 1.0 / requests_per_second
        self._host_interval: dict[str, float] = {}
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def slow_down(self, host: str, interval: float) -> None:
        """Space requests to ``host`` at least ``interval`` seconds apart from now on."""
        with self._lock:
            self._host_interval[host] = max(interval, self._host_interval.get(host, 0.0))

    def wait(self, host: str) -> None:
        """Block until a request to ``host`` may be sent."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + max(self._interval, self._host_interval.get(host, 0.0))
        if slot > now:
            time.sleep(slot - now)


@dataclass(frozen=True, slots=True)
class RobotsPolicy:
    """The robots.txt rules of one host, as they apply to one user agent."""

    rules: Protego | None  # None: no usable robots.txt, so nothing is allowed or everything is
    allow_all: bool
    reason: str | None = None  # why everything is refused, when it is
    kind: FailureKind = FailureKind.robots  # what a refusal counts as: robots, or the host's own failure

    @classmethod
    def unreachable(cls, error: str, kind: FailureKind) -> RobotsPolicy:
        """Policy for a host whose robots.txt got no response at all: the site is skipped, counted as ``kind``."""
        return cls(
            rules=None, allow_all=False, reason=f"robots.txt unavailable ({error}); the site is skipped", kind=kind
        )

    @classmethod
    def from_response(cls, status: int | None, text: str) -> RobotsPolicy:
        """Policy for a robots.txt fetch that ended with ``status`` (None: no response at all).

        As RFC 9309 says: a 4xx means there are no rules; a 5xx, a 429 that persisted through the retries, or no
        response means the site is unreachable and nothing may be fetched this run.
        """
        if status is not None and 200 <= status < 300:
            return cls(rules=Protego.parse(text), allow_all=False)
        if status is not None and 400 <= status < 500 and status != 429:
            return cls(rules=None, allow_all=True)
        why = f"HTTP {status}" if status is not None else "no response"
        return cls(rules=None, allow_all=False, reason=f"robots.txt unavailable ({why}); the site is skipped")

    def allows(self, url: str, user_agent: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return bool(self.rules.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.rules is None:
            return None
        delay = self.rules.crawl_delay(user_agent)
        return min(float(delay), CRAWL_DELAY_CAP) if delay is not None else None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
