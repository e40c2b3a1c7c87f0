"""Workshop load: 32 simulated participants ask at once through gradio_client (loopback only).

Starts the real app with the embedded model on a free 127.0.0.1 port, measures the model's
single-stream speed first, then submits one question per participant at the same moment and
records for each: time to the first words of the answer, total time, and the final status.
Every request must complete (the generation gate holds them; the status line says they wait for
a turn) and none may be lost. Bounded: 32 requests, a 15-minute limit. Writes
``benchmarks/load_results.json`` (quoted in ``benchmarks/README.md``).

Usage: ``.venv/bin/python benchmarks/load_benchmark.py [MAX_TOKENS]`` (48 by default)
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTICIPANTS = 32
TIME_LIMIT_S = 900
QUESTIONS = ["Apa hasil fotosintesis?", "Apa itu kondensasi?", "Apa itu ekosistem?", "Apa fungsi klorofil?"]


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    """Run the load test and print the summary."""
    from gradio_client import Client
    from provenance import load_average, write_results

    from toolkit.ask import AskRequest, answer_question
    from toolkit.services import Services
    from toolkit.settings import Settings
    from toolkit.ui.app import build_app, queue_options

    max_tokens = int(sys.argv[1]) if len(sys.argv) > 1 else 48
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="kelas-load-") as folder:
        settings = Settings(_env_file=None, data_dir=Path(folder), port=free_port(), max_tokens=max_tokens)  # type: ignore[call-arg]
        services = Services(settings)
        services.index([ROOT / "corpora" / "ipa"])
        answer_question(
            AskRequest(question="Apa itu evaporasi?"), llm=services.llm(), retriever=services.retriever()
        )
        singles = []
        for question in QUESTIONS:
            started = time.perf_counter()
            answer_question(AskRequest(question=question), llm=services.llm(), retriever=services.retriever())
            singles.append(time.perf_counter() - started)
        single_stream_s = statistics.mean(singles)

        demo = build_app(services)
        demo.queue(**queue_options(services)).launch(
            prevent_thread_lock=True, server_name="127.0.0.1", server_port=settings.port, quiet=True
        )
        url = f"http://127.0.0.1:{settings.port}/"
        results: list[dict[str, object]] = []
        lock = threading.Lock()
        start_gate = threading.Event()

        def participant(number: int) -> None:
            client = Client(url, verbose=False)
            start_gate.wait()
            began = time.perf_counter()
            first: float | None = None
            saw_queue = False
            job = client.submit(
                QUESTIONS[number % len(QUESTIONS)], "", "", "", "id", api_name="/ask_curriculum"
            )
            while not job.done() and time.perf_counter() - began < TIME_LIMIT_S:
                status = job.status()
                outputs = job.outputs()
                waiting = any("Menunggu giliran" in str(update[2]) for update in outputs)
                saw_queue = saw_queue or waiting or str(status.code).endswith("IN_QUEUE")
                if first is None and outputs and str(outputs[-1][0]).strip():
                    first = time.perf_counter() - began
                time.sleep(0.05)
            final = job.outputs()[-1] if job.outputs() else None
            total = time.perf_counter() - began
            with lock:
                results.append(
                    {
                        "participant": number,
                        "completed": bool(job.done() and final and str(final[0]).strip()),
                        "first_output_s": first if first is not None else total,
                        "total_s": total,
                        "was_queued": saw_queue,
                        "status_line": str(final[2])[:60] if final else "",
                    }
                )

        threads = [threading.Thread(target=participant, args=(n,)) for n in range(PARTICIPANTS)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        wall_started = time.perf_counter()
        start_gate.set()
        for thread in threads:
            thread.join(timeout=TIME_LIMIT_S)
        wall = time.perf_counter() - wall_started
        demo.close()

    firsts = sorted(float(r["first_output_s"]) for r in results)  # type: ignore[arg-type]
    summary = {
        "participants": PARTICIPANTS,
        "completed": sum(1 for r in results if r["completed"]),
        "lost": PARTICIPANTS - len(results),
        "queued": sum(1 for r in results if r["was_queued"]),
        "p50_first_output_s": statistics.median(firsts),
        "p95_first_output_s": firsts[min(len(firsts) - 1, int(0.95 * len(firsts)))],
        "throughput_answers_per_min": 60 * len(results) / wall,
        "single_stream_s_per_answer": single_stream_s,
        "single_stream_answers_per_min": 60 / single_stream_s,
        "max_tokens": max_tokens,
        "wall_s": wall,
    }
    results.sort(key=lambda row: int(row["participant"]))  # type: ignore[call-overload]
    write_results(
        ROOT / "benchmarks" / "load_results.json", {"summary": summary, "requests": results}, load_before
    )
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
