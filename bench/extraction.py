"""Extraction per page on one core: ours (decode → clean → sections → metrics) beside trafilatura and lxml.

Each round times every extractor over the same pages, one after the other, so background load on a shared
machine falls on all of them alike; a figure is the median over rounds of the mean time per page.

`make bench` runs this as its first part, in wall time. ``python -m bench.extraction`` runs it alone, in CPU
time by default: on a shared machine a busy neighbour inflates wall time but not the CPU this process spends.
"""

from __future__ import annotations

import argparse
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

from bench.mirror import MirrorPage, build_mirror, mirror_pages
from bench.profiles import profile_markdown
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


Clock = Callable[[], float]


def time_extraction(
    pages: Sequence[MirrorPage], *, rounds: int, vocabulary: Vocabulary, clock: Clock = time.perf_counter
) -> ExtractionTimes:
    """Time the extractors over ``pages``, ``rounds`` times, on one core, by ``clock`` (wall time by default)."""
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
                times = _time_each(function, pages, clock)
                means[name].append(statistics.fmean(times))
                if name == "ours":
                    ours_p90.append(statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0])
            for name, seconds in _time_stages(pages, vocabulary, clock).items():
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


def _time_each(function: Callable[[MirrorPage], object], pages: Sequence[MirrorPage], clock: Clock) -> list[float]:
    gc.collect()
    times = []
    for page in pages:
        started = clock()
        function(page)
        times.append(clock() - started)
    return times


def _time_stages(pages: Sequence[MirrorPage], vocabulary: Vocabulary, clock: Clock) -> dict[str, float]:
    """Seconds each stage of our chain took over all pages, cut where extract_response's parts meet (each stage
    called as ``ingest.extract.extract_clean`` calls it, so the stages add up to the whole)."""
    totals = dict.fromkeys(STAGES, 0.0)
    gc.collect()
    for page in pages:
        started = clock()
        html = decode_html(page.body, page.content_type)
        decoded = clock()
        document = clean_html(html, page.url)
        cleaned = clock()
        sections = split_sections(document.text, document.title, document.heading_lines)
        split = clock()
        published = document.published_at.date() if document.published_at else None
        extract_metrics(
            document.text, sections, region=REGION, title=document.title, published=published, vocabulary=vocabulary
        )
        done = clock()
        for stage, seconds in zip(
            STAGES, (decoded - started, cleaned - decoded, split - cleaned, done - split), strict=True
        ):
            totals[stage] += seconds
    return totals


def main(argv: Sequence[str] | None = None) -> None:
    """The extraction part of `make bench` alone: the same mirror pages, sample and rounds."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.extraction", description="The extraction part of make bench alone."
    )
    parser.add_argument("--pages", type=int, default=1000, help="report pages in the synthetic mirror")
    parser.add_argument("--extract-sample", type=int, default=200, help="pages the extractors are timed on")
    parser.add_argument("--extract-rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu", help="process CPU time or wall time")
    parser.add_argument("--profile", action="store_true", help="also print where our extraction's time goes")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.extract_sample < 1 or args.extract_rounds < 1:
        parser.error("--pages, --extract-sample and --extract-rounds must be at least 1")
    pages = mirror_pages(build_mirror(args.pages, seed=args.seed), min(args.pages, args.extract_sample))
    vocabulary = Vocabulary.load()
    load_before = os.getloadavg()
    times = time_extraction(
        pages,
        rounds=args.extract_rounds,
        vocabulary=vocabulary,
        clock=time.process_time if args.clock == "cpu" else time.perf_counter,
    )
    load_after = os.getloadavg()
    print(f"{len(pages)} pages x {args.extract_rounds} rounds, one core, {args.clock} time, ms/page (median of rounds)")
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"ours {times.ours:.2f} (p90 {times.ours_p90:.2f}), trafilatura {times.trafilatura:.2f}, ", end="")
    print(f"lxml parse {times.lxml_parse:.2f}; ours / trafilatura {times.ours / times.trafilatura:.2f}")
    print("stages: " + ", ".join(f"{name} {ms:.2f}" for name, ms in times.stages.items()))
    if args.profile:
        print(profile_markdown(profile_extraction(pages, vocabulary=vocabulary), title="Our extraction", count=30))


if __name__ == "__main__":
    main()
