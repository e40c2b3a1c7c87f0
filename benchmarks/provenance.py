"""Where a benchmark's numbers come from: each committed results file names its script and command.

``write_results`` puts a ``provenance`` block (script, the command that reproduces the file, date,
CPU count and load average before and after) at the top of the JSON, so every figure that
``README.md`` and ``benchmarks/README.md`` quote can be traced to a file in the repository and
the command that made it. Raw scratch output belongs in the git-ignored ``benchmarks/results/``.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def load_average() -> float:
    """The 1-minute load average (0 where the system does not report one)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return 0.0


def provenance(load_before: float) -> dict[str, Any]:
    """Script, command, date and machine of the running benchmark."""
    script = Path(sys.argv[0]).resolve()
    shown = script.relative_to(REPO) if script.is_relative_to(REPO) else script
    arguments = [str(Path(a).resolve().relative_to(REPO)) if _inside(a) else a for a in sys.argv[1:]]
    return {
        "script": str(shown),
        "command": shlex.join([".venv/bin/python", str(shown), *arguments]),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1min": [load_before, load_average()],
        },
    }


def _inside(argument: str) -> bool:
    """Whether ``argument`` is a path inside the repository (shown relative to it)."""
    if argument.startswith("-") or "/" not in argument:
        return False
    return Path(argument).resolve().is_relative_to(REPO)


def write_results(path: Path, results: dict[str, Any], load_before: float) -> None:
    """``results`` with its provenance, as indented JSON at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"provenance": provenance(load_before), **results}
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
