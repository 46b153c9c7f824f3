"""The raw archive: every HTTP response fetched, as gzip-per-record WARC 1.1 files (warcio).

Each response becomes a ``response`` record (WARC-Target-URI = the URL that answered, ``WARC-Requested-URI`` =
the URL asked for before redirects, WARC-Date = fetch time with microseconds, HTTP status line, headers and body)
followed by the ``request`` record that produced it. A :class:`WarcRef` locates a response record by byte offset,
so :func:`read_record` reads it back without scanning the file, and without the network.

Bodies are stored as received after transfer and content decoding; the original ``Content-Encoding`` and
``Transfer-Encoding`` headers are kept as ``X-Archive-Orig-…`` so WARC readers do not decode twice.
"""

from __future__ import annotations

import http
import io
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Literal, Self
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

__all__ = ["ArchivedResponse", "Truncation", "WarcArchive", "WarcRef", "read_record"]

Truncation = Literal["length", "time", "disconnect", "unspecified"]  # WARC-Truncated: why a body is incomplete

_ARCHIVE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_DECODED_HEADERS = ("content-encoding", "transfer-encoding")
_REQUESTED_URI = "WARC-Requested-URI"


@dataclass(frozen=True, slots=True)
class WarcRef:
    """Where one response record is: file (relative to the archive root), byte offset and length, record id."""

    path: str
    offset: int
    length: int
    record_id: str


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """A response as the archive holds it; ``headers`` have lowercase names."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime


class WarcArchive:
    """Appends response records to ``root/<name>.warc.gz``; safe to share between threads.

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, root: Path, *, name: str) -> None:
        if not _ARCHIVE_NAME.fullmatch(name):
            raise ValueError(f"archive name {name!r} must be letters, digits, '.', '_' or '-' (it names a file)")
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.relative_path = f"{name}.warc.gz"
        self._file = (root / self.relative_path).open("ab")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        self._lock = threading.Lock()

    def write(
        self,
        *,
        url: str,
        final_url: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        fetched_at: datetime,
        request_headers: Mapping[str, str] | None = None,
        request_body: bytes | None = None,
        truncated: Truncation | None = None,
    ) -> WarcRef:
        """Archive one response (and the request that produced it, when ``request_headers`` are given: a GET, or
        a POST of ``request_body``)."""
        if fetched_at.tzinfo is None:
            raise ValueError("fetched_at must be timezone-aware")
        warc_date = fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        warc_headers = {"WARC-Date": warc_date, _REQUESTED_URI: url}
        if truncated is not None:
            warc_headers["WARC-Truncated"] = truncated
        response = self._writer.create_warc_record(
            final_url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            warc_headers_dict=warc_headers,
            http_headers=_response_headers(status, headers, len(body)),
        )
        record_id = str(response.rec_headers.get_header("WARC-Record-ID"))
        request = None
        if request_headers is not None:
            request = self._writer.create_warc_record(
                final_url,
                "request",
                payload=io.BytesIO(request_body or b""),
                length=len(request_body or b""),
                warc_headers_dict={"WARC-Date": warc_date, "WARC-Concurrent-To": record_id},
                http_headers=_request_headers(final_url, request_headers, "GET" if request_body is None else "POST"),
            )
        with self._lock:
            offset = self._file.tell()
            self._writer.write_record(response)
            length = self._file.tell() - offset
            if request is not None:
                self._writer.write_record(request)
            self._file.flush()
        return WarcRef(path=self.relative_path, offset=offset, length=length, record_id=record_id)

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def read_record(root: Path, ref: WarcRef) -> ArchivedResponse:
    """The response record ``ref`` points to, read from the archive under ``root``.

    Raises ValueError when ``ref`` points outside ``root`` or not at the response record it names.
    """
    relative = PurePosixPath(ref.path)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"WARC path {ref.path!r} must be relative to the archive root")
    with (root / relative).open("rb") as file:
        file.seek(ref.offset)
        data = file.read(ref.length)
    for record in ArchiveIterator(io.BytesIO(data)):
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        if record.rec_type != "response" or record_id != ref.record_id:
            break
        target = record.rec_headers.get_header("WARC-Target-URI")
        return ArchivedResponse(
            url=record.rec_headers.get_header(_REQUESTED_URI) or target,
            final_url=target,
            status=int(record.http_headers.get_statuscode()),
            headers=_header_dict(record.http_headers.headers),
            body=record.content_stream().read(),
            fetched_at=datetime.fromisoformat(record.rec_headers.get_header("WARC-Date")),
        )
    raise ValueError(f"no response record {ref.record_id} at offset {ref.offset} of {ref.path}")


def _response_headers(status: int, headers: Mapping[str, str], body_length: int) -> StatusAndHeaders:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    items: list[tuple[str, str]] = []
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in _DECODED_HEADERS:
            items.append((f"X-Archive-Orig-{name}", value))
        elif lowered != "content-length":
            items.append((name, value))
    items.append(("Content-Length", str(body_length)))
    return StatusAndHeaders(f"{status} {phrase}".strip(), items, protocol="HTTP/1.1")


def _request_headers(url: str, headers: Mapping[str, str], method: str) -> StatusAndHeaders:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    items = [("Host", parts.netloc), *((name, value) for name, value in headers.items() if name.lower() != "host")]
    return StatusAndHeaders(f"{method} {target} HTTP/1.1", items, is_http_request=True)


def _header_dict(items: list[tuple[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged
