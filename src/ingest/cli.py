"""The `ingest` command line.

Every command that touches a warehouse takes ``--db`` (default warehouse/reports.duckdb). A user mistake ends
with one line on stderr and exit status 1; only bugs show a traceback.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TextIO, TypeVar, cast
from zoneinfo import ZoneInfo

import typer
import typer._click
import typer.core
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ingest.display import DEFAULT_TIMEZONE, plain
from ingest.errors import IngestError
from ingest.load.warehouse import DEFAULT_DB, DEFAULT_LOCK_TIMEOUT, run_sql, sql_path
from ingest.local_server import prefect_api, read_record, server_dir, stop_server
from ingest.model import ExtractedDocument, metric_record, section_record
from ingest.project import SOURCES, configure_prefect_environment

if TYPE_CHECKING:
    from ingest.discover import ArticleLink
    from ingest.load.apply import LoadReport
    from ingest.load.store import IndicatorDiff

app = typer.Typer(
    help="Ingest the reports Chinese prefecture governments publish into a versioned DuckDB warehouse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Nothing printed is read as Rich markup: URLs, titles, paths and query results may hold "[/bold]" and the like.
console = Console(markup=False)
errors = Console(stderr=True, markup=False)

# Wide enough for any table: Rich sizes a table to its content and pads nothing beyond it.
_UNBOUNDED = 1_000_000
DEMO_SOURCES = SOURCES / "demo.toml"
DEFAULT_SOURCES = SOURCES / "yanbian.toml"

DbOption = Annotated[Path, typer.Option("--db", help="The warehouse's DuckDB file.")]
LockOption = Annotated[
    float, typer.Option("--lock-timeout", help="Seconds to wait while another process uses the warehouse.")
]
SourcesOption = Annotated[Path, typer.Option("--sources", help="The TOML file listing the sites to ingest.")]
DaskOption = Annotated[
    str | None,
    typer.Option(
        "--dask",
        help="Parse on a Dask cluster: 'local' (worker processes on this machine) or a scheduler address such as "
        "tcp://host:8786. Default: threads of this process.",
    ),
]

P = ParamSpec("P")
R = TypeVar("R")


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


class Refetch(StrEnum):
    none = "none"
    failed = "failed"
    all = "all"


class DiffFormat(StrEnum):
    text = "text"
    json = "json"


class ExtractFormat(StrEnum):
    json = "json"
    text = "text"


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn an IngestError into one line on stderr and exit status 1."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except IngestError as exc:
            errors.print(Text.assemble(("error:", "red"), f" {exc}"), highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


@app.command()
@user_errors
def run(
    sources: SourcesOption = DEFAULT_SOURCES,
    db: DbOption = DEFAULT_DB,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this source (repeatable).")] = None,
    lock_timeout: LockOption = DEFAULT_LOCK_TIMEOUT,
    dask: DaskOption = None,
    max_connections: Annotated[
        int | None,
        typer.Option(
            "--max-connections",
            min=1,
            help="Connections the run holds open at once, over every source (each also keeps to its own "
            "max_concurrency and rate limit). Default 64.",
        ),
    ] = None,
    sequential: Annotated[
        bool, typer.Option("--sequential", help="Load the sources one after another instead of all at once.")
    ] = False,
) -> None:
    """Run the ingest flow once: load what the sources published or changed since the last run."""
    _check_sources(sources, source)
    configure_prefect_environment()
    from flows.ingest_flows import ingest
    from flows.parse_tasks import check_dask

    check_dask(dask)
    # the flow's own default (ingest.pipeline.DEFAULT_MAX_CONNECTIONS) unless given: importing it here would cost
    # every command the pipeline's imports
    cap = {} if max_connections is None else {"max_connections": max_connections}
    with prefect_api():
        state = ingest(
            sources_file=str(sources),
            db=str(db),
            sources=source,
            lock_timeout=lock_timeout,
            dask=dask,
            sequential=sequential,
            return_state=True,
            **cap,
        )
    _finish(state)


@app.command()
@user_errors
def backfill(
    source: Annotated[str, typer.Option("--source", help="The source to backfill.")],
    since: Annotated[datetime, typer.Option("--since", formats=["%Y-%m-%d"], help="First publication day.")],
    until: Annotated[datetime, typer.Option("--until", formats=["%Y-%m-%d"], help="Last publication day.")],
    sources: SourcesOption = DEFAULT_SOURCES,
    db: DbOption = DEFAULT_DB,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read list pages only; show what would be loaded.")
    ] = False,
    reprocess: Annotated[
        Refetch,
        typer.Option(
            help="Documents of the window seen before: none (skip them), failed (retry failures, re-check the rest "
            "conditionally) or all (fetch everything again)."
        ),
    ] = Refetch.failed,
    lock_timeout: LockOption = DEFAULT_LOCK_TIMEOUT,
    dask: DaskOption = None,
) -> None:
    """Load everything a source published in a window of days that the warehouse does not have yet."""
    if since > until:
        raise IngestError(f"--since {since:%Y-%m-%d} is after --until {until:%Y-%m-%d}")
    _check_sources(sources, [source])
    configure_prefect_environment()
    from flows.ingest_flows import backfill as backfill_flow
    from flows.parse_tasks import check_dask

    from ingest.progress import show_progress

    check_dask(dask)

    with prefect_api(), show_progress():
        state = backfill_flow(
            source=source,
            since=since.date(),
            until=until.date(),
            sources_file=str(sources),
            db=str(db),
            dry_run=dry_run,
            reprocess=reprocess.value,
            lock_timeout=lock_timeout,
            dask=dask,
            return_state=True,
        )
    if dry_run and state.is_completed():
        links = cast("list[ArticleLink]", state.result())
        rows = [(link.published or "", link.title or "", link.url) for link in links]
        _print_table(["listed", "title", "url"], rows, title=state.message)
        return
    _finish(state)


@app.command()
@user_errors
def reprocess(
    source: Annotated[str | None, typer.Option("--source", help="Only this source's documents.")] = None,
    since: Annotated[
        datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="Only documents published since.")
    ] = None,
    sources: SourcesOption = DEFAULT_SOURCES,
    db: DbOption = DEFAULT_DB,
    lock_timeout: LockOption = DEFAULT_LOCK_TIMEOUT,
    dask: DaskOption = None,
) -> None:
    """Rebuild sections and metrics from the WARC archive with the current extractor (no network)."""
    configure_prefect_environment()
    from flows.parse_tasks import check_dask
    from flows.reprocess_flow import reprocess as reprocess_flow

    from ingest.progress import show_progress

    check_dask(dask)

    with prefect_api(), show_progress():
        state = reprocess_flow(
            source=source,
            since=since.date() if since else None,
            sources_file=str(sources),
            db=str(db),
            lock_timeout=lock_timeout,
            dask=dask,
            return_state=True,
        )
    if state.is_failed() or state.is_crashed():
        raise IngestError(state.message or "the reprocess failed; see the log above")
    report, diff = cast("tuple[LoadReport, list[IndicatorDiff]]", state.result())
    console.print(state.message)
    _print_table(
        ["indicator", "added", "removed", "changed"],
        [(d.indicator, d.added, d.removed, d.changed) for d in diff],
        title=f"Metric rows changed against the previous extractor (load {report.load_id})",
    )


@app.command()
@user_errors
def demo(db: DbOption = DEFAULT_DB) -> None:
    """Serve the bundled demo sites on 127.0.0.1:8765 to :8768, ingest them, and show what the warehouse holds."""
    from ingest.demo_site import DemoSite
    from ingest.demo_site.portal import PortalSite
    from ingest.query import open_reader, run_query

    configure_prefect_environment()
    from flows.ingest_flows import ingest

    # the ports sources/demo.toml names
    with (
        prefect_api(),
        DemoSite(port=8765) as site,
        DemoSite(port=8766, template="second") as second,
        PortalSite(port=8767, blackhole_port=8768) as portal,
    ):
        console.print(f"Demo sites serving at {site.base_url}, {second.base_url} and {portal.base_url}")
        state = ingest(sources_file=str(DEMO_SOURCES), db=str(db), return_state=True)
    reports = _finish(state)
    if not any(report.versions_added or report.extractions_added for report in reports):
        console.print("Nothing new: the warehouse already holds every demo document.")
    with open_reader(db) as con:
        totals = run_sql(con, "load/totals.sql")
        columns = [column[0] for column in totals.description or ()]
        _print_table(columns, totals.fetchall(), title=f"Warehouse {db}")
        example = _example("headline_figures.sql")
        console.print("\nExample query (warehouse/examples/headline_figures.sql):")
        console.print(example.strip(), style="dim")
        result = run_query(con, example)
        _print_table(result.columns, result.rows)
    console.print(f'\nQuery it yourself: .venv/bin/ingest sql --db {db} "SELECT * FROM documents_current"')


sources_app = typer.Typer(help="Onboard sites: find a portal's report columns.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("discover")
@user_errors
def sources_discover(
    url: Annotated[str, typer.Argument(help="The portal's home page, e.g. https://www.yanbian.gov.cn/.")],
    name: Annotated[str | None, typer.Option(help="The source's name.", show_default="from the host")] = None,
    region: Annotated[str | None, typer.Option(help="The region, when the site does not name it.")] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Read a site on a loopback or private address (a local copy).")
    ] = False,
    rate_limit: Annotated[float, typer.Option(help="Requests per second, while discovering and in the entry.")] = 2.0,
    timeout: Annotated[float, typer.Option(help="Seconds for each page.")] = 15.0,
) -> None:
    """Read a portal's home page and the column pages it links to; print a [[sources]] entry for its columns of
    government work reports, statistical bulletins and interpretations."""
    from ingest.onboard import discover_portal, source_entry, source_name

    if rate_limit <= 0 or timeout <= 0:
        raise IngestError("--rate-limit and --timeout must be positive")
    # a robots.txt the portal does not serve is logged by the fetcher and then said again in the one-line error
    logging.getLogger("ingest.fetch").setLevel(logging.ERROR)
    found = discover_portal(url, allow_private=allow_private, rate_limit=rate_limit, timeout=timeout, region=region)
    entry = source_entry(found, name=name or source_name(url), rate_limit=rate_limit, allow_private=allow_private)
    sys.stdout.write(entry)


@app.command("demo-site")
@user_errors
def demo_site(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
    template: Annotated[str, typer.Option(help="trs (Yanbian's CMS) or second (another CMS).")] = "trs",
) -> None:
    """Serve a bundled demo site until interrupted (for trying sources files by hand); print its URLs and how to
    switch its faults."""
    from ingest.demo_site import DemoSite, describe, serve_forever

    def ready(site: DemoSite) -> None:
        console.print(describe(site), soft_wrap=True)
        sys.stdout.flush()  # a pipe buffers what a terminal would show at once

    serve_forever(port=port, template=template, ready=ready)  # type: ignore[arg-type]  # DemoSite validates the name


@app.command()
@user_errors
def extract(
    target: Annotated[str, typer.Argument(help="An HTML page (any encoding), a .txt file, or an http(s) URL.")],
    output: Annotated[ExtractFormat, typer.Option("--format", help="json (the documented contract) or text.")] = (
        ExtractFormat.json
    ),
    region: Annotated[str | None, typer.Option(help="Region to attach to the figures.")] = None,
) -> None:
    """Clean one page, split it into sections and extract its figures."""
    from ingest.extract import extract_target

    extracted = extract_target(target, region=region)
    if output is ExtractFormat.json:
        sys.stdout.write(json.dumps(extraction_json(extracted), ensure_ascii=False, indent=2, default=_json_value))
        sys.stdout.write("\n")
    else:
        _print_extraction_text(extracted)


class _QueryCommand(typer.core.TyperCommand):
    """A query that starts with a comment, as the bundled examples do (``ingest sql "$(cat example.sql)"``), looks
    like an option to Click. An option never holds a space or a line break and a query that starts with a dash
    always does, so such arguments are moved behind ``--``, where only positional arguments go. (Typer 0.29 bundles
    its own Click, hence ``typer._click``.)"""

    def parse_args(self, ctx: typer._click.Context, args: list[str]) -> list[str]:
        if "--" not in args:
            queries = [arg for arg in args if arg.startswith("-") and any(char.isspace() for char in arg)]
            args = [arg for arg in args if arg not in queries] + (["--", *queries] if queries else [])
        return super().parse_args(ctx, args)


@app.command(cls=_QueryCommand)
@user_errors
def sql(
    query: Annotated[
        str | None,
        typer.Argument(help="A SQL query over the public views (see warehouse/README.md), or - to read it from stdin."),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the query from this .sql file (- for stdin).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="A load id or timestamp: answer as the warehouse stood then.")
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv, json, or parquet (to the file --out names).")
    ] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write the result to this file instead of stdout.")] = None,
    bom: Annotated[
        bool, typer.Option("--bom", help="Start CSV with a byte order mark, so that Excel reads the Chinese as UTF-8.")
    ] = False,
    timezone: Annotated[
        str, typer.Option("--timezone", help="Show times in this time zone (an IANA name such as UTC).")
    ] = DEFAULT_TIMEZONE,
    lock_timeout: LockOption = DEFAULT_LOCK_TIMEOUT,
    allow_files: Annotated[
        bool, typer.Option("--allow-files", help="Let the query read files, e.g. read_csv('extra.csv') to join.")
    ] = False,
) -> None:
    """Query the warehouse: one SELECT, WITH, DESCRIBE, SHOW, EXPLAIN or read-only PRAGMA statement."""
    from ingest.query import open_query_session, read_query, run_query, write_query_parquet

    if bom and output is not OutputFormat.csv:
        raise IngestError("--bom applies to --format csv only")
    if output is OutputFormat.parquet and out is None:
        raise IngestError("--format parquet writes a file: name it with --out FILE")
    text = read_query(query, file)
    session = open_query_session(db, as_of=as_of, lock_timeout=lock_timeout, allow_files=allow_files, timezone=timezone)
    with session as con:
        if output is OutputFormat.parquet:
            assert out is not None  # checked above, before the warehouse was opened
            rows = write_query_parquet(con, text, out)
            errors.print(f"{rows} rows written to {out}", highlight=False, soft_wrap=True)
            return
        result = run_query(con, text)
    with nullcontext(sys.stdout) if out is None else _open_out(out, bom=bom) as stream:
        if bom and out is None:
            stream.write("\ufeff")
        if output is OutputFormat.json:
            records = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
            stream.write(json.dumps(records, ensure_ascii=False, default=_json_value) + "\n")
        elif output is OutputFormat.csv:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(result.columns)
            writer.writerows([plain(value) for value in row] for row in result.rows)
        else:
            _print_table(result.columns, result.rows, file=None if out is None else stream)


def _open_out(path: Path, *, bom: bool) -> TextIO:
    try:
        # newline="" lets the csv module end its rows itself; utf-8-sig is UTF-8 behind a byte order mark
        return path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="")
    except OSError as exc:
        raise IngestError(f"cannot write --out {path}: {exc.strerror}") from None


@app.command()
@user_errors
def diff(
    doc: Annotated[str, typer.Argument(help="The document: its doc_id or URL, as documents_current lists them.")],
    from_version: Annotated[
        int | None, typer.Option("--from", help="The older version (default: the one before --to).")
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to", help="The newer version (default: the current one).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    output: Annotated[DiffFormat, typer.Option("--format", help="text (Markdown) or json.")] = DiffFormat.text,
    lock_timeout: LockOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Show what changed between two versions of a document: figures added, removed and changed (old → new, with
    their sentences) and the paragraphs changed."""
    from ingest.diff import diff_document, render
    from ingest.query import open_reader

    with open_reader(db, lock_timeout=lock_timeout) as con:
        changes = diff_document(con, doc, from_version=from_version, to_version=to_version)
    if output is DiffFormat.json:
        sys.stdout.write(json.dumps(dataclasses.asdict(changes), ensure_ascii=False, default=_json_value) + "\n")
    else:
        sys.stdout.write(render(changes))


