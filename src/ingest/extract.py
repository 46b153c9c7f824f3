"""Extraction: clean → sections → metrics for one page, the unit the pipeline and `ingest extract` share.

``EXTRACTOR_VERSION`` names the behaviour of the whole chain. Bump it whenever cleaning, sectioning or
metric extraction changes what they produce: the warehouse keeps rows of every extractor version apart,
and `ingest reprocess` rebuilds the current ones from the WARC archive.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from ingest.clean import clean_html, clean_text
from ingest.encoding import decode_html, looks_binary
from ingest.errors import InputError
from ingest.fetch import Fetcher
from ingest.metrics import Vocabulary, extract_metrics
from ingest.model import CleanDocument, ExtractedDocument
from ingest.sections import split_sections
from ingest.sources import Source

EXTRACTOR_VERSION = "2026.12.11"


def extract_html(
    html: str, *, url: str | None = None, region: str | None = None, vocabulary: Vocabulary | None = None
) -> ExtractedDocument:
    """Extract a page given as decoded HTML."""
    return extract_clean(clean_html(html, url), region=region, vocabulary=vocabulary)


def extract_response(
    body: bytes,
    *,
    content_type: str | None = None,
    url: str | None = None,
    region: str | None = None,
    vocabulary: Vocabulary | None = None,
) -> ExtractedDocument:
    """Extract a page given as the raw bytes of an HTTP response, in whatever encoding it came."""
    return extract_html(decode_html(body, content_type), url=url, region=region, vocabulary=vocabulary)


def extract_plain_text(
    text: str, *, url: str | None = None, region: str | None = None, vocabulary: Vocabulary | None = None
) -> ExtractedDocument:
    """Extract a document given as plain text (a saved .txt copy of a report)."""
    return extract_clean(clean_text(text, url), region=region, vocabulary=vocabulary)


def extract_clean(
    document: CleanDocument, *, region: str | None = None, vocabulary: Vocabulary | None = None
) -> ExtractedDocument:
    """Sections and metrics of an already clean document."""
    sections = split_sections(document.text, document.title, document.heading_lines)
    published = document.published_at.date() if document.published_at else None
    metrics = extract_metrics(
        document.text,
        sections,
        region=region,
        title=document.title,
        published=published,
        vocabulary=vocabulary,
    )
    return ExtractedDocument(document=document, sections=sections, metrics=metrics, extractor_version=EXTRACTOR_VERSION)


def content_sha256(document: CleanDocument) -> str:
    """The hash that decides whether a re-fetched page is a new version: its title and clean text."""
    digest = hashlib.sha256()
    digest.update((document.title or "").encode("utf-8"))
    digest.update(b"\x00")
    digest.update(document.text.encode("utf-8"))
    return digest.hexdigest()


MAX_INPUT_BYTES = 20 * 1024 * 1024


def extract_target(target: str, *, region: str | None = None) -> ExtractedDocument:
    """Extract one page named on the command line: an http(s) URL, an HTML file or a .txt file.

    Raises InputError, with the reason in one line, for a missing, binary, oversized or empty input.
    """
    if target.startswith(("http://", "https://")):
        body, content_type, url = _download(target)
    else:
        body, content_type, url = _read_file(Path(target)), None, None
    if looks_binary(body):
        raise InputError(f"{target} is a binary file, not an HTML page or text")
    if url is None and Path(target).suffix.lower() == ".txt":
        extracted = extract_plain_text(decode_html(body), region=region)
    else:
        extracted = extract_response(body, content_type=content_type, url=url, region=region)
    if not extracted.document.text.strip():
        raise InputError(f"{target} has no main text to extract (an empty page, or only navigation)")
    return extracted


def _read_file(path: Path) -> bytes:
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise InputError(f"{path} is larger than {MAX_INPUT_BYTES // 2**20} MB")
    return path.read_bytes()


def _download(url: str) -> tuple[bytes, str | None, str]:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError as exc:
        raise InputError(f"{url} is not a valid URL: {exc}") from None
    host = parts.netloc
    source = Source(
        name="extract", region="-", start_urls=[url], allowed_hosts=[host], allow_private=True, max_retries=1
    )
    with Fetcher(source) as fetcher:
        result = fetcher.fetch(url)
    if result.error or result.body is None:
        raise InputError(f"cannot fetch {url}: {result.error or f'HTTP {result.status}'}")
    return result.body, result.headers.get("content-type"), result.final_url
