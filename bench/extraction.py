"""Extraction per page on one core: ours (decode → clean → sections → metrics) beside trafilatura and lxml.

Each round times every extractor over the same pages, one after the other, so background load on a shared
machine falls on all of them alike; a figure is the median over rounds of the mean time per page.
"""

from __future__ import annotations

import cProfile
import gc
import os
import pstats
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import lxml.html
import trafilatura

from bench.mirror import MirrorPage
from ingest.clean import clean_html
from ingest.encoding import decode_html
from ingest.extract import extract_response
from ingest.metrics import Vocabulary, extract_metrics
from ingest.sections import split_sections

REGION = "延边朝鲜族自治州"
STAGES = ("decode", "clean", "sections", "metrics")


@dataclass(frozen=True, slots=True)
class ExtractionTimes:
    """Milliseconds per page: each extractor whole, and our chain stage by stage."""

    ours: float
    trafilatura: float
    lxml_parse: float
    stages: dict[str, float]  # decode, clean, sections, metrics
    ours_p90: float  # the 90th percentile page, median over rounds


def time_extraction(pages: Sequence[MirrorPage], *, rounds: int, vocabulary: Vocabulary) -> ExtractionTimes:
    """Time the extractors over ``pages``, ``rounds`` times, on one core."""
    extractors: dict[str, Callable[[MirrorPage], object]] = {
        "ours": lambda page: extract_response(
            page.body, content_type=page.content_type, url=page.url, region=REGION, vocabulary=vocabulary
        ),
        "trafilatura": lambda page: trafilatura.extract(page.body),
        "lxml_parse": lambda page: lxml.html.fromstring(page.body),
    }
    means: dict[str, list[float]] = {name: [] for name in [*extractors, *STAGES]}
    ours_p90: list[float] = []
    with one_core():
        for function in extractors.values():  # warm up: imports, caches, compiled patterns
            function(pages[0])
        for _ in range(rounds):
            for name, function in extractors.items():
                times = _time_each(function, pages)
                means[name].append(statistics.fmean(times))
                if name == "ours":
                    ours_p90.append(statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0])
            for name, seconds in _time_stages(pages, vocabulary).items():
                means[name].append(seconds / len(pages))
    median_ms = {name: statistics.median(values) * 1000 for name, values in means.items()}
    return ExtractionTimes(
        ours=median_ms["ours"],
        trafilatura=median_ms["trafilatura"],
        lxml_parse=median_ms["lxml_parse"],
        stages={name: median_ms[name] for name in STAGES},
        ours_p90=statistics.median(ours_p90) * 1000,
    )


def profile_extraction(pages: Sequence[MirrorPage], *, vocabulary: Vocabulary) -> pstats.Stats:
    """A cProfile of our extraction over ``pages`` (slower than the timed runs; read it for shares)."""
    profile = cProfile.Profile()
    with one_core():
        profile.enable()
        for page in pages:
            extract_response(
                page.body, content_type=page.content_type, url=page.url, region=REGION, vocabulary=vocabulary
            )
        profile.disable()
    return pstats.Stats(profile)


@contextmanager
def one_core() -> Iterator[None]:
    """Run the calling thread on a single CPU (the last one it may use), then restore its affinity."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {max(allowed)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)


def _time_each(function: Callable[[MirrorPage], object], pages: Sequence[MirrorPage]) -> list[float]:
    gc.collect()
    times = []
    for page in pages:
        started = time.perf_counter()
        function(page)
        times.append(time.perf_counter() - started)
    return times


def _time_stages(pages: Sequence[MirrorPage], vocabulary: Vocabulary) -> dict[str, float]:
    """Seconds each stage of our chain took over all pages, cut where extract_response's parts meet."""
    totals = dict.fromkeys(STAGES, 0.0)
    gc.collect()
    for page in pages:
        started = time.perf_counter()
        html = decode_html(page.body, page.content_type)
        decoded = time.perf_counter()
        document = clean_html(html, page.url)
        cleaned = time.perf_counter()
        sections = split_sections(document.text)
        split = time.perf_counter()
        published = document.published_at.date() if document.published_at else None
        extract_metrics(
            document.text, sections, region=REGION, title=document.title, published=published, vocabulary=vocabulary
        )
        done = time.perf_counter()
        for stage, seconds in zip(
            STAGES, (decoded - started, cleaned - decoded, split - cleaned, done - split), strict=True
        ):
            totals[stage] += seconds
    return totals
