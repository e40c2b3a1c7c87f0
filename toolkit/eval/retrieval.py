"""``kelas eval retrieval``: recall@k and MRR of the app's retriever on SQuAD-style data.

Every context of the data file (and of an optional distractor file, whose questions are ignored)
is indexed into a fresh temporary Chroma index through the app's own indexing code; then every
answerable question is asked and the rank of its own context is recorded.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from toolkit.index.documents import LoadedDocument, Section
from toolkit.index.ingest import index_document
from toolkit.index.metadata import DocumentInfo
from toolkit.index.retrieval import HybridRetriever, RetrievalMode
from toolkit.index.store import CurriculumStore, open_store
from toolkit.settings import Settings

CUTOFFS = (1, 5, 10)


def load_squad(path: Path) -> list[dict[str, Any]]:
    """A SQuAD-style list of ``{context, qas: [{question, is_impossible}]}``."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict) and "data" in data:
        data = [p for article in data["data"] for p in article.get("paragraphs", [])]
    if not isinstance(data, list):
        raise ValueError(f"{path} is not a list of {{context, qas}} objects")
    return data


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def rank_metrics(ranks: list[int | None]) -> dict[str, float]:
    """recall@1/5/10 and MRR@10 from the 1-based rank of each question's context (None = missed)."""
    n = len(ranks) or 1
    metrics = {f"recall@{c}": sum(1 for r in ranks if r is not None and r <= c) / n for c in CUTOFFS}
    metrics["mrr@10"] = sum(1.0 / r for r in ranks if r is not None and r <= 10) / n
    return metrics


def squad_contexts(items: list[dict[str, Any]]) -> dict[str, int]:
    """Every distinct context of ``items``, numbered in order of first appearance."""
    contexts: dict[str, int] = {}
    for item in items:
        contexts.setdefault(item["context"], len(contexts))
    return contexts


def squad_questions(items: list[dict[str, Any]], contexts: dict[str, int]) -> list[tuple[str, int]]:
    """(question, number of its context) for every answerable question of ``items``."""
    return [
        (qa["question"], contexts[item["context"]])
        for item in items
        for qa in item.get("qas", [])
        if not qa.get("is_impossible", False)
    ]


@contextmanager
def context_index(
    contexts: dict[str, int],
    *,
    settings: Settings,
    embeddings: Embeddings,
    embedding_model: str,
    progress: Callable[[str], None] | None = None,
) -> Iterator[tuple[CurriculumStore, float]]:
    """A fresh temporary Chroma index of ``contexts`` (source ``ctx-<number>``) and passages per second.

    Indexed through the app's own code; the index is deleted when the block ends.
    """
    with tempfile.TemporaryDirectory(prefix="kelas-eval-") as folder:
        eval_settings = settings.model_copy(update={"index_path": Path(folder), "chroma_url": None})
        store = open_store(eval_settings, embeddings, embedding_model, collection_name="eval-retrieval")
        started = time.perf_counter()
        for context, number in contexts.items():
            document = LoadedDocument(
                info=DocumentInfo(title=""), sections=[Section(heading="", text=context)]
            )
            index_document(document, f"ctx-{number}", str(number), store, embeddings)
            if progress and (number + 1) % 250 == 0:
                progress(f"indexed {number + 1}/{len(contexts)} passages")
        yield store, len(contexts) / max(time.perf_counter() - started, 1e-9)


def context_rank(retriever: HybridRetriever, question: str, gold: int) -> int | None:
    """The 1-based rank of context ``gold`` among the distinct contexts retrieved (None beyond 10)."""
    order: list[str] = []
    for hit in retriever.search(question, k=30):
        source = str(hit.metadata["source"])
        if source not in order:
            order.append(source)
    target = f"ctx-{gold}"
    return order.index(target) + 1 if target in order[:10] else None


def evaluate_retrieval(
    data_path: Path,
    *,
    settings: Settings,
    embeddings: Embeddings,
    embedding_model: str,
    distractors_path: Path | None = None,
    modes: tuple[RetrievalMode, ...] = ("hybrid", "dense"),
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, float]]:
    """Metrics per retrieval mode, each with latency and indexing throughput."""
    items = load_squad(data_path)
    contexts = squad_contexts(items + (load_squad(distractors_path) if distractors_path else []))
    questions = squad_questions(items, contexts)
    index = context_index(
        contexts, settings=settings, embeddings=embeddings, embedding_model=embedding_model, progress=progress
    )
    with index as (store, passages_per_s):
        results: dict[str, dict[str, float]] = {}
        for mode in modes:
            retriever = HybridRetriever(store, embeddings, mode=mode)
            ranks: list[int | None] = []
            latencies: list[float] = []
            for question, gold in questions:
                began = time.perf_counter()
                ranks.append(context_rank(retriever, question, gold))
                latencies.append((time.perf_counter() - began) * 1000)
            metrics = rank_metrics(ranks)
            metrics.update(
                {
                    "p50_ms": statistics.median(latencies) if latencies else 0.0,
                    "p95_ms": percentile(latencies, 0.95),
                    "passages_per_s": passages_per_s,
                    "n_questions": float(len(questions)),
                    "n_passages": float(len(contexts)),
                }
            )
            results[mode] = metrics
            if progress:
                progress(f"{mode}: recall@1 {metrics['recall@1']:.3f} mrr@10 {metrics['mrr@10']:.3f}")
    return results
