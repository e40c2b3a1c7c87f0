"""Lesson plans with the embedded model: time to the first streamed section, time to a complete plan,
and the share of plans that pass every check, over a fixed set of requests.

    .venv/bin/python benchmarks/lesson_benchmark.py [--limit N] [--out benchmarks/lesson_results.json]

The full run's file, ``benchmarks/lesson_results.json``, is the one ``benchmarks/lesson.md`` and
``benchmarks/README.md`` quote; send a partial run (``--limit``) to ``benchmarks/results/``.

The index is built from ``corpora/`` with the real embeddings in a temporary folder. For each
plan the script records whether every check passed on the model's first draft of every section,
after the one targeted regeneration, and in the final plan (after code repairs), so the share of
work done by the model and by code is visible.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from provenance import load_average, write_results

from toolkit.lessons.generate import stream_plan
from toolkit.lessons.models import build_request
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.tools import LESSON_PLAN

REPO = Path(__file__).resolve().parent.parent

REQUESTS: list[dict[str, Any]] = [
    {
        "format": "modul-ajar",
        "subject": "ipa",
        "fase": "D",
        "kelas": 7,
        "topic": "fotosintesis",
        "language": "id",
    },
    {
        "format": "mendalam",
        "subject": "ipa",
        "fase": "D",
        "kelas": 7,
        "topic": "siklus air",
        "language": "id",
    },
    {"format": "rpp", "subject": "ipa", "fase": "D", "kelas": 7, "topic": "ekosistem", "language": "id"},
    {
        "format": "lesson-plan",
        "subject": "ipa",
        "fase": "D",
        "kelas": 7,
        "topic": "photosynthesis",
        "language": "en",
    },
    {
        "format": "modul-ajar",
        "subject": "matematika",
        "fase": "D",
        "kelas": 7,
        "topic": "bilangan bulat",
        "language": "id",
    },
    {
        "format": "mendalam",
        "subject": "matematika",
        "fase": "D",
        "kelas": 7,
        "topic": "persamaan linear satu variabel",
        "language": "id",
    },
    {
        "format": "rpp",
        "subject": "matematika",
        "fase": "D",
        "kelas": 7,
        "topic": "persamaan linear",
        "language": "en",
    },
    {
        "format": "lesson-plan",
        "subject": "matematika",
        "fase": "D",
        "kelas": 7,
        "topic": "bilangan bulat",
        "language": "en",
    },
    {
        "format": "modul-ajar",
        "subject": "bahasa-indonesia",
        "fase": "D",
        "kelas": 7,
        "topic": "teks deskripsi",
        "language": "id",
    },
    {
        "format": "rpp",
        "subject": "bahasa-indonesia",
        "fase": "D",
        "kelas": 8,
        "topic": "teks deskripsi",
        "language": "id",
    },
    {
        "format": "lesson-plan",
        "subject": "bahasa-inggris",
        "fase": "D",
        "kelas": 7,
        "topic": "descriptive text",
        "language": "en",
    },
    {
        "format": "mendalam",
        "subject": "bahasa-inggris",
        "fase": "D",
        "kelas": 7,
        "topic": "descriptive text",
        "language": "id",
    },
    {
        "format": "modul-ajar",
        "subject": "ipa",
        "fase": "C",
        "kelas": 5,
        "topic": "rantai makanan",
        "language": "id",
    },
    {"format": "rpp", "subject": "ipa", "fase": "C", "kelas": 6, "topic": "wujud zat", "language": "id"},
    {
        "format": "modul-ajar",
        "subject": "ipa",
        "fase": "D",
        "kelas": 7,
        "topic": "water cycle",
        "language": "en",
    },
    {
        "format": "mendalam",
        "subject": "ipa",
        "fase": "D",
        "kelas": 7,
        "topic": "ecosystems",
        "language": "en",
    },
    {
        "format": "rpp",
        "subject": "ipa",
        "fase": "D",
        "kelas": 8,
        "topic": "sistem pencernaan",
        "language": "id",
    },
    {
        "format": "lesson-plan",
        "subject": "ipa",
        "fase": "D",
        "kelas": 7,
        "topic": "pemanasan global",
        "language": "id",
    },
    {
        "format": "modul-ajar",
        "subject": "informatika",
        "fase": "D",
        "kelas": 7,
        "topic": "berpikir komputasional",
        "language": "id",
    },
    {"format": "rpp", "subject": "ipa", "fase": "D", "kelas": 8, "topic": "gerak dan gaya", "language": "en"},
    {
        "format": "mendalam",
        "subject": "ipa",
        "fase": "D",
        "kelas": 7,
        "topic": "zat dan perubahannya",
        "language": "id",
    },
    {
        "format": "lesson-plan",
        "subject": "ipa",
        "fase": "D",
        "kelas": 7,
        "topic": "the water cycle",
        "language": "en",
    },
]


def run(limit: int | None, out: Path, data_dir: Path | None = None) -> dict[str, Any]:
    """Generate every request with the embedded model and summarise the measurements."""
    load_before = load_average()
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="kelas-lesson-bench-"))
    model_path = REPO / ".kelas" / "models" / "gemma-3-270m-q4_k_m.gguf"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data_dir,
        local_model_path=model_path if model_path.is_file() else None,
        corpora_path=REPO / "corpora",
    )
    services = Services(settings)
    started = time.perf_counter()
    report = services.index([REPO / "corpora"])
    index_s = time.perf_counter() - started
    print(f"index: {report.summary()} in {index_s:.1f}s", flush=True)
    rows: list[dict[str, Any]] = []
    # cheapest formats first, so that a run stopped early still covers every format
    cost = {"rpp": 0, "lesson-plan": 1, "mendalam": 2, "modul-ajar": 3}
    ordered = sorted(REQUESTS[:limit], key=lambda values: cost[values["format"]])
    for number, values in enumerate(ordered, start=1):
        request = build_request(duration={"jp": 2, "minutes_per_jp": 40, "meetings": 1}, **values)
        begin = time.perf_counter()
        first_section_s: float | None = None
        first_model_section_s: float | None = None
        last = None
        error = ""
        try:
            for event in stream_plan(
                request,
                llm=services.llm(),
                retriever=services.retriever(),
                settings=settings,
            ):
                last = event
                if event.kind in ("done", "error"):  # kept in the Library, as the app does
                    LESSON_PLAN.save(services.library(), event.plan)
                if event.kind == "section" and first_section_s is None:
                    first_section_s = time.perf_counter() - begin
                written_by_model = (
                    event.kind == "section"
                    and event.section_key is not None
                    and event.plan.section(event.section_key).author in ("model", "model+code")
                )
                if written_by_model and first_model_section_s is None:
                    first_model_section_s = time.perf_counter() - begin
        except Exception as exc:  # a refused request is recorded, not fatal to the benchmark
            error = f"{type(exc).__name__}: {exc}"
        total_s = time.perf_counter() - begin
        row: dict[str, Any] = {
            **values,
            "first_section_s": first_section_s,
            "first_model_section_s": first_model_section_s,
            "total_s": round(total_s, 1),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "error": error,
        }
        if last is not None:
            plan = last.plan
            stats = plan.stats.get("sections", {})
            row.update(
                {
                    "status": plan.status,
                    "final_pass": plan.passed,
                    "failed_checks": [c.name for c in plan.checks if not c.passed],
                    "draft_pass": all(s["draft_passed"] for s in stats.values()),
                    "after_regeneration_pass": all(
                        s["draft_passed"] or not s["repaired"] for s in stats.values()
                    ),
                    "sections": len(plan.sections),
                    "regenerated": sum(1 for s in stats.values() if s["regenerated"]),
                    "repaired": sum(1 for s in stats.values() if s["repaired"]),
                    "authors": {s.key: s.author for s in plan.sections},
                    "model_calls": plan.stats.get("model_calls"),
                    "cp_found": plan.cp.found,
                }
            )
        rows.append(row)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
        print(
            number,
            json.dumps({k: v for k, v in row.items() if k != "authors"}, ensure_ascii=False),
            flush=True,
        )
    done = [r for r in rows if r.get("status") == "complete"]
    values = [r["first_model_section_s"] for r in done if r["first_model_section_s"]]
    summary = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, no GPU",
        "load_average_1min_median": round(statistics.median(r["load_average_1min"] for r in rows), 2)
        if rows
        else None,
        "model": settings.describe_provider(),
        "requests": len(rows),
        "complete": len(done),
        "index_s": round(index_s, 1),
        "first_section_s_median": round(statistics.median(r["first_section_s"] for r in done), 1)
        if done
        else None,
        "first_model_section_s_median": round(
            statistics.median(r["first_model_section_s"] for r in done if r["first_model_section_s"]), 1
        )
        if any(r["first_model_section_s"] for r in done)
        else None,
        "total_s_median": round(statistics.median(r["total_s"] for r in done), 1) if done else None,
        "total_s_by_format": {
            fmt: round(statistics.median(r["total_s"] for r in done if r["format"] == fmt), 1)
            for fmt in sorted({r["format"] for r in done})
        },
        "share_final_pass": round(sum(1 for r in done if r["final_pass"]) / len(rows), 3) if rows else 0.0,
        "share_draft_pass": round(sum(1 for r in done if r["draft_pass"]) / len(rows), 3) if rows else 0.0,
        "share_after_regeneration_pass": round(
            sum(1 for r in done if r["after_regeneration_pass"]) / len(rows), 3
        )
        if rows
        else 0.0,
        "sections_regenerated": sum(r["regenerated"] for r in done),
        "sections_repaired_by_code": sum(r["repaired"] for r in done),
        "sections_total": sum(r["sections"] for r in done),
        "sections_by_author": dict(
            sorted(
                Counter(author for r in done for author in r["authors"].values()).items(),
                key=lambda item: -item[1],
            )
        ),
        "model_calls_total": sum(r["model_calls"] or 0 for r in done),
        "first_model_section_s_range": [
            round(min(values), 1) if values else None,
            round(max(values), 1) if values else None,
        ],
        "plans_without_a_model_section": sum(1 for r in done if not r["first_model_section_s"]),
        "total_s_range": [
            round(min(r["total_s"] for r in done), 1) if done else None,
            round(max(r["total_s"] for r in done), 1) if done else None,
        ],
    }
    write_results(out, {"summary": summary, "rows": rows}, load_before)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return summary


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="Only the first N requests.")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "lesson_results.json")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="Reuse this data folder (its index is only updated, not rebuilt).",
    )
    args = parser.parse_args()
    run(args.limit, args.out, args.data_dir)


if __name__ == "__main__":
    main()
