"""Content-Encoding decoding bounded layer by layer.

httpx decodes a whole network chunk at once, so a few kilobytes of nested gzip (``Content-Encoding: gzip,
gzip``) become gigabytes before a size cap can look at them. Here each layer inflates in pieces of at most
64 KB and stops as soon as it has given ``limit`` bytes, and at most two layers are decoded.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

__all__ = ["MAX_LAYERS", "DecodingError", "TooLargeError", "content_codings", "decode"]

MAX_LAYERS = 2
_PIECE = 64 * 1024
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class DecodingError(Exception):
    """The body cannot be decoded within the bounds; the message says why in one line."""


class TooLargeError(DecodingError):
    """A layer would give more than the limit."""


class TooManyLayersError(DecodingError):
    """More codings than are decoded: the shape of a compression bomb."""


def content_codings(header: str | None) -> list[str]:
    """The codings a Content-Encoding header names, in the order the server applied them (identity left out)."""
    codings = (coding.strip().lower() for coding in (header or "").split(","))
    return [coding for coding in codings if coding and coding != "identity"]


def decode(chunks: Iterable[bytes], codings: list[str], *, limit: int) -> Iterator[bytes]:
    """The body ``chunks`` decoded from ``codings``, in pieces; raises TooLargeError when a layer would give more
    than ``limit`` bytes, DecodingError for more than two layers, an unknown coding or corrupt data."""
    if len(codings) > MAX_LAYERS:
        raise TooManyLayersError(
            f"{len(codings)} content codings ({', '.join(codings)}); at most {MAX_LAYERS} are decoded"
        )
    unknown = [coding for coding in codings if coding not in _WBITS]
    if unknown:
        raise DecodingError(f"unsupported content coding {unknown[0]!r}")
    pieces = iter(chunks)
    for coding in reversed(codings):  # the last applied is the outermost
        pieces = _inflate(pieces, coding, limit)
    return pieces


def _inflate(chunks: Iterator[bytes], coding: str, limit: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj(_WBITS[coding])
    raw_fallback = coding == "deflate"  # some servers send raw deflate without its zlib wrapper
    given = 0
    for chunk in chunks:
        data = chunk
        while True:
            try:
                piece = inflater.decompress(data, _PIECE)
            except zlib.error as exc:
                if raw_fallback:
                    inflater, raw_fallback = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise DecodingError(f"cannot decode the {coding} body: {exc}") from None
            raw_fallback = False
            given += len(piece)
            if given > limit:
                raise TooLargeError(f"the {coding} layer gives more than {limit} bytes")
            if piece:
                yield piece
            data = inflater.unconsumed_tail
            if inflater.eof or (not data and len(piece) < _PIECE):
                break
