"""Plans as DOCX (real headings and tables), Markdown and JSON.

Every section is first turned into neutral blocks (paragraphs, bullet lists, tables); the
Markdown and DOCX writers only lay the blocks out, so both show the same content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.language import BLOOM_NAMES
from toolkit.lessons.checks import section_text
from toolkit.lessons.formats import FORMATS
from toolkit.lessons.models import (
    ActivitiesContent,
    AssessmentContent,
    CPContent,
    CyclesContent,
    DimensiContent,
    EnrichmentContent,
    ExitTicketContent,
    GlossaryContent,
    KeyValueContent,
    LessonPlan,
    ListContent,
    MisconceptionsContent,
    ObjectivesContent,
    PlanSection,
    ReflectionContent,
    TextContent,
    WorksheetContent,
)
from toolkit.text import say

EXPORT_SUFFIXES = (".docx", ".md", ".json")


@dataclass
class Block:
    """A paragraph (``text``), a bullet list (``items``) or a table (``header`` + ``rows``)."""

    text: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    label: str = ""


def _l(plan: LessonPlan, indonesian: str, english: str) -> str:
    return say(plan.request.language, indonesian, english)


def _bloom(level: str | None, language: str) -> str:
    return f"{level} {BLOOM_NAMES[level][language]}" if level else "-"


def section_blocks(plan: LessonPlan, section: PlanSection) -> list[Block]:
    """The section's content as blocks."""
    lang = plan.request.language
    if section.author == "missing":
        return [Block(text=_l(plan, "(Bagian ini belum ditulis.)", "(This section was not written.)"))]
    content = section.typed()
    if isinstance(content, KeyValueContent):
        return [
            Block(
                header=[_l(plan, "Komponen", "Item"), _l(plan, "Keterangan", "Details")],
                rows=[[row.label, row.value] for row in content.rows],
            )
        ]
    if isinstance(content, TextContent):
        return [Block(text=paragraph) for paragraph in content.text.split("\n\n") if paragraph.strip()]
    if isinstance(content, ListContent):
        return [Block(items=content.items)]
    if isinstance(content, CPContent):
        if not content.found:
            return [Block(text="⚠ " + content.message)]
        return [
            Block(text=content.quote, label="quote"),
            Block(text=_l(plan, "Sumber: ", "Source: ") + content.citation),
        ]
    if isinstance(content, DimensiContent):
        return (
            [Block(items=list(content.dimensi)), Block(text=content.rationale)]
            if content.rationale
            else [Block(items=list(content.dimensi))]
        )
    if isinstance(content, ObjectivesContent):
        return [
            Block(
                header=[_l(plan, "Tujuan", "Objective"), _l(plan, "Level Bloom", "Bloom level")],
                rows=[[o.text, _bloom(o.bloom, lang)] for o in content.objectives],
            )
        ]
    if isinstance(content, AssessmentContent):
        return [
            Block(
                header=[
                    _l(plan, "Tahap", "Stage"),
                    _l(plan, "Teknik", "Technique"),
                    _l(plan, "Keterangan", "Details"),
                ],
                rows=[[i.stage, i.technique, i.description] for i in content.items],
            )
        ]
    if isinstance(content, ActivitiesContent):
        return _activity_blocks(plan, content)
    if isinstance(content, ReflectionContent):
        return [
            Block(text=_l(plan, "Peserta didik:", "Learners:")),
            Block(items=content.learners),
            Block(text=_l(plan, "Guru:", "Teacher:")),
            Block(items=content.teacher),
        ]
    if isinstance(content, GlossaryContent):
        return [
            Block(
                header=[_l(plan, "Istilah", "Term"), _l(plan, "Arti", "Definition")],
                rows=[[e.term, e.definition] for e in content.entries],
            )
        ]
    if isinstance(content, WorksheetContent):
        return [
            Block(text=content.title, label="strong"),
            Block(text=_l(plan, "Petunjuk:", "Instructions:")),
            Block(items=content.instructions),
            Block(text=_l(plan, "Tugas:", "Tasks:")),
            Block(items=content.tasks),
        ]
    if isinstance(content, EnrichmentContent):
        return [
            Block(text=_l(plan, "Pengayaan:", "Enrichment:")),
            Block(items=content.enrichment),
            Block(text="Remedial:"),
            Block(items=content.remedial),
        ]
    if isinstance(content, MisconceptionsContent):
        return [
            Block(
                header=[
                    _l(plan, "Miskonsepsi", "Misconception"),
                    _l(plan, "Cara meluruskan", "How to address it"),
                ],
                rows=[[m.misconception, m.response] for m in content.items],
            )
        ]
    if isinstance(content, CyclesContent):
        blocks = []
        for number, cycle in enumerate(content.cycles, start=1):
            blocks.append(
                Block(
                    text=f"{number}. {cycle.title} ({cycle.minutes} min, {_bloom(cycle.bloom, lang)})",
                    label="strong",
                )
            )
            blocks.append(
                Block(
                    header=[_l(plan, "Bagian", "Part"), _l(plan, "Isi", "Content")],
                    rows=[
                        [_l(plan, "Penjelasan", "Explanation"), cycle.explanation],
                        [_l(plan, "Cek pemahaman", "Check for understanding"), "\n".join(cycle.checks)],
                        [_l(plan, "Latihan", "Practice"), cycle.practice],
                    ],
                )
            )
        return blocks
    if isinstance(content, ExitTicketContent):
        return [
            Block(text=f"{content.minutes} " + _l(plan, "menit", "minutes")),
            Block(items=content.questions),
        ]
    return [Block(text=section_text(section))]  # pragma: no cover - every content model is handled above


