"""Helpers shared by the tabs: choices, relabelling and turning errors into readable sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.index.metadata import FASE_GRADES, SUBJECTS
from toolkit.index.retrieval import Hit
from toolkit.settings import Settings
from toolkit.ui.i18n import t


@dataclass
class Labelled:
    """Components of a tab and the text keys of their labels, for the language switch."""

    items: list[tuple[Any, dict[str, str]]] = field(default_factory=list)

    def add(self, component: Any, **attributes: str) -> Any:
        """Register ``component`` whose ``attribute`` shows the text ``key``; returns it."""
        self.items.append((component, attributes))
        return component


def subject_choices() -> list[tuple[str, str]]:
    """(display name, slug) pairs, with an empty choice for any subject."""
    return [("—", ""), *((name, slug) for slug, name in SUBJECTS.items())]


def fase_choices() -> list[tuple[str, str]]:
    """Fase letters with their grades, with an empty choice for any fase."""
    return [("—", ""), *((f"{fase} (kelas {low}-{high})", fase) for fase, (low, high) in FASE_GRADES.items())]


def kelas_choices() -> list[tuple[str, str]]:
    """Grades 1-12, with an empty choice for any grade."""
    return [("—", ""), *((str(g), str(g)) for g in range(1, 13))]


def optional_int(value: object) -> int | None:
    """An int from a dropdown value, or None for the empty choice."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def participant(request: Any) -> str:
    """Whose generations a request counts towards (``toolkit.limits``): the login in workshop mode,
    else the browser session (one teacher on their own machine)."""
    username = getattr(request, "username", None)
    if username:
        return str(username)
    return str(getattr(request, "session_hash", None) or "")


def generation_events(settings: Settings) -> dict[str, Any]:
    """Options of every generation event: one shared group, wide enough that a participant's
    second request starts at once and is told to wait by the gate instead of queueing silently;
    the gate itself lets ``running_generations`` run."""
    limit = settings.running_generations + settings.max_waiting_generations + 4
    return {"concurrency_id": "generation", "concurrency_limit": limit}


def readable_error(error: Exception, language: str) -> str:
    """A sentence for the status line: our own errors as they are, others prefixed plainly."""
    if isinstance(error, ToolkitError):
        return str(error)
    prefix = "Terjadi kesalahan" if language == "id" else "Something went wrong"
    return f"{prefix}: {type(error).__name__}: {str(error)[:200]}"


def render_hits(hits: Sequence[Hit], language: str, max_chars: int = 700) -> str:
    """Passages as Markdown, each headed by its number and citation."""
    if not hits:
        return t("no_results", language)
    blocks = []
    for number, hit in enumerate(hits, start=1):
        text = hit.text if len(hit.text) <= max_chars else hit.text[:max_chars].rsplit(" ", 1)[0] + " …"
        quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())
        blocks.append(f"**[{number}] {hit.citation.label()}**\n\n{quoted}")
    return "\n\n".join(blocks)