@app.command()
@user_errors
def report(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path("report.html"),
    region: Annotated[str | None, typer.Option("--region", help="Only this region, e.g. 延边朝鲜族自治州.")] = None,
    indicator: Annotated[str | None, typer.Option("--indicator", help="Only this indicator code, e.g. GDP.")] = None,
    db: DbOption = DEFAULT_DB,
    lock_timeout: LockOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Write a static HTML report that opens offline: targets against outcomes, headline figures over time,
    coverage per region and year, the latest loads and their failures; every figure links to its sentence."""
    from ingest.query import open_query_session
    from ingest.report import build_report

    with open_query_session(db, lock_timeout=lock_timeout) as con:
        now = datetime.now(ZoneInfo(DEFAULT_TIMEZONE))
        page = build_report(con, region=region, indicator=indicator, generated_at=now)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise IngestError(f"cannot write --out {out}: {exc.strerror}") from None
    console.print(f"Report written to {out} ({len(page.encode()) // 1024} KB)")


@app.command()
@user_errors
def export(
    parquet: Annotated[Path, typer.Option("--parquet", help="Directory to write one Parquet file per view into.")],
    db: DbOption = DEFAULT_DB,
    as_of: Annotated[str | None, typer.Option("--as-of", help="A load id or timestamp.")] = None,
    lock_timeout: LockOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Write the public views as Parquet files."""
    from ingest.query import export_parquet, open_reader

    with open_reader(db, as_of=as_of, lock_timeout=lock_timeout) as con:
        counts = export_parquet(con, parquet)
    _print_table(["view", "rows", "file"], [(view, n, str(parquet / f"{view}.parquet")) for view, n in counts.items()])


@app.command()
@user_errors
def publish(db: DbOption = DEFAULT_DB, lock_timeout: LockOption = DEFAULT_LOCK_TIMEOUT) -> None:
    """Publish the snapshot readers open (every load does it; run it once on a warehouse from before snapshots)."""
    from ingest.load.store import Warehouse

    warehouse = Warehouse.at(db, lock_timeout=lock_timeout)
    folder = warehouse.publish()
    console.print(
        f"Published {warehouse.paths.snapshot} (data in {folder})", markup=False, highlight=False, soft_wrap=True
    )


@app.command()
@user_errors
def serve(
    sources: SourcesOption = DEFAULT_SOURCES,
    db: DbOption = DEFAULT_DB,
    cron: Annotated[
        str | None, typer.Option("--cron", help="When ingest runs (cron).", show_default="0 6 * * *, 06:00 daily")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="The cron schedule's timezone.", show_default="Asia/Shanghai")
    ] = None,
    interval: Annotated[
        float | None, typer.Option("--interval", help="Run ingest every SECONDS instead of on the cron schedule.")
    ] = None,
    dask: DaskOption = None,
) -> None:
    """Serve the ingest (scheduled), backfill and reprocess deployments until interrupted, one run at a time.

    Needs a Prefect server: `prefect server start` (or set PREFECT_API_URL).
    """
    _check_sources(sources, None)
    configure_prefect_environment()
    from flows.parse_tasks import check_dask
    from flows.serve import build_deployments, ingest_schedule, serve_flows

    check_dask(dask)
    serve_flows(build_deployments(sources, db, ingest_schedule(cron, timezone, interval), dask=dask))


