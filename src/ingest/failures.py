"""Why a page could not be loaded, as one of a closed set of kinds, with what an operator can do about each.

A failure is classified where it arises (the fetcher, the parse stage); its ``detail`` keeps the specifics (a
status, a retry count, an exception's message) so that "HTTP 500 (gave up after 3 attempts)" and "HTTP 500 (gave
up after 2 attempts)" count as one kind. The kinds are fixed here, with a hint each, so that run summaries,
artifacts and ``fetch_log.reason_class`` speak one vocabulary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class FailureKind(StrEnum):
    timeout = "timeout"
    refused = "refused"
    dns = "dns"
    tls = "tls"
    waf_challenge = "waf_challenge"
    blocked_status = "blocked_status"
    stub = "stub"
    js_only_list = "js_only_list"
    robots = "robots"
    too_large = "too_large"
    not_found = "not_found"
    server_error = "server_error"
    redirect_refused = "redirect_refused"
    userinfo = "userinfo"
    parse_error = "parse_error"
    too_complex = "too_complex"
    empty_text = "empty_text"
    http_error = "http_error"


HINTS: dict[FailureKind, str] = {
    FailureKind.timeout: "no answer in time: a slow site, or one that drops foreign clients; retry, or use a proxy",
    FailureKind.refused: "the connection was refused, dropped or cut short; check the site is up, then retry",
    FailureKind.dns: "the host name does not resolve; check the URL, or resolve it from mainland China",
    FailureKind.tls: "the TLS handshake failed; the site's certificate or protocol is unusable from here",
    FailureKind.waf_challenge: "a WAF answered with a script challenge; fetch through a proxy in mainland China",
    FailureKind.blocked_status: "the site refuses this client; try a proxy in mainland China",
    FailureKind.stub: "an article page with almost no text (a notice, a bare link); check the column URL",
    FailureKind.js_only_list: 'the list is built by script; set render = "list", or name its endpoint in list_api',
    FailureKind.robots: "robots.txt disallows it or is unavailable; ask the site, or leave it out",
    FailureKind.too_large: "the response is larger than max_bytes; raise the source's max_bytes if it is wanted",
    FailureKind.not_found: "the page is gone (404/410); the list links to a dead page, nothing to do",
    FailureKind.server_error: "the server failed (5xx); it is retried next run, check the site if it persists",
    FailureKind.redirect_refused: "a redirect left the allowed hosts or looped; add the host to allowed_hosts",
    FailureKind.userinfo: "the URL carries a user name or password, which is never sent; fix the link",
    FailureKind.parse_error: "the page could not be read or extracted; report it with its URL",
    FailureKind.too_complex: "the page is too complex to extract in time; report it with its URL",
    FailureKind.empty_text: "the page has no main text; check the source's selectors or the page itself",
    FailureKind.http_error: "another HTTP status or request error; see the detail",
}

# 412 and 429 are what Chinese WAFs mostly send; portals that refuse connections from outside mainland China
# answer 403, 405 or the nonstandard 493.
BLOCKED_STATUSES = frozenset({401, 403, 405, 407, 412, 429, 451, 493})
NOT_FOUND_STATUSES = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class Failure:
    """A page that could not be loaded: which, of what kind, and the specifics in one line."""

    url: str
    kind: FailureKind
    detail: str

    @property
    def hint(self) -> str:
        return HINTS[self.kind]


def status_kind(status: int) -> FailureKind:
    """The kind of an HTTP status that is neither a success nor a redirect to follow."""
    if status in NOT_FOUND_STATUSES:
        return FailureKind.not_found
    if status in BLOCKED_STATUSES:
        return FailureKind.blocked_status
    if status >= 500:
        return FailureKind.server_error
    return FailureKind.http_error


def count_by_kind(failures: Iterable[Failure]) -> list[tuple[FailureKind, int]]:
    """How many failures of each kind, most frequent first."""
    return Counter(failure.kind for failure in failures).most_common()


def summarise_failures(failures: Iterable[Failure]) -> str:
    """``3 failed (server_error 2, not_found 1): http://…/a.html (HTTP 500 …); …`` for state messages."""
    items = list(failures)
    kinds = ", ".join(f"{kind} {n}" for kind, n in count_by_kind(items))
    shown = "; ".join(f"{f.url} ({f.detail})" for f in items[:5])
    more = f"; and {len(items) - 5} more" if len(items) > 5 else ""
    return f"{len(items)} failed ({kinds}): {shown}{more}"
