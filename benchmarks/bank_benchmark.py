"""The knowledge bank benchmark: are plans topic-specific, are quizzes on topic, how fast, how big.

    .venv/bin/python benchmarks/bank_benchmark.py [--requests benchmarks/bank/requests.json]
        [--out benchmarks/bank/results.json] [--data-dir DIR] [--model-sentences N]

For every teacher request (``benchmarks/bank/requests.json``, written before the bank's aliases were
looked at) it composes an RPP ringkas with ``--no-model`` and a 10-item quiz (5 multiple choice,
3 true/false, 2 short answer) with ``--no-model``, then measures:

- topic specificity: the topic's own words are masked in each plan, the plan's own sections
  (objectives, steps, assessment; not identity or CP) are split into sentences, and the share of
  its sentences that also occur in a plan for another request is counted. A plan is topic-specific
  when that share is at most 0.30;
- quizzes: verified items on the requested topic (an item counts when one of the request's
  ``expect`` stems occurs in its question, evidence or source; a source about the curriculum
  document itself is never used for items), the share at C3 or above, the share repeating another
  item's evidence or key;
- the time to compose a plan without a model (p50), and the index's size.

``--model-sentences N`` also writes N Modul Ajar plans with the configured model (bank + model) and
reports how many of the model's sentences were accepted into the plans. The index is built from
``corpora/`` with the real embeddings (shipped vectors are reused) in ``--data-dir``.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.lessons.checks import strings_in
from toolkit.lessons.formats import FORMATS
from toolkit.lessons.generate import generate_plan
from toolkit.lessons.models import Duration, LessonPlan, build_request
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import Quiz, QuizRequest
from toolkit.quiz.text import normalise, sentences
from toolkit.services import Services
from toolkit.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SKIPPED_BUILDERS = {"identity", "cp", "references"}
SPECIFIC_SHARE = 0.30
ON_TOPIC_NEEDED = 8


def plan_sentences(plan: LessonPlan, topic: str) -> set[str]:
    """The plan's own sentences with the topic's words masked, normalised."""
    builders = {spec.key: spec.builder for spec in FORMATS[plan.request.format]}
    words = [w for w in normalise(topic).split() if len(w) >= 3]
    found: set[str] = set()
    for section in plan.sections:
        if builders.get(section.key) in SKIPPED_BUILDERS:
            continue
        for text in strings_in(section.content):
            for sentence in sentences(text):
                if len(sentence.split()) < 3:  # a table label or a single verb is not a sentence
                    continue
                masked = normalise(sentence)
                for word in words:
                    masked = re.sub(rf"\b{re.escape(word)}\w*", "<t>", masked)
                found.add(masked)
    return found


def on_topic(text: str, expect: list[str]) -> bool:
    """True when one of the request's expected stems occurs in ``text`` (normalised; inside words too,
    so "jumlah" finds "penjumlahan"; stems under four letters only at a word's start)."""
    lowered = f" {normalise(text)}"
    return any((f" {normalise(stem)}" if len(stem) < 4 else normalise(stem)) in lowered for stem in expect)


def quiz_metrics(quiz: Quiz, expect: list[str]) -> dict[str, Any]:
    """Counts for one quiz."""
    verified = quiz.verified_items()
    topical = [
        item
        for item in verified
        if on_topic(
            " ".join(
                [
                    item.stem,
                    item.evidence.quote if item.evidence else "",
                    item.evidence.citation if item.evidence else "",
                ]
            ),
            expect,
        )
    ]
    seen_quotes: set[str] = set()
    seen_keys: set[str] = set()
    repeated = 0
    for item in verified:
        quote = normalise(item.evidence.quote) if item.evidence else ""
        key = normalise(" ".join(item.correct)) if item.type in ("mc", "short") else ""
        if (quote and quote in seen_quotes) or (key and key in seen_keys):
            repeated += 1
        seen_quotes.add(quote)
        seen_keys.add(key)
    return {
        "verified": len(verified),
        "on_topic": len(topical),
        "higher_order": sum(item.bloom >= "C3" for item in verified),
        "repeated": repeated,
        "from_bank": sum(item.origin == "bank" for item in verified),
        "card": quiz.notes[0] if quiz.notes and "[" in quiz.notes[0] else "",
    }


