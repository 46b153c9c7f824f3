"""Edge WAF challenges: pages that stand between a client and the site until a script has set a cookie.

Chinese government portals sit behind edge WAFs (Jiasule, Ruishu, cloud CDNs) that answer a first request either
with a 302 to the same URL setting a cookie, which the fetcher follows once with the cookie, or with a small page
(often status 412) that is nothing but a script computing a cookie and reloading. Only a browser can answer the
second kind; the fetcher names it ``waf_challenge`` so that it is not mistaken for a blocked client or an empty page.
"""

from __future__ import annotations

import re

__all__ = ["challenge"]

# A challenge is small: the WAF pages seen in the wild are 1-10 KB, nearly all of it script.
_MAX_CHALLENGE_BYTES = 32 * 1024
_SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_COOKIE_SETTER = re.compile(rb"document\s*\.\s*cookie\s*=|\bsetCookie\s*\(|__jsl_clearance|acw_sc__", re.IGNORECASE)
_TAG = re.compile(rb"<[^>]*>|&nbsp;|\s+")
_MAX_VISIBLE_BYTES = 60  # what is left outside scripts on a challenge page: a title, "请稍候…", nothing more


def challenge(status: int | None, body: bytes | None) -> str | None:
    """Why a response is a WAF challenge, in one line, or None when it is not one.

    A 412 carrying a script is one; so is a response of any status that is only a cookie-setting script.
    """
    if status is None or not body or len(body) > _MAX_CHALLENGE_BYTES:
        return None
    scripts = _SCRIPT.findall(body)
    if not scripts:
        return None
    if status == 412:
        return "HTTP 412 with a script challenge"
    if not any(_COOKIE_SETTER.search(script) for script in scripts):
        return None
    visible = _TAG.sub(b"", _SCRIPT.sub(b"", body))
    if len(visible) > _MAX_VISIBLE_BYTES:
        return None
    return f"HTTP {status}: a page that only sets a cookie by script"
