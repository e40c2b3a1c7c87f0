"""Retrieval benchmark: hybrid vs dense-only on TyDiQA-Indonesian, without and with distractors.

Runs ``kelas eval retrieval`` (the app's own indexing and retrieval code) and writes the JSON
lines to ``benchmarks/results/retrieval-*.json``. Needs ../shared (skips with a message otherwise).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "datasets" / "tydiqa-id"


def run(name: str, arguments: list[str]) -> dict[str, object]:
    """One ``kelas eval retrieval`` run; returns its JSON line."""
    kelas = Path(sys.executable).parent / "kelas"
    output = subprocess.run(
        [str(kelas), "eval", "retrieval", *arguments, "--json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    print(output)
    metrics: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"retrieval-{name}.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    return metrics


def main() -> None:
    """Run both configurations."""
    if not DATA.is_dir():
        print("../shared/datasets/tydiqa-id is not present; nothing to measure.")
        return
    run("valid", ["--data", str(DATA / "valid.json")])
    if "--quick" not in sys.argv:
        run(
            "valid-with-train-distractors",
            ["--data", str(DATA / "valid.json"), "--distractors", str(DATA / "train.json")],
        )


if __name__ == "__main__":
    main()