def run(
    requests: list[dict[str, Any]], services: Services
) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    rows: list[dict[str, Any]] = []
    plan_text: dict[str, set[str]] = {}
    retriever = services.retriever()
    for number, spec in enumerate(requests):
        row: dict[str, Any] = {k: spec[k] for k in ("subject", "kelas", "topic")}
        try:
            request = build_request(
                format="rpp",
                subject=spec["subject"],
                kelas=spec["kelas"],
                topic=spec["topic"],
                duration=Duration.from_minutes(80, 1).model_dump(),
                use_model=False,
            )
            started = time.perf_counter()
            plan = generate_plan(request, llm=None, retriever=retriever)
            row["plan_seconds"] = round(time.perf_counter() - started, 3)
            row["card"] = plan.card_id
            row["plan_checks_passed"] = all(check.passed for check in plan.checks)
            plan_text[str(number)] = plan_sentences(plan, spec["topic"])
        except ToolkitError as exc:
            row["plan_error"] = str(exc)[:200]
        try:
            quiz_request = QuizRequest(
                topic=spec["topic"],
                subject=spec["subject"],
                kelas=spec["kelas"],
                counts={"mc": 5, "tf": 3, "short": 2},
                use_model=False,
            )
            row["quiz"] = quiz_metrics(
                generate_quiz(quiz_request, llm=None, retriever=retriever), spec["expect"]
            )
        except ToolkitError as exc:
            row["quiz"] = {
                "verified": 0,
                "on_topic": 0,
                "higher_order": 0,
                "repeated": 0,
                "from_bank": 0,
                "error": str(exc)[:200],
            }
        rows.append(row)
        print(
            f"[{number + 1}/{len(requests)}] {spec['subject']} {spec['kelas']} {spec['topic']}: card={row.get('card', '-')} quiz={row['quiz']['on_topic']}/{row['quiz']['verified']}",
            flush=True,
        )
    return rows, plan_text


def specificity(rows: list[dict[str, Any]], plan_text: dict[str, set[str]]) -> None:
    """Add each plan's shared-sentence share."""
    for number, row in enumerate(rows):
        mine = plan_text.get(str(number))
        if not mine:
            row["shared_share"] = 1.0
            continue
        others: set[str] = set()
        for key, text in plan_text.items():
            if key != str(number):
                others |= text
        row["shared_share"] = round(len(mine & others) / len(mine), 3)


def model_sentences(requests: list[dict[str, Any]], services: Services, limit: int) -> dict[str, Any]:
    """Modul Ajar plans with the configured model on the bank: model sentences proposed and accepted."""
    proposed = accepted = 0
    seconds: list[float] = []
    for spec in requests[:limit]:
        request = build_request(
            format="modul-ajar", subject=spec["subject"], kelas=spec["kelas"], topic=spec["topic"]
        )
        started = time.perf_counter()
        try:
            plan = generate_plan(
                request, llm=services.llm(), retriever=services.retriever(), settings=services.settings
            )
        except ToolkitError:
            continue
        seconds.append(time.perf_counter() - started)
        counts = plan.stats.get("model_sentences", {})
        proposed += int(counts.get("proposed", 0))
        accepted += int(counts.get("accepted", 0))
    return {
        "provider": services.settings.describe_provider(),
        "plans": len(seconds),
        "proposed": proposed,
        "accepted": accepted,
        "accepted_share": round(accepted / proposed, 3) if proposed else None,
        "plan_seconds_p50": round(statistics.median(seconds), 1) if seconds else None,
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    shares = [row["shared_share"] for row in rows]
    quizzes = [row["quiz"] for row in rows]
    items = sum(q["verified"] for q in quizzes) or 1
    times = [row["plan_seconds"] for row in rows if "plan_seconds" in row]
    return {
        "requests": n,
        "with_card": sum(bool(row.get("card")) for row in rows),
        "topic_specific_share": round(sum(s <= SPECIFIC_SHARE for s in shares) / n, 3),
        "mean_shared_share": round(statistics.mean(shares), 3),
        "quiz_on_topic_8_share": round(sum(q["on_topic"] >= ON_TOPIC_NEEDED for q in quizzes) / n, 3),
        "quiz_higher_order_share": round(sum(q["higher_order"] for q in quizzes) / items, 3),
        "quiz_repeated_share": round(sum(q["repeated"] for q in quizzes) / items, 3),
        "quiz_items_from_bank_share": round(sum(q["from_bank"] for q in quizzes) / items, 3),
        "plan_seconds_p50": round(statistics.median(times), 3) if times else None,
        "plan_seconds_max": round(max(times), 3) if times else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=Path, default=REPO / "benchmarks" / "bank" / "requests.json")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "bank" / "results.json")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--model-sentences", type=int, default=0)
    args = parser.parse_args()
    requests = json.loads(args.requests.read_text(encoding="utf-8"))["requests"]
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="kelas-bank-"))
    services = Services(Settings(data_dir=data_dir))
    started = time.perf_counter()
    report = services.index([REPO / "corpora"])
    index_seconds = time.perf_counter() - started
    index_bytes = sum(
        p.stat().st_size for p in services.settings.resolved_index_path.rglob("*") if p.is_file()
    )
    rows, plan_text = run(requests, services)
    specificity(rows, plan_text)
    result: dict[str, Any] = {
        "command": "python benchmarks/bank_benchmark.py"
        + (f" --model-sentences {args.model_sentences}" if args.model_sentences else ""),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "summary": summary(rows),
        "index": {
            "chunks": services.store().count(),
            "megabytes": round(index_bytes / 1e6, 1),
            "build_seconds": round(index_seconds, 1),
            "embedded_now": report.embedded_chunks,
        },
        "requests": rows,
    }
    if args.model_sentences:
        result["model_sentences"] = model_sentences(requests, services, args.model_sentences)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "requests"}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