def _activity_blocks(plan: LessonPlan, content: ActivitiesContent) -> list[Block]:
    lang = plan.request.language
    deep = plan.request.format == "mendalam"
    header = [
        _l(plan, "Tahap", "Phase"),
        _l(plan, "Menit", "Minutes"),
        _l(plan, "Kegiatan", "Activity"),
        "Bloom",
    ]
    if deep:
        header += [_l(plan, "Pengalaman belajar", "Learning experience"), _l(plan, "Prinsip", "Principle")]
    blocks = []
    for meeting in content.meetings:
        if len(content.meetings) > 1:
            blocks.append(
                Block(
                    text=_l(plan, f"Pertemuan {meeting.number}", f"Meeting {meeting.number}"), label="strong"
                )
            )
        rows = []
        for phase in meeting.phases:
            for index, step in enumerate(phase.steps):
                row = [
                    phase.name if index == 0 else "",
                    str(phase.minutes) if index == 0 else "",
                    step.text,
                    _bloom(step.bloom, lang),
                ]
                if deep:
                    row += [step.experience or "-", step.principle or "-"]
                rows.append(row)
        blocks.append(Block(header=header, rows=rows))
    return blocks


def _grouped(plan: LessonPlan) -> list[tuple[str, PlanSection]]:
    """(group heading or '', section) in format order."""
    specs = {spec.key: spec for spec in FORMATS[plan.request.format]}
    return [(specs[s.key].group(plan.request.language) if s.key in specs else "", s) for s in plan.sections]


def _author_label(plan: LessonPlan, author: str) -> str:
    labels = {
        "model": ("ditulis model", "written by the model"),
        "model+code": ("model + kode", "model + code"),
        "code": ("disusun kode (templat/data)", "made by code (template/data)"),
        "bank": ("dari bank topik", "from the topic bank"),
        "bank+model": ("bank topik + model", "topic bank + model"),
        "teacher": ("disunting guru", "edited by the teacher"),
        "missing": ("belum ditulis", "not written"),
    }
    indonesian, english = labels[author]
    return _l(plan, indonesian, english)


def to_markdown(plan: LessonPlan) -> str:
    """The plan as Markdown."""
    lines = [f"# {plan.title}", ""]
    for warning in plan.warnings:
        lines += [f"> ⚠ {warning}", ""]
    current_group = None
    for group, section in _grouped(plan):
        if group and group != current_group:
            lines += [f"## {group}", ""]
            current_group = group
        lines += [f"{'###' if group else '##'} {section.title}", ""]
        for block in section_blocks(plan, section):
            lines += [*_markdown_block(block), ""]
        meta = [f"*{_author_label(plan, section.author)}*"]
        if section.sources:
            meta.append(_l(plan, "Sumber: ", "Sources: ") + "; ".join(s.label for s in section.sources))
        lines += [" · ".join(meta), ""]
    lines += [f"## {_l(plan, 'Hasil pemeriksaan', 'Checks')}", ""]
    for check in plan.checks:
        lines.append(f"- {'✅' if check.passed else '❌'} {check.message}")
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _markdown_block(block: Block) -> list[str]:
    if block.header:
        out = ["| " + " | ".join(_cell(h) for h in block.header) + " |", "|" + "---|" * len(block.header)]
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
        return out
    if block.items:
        return [f"- {item}" for item in block.items]
    if block.label == "quote":
        return [f"> {line}" if line.strip() else ">" for line in block.text.splitlines()]
    if block.label == "strong":
        return [f"**{block.text}**"]
    return [block.text]


def to_json(plan: LessonPlan) -> str:
    """The plan as JSON (the same structure the library stores)."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2)


def write_docx(plan: LessonPlan, path: Path) -> Path:
    """The plan as a Word document with real headings and tables."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.add_heading(plan.title, level=0)
    for warning in plan.warnings:
        document.add_paragraph("⚠ " + warning)
    current_group = None
    for group, section in _grouped(plan):
        if group and group != current_group:
            document.add_heading(group, level=1)
            current_group = group
        document.add_heading(section.title, level=2 if group else 1)
        for block in section_blocks(plan, section):
            if block.header:
                table = document.add_table(rows=1, cols=len(block.header))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
                for row in block.rows:
                    cells = table.add_row().cells
                    for cell, text in zip(cells, row, strict=True):
                        cell.text = text
            elif block.items:
                for item in block.items:
                    document.add_paragraph(item, style="List Bullet")
            elif block.label == "quote":
                document.add_paragraph(block.text, style="Intense Quote")
            elif block.label == "strong":
                document.add_paragraph().add_run(block.text).bold = True
            else:
                document.add_paragraph(block.text)
        meta = _author_label(plan, section.author)
        if section.sources:
            meta += " · " + _l(plan, "Sumber: ", "Sources: ") + "; ".join(s.label for s in section.sources)
        note = document.add_paragraph().add_run(meta)
        note.italic = True
        note.font.size = Pt(8)
    document.add_heading(_l(plan, "Hasil pemeriksaan", "Checks"), level=1)
    for check in plan.checks:
        document.add_paragraph(f"{'✔' if check.passed else '✘'} {check.message}", style="List Bullet")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def export_plan(plan: LessonPlan, path: Path) -> Path:
    """Write the plan to ``path`` in the format its suffix names (.docx, .md, .json)."""
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ToolkitError(f"Cannot export to '{suffix or path.name}'; use .docx, .md or .json.")
    if suffix == ".docx":
        return write_docx(plan, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_markdown(plan) if suffix == ".md" else to_json(plan), encoding="utf-8")
    return path
