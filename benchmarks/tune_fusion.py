"""Choose the hybrid retriever's fusion weight and candidate count on TyDiQA ``train.json`` only.

The contexts of the first ``--limit`` items of ``train.json`` (1,200 by default) are indexed with
the app's own code (``toolkit.eval.retrieval``), and every answerable question among them is asked
with each (dense weight, candidates) pair of the grid; the pair with the best MRR@10 (then
recall@1, then the one nearer the middle of the grid) is chosen. ``valid.json`` is never read, so
``run_retrieval.py`` measures the chosen settings on questions they were not tuned on. The app's
defaults are ``HybridRetriever(dense_weight=..., candidates=...)``; the output says whether the
tuning picks them.

Slow on two cores (about 1,200 passages to embed, then one search per question and grid point;
query vectors are computed once). Usage:

    .venv/bin/python benchmarks/tune_fusion.py [--limit N] [--out FILE]

The default output, ``benchmarks/fusion_tuning.json``, is meant for the full run; send a quick
check (``--limit 60``) to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
from pathlib import Path

from langchain_core.embeddings import Embeddings
from provenance import load_average, write_results

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from toolkit.embeddings import build_embeddings, embedding_model_name  # noqa: E402
from toolkit.eval.retrieval import (  # noqa: E402
    context_index,
    context_rank,
    load_squad,
    rank_metrics,
    squad_contexts,
    squad_questions,
)
from toolkit.index.retrieval import HybridRetriever  # noqa: E402
from toolkit.settings import Settings  # noqa: E402

TRAIN = REPO.parent / "shared" / "datasets" / "tydiqa-id" / "train.json"
DENSE_WEIGHTS = tuple(round(0.5 + 0.05 * step, 2) for step in range(11))  # 0.50 ... 1.00
CANDIDATES = (10, 20, 30, 50)


class QueryCache(Embeddings):
    """The app's embeddings, each query embedded once however many grid points ask it."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.vectors: dict[str, list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        if text not in self.vectors:
            self.vectors[text] = self.inner.embed_query(text)
        return self.vectors[text]


def app_defaults() -> dict[str, float]:
    """The fusion settings the app ships (the defaults of ``HybridRetriever``)."""
    parameters = inspect.signature(HybridRetriever.__init__).parameters
    return {name: parameters[name].default for name in ("dense_weight", "candidates")}


def main() -> None:
    """Index the training contexts, search the grid, write the table and the choice."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=1200, help="The first N items of train.json.")
    parser.add_argument("--data", type=Path, default=TRAIN, help="A SQuAD-style training file.")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "fusion_tuning.json")
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"{args.data} is not present (../shared); nothing to tune.")
        return
    load_before = load_average()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    embeddings = QueryCache(build_embeddings(settings))
    items = load_squad(args.data)[: args.limit]
    contexts = squad_contexts(items)
    questions = squad_questions(items, contexts)
    print(f"{len(contexts)} passages, {len(questions)} questions from {args.data.name}", flush=True)
    grid: list[dict[str, float]] = []
    started = time.perf_counter()
    index = context_index(
        contexts,
        settings=settings,
        embeddings=embeddings,
        embedding_model=embedding_model_name(settings),
        progress=lambda line: print(line, flush=True),
    )
    with index as (store, passages_per_s):
        for candidates in CANDIDATES:
            for weight in DENSE_WEIGHTS:
                retriever = HybridRetriever(store, embeddings, dense_weight=weight, candidates=candidates)
                ranks = [context_rank(retriever, question, gold) for question, gold in questions]
                metrics = {key: round(value, 4) for key, value in rank_metrics(ranks).items()}
                grid.append({"dense_weight": weight, "candidates": candidates, **metrics})
                print(grid[-1], flush=True)
    middle = DENSE_WEIGHTS[len(DENSE_WEIGHTS) // 2]
    best = max(
        grid,
        key=lambda row: (row["mrr@10"], row["recall@1"], -abs(row["dense_weight"] - middle)),
    )
    defaults = app_defaults()
    at_defaults = next(
        (
            row
            for row in grid
            if row["dense_weight"] == defaults["dense_weight"] and row["candidates"] == defaults["candidates"]
        ),
        None,
    )
    results = {
        "data": f"{args.data.name}, first {len(items)} items",
        "n_passages": len(contexts),
        "n_questions": len(questions),
        "passages_per_s": round(passages_per_s, 2),
        "seconds": round(time.perf_counter() - started, 1),
        "chosen": {"dense_weight": best["dense_weight"], "candidates": best["candidates"]},
        "chosen_metrics": best,
        "app_defaults": defaults,
        "app_defaults_metrics": at_defaults,
        "grid": grid,
    }
    write_results(args.out, results, load_before)
    print(f"chosen: {results['chosen']} (app: {defaults})")


if __name__ == "__main__":
    main()
