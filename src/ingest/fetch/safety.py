"""Which URLs a source may fetch: http(s) only, without credentials in them, on its allowed hosts, and never at
a private, loopback, link-local or otherwise non-public address unless the source sets ``allow_private``."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ingest.sources import Source

__all__ = ["non_public_address", "refusal", "without_userinfo"]


def refusal(url: str, source: Source) -> str | None:
    """Why ``source`` may not fetch ``url``, in one line, or None when it may.

    The host name is resolved to check its addresses; a name that does not resolve is not refused here (the
    request fails on its own and says so).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme or '(none)'!s} is not http or https"
    if not parts.hostname:
        return f"URL {url} has no host"
    if "@" in parts.netloc:  # http://user:secret@host/: httpx would send them as Basic auth
        return "URL carries credentials (userinfo); they are never sent"
    if not source.allows_host(url):
        return f"host {parts.netloc.lower()} is not on allowed_hosts {source.allowed_hosts}"
    if not source.allow_private:
        address = non_public_address(parts.hostname)
        if address is not None:
            return f"host {parts.hostname} has the non-public address {address} (allow_private is off)"
    return None


def without_userinfo(url: str) -> str:
    """``url`` without any ``user:password@`` part, to name a refused URL without repeating its secret."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def non_public_address(host: str) -> str | None:
    """The first address of ``host`` that is not globally routable (private, loopback, link-local, …)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return str(address)
    return None
