"""A bounded fuzz run over every endpoint's file and text inputs, with a memory ceiling.

The app runs as its own process (``tests/fuzz_server.py``: workshop mode, loopback only, fake
model and embeddings) and a participant drives it through ``gradio_client``: every text input
gets long and odd text, every file input gets ZIP, DOCX and PDF bombs, damaged and mislabelled
files, CSVs with huge cells or in other encodings, XLSX and JSON. Each answer must be a sentence
(no traceback in any output, none in the server's log, the server still up) and the server's
resident memory, sampled every 50 ms, must stay under ``MEMORY_LIMIT_MB``. The run is bounded in
count (one pass over the cases) and in time (``FUZZ_SECONDS``), then stops by itself.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import openpyxl
import psutil
import pytest
from file_fakes import pdf_bytes
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from conftest import REPO, free_port
from toolkit.services import Services
from toolkit.settings import Settings

pytestmark = pytest.mark.slow

MB = 1024 * 1024
MEMORY_LIMIT_MB = 900
"""The server's resident memory may never pass this (the probe's ZIP bomb took it to 1,140 MB)."""
GROWTH_LIMIT_MB = 400
"""Nor grow more than this over its memory after start-up."""
FUZZ_SECONDS = 110
CALL_TIMEOUT_S = 40
SKIPPED_ENDPOINTS = {"/set_language", "/on_list", "/on_list_1", "/on_list_2", "/on_list_3"}
"""The language switch has no text or file input; ``on_list*`` are the library list run again."""


# --------------------------------------------------------------------------- the inputs


def _zip(path: Path, entries: dict[str, bytes | int]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in entries.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as handle:
                for _ in range(content // MB):
                    handle.write(bytes(MB))
    return path


def _docx(text: str) -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def fuzz_files(folder: Path) -> dict[str, Path]:
    """Every file the fuzz run uploads (bombs first)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(13)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)
        files[name] = folder / name

    files["zip-bomb.zip"] = _zip(folder / "zip-bomb.zip", {"ani.txt": b"Jawaban Ani.", "budi.txt": 400 * MB})
    base = zipfile.ZipFile(io.BytesIO(_docx("Tugas fotosintesis.")))
    with zipfile.ZipFile(
        folder / "docx-bomb.docx", "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
    ) as bomb:
        for info in base.infolist():
            data = base.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * (200 * MB // 6))
            bomb.writestr(info.filename, data)
    files["docx-bomb.docx"] = folder / "docx-bomb.docx"
    page = b"BT /F1 12 Tf 20 200 Td (Fotosintesis menghasilkan oksigen.) Tj ET\n"
    put("pdf-bomb.pdf", pdf_bytes(page + b" " * (200 * MB), compressed=True))
    files["zip-many.zip"] = _zip(folder / "zip-many.zip", {f"s{n}.txt": b"Jawaban." for n in range(3000)})
    put("valid.docx", _docx("Nama: Budi Santoso. Fotosintesis menghasilkan glukosa dan oksigen."))
    put("valid.pdf", pdf_bytes(page))
    put("broken.pdf", b"%PDF-1.4\n" + rng.randbytes(40_000))
    put("garbage.docx", rng.randbytes(40_000))
    put("big-field.csv", b"id,jawaban\nani," + b"a" * 140_000 + b"\n")
    put("many-rows.csv", b"id,jawaban\n" + b"".join(b"s%d,Fotosintesis.\n" % n for n in range(20_000)))
    put("utf16.csv", "id,jawaban\nani,Fotosintesis menghasilkan oksigen é\n".encode("utf-16"))
    put("binary.csv", rng.randbytes(60_000))
    book = openpyxl.Workbook()
    book.active.append(['=HYPERLINK("http://x")', "Kriteria"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    put("sheet.xlsx", buffer.getvalue())
    put("deep.json", b"[" * 100_000 + b"]" * 100_000)
    put("library.json", json.dumps({"format": "kelas-library/1", "materials": [{"id": "x"}] * 3}).encode())
    put("big-text.txt", b"kata " * (15 * MB // 5))
    put("odd-name-\u202e.txt", b"Jawaban dengan nama berkas aneh.")
    return files


TEXTS: dict[str, str] = {
    "long": "kata " * 200_000,
    "format-spec": "{question:>100000000}",
    "unicode": "\u202e\u200b\u0301" * 2000 + "👩🏽‍🏫" * 500 + "ẞ\ufeff\x00",
    "formula": '=HYPERLINK("http://x","klik")',
    "markup": "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "path-and-sql": "../../../../etc/passwd' OR 1=1; DROP TABLE materials; --",
    "newlines": "\n" * 200_000,
    "empty": "",
}
NUMBERS: dict[str, float] = {"negative": -1, "huge": 10**9}


# --------------------------------------------------------------------------- the server


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    log: list[str] = field(default_factory=list)
    samples: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def rss_mb(self) -> float:
        return float(psutil.Process(self.process.pid).memory_info().rss) / MB


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, tuple[str, str]]]:
    data = tmp_path / "data"
    [login] = Services(Settings(_env_file=None, data_dir=data)).accounts().create(["Peserta Fuzz"])  # type: ignore[call-arg]
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "GRADIO_ANALYTICS_ENABLED": "False"}
    process = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "fuzz_server.py"), str(data), str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Server(process, f"http://127.0.0.1:{port}/")

    def read_log() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            running.log.append(line)

    threading.Thread(target=read_log, daemon=True).start()
    deadline = time.monotonic() + 90
    while not any("READY" in line for line in running.log):
        assert process.poll() is None, "".join(running.log)[-3000:]
        assert time.monotonic() < deadline, "the fuzz server did not start in 90 s"
        time.sleep(0.2)

    def sample() -> None:
        while not running.stop.is_set() and process.poll() is None:
            try:
                running.samples.append(running.rss_mb())
                running.times.append(time.monotonic())
            except psutil.Error:
                return
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()
    try:
        yield running, (login.username, login.password)
    finally:
        running.stop.set()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# --------------------------------------------------------------------------- the run


def rubric_value() -> dict[str, Any]:
    from toolkit.feedback.rubric import RubricRequest, generate_rubric
    from toolkit.ui.feedback_tab import rubric_table

    headers, rows = rubric_table(generate_rubric(RubricRequest(goal="Menjelaskan fotosintesis")))
    return {"headers": headers, "data": rows, "metadata": None}


def default_for(parameter: dict[str, Any]) -> Any:
    """A valid value for a parameter that is not being fuzzed."""
    component = parameter.get("component")
    kind = str(parameter.get("python_type", {}).get("type", ""))
    if component == "Dataframe":
        return rubric_value()
    if parameter.get("parameter_has_default"):
        return parameter.get("parameter_default")
    if kind.startswith("Literal["):
        choices = [c.strip(" '") for c in kind[len("Literal[") : -1].split(",") if c.strip()]
        return choices[0] if choices else None
    if component in ("File",):
        return None
    if kind in ("int", "float"):
        return 1
    if kind == "bool":
        return False
    if kind.startswith("list"):
        return []
    return parameter.get("example_input")


def cases(api: dict[str, Any], files: dict[str, Path]) -> list[tuple[str, list[Any], str]]:
    """(endpoint, arguments, what is fuzzed), round-robin over the endpoints so each gets covered early."""
    per_endpoint: list[list[tuple[str, list[Any], str]]] = []
    for name, endpoint in api["named_endpoints"].items():
        if name in SKIPPED_ENDPOINTS:
            continue
        parameters = endpoint["parameters"]
        base = [default_for(p) for p in parameters]
        mine: list[tuple[str, list[Any], str]] = []
        for index, parameter in enumerate(parameters):
            component = parameter.get("component")
            kind = str(parameter.get("python_type", {}).get("type", ""))
            if component == "File":
                values: dict[str, Any] = {label: handle_file(str(path)) for label, path in files.items()}
            elif component in ("Textbox", "Code") or (kind == "str" and component != "Dropdown"):
                values = dict(TEXTS)
            elif component in ("Number", "Slider"):
                values = dict(NUMBERS)
            else:
                continue
            for label, value in values.items():
                arguments = list(base)
                arguments[index] = value
                mine.append((name, arguments, f"{parameter.get('label')}={label}"))
        if mine:
            per_endpoint.append(mine)
    ordered: list[tuple[str, list[Any], str]] = []
    while any(per_endpoint):
        for queue in per_endpoint:
            if queue:
                ordered.append(queue.pop(0))
    return ordered


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def traceback_ends(log: list[str]) -> list[str]:
    """The exception line of every traceback in the server's log."""
    ends: list[str] = []
    inside = False
    for line in log:
        if line.startswith("Traceback (most recent call last)"):
            inside = True
        elif inside and line.strip() and not line.startswith((" ", "\t")):
            ends.append(line.strip())
            inside = False
    return ends


def test_every_endpoint_answers_bad_input_with_a_sentence_within_the_memory_ceiling(
    server: tuple[Server, tuple[str, str]], tmp_path: Path
) -> None:
    running, login = server
    files = fuzz_files(tmp_path / "fuzz")
    client = Client(running.url, auth=login, verbose=False)
    todo = cases(client.view_api(return_format="dict", print_info=False), files)
    time.sleep(1.0)
    baseline = max(running.samples[-10:])
    problems: list[str] = []
    refused_uploads = 0
    done = 0
    windows: list[tuple[float, float, str]] = []
    started = time.monotonic()
    for endpoint, arguments, what in todo:
        if time.monotonic() - started > FUZZ_SECONDS:
            break
        began = time.monotonic()
        try:
            answer = client.submit(*arguments, api_name=endpoint).result(timeout=CALL_TIMEOUT_S)
            bad = [text[:120] for text in strings(answer) if "Traceback (most recent call last)" in text]
            if bad:
                problems.append(f"{endpoint} {what}: traceback in the answer: {bad[0]}")
        except AppError as exc:  # the app's (or Gradio's input check's) own one-line message
            message = str(exc)
            if "Traceback" in message or "\n" in message.strip() or not message.strip():
                problems.append(f"{endpoint} {what}: {type(exc).__name__}: {message[:200]}")
        except Exception as exc:
            if "413" in str(exc) or "too large" in str(exc).lower():
                refused_uploads += 1  # the upload limit answered before the app saw the file
            else:
                problems.append(f"{endpoint} {what}: {type(exc).__name__}: {str(exc)[:160]}")
        done += 1
        windows.append((began, time.monotonic() + 0.1, f"{endpoint} {what}"))
        if running.process.poll() is not None:
            problems.append(f"{endpoint} {what}: the server stopped")
            break
    elapsed = time.monotonic() - started
    time.sleep(0.2)
    peak = max(running.samples)
    heaviest = sorted(
        (
            (
                max(
                    (m for m, t in zip(running.samples, running.times, strict=False) if a <= t <= b),
                    default=0,
                ),
                name,
            )
            for a, b, name in windows
        ),
        reverse=True,
    )[:3]
    # Gradio's own input checks (a file type the input does not take, a number under its minimum)
    # answer with their sentence and log it with a traceback; anything else is the app's failure.
    unhandled = [end for end in traceback_ends(running.log) if not end.startswith("gradio.exceptions.Error")]
    figures = {
        "cases": len(todo),
        "done": done,
        "seconds": round(elapsed, 1),
        "baseline_mb": round(baseline),
        "peak_mb": round(peak),
        "end_mb": round(running.samples[-1]),
        "uploads_refused_by_size": refused_uploads,
        "heaviest_cases": [f"{name}: {round(mb)} MB" for mb, name in heaviest],
    }
    print("fuzz figures:", json.dumps(figures))
    assert not problems, "\n".join(problems[:20])
    assert not unhandled, unhandled[:10]
    assert done >= min(len(todo), 250), figures  # bounded in time, but not so slow that little was tried
    assert peak < MEMORY_LIMIT_MB and peak - baseline < GROWTH_LIMIT_MB, figures
