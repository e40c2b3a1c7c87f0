"""A topic card as text: the index's sections (for retrieval) and a Markdown page (for teachers).

Only the teaching text is indexed (summary, concepts, misconceptions, worked examples, objectives,
activities); the question bank is not, so text-built quiz items never quote bank questions.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from toolkit.bank.models import TopicCard
from toolkit.errors import IngestError
from toolkit.index.documents import LoadedDocument, Section
from toolkit.index.metadata import DocumentInfo

CARD_DOC_TYPE = "topic-card"


def _titles(card: TopicCard) -> dict[str, str]:
    english = card.language == "en"
    return {
        "concepts": "Key concepts" if english else "Konsep kunci",
        "misconceptions": "Common misconceptions" if english else "Miskonsepsi",
        "examples": "Worked examples" if english else "Contoh",
        "objectives": "Learning objectives" if english else "Tujuan pembelajaran",
        "activities": "Activities" if english else "Kegiatan",
        "local": "Local context" if english else "Konteks lokal",
    }


def card_sections(card: TopicCard) -> list[Section]:
    """The card's teaching text in titled sections."""
    titles = _titles(card)
    concepts = "\n\n".join(f"{c.term}: {c.explanation}" for c in card.concepts)
    sections = [Section(heading=titles["concepts"], text=f"{card.summary}\n\n{concepts}")]
    sections.append(
        Section(
            heading=titles["misconceptions"],
            text="\n\n".join(f"{m.wrong} {m.correction}" for m in card.misconceptions),
        )
    )
    if card.examples:
        sections.append(
            Section(
                heading=titles["examples"],
                text="\n\n".join("\n".join([e.problem, *e.steps, e.answer]) for e in card.examples),
            )
        )
    sections.append(
        Section(heading=titles["objectives"], text="\n".join(f"- {o.text}" for o in card.objectives))
    )
    sections.append(
        Section(
            heading=titles["activities"],
            text="\n\n".join(f"{a.title}: " + " ".join(a.steps) for a in card.activities)
            + "\n\n"
            + "\n".join(f"- {line}" for line in card.local_context),
        )
    )
    return sections


def card_document(card: TopicCard) -> LoadedDocument:
    """The card as an indexable document (``doc_type`` ``topic-card``)."""
    info = DocumentInfo(
        title=card.title,
        subject=card.subject,
        fase=card.fase,
        kelas=str(card.kelas),
        language=card.language,
        doc_type=CARD_DOC_TYPE,
    )
    return LoadedDocument(info=info, sections=card_sections(card))


def load_card_document(path: Path) -> LoadedDocument:
    """Read a card file for the index (``IngestError`` with a sentence when it is not a valid card)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        card = TopicCard.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise IngestError(f"{path.name} cannot be read as a topic card ({type(exc).__name__}).") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise IngestError(f"{path.name} is not a valid topic card ({where}: {first['msg']}).") from exc
    return card_document(card)


def card_markdown(card: TopicCard) -> str:
    """The whole card as a Markdown page a teacher can read (the Kurikulum tab shows it)."""
    english = card.language == "en"
    titles = _titles(card)
    bab = f" · Bab {card.chapter}" if card.chapter else ""
    lines = [
        f"### {card.title}",
        f"*{card.subject} · fase {card.fase} · kelas {card.kelas}{bab}*",
        "",
        card.summary,
        "",
    ]
    lines += [f"**{titles['objectives']}**", *(f"- ({o.bloom}) {o.text}" for o in card.objectives), ""]
    lines += [f"**{titles['concepts']}**", *(f"- **{c.term}**: {c.explanation}" for c in card.concepts), ""]
    lines += [f"**{titles['misconceptions']}**"]
    lines += [f"- ✗ {m.wrong}  \n  ✓ {m.correction}" for m in card.misconceptions] + [""]
    if card.examples:
        lines += [f"**{titles['examples']}**"]
        for example in card.examples:
            lines += [f"- {example.problem}", *(f"  {n}. {s}" for n, s in enumerate(example.steps, 1))]
            lines += [f"  → {example.answer}"]
        lines += [""]
    lines += [f"**{titles['activities']}**"]
    for activity in card.activities:
        lines += [f"- **{activity.title}** ({activity.kind}, {activity.minutes} min)"]
        lines += [f"  {n}. {s}" for n, s in enumerate(activity.steps, 1)]
    lines += ["", f"**{'Questions in the bank' if english else 'Soal di bank'}**: {len(card.questions)}"]
    lines += [f"**{titles['local']}**", *(f"- {line}" for line in card.local_context), ""]
    lines += [f"**{'Sources' if english else 'Sumber'}**", *(f"- {s}" for s in card.sources)]
    if card.unverified:
        lines += [
            f"**{'Not yet verified' if english else 'Belum terverifikasi'}**",
            *(f"- {u}" for u in card.unverified),
        ]
    return "\n".join(lines)


def dump_card(card: TopicCard) -> str:
    """The card as YAML (for downloading or editing)."""
    return str(
        yaml.safe_dump(
            card.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False, width=100
        )
    )
