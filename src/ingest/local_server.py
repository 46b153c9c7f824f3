"""One local Prefect server shared by the `ingest` commands, so that none pays a temporary server's start-up.

Prefect runs a flow against an API. Without one configured, every command used to start a temporary server and
stop it at exit: 13-25 s on 2 cores, for a run that does 1-3 s of work. Now, when PREFECT_API_URL (or the Prefect
profile) names no server, the first command starts one in the background, on loopback, with its own state under
``$PREFECT_HOME/local-server/``, and records where it listens; later commands find it there and reuse it. Its UI
is at the same address, so the runs of the command line can be looked at afterwards.

The server stops on `ingest server stop`, or by itself once no command has used it for
``INGEST_SERVER_IDLE_SECONDS`` (default 30 minutes). A command holds a shared lock on ``users.lock`` while it
runs; the supervising process (``python -m ingest.local_server``) stops the server only when it can take that
lock exclusively, so never under a running command. A record whose server is gone (a reboot, a kill -9) is noticed
by the next command, said in one line, and replaced.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

from ingest.errors import IngestError
from ingest.load.files import write_atomically

IDLE_SECONDS = 1800.0
STARTUP_SECONDS = 180.0  # a first start migrates the server's database: up to a minute on a busy 2-core machine
_CHECK_SECONDS = 5.0  # how often the supervisor looks for idleness
_RECORD = "server.json"
_users: list[IO[str]] = []  # this process's shared hold on users.lock, kept until it exits


@dataclass(frozen=True, slots=True)
class Record:
    """A running local server, as its supervisor recorded it."""

    pid: int  # the supervisor's; `ingest server stop` signals it
    url: str  # the API, http://127.0.0.1:PORT/api

    @property
    def ui(self) -> str:
        return self.url.removesuffix("/api")


def server_dir() -> Path:
    """Where the local server keeps its state, its log and its record: beside Prefect's own state."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect") / "local-server"


@contextmanager
def prefect_api() -> Iterator[None]:
    """Run the block's flows against the configured Prefect API, or else against the local server (started when
    none runs), which the block then keeps from stopping."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    if get_current_settings().api.url:
        yield
        return
    record = ensure_server(server_dir())
    with temporary_settings({PREFECT_API_URL: record.url}):
        yield


def ensure_server(directory: Path) -> Record:
    """The running local server of ``directory``, started when there is none; this process becomes one of its
    users until it exits."""
    directory.mkdir(parents=True, exist_ok=True)
    _use(directory)
    with _locked(directory / "start.lock", fcntl.LOCK_EX):  # two commands at once start one server, not two
        record = read_record(directory)
        if record is not None and _answers(record):
            return record
        if record is not None:
            _say(f"note: the local Prefect server recorded in {directory / _RECORD} is gone; starting another")
            (directory / _RECORD).unlink(missing_ok=True)
        return _start(directory)


def _answers(record: Record) -> bool:
    """Whether the recorded server answers; one that is alive but does not answer (hung) is stopped."""
    deadline = time.monotonic() + 30
    while _alive(record.pid):
        if _healthy(record.url):
            return True
        if time.monotonic() > deadline:
            os.kill(record.pid, signal.SIGTERM)
            return False
        time.sleep(0.5)
    return False


def stop_server(directory: Path) -> Record | None:
    """Stop the local server of ``directory``; the record of the one stopped, None when none was running."""
    record = read_record(directory)
    if record is None:
        return None
    try:
        os.kill(record.pid, signal.SIGTERM)
    except ProcessLookupError:  # gone already: only its record was left
        (directory / _RECORD).unlink(missing_ok=True)
        return None
    deadline = time.monotonic() + 60
    while _alive(record.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return record


def read_record(directory: Path) -> Record | None:
    try:
        fields = json.loads((directory / _RECORD).read_text(encoding="utf-8"))
        return Record(pid=int(fields["pid"]), url=str(fields["url"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _start(directory: Path) -> Record:
    port = _free_port()
    log = directory / "server.log"
    with log.open("ab") as output:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "ingest.local_server", str(directory), str(port)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this command, and Ctrl-C in its terminal
        )
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + STARTUP_SECONDS
    while not _healthy(url):
        if supervisor.poll() is not None or time.monotonic() > deadline:
            supervisor.kill()
            raise IngestError(f"the local Prefect server did not start; see {log}, or set PREFECT_API_URL to a server")
        time.sleep(0.2)
    record = Record(pid=supervisor.pid, url=url)
    _say(f"Started a local Prefect server for the ingest commands; UI at {record.ui} (`ingest server stop` stops it)")
    return record


def _use(directory: Path) -> None:
    """Hold a shared lock on users.lock until this process exits, which it notes as the last time of use."""
    if not _users:
        users = (directory / "users.lock").open("a+")
        fcntl.flock(users, fcntl.LOCK_SH)  # waits while an idle server is being stopped: then one is started
        _users.append(users)
        atexit.register((directory / "users.lock").touch)


@contextmanager
def _locked(path: Path, operation: int) -> Iterator[None]:
    with path.open("a+") as handle:
        fcntl.flock(handle, operation)
        yield


def _healthy(url: str) -> bool:
    # http.client rather than httpx: the server speaks plain HTTP on loopback, needing no proxy and no TLS, and an
    # httpx client loads the CA bundle all the same (about 40 ms of CPU per command); httpx was also a quarter of
    # the CPU of `ingest --help`, which imports this module
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=2.0)
    try:
        connection.request("GET", f"{parts.path}/health")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").is_dir() and "Z" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def supervise(directory: Path, port: int) -> int:
    """Run `prefect server start` on loopback and stop it on SIGTERM, or once idle with no command using it."""
    idle_after = float(os.environ.get("INGEST_SERVER_IDLE_SECONDS") or IDLE_SECONDS)
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=server_environment(directory / "home", port),
        stdin=subprocess.DEVNULL,
    )
    stopping: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    write_atomically(directory / _RECORD, json.dumps({"pid": os.getpid(), "url": f"http://127.0.0.1:{port}/api"}))
    idle = None
    try:
        while server.poll() is None and not stopping and not (idle := _idle(directory, idle_after)):
            time.sleep(_CHECK_SECONDS if idle_after > _CHECK_SECONDS else 0.5)
    finally:
        if read_record(directory) == Record(os.getpid(), f"http://127.0.0.1:{port}/api"):
            (directory / _RECORD).unlink()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if idle is not None:
            idle.close()  # a command that waited for users.lock goes on, finds no server and starts one
    return 0


def server_environment(home: Path, port: int) -> dict[str, str]:
    """The environment of a long-running `prefect server start` on loopback ``port``, its state in ``home``."""
    # The project's batching for temporary servers would make a long-running one record task runs only as it stops.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_SERVER_SERVICES_", "PREFECT_API_"))}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env["PREFECT_UI_API_URL"] = f"http://127.0.0.1:{port}/api"  # else the UI calls port 4200's API
    return env


def _idle(directory: Path, idle_after: float) -> IO[str] | None:
    """users.lock, held exclusively, when no command holds it and none used the server in the last ``idle_after``
    seconds: held until the server has stopped, so that no command starts using it meanwhile."""
    users = directory / "users.lock"
    handle = users.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    if time.time() - users.stat().st_mtime > idle_after:
        return handle
    handle.close()
    return None


if __name__ == "__main__":
    sys.exit(supervise(Path(sys.argv[1]), int(sys.argv[2])))
