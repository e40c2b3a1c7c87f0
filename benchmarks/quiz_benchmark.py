"""Quiz benchmark on TyDiQA-GoldP Indonesian passages (``../shared/datasets/tydiqa-id/valid.json``).

Two runs, each passage used as the teacher's own text:

* ``model``: the embedded model drafts every item (regenerated once), then the fallback fills in;
  the model also re-answers fallback items (advisory). Slow on CPU, so few passages.
* ``fallback``: no model at all; every item is built from the passage.

For each path it reports the share of items passing all checks, the share of keys confirmed by
the independent check (among items that passed the deterministic checks) and the seconds per
verified item. Usage::

    .venv/bin/python benchmarks/quiz_benchmark.py --model-passages 4 --fallback-passages 100 \
        --out benchmarks/quiz_results.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from toolkit.quiz.generate import generate_quiz  # noqa: E402
from toolkit.quiz.models import QuestionType, QuizRequest  # noqa: E402

DATA = REPO.parent / "shared" / "datasets" / "tydiqa-id" / "valid.json"
COUNTS: dict[QuestionType, int] = {"mc": 1, "tf": 1, "short": 1}
KEYS = (
    "model_drafts",
    "model_passed_deterministic",
    "model_key_confirmed",
    "model_verified",
    "fallback_candidates",
    "fallback_passed_deterministic",
    "fallback_key_confirmed",
    "fallback_verified",
    "fallback_model_checked",
    "fallback_model_agreed",
    "seconds_model",
    "seconds_fallback",
)


def passages(limit: int, offset: int = 0) -> list[str]:
    """Distinct contexts of at least 300 characters."""
    records = json.loads(DATA.read_text(encoding="utf-8"))
    seen: list[str] = []
    for record in records:
        context = str(record["context"]).strip()
        if len(context) >= 300 and context not in seen:
            seen.append(context)
    return seen[offset : offset + limit]


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return round(numerator / denominator, 3) if denominator else None


def run(contexts: list[str], llm: Any, max_tokens: int, label: str) -> dict[str, Any]:
    """Totals of the quiz statistics over ``contexts``."""
    totals = dict.fromkeys(KEYS, 0.0)
    items = 0
    started = time.perf_counter()
    for number, context in enumerate(contexts, 1):
        request = QuizRequest(
            topic="bacaan",
            source_text=context,
            counts=COUNTS,
            language="id",
            use_model=llm is not None,
            draft_max_tokens=max_tokens,
        )
        quiz = generate_quiz(request, llm=llm, retriever=None)
        for key in KEYS:
            totals[key] += quiz.stats.get(key, 0.0)
        items += len(quiz.items)
        print(
            f"[{label} {number}/{len(contexts)}] {len(quiz.items)} items, "
            f"{time.perf_counter() - started:.0f}s",
            file=sys.stderr,
            flush=True,
        )
    return {
        "passages": len(contexts),
        "items_asked": len(contexts) * sum(COUNTS.values()),
        "items_delivered": items,
        "totals": {key: round(value, 3) for key, value in totals.items()},
        "model_path": {
            "share_passing_all_checks": ratio(totals["model_verified"], totals["model_drafts"]),
            "share_keys_confirmed": ratio(
                totals["model_key_confirmed"], totals["model_passed_deterministic"]
            ),
            "seconds_per_verified_item": ratio(totals["seconds_model"], totals["model_verified"]),
            "seconds_per_draft": ratio(totals["seconds_model"], totals["model_drafts"]),
        },
        "fallback_path": {
            "share_passing_all_checks": ratio(totals["fallback_verified"], totals["fallback_candidates"]),
            "share_keys_confirmed": ratio(
                totals["fallback_key_confirmed"], totals["fallback_passed_deterministic"]
            ),
            "share_confirmed_by_model_reanswer": ratio(
                totals["fallback_model_agreed"], totals["fallback_model_checked"]
            ),
            "seconds_per_verified_item": ratio(totals["seconds_fallback"], totals["fallback_verified"]),
        },
        "seconds_total": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    """Run both benchmarks and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-passages", type=int, default=4)
    parser.add_argument("--fallback-passages", type=int, default=100)
    parser.add_argument("--max-tokens", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "quiz_results.json")
    args = parser.parse_args()
    if not DATA.is_file():
        raise SystemExit(f"{DATA} is missing (it lives in ../shared, outside the repository).")
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "data": str(DATA.relative_to(REPO.parent))}
    results["fallback_only"] = run(passages(args.fallback_passages), None, args.max_tokens, "fallback")
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.model_passages:
        from toolkit.llm.local_chat import LocalChatModel
        from toolkit.llm.runtime import model_path as resolve_model_path
        from toolkit.settings import Settings

        settings = Settings(_env_file=None, data_dir=REPO / ".kelas")  # type: ignore[call-arg]
        llm = LocalChatModel(
            model_path=resolve_model_path(settings), n_ctx=2048, n_threads=2, max_tokens=args.max_tokens
        )
        results["embedded_model"] = run(passages(args.model_passages), llm, args.max_tokens, "model")
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
