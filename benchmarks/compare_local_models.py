"""Compare the two embedded models on the project's own prompts, in Indonesian and English.

For each model: decode speed, empty answers, answer language (does it answer in the language
asked?), grounding (share of the answer's content words found in the retrieved passages), and
valid structured output under a JSON-schema grammar. Writes ``benchmarks/local_models_results.json``
(quoted in ``benchmarks/README.md``).

Usage: ``.venv/bin/python benchmarks/compare_local_models.py [--out FILE]``
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from langchain_core.messages import HumanMessage
from provenance import load_average, write_results
from pydantic import BaseModel, Field

from toolkit.ask import AskRequest, stream_answer
from toolkit.errors import StructuredOutputError
from toolkit.index.lexical import tokenize
from toolkit.language import detect_language
from toolkit.llm.structured import generate_structured
from toolkit.services import Services
from toolkit.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    ("id", "Apa hasil fotosintesis?"),
    ("id", "Apa yang dimaksud dengan kondensasi?"),
    ("id", "Sebutkan komponen produsen dalam ekosistem."),
    ("id", "Apa tujuan asesmen diagnostik?"),
    ("id", "Apa saja prinsip pembelajaran mendalam?"),
    ("en", "What do plants need for photosynthesis?"),
    ("en", "What happens during evaporation?"),
    ("en", "What is a food chain?"),
]


class Term(BaseModel):
    """A small structured task: a term and its definition."""

    term: str = Field(max_length=30)
    definition: str = Field(max_length=160)


def grounding(answer: str, passages: str) -> float:
    """Share of the answer's content words that occur in the passages."""
    words = tokenize(answer)
    if not words:
        return 0.0
    source = set(tokenize(passages))
    return sum(1 for w in words if w in source) / len(words)


def evaluate(model: str, data_dir: Path) -> dict[str, float]:
    """Metrics for one embedded model."""
    settings = Settings(_env_file=None, local_model=model, data_dir=data_dir, max_tokens=96)  # type: ignore[call-arg]
    shared_index = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    services = Services(settings)
    services._store = Services(shared_index).store()  # one index for both models
    llm, retriever = services.llm(), services.retriever()
    llm.invoke([HumanMessage(content="Halo")], max_tokens=4)  # load the model before timing
    rows = []
    for language, question in QUESTIONS:
        started = time.perf_counter()
        text, hits = "", []
        for partial, found in stream_answer(
            AskRequest(question=question, language=language), llm=llm, retriever=retriever
        ):
            text, hits = partial, found
        seconds = time.perf_counter() - started
        tokens = max(1, len(re.findall(r"\w+|[^\w\s]", text)))
        rows.append(
            {
                "language": language,
                "empty": not text.strip(),
                "language_ok": detect_language(text) == language if text.strip() else False,
                "grounding": grounding(text, " ".join(h.text for h in hits)),
                "tokens_per_s": tokens / seconds,
                "answer": text[:200],
            }
        )
    valid = 0
    structured_prompts = ["Istilah: klorofil", "Istilah: evaporasi", "Term: ecosystem", "Term: producer"]
    for prompt in structured_prompts:
        try:
            generate_structured(
                llm,
                [HumanMessage(content=f"Istilah IPA dan artinya dalam JSON.\n{prompt}\n")],
                Term,
                attempts=1,
                max_tokens=96,
            )
            valid += 1
        except StructuredOutputError:
            pass

    def mean(key: str, language: str | None = None) -> float:
        values = [float(r[key]) for r in rows if language is None or r["language"] == language]
        return sum(values) / len(values)

    return {
        "empty_rate": mean("empty"),
        "language_ok_id": mean("language_ok", "id"),
        "language_ok_en": mean("language_ok", "en"),
        "grounding_id": mean("grounding", "id"),
        "grounding_en": mean("grounding", "en"),
        "approx_tokens_per_s": mean("tokens_per_s"),
        "structured_valid_rate": valid / len(structured_prompts),
        "examples": [r["answer"] for r in rows[:2]] + [rows[-1]["answer"]],  # type: ignore[dict-item]
    }


def main() -> None:
    """Index the corpora once and compare both models."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "local_models_results.json")
    args = parser.parse_args()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="kelas-models-") as folder:
        data_dir = Path(folder)
        Services(Settings(_env_file=None, data_dir=data_dir)).index([ROOT / "corpora"])  # type: ignore[call-arg]
        results = {model: evaluate(model, data_dir) for model in ("gemma3-270m", "smollm2-135m")}
    write_results(args.out, {"questions": QUESTIONS, "models": results}, load_before)
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
