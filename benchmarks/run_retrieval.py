"""Retrieval benchmark: hybrid vs dense-only on TyDiQA-Indonesian, without and with distractors.

Runs ``kelas eval retrieval`` (the app's own indexing and retrieval code) on ``valid.json``, then
again with every context of ``train.json`` indexed as distractors, and writes both JSON lines to
``benchmarks/retrieval_results.json`` (quoted in ``benchmarks/README.md``). ``--quick``: the first
run only. Needs ../shared (says so and stops otherwise).

Usage: ``.venv/bin/python benchmarks/run_retrieval.py [--quick] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from provenance import load_average, write_results

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "datasets" / "tydiqa-id"


def run(arguments: list[str]) -> dict[str, object]:
    """One ``kelas eval retrieval`` run; returns its JSON line."""
    output = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "eval", "retrieval", *arguments, "--json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    print(output, flush=True)
    metrics: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return metrics


def main() -> None:
    """Run both configurations and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Only valid.json, without distractors.")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "retrieval_results.json")
    args = parser.parse_args()
    if not DATA.is_dir():
        print("../shared/datasets/tydiqa-id is not present; nothing to measure.")
        return
    load_before = load_average()
    results: dict[str, object] = {
        "data": "../shared/datasets/tydiqa-id/valid.json",
        "valid": run(["--data", str(DATA / "valid.json")]),
    }
    if not args.quick:
        results["distractors"] = "../shared/datasets/tydiqa-id/train.json (every context)"
        results["valid_with_train_distractors"] = run(
            ["--data", str(DATA / "valid.json"), "--distractors", str(DATA / "train.json")]
        )
    write_results(args.out, results, load_before)


if __name__ == "__main__":
    main()
