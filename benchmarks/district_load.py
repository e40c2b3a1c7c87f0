"""District load: 100 simulated teachers on two app processes sharing one model server (loopback only).

Starts the district setup of ``docs/deploy.md`` on this machine: a throw-away PostgreSQL cluster,
a Chroma server, llama-cpp-python's OpenAI-compatible server over the embedded Gemma GGUF, and two
``kelas serve --workshop`` processes on them (``openai-compatible`` provider). It indexes
``corpora/ipa`` and creates one account per participant, then:

1. measures the single-stream speed in the same run: one teacher alone asks a few questions through
   the app (time per answer, time to first words), and the model server's own decode speed;
2. logs 100 participants in (8 logins at a time, alternately on the two processes, as a load balancer with sticky
   sessions would), lets them all ask "ask the curriculum" at the same moment, and records for each
   the time to the first words of the answer, the total time and whether the answer arrived.
   "lost" counts requests that ended without an answer (an error, an empty answer, a participant
   whose thread never reported); "refused" those the generation gate told to try again (its
   waiting room full; each process allows ``WAITING``); "unfinished" counts those still queued
   when the time limit hit.

Bounded: 100 participants, one question each, a 15-minute limit for the whole load phase; every
address is 127.0.0.1. Writes ``benchmarks/district_load_results.json`` (summary, the command, and
one row per participant). Usage: ``python benchmarks/district_load.py [max_tokens] [participants]``
(defaults 48 and 100; a smaller count is a quick check of the script itself).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the server helpers shared with the district tests

from servers import chroma_server, kelas_servers, model_server, postgres_bin_dir, postgres_server  # noqa: E402

PARTICIPANTS = 100
TIME_LIMIT_S = 900
LOGIN_CONCURRENCY = 8
LOGIN_LIMIT_S = 600
SINGLE_STREAM_QUESTIONS = 4
MODEL_ALIAS = "gemma3-270m"
QUESTIONS = ["Apa hasil fotosintesis?", "Apa itu kondensasi?", "Apa itu ekosistem?", "Apa fungsi klorofil?"]
OUT = ROOT / "benchmarks" / "district_load_results.json"
WAITING = 64
"""``KELAS_MAX_WAITING_GENERATIONS`` of each app process (docs/deploy.md: at least its teachers)."""
BUSY_PREFIXES = ("Server sedang penuh", "The server is busy")
"""The generation gate's answer when its waiting room is full (``toolkit.limits``)."""


def note(text: str) -> None:
    """A progress line on stderr."""
    print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def refused(row: dict[str, Any]) -> bool:
    """The gate answered "busy, try again" (a sentence, not a loss)."""
    return not row.get("completed") and str(row.get("status_line", "")).startswith(BUSY_PREFIXES)


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the sorted values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def ask(client: Any, question: str, deadline: float) -> dict[str, Any]:
    """Ask through ``/ask_curriculum``; time to the first words and to the end, and the outcome."""
    began = time.perf_counter()
    first: float | None = None
    saw_queue = False
    job = client.submit(question, "", "", "", "id", api_name="/ask_curriculum")
    while not job.done() and time.perf_counter() < deadline:
        saw_queue = saw_queue or str(job.status().code).endswith("IN_QUEUE")
        outputs = job.outputs()
        if first is None and outputs and str(outputs[-1][0]).strip():
            first = time.perf_counter() - began
        time.sleep(0.05)
    total = time.perf_counter() - began
    outputs = job.outputs() if job.done() else []
    final = outputs[-1] if outputs else None
    answer = str(final[0]).strip() if final else ""
    return {
        "completed": bool(job.done() and answer),
        "done": job.done(),
        "first_output_s": first if first is not None else (total if answer else None),
        "total_s": total,
        "was_queued": saw_queue,
        "answer_chars": len(answer),
        "status_line": str(final[2])[:80] if final else "",
    }


