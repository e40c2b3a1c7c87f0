"""Export a saved material again, in any format its tool offers.

The Library keeps every plan, quiz, rubric and feedback run as data; this module turns one record
back into the files a teacher downloads (Word, Markdown, GIFT, QTI, Kahoot, CSV, XLSX, ...), so an
old quiz can go to a different platform without being generated again. Which formats a kind has
and how they are written is the tool's own business (``toolkit.tools``); a material no tool makes
(a workshop submission) is offered as JSON only.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.library import Material
from toolkit.tools import RAW_JSON, TOOLS, write_record_json


def formats_for(kind: str) -> tuple[str, ...]:
    """The formats a material of ``kind`` can be exported to (``json`` is always there)."""
    for tool in TOOLS:
        if tool.kind == kind:
            return tool.export_formats()
    return (RAW_JSON,)


def export_material(material: Material, fmt: str, folder: Path) -> list[Path]:
    """Write ``material`` as ``fmt`` into ``folder``; the files written."""
    for tool in TOOLS:
        if tool.kind == material.kind:
            return tool.export(material, fmt, folder)
    if fmt != RAW_JSON:
        raise ToolkitError(f"A {material.kind} cannot be exported as '{fmt}'; choose one of: {RAW_JSON}.")
    return [write_record_json(material, folder)]


__all__ = ["export_material", "formats_for"]
