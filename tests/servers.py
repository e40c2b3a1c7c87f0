"""Real servers on loopback ports for the district tests and the load benchmark.

PostgreSQL (Debian's package, a throw-away cluster made by ``initdb`` in a temporary folder), a
Chroma server, llama-cpp-python's OpenAI-compatible server over a GGUF file, and ``kelas serve``
processes. Each is a context manager that starts the process, waits until it answers, and stops it
(and removes its files) on the way out. Nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
"""The virtual environment's scripts (``chroma``, ``kelas``)."""


class ServerError(RuntimeError):
    """A server did not start; the message ends with the tail of its log."""


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_tail(path: Path, chars: int = 3000) -> str:
    """The end of a log file (empty when there is none)."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return ""


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


def wait_until_answering(
    url: str, process: subprocess.Popen[bytes], log: Path, what: str, timeout: float, ok: tuple[int, ...]
) -> None:
    """Poll ``url`` until it answers with a status in ``ok``; raise with the log if the process dies."""
    deadline = time.monotonic() + timeout
    while http_status(url) not in ok:
        if process.poll() is not None:
            raise ServerError(f"{what} exited with code {process.returncode}:\n{log_tail(log)}")
        if time.monotonic() > deadline:
            raise ServerError(f"{what} did not answer at {url} within {timeout:.0f} s:\n{log_tail(log)}")
        time.sleep(0.3)


def stop(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """Terminate a process we started and wait for it (kill after ``grace`` seconds)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def start(
    command: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``command`` with its output in ``log``."""
    with log.open("wb") as handle:
        return subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd
        )


# PostgreSQL ------------------------------------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``: on PATH, else the newest Debian ``/usr/lib/postgresql/N``."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    found = [
        p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl") if (p.parent / "initdb").exists()
    ]
    numbers = {folder: int(re.sub(r"\D", "", folder.parent.name) or 0) for folder in found}
    return max(found, key=lambda folder: numbers[folder]) if found else None


@dataclass
class Postgres:
    """A running throw-away cluster: ``url(name)`` is the SQLAlchemy URL of database ``name``."""

    port: int
    user: str = "kelas"

    def url(self, database: str) -> str:
        """SQLAlchemy URL (psycopg driver) of a database in this cluster."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"not a plain database name: {name!r}")
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
        return self.url(name)


@contextmanager
def postgres_server(bin_dir: Path, port: int | None = None) -> Iterator[Postgres]:
    """``initdb`` a cluster in a temporary folder and run it on 127.0.0.1 (as ``postgres`` under root).

    Made for tests: trust authentication on loopback, no fsync. The folder is removed afterwards.
    """
    port = port or free_port()
    folder = Path(tempfile.mkdtemp(prefix="kelas-pg-"))
    as_root = os.geteuid() == 0
    run_as = {"user": "postgres", "group": "postgres"} if as_root else {}
    if as_root:
        shutil.chown(folder, "postgres", "postgres")
    data, log = folder / "data", folder / "server.log"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        subprocess.run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "kelas",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            cwd=folder,
            env=env,
            **run_as,  # type: ignore[arg-type]
        )
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB"
        )
        started = subprocess.run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            capture_output=True,
            cwd=folder,
            env=env,
            **run_as,  # type: ignore[arg-type]
        )
        if started.returncode != 0:
            raise ServerError(f"PostgreSQL did not start:\n{started.stderr.decode()}\n{log_tail(log)}")
        try:
            yield Postgres(port=port)
        finally:
            subprocess.run(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                cwd=folder,
                env=env,
                **run_as,  # type: ignore[arg-type]
            )
    except subprocess.CalledProcessError as exc:
        raise ServerError(f"initdb failed: {exc.stderr.decode(errors='replace')[-2000:]}") from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# Chroma ----------------------------------------------------------------------------------------


@contextmanager
def chroma_server(folder: Path, port: int | None = None) -> Iterator[str]:
    """``chroma run`` over ``folder``; yields its URL."""
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = folder.parent / f"{folder.name}-chroma.log"
    process = start(
        [str(BIN / "chroma"), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)], log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{url}/api/v2/heartbeat", process, log, "the Chroma server", 90, (200,))
        yield url
    finally:
        stop(process)


# The OpenAI-compatible model server ------------------------------------------------------------


@contextmanager
def model_server(
    model_path: Path,
    log: Path,
    *,
    alias: str = "gemma3-270m",
    port: int | None = None,
    n_ctx: int = 2048,
    n_threads: int = 2,
    chat_format: str | None = None,
) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server over ``model_path``; yields its ``/v1`` URL.

    ``--interrupt_requests False``: a second request waits for the first instead of cutting its
    stream short (the server's default would break two app processes sharing it).
    ``OMP_WAIT_POLICY=passive``: llama.cpp's OpenMP threads sleep instead of spinning while they
    wait; when other processes share the cores, spinning made a 32-token answer take 49 s instead
    of 3 s on two cores.
    """
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model_path),
        "--model_alias",
        alias,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        str(n_threads),
        "--interrupt_requests",
        "False",
    ]
    if chat_format:
        command += ["--chat_format", chat_format]
    process = start(command, log, env={**os.environ, "OMP_WAIT_POLICY": "passive"})
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_answering(f"{url}/models", process, log, "the model server", 120, (200,))
        yield url
    finally:
        stop(process)


# kelas serve -----------------------------------------------------------------------------------


@contextmanager
def kelas_servers(envs: list[dict[str, str]], cwd: Path, logs: list[Path]) -> Iterator[list[str]]:
    """Real ``kelas serve`` processes, one per settings in ``envs``, started together; yields their URLs."""
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for env, log in zip(envs, logs, strict=True):
            port = free_port()
            full_env = {
                **os.environ,
                **env,
                "KELAS_HOST": "127.0.0.1",
                "KELAS_PORT": str(port),
                "GRADIO_ANALYTICS_ENABLED": "False",
                "ANONYMIZED_TELEMETRY": "False",
                "HF_HUB_OFFLINE": "1",
            }
            processes.append(
                start([sys.executable, "-m", "toolkit.cli", "serve"], log, env=full_env, cwd=cwd)
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process, log in zip(urls, processes, logs, strict=True):
            wait_until_answering(f"{url}/config", process, log, "kelas serve", 180, (200, 401))
        yield urls
    finally:
        for process in processes:
            stop(process, grace=30)