def model_server_decode_speed(url: str, max_tokens: int) -> dict[str, float]:
    """Tokens per second of one request straight to the model server (no app in between)."""
    body = json.dumps(
        {
            "model": MODEL_ALIAS,
            "max_tokens": max_tokens,
            "temperature": 0,
            "messages": [{"role": "user", "content": "Jelaskan fotosintesis untuk siswa kelas 7."}],
        }
    ).encode()
    request = urllib.request.Request(
        f"{url}/chat/completions", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        usage = json.loads(response.read())["usage"]
    elapsed = time.perf_counter() - started
    return {"completion_tokens": usage["completion_tokens"], "seconds": elapsed}


def main() -> None:
    """Run the district load test and write the results."""
    from gradio_client import Client

    from toolkit.llm.runtime import model_path as resolve_model_path
    from toolkit.services import Services
    from toolkit.settings import Settings

    max_tokens = int(sys.argv[1]) if len(sys.argv) > 1 else 48
    participants = min(int(sys.argv[2]), PARTICIPANTS) if len(sys.argv) > 2 else PARTICIPANTS
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        sys.exit("PostgreSQL is not installed (Debian's package 'postgresql').")
    model_path = resolve_model_path(Settings(_env_file=None, data_dir=ROOT / ".kelas"))  # type: ignore[call-arg]
    with tempfile.TemporaryDirectory(prefix="kelas-district-load-") as folder, ExitStack() as stack:
        root = Path(folder)
        postgres = stack.enter_context(postgres_server(bin_dir))
        database = postgres.create_database(f"district_{uuid.uuid4().hex[:12]}")
        chroma_url = stack.enter_context(chroma_server(root / "chroma"))
        model_url = stack.enter_context(
            model_server(model_path, root / "model-server.log", alias=MODEL_ALIAS, chat_format="alpaca")
        )
        admin = Services(
            Settings(_env_file=None, data_dir=root / "admin", database_url=database, chroma_url=chroma_url)  # type: ignore[call-arg]
        )
        admin.index([ROOT / "corpora" / "ipa"])
        teachers = admin.accounts().create([f"Guru {number:03d}" for number in range(participants + 1)])
        shared = {
            "KELAS_WORKSHOP": "true",
            "KELAS_DATABASE_URL": database,
            "KELAS_CHROMA_URL": chroma_url,
            "KELAS_PROVIDER": "openai-compatible",
            "KELAS_BASE_URL": model_url,
            "KELAS_MODEL": MODEL_ALIAS,
            "KELAS_STRUCTURED_OUTPUT": "function_calling",
            "KELAS_MAX_TOKENS": str(max_tokens),
            "KELAS_REQUEST_TIMEOUT": str(TIME_LIMIT_S),
            # every teacher of a process may wait for a turn (the default, 32, tells the rest to retry)
            "KELAS_MAX_WAITING_GENERATIONS": str(WAITING),
        }
        names = ["app-a", "app-b"]
        urls = stack.enter_context(
            kelas_servers(
                [{**shared, "KELAS_DATA_DIR": str(root / name)} for name in names],
                cwd=root,
                logs=[root / f"{name}.log" for name in names],
            )
        )

        note(f"servers up: {urls}, model server {model_url}")
        # 1. single stream, same run: the server alone, then one teacher alone through the app
        model_server_decode_speed(model_url, 8)  # warm up
        decode = model_server_decode_speed(model_url, max_tokens)
        alone = Client(urls[0], auth=(teachers[-1].username, teachers[-1].password), verbose=False)
        ask(alone, "Apa itu evaporasi?", time.perf_counter() + 300)  # warm up the app's first call
        singles = [
            ask(alone, QUESTIONS[n % len(QUESTIONS)], time.perf_counter() + 300)
            for n in range(SINGLE_STREAM_QUESTIONS)
        ]
        single_total = statistics.mean(float(r["total_s"]) for r in singles)
        single_first = statistics.mean(float(r["first_output_s"] or r["total_s"]) for r in singles)

        note(f"single stream: {single_total:.1f} s per answer")
        # 2. one hundred participants at the same moment
        results: list[dict[str, Any]] = []
        lock = threading.Lock()
        deadline_box = [0.0]

        def set_deadline() -> None:
            deadline_box[0] = time.perf_counter() + TIME_LIMIT_S

        gate = threading.Barrier(participants + 1, action=set_deadline)  # the deadline is set at the gate
        logins = threading.Semaphore(LOGIN_CONCURRENCY)

        def participant(number: int) -> None:
            teacher = teachers[number]
            process = number % 2
            row: dict[str, Any] = {"participant": number, "process": names[process]}
            client = None
            with logins:  # teachers arrive over the first minutes, not all in the same second
                began = time.perf_counter()
                try:
                    client = Client(
                        urls[process],
                        auth=(teacher.username, teacher.password),
                        verbose=False,
                        httpx_kwargs={"timeout": 300},
                    )
                except Exception as exc:
                    row.update(completed=False, error=f"login: {type(exc).__name__}")
                row["login_s"] = round(time.perf_counter() - began, 2)
                note(f"participant {number} logged in ({row['login_s']} s)")
            with suppress(threading.BrokenBarrierError):
                gate.wait(timeout=LOGIN_LIMIT_S)
            if client is not None:
                try:
                    row.update(ask(client, QUESTIONS[number % len(QUESTIONS)], deadline_box[0]))
                except Exception as exc:
                    row.update(completed=False, error=f"{type(exc).__name__}: {str(exc)[:80]}")
            with lock:
                results.append(row)

        requests_before = (
            (root / "model-server.log").read_text(errors="replace").count("POST /v1/chat/completions")
        )
        threads = [threading.Thread(target=participant, args=(n,), daemon=True) for n in range(participants)]
        for thread in threads:
            thread.start()
        with suppress(threading.BrokenBarrierError):  # a login that hangs breaks the gate: go on
            gate.wait(timeout=LOGIN_LIMIT_S)
        note("all logged in: asking")
        if not deadline_box[0]:
            set_deadline()
        started = deadline_box[0] - TIME_LIMIT_S
        for thread in threads:
            thread.join(timeout=max(1.0, deadline_box[0] + 30 - time.perf_counter()))
        wall = time.perf_counter() - started
        server_log = (root / "model-server.log").read_text(encoding="utf-8", errors="replace")

    completed = [r for r in results if r.get("completed")]
    logins_s = [
        float(r["login_s"])
        for r in results
        if "login_s" in r and not str(r.get("error", "")).startswith("login")
    ]
    firsts = [float(r["first_output_s"]) for r in completed if r.get("first_output_s") is not None]
    last_done = max((float(r["total_s"]) for r in completed), default=wall)
    summary = {
        "participants": participants,
        "app_processes": 2,
        "completed": len(completed),
        "lost": sum(
            1
            for r in results
            if not r.get("completed") and (r.get("done") or r.get("error")) and not refused(r)
        )
        + (participants - len(results)),
        "refused_told_to_retry": sum(1 for r in results if refused(r)),
        "max_waiting_generations_per_process": WAITING,
        "unfinished_at_time_limit": sum(1 for r in results if r.get("done") is False and not r.get("error")),
        "errors": sorted({str(r["error"]) for r in results if r.get("error")}),
        "queued": sum(1 for r in results if r.get("was_queued")),
        "login_p50_s": statistics.median(logins_s) if logins_s else None,
        "login_max_s": max(logins_s, default=None),
        "p50_first_output_s": round(statistics.median(firsts), 2) if firsts else None,
        "p95_first_output_s": round(percentile(firsts, 0.95), 2) if firsts else None,
        "time_to_last_answer_s": round(last_done, 1),
        "throughput_answers_per_min": round(60 * len(completed) / last_done, 1) if completed else 0.0,
        "single_stream_s_per_answer": round(single_total, 2),
        "single_stream_first_output_s": round(single_first, 2),
        "single_stream_answers_per_min": round(60 / single_total, 1),
        "model_server_decode_tokens_per_s": round(decode["completion_tokens"] / decode["seconds"], 1),
        "model_server_requests_under_load": server_log.count("POST /v1/chat/completions") - requests_before,
        "max_tokens": max_tokens,
        "time_limit_s": TIME_LIMIT_S,
    }
    OUT.write_text(
        json.dumps(
            {
                "command": f"python benchmarks/district_load.py {max_tokens} {participants}",
                "summary": summary,
                "single_stream": singles,
                "requests": sorted(results, key=lambda r: int(r["participant"])),
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