server_app = typer.Typer(
    help="The local Prefect server the commands share when PREFECT_API_URL names none (see docs/cli_speed.md).",
    no_args_is_help=True,
)
app.add_typer(server_app, name="server")


@server_app.command("status")
def server_status() -> None:
    """Say where the local Prefect server listens, if one runs."""
    configure_prefect_environment()
    record = read_record(server_dir())
    console.print(f"running at {record.ui} (pid {record.pid})" if record else "not running", highlight=False)


@server_app.command("stop")
def server_stop() -> None:
    """Stop the local Prefect server (the next command that needs one starts it again)."""
    configure_prefect_environment()
    record = stop_server(server_dir())
    console.print(f"stopped the server at {record.ui}" if record else "not running", highlight=False)


def extraction_json(extracted: ExtractedDocument) -> dict[str, object]:
    """The `ingest extract` JSON contract (README): document fields, sections and metrics."""

    document = extracted.document
    return {
        "url": document.canonical_url or document.url,
        "title": document.title,
        "published_at": document.published_at.isoformat() if document.published_at else None,
        "source": document.source,
        "editor": document.editor,
        "column": document.column,
        "extractor_version": extracted.extractor_version,
        "text": document.text,
        "sections": [section_record(s) for s in extracted.sections],
        "metrics": [metric_record(m) for m in extracted.metrics],
    }


def _print_extraction_text(extracted: ExtractedDocument) -> None:
    document = extracted.document
    console.print(
        Text.assemble(
            (document.title or "(no title)", "bold"), f"  {document.published_at or ''}  {document.source or ''}"
        )
    )
    for section in extracted.sections:
        console.print(f"{'  ' * (section.level - 1)}{section.number or ''} {section.heading}", highlight=False)
    rows = [
        (m.indicator or "", m.name, m.period or "", m.kind, m.measure, str(m.value), m.unit or "", m.qualifier or "")
        for m in extracted.metrics
    ]
    _print_table(["indicator", "name", "period", "kind", "measure", "value", "unit", "qualifier"], rows)


def _check_sources(path: Path, names: Sequence[str] | None) -> None:
    from ingest.sources import load_sources, select_source

    sources = load_sources(path)
    for name in names or ():
        select_source(sources, name)
    for source in sources:
        source.proxy_credentials()  # a missing variable or file is a one-line error now, not a failed run later


def _finish(state: Any) -> list[Any]:
    """Print a finished flow run's loads; exit 1 when the run failed."""
    if state.is_failed() or state.is_crashed():
        raise IngestError(state.message or "the run failed; see the log above")
    reports = state.result()
    _print_table(
        ["load", "status", "new documents", "new versions", "sections", "metrics", "fetch failures"],
        [
            (
                r.load_id,
                r.status,
                r.documents_added,
                r.versions_added,
                r.sections_added,
                r.metrics_added,
                r.fetch_failures,
            )
            for r in reports
        ],
        title=state.message,
    )
    kinds = Counter[str]()
    for report in reports:
        kinds.update(dict(report.failure_kinds))
    if kinds:
        _print_table(
            ["failure kind", "requests", "what to do"],
            [(kind, n, _hint(kind)) for kind, n in kinds.most_common()],
            title="Failures by kind",
        )
    return list(reports)


def _hint(kind: str) -> str:
    from ingest.failures import HINTS, FailureKind

    # "unclassified" counts requests a package from before the kinds logged; they have no hint
    return HINTS[FailureKind(kind)] if kind in FailureKind.__members__ else ""


def _example(name: str) -> str:
    return sql_path(f"examples/{name}").read_text(encoding="utf-8")


def _print_table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None, file: TextIO | None = None
) -> None:

    table = Table(*columns, title=title, show_lines=False)
    for row in rows:
        table.add_row(*(plain(value) for value in row))
    # A terminal's width wraps the table; into a pipe or a file it goes whole (Rich would cut it to 80 columns).
    out = console if file is None and console.is_terminal else Console(file=file, markup=False, width=_UNBOUNDED)
    out.print(table)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
