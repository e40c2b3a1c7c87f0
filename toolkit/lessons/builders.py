"""Builders: one per kind of section, each composing a section from code and (where useful) a model draft.

Code computes what it can be sure of: identity rows, the CP quote, the dimensi profil lulusan from
the fixed list, minutes from the duration, assessment stages, references from the sources. The
model writes the prose. Each builder also has a ``template``: text made by code alone, used when
the model's text still fails the checks after one targeted regeneration (the section then says
so in its notes).
"""

from __future__ import annotations

from pydantic import BaseModel

from toolkit.lessons import drafts
from toolkit.lessons.activities import activities_builder, cycles_builder, repair_activities
from toolkit.lessons.context import BuildContext, Builder, code_only, with_draft
from toolkit.lessons.models import (
    ActivitiesContent,
)
from toolkit.lessons.objectives import objectives_builder, outcome_builder
from toolkit.lessons.sections import (
    assessment_builder,
    bullet_list,
    compose_design,
    compose_enrichment,
    compose_exit,
    compose_facilities,
    compose_glossary,
    compose_learners,
    compose_misconceptions,
    compose_reading,
    compose_reflection,
    compose_teaching_model,
    compose_worksheet,
    cp_section,
    design_template,
    dimensi,
    enrichment_template,
    exit_template,
    facilities_template,
    glossary_template,
    identity,
    learners_template,
    misconceptions_template,
    prose,
    reading_template,
    references,
    reflection_template,
    target_learners,
    teaching_model_template,
    worksheet_template,
)

BUILDERS: dict[str, Builder] = {
    "identity": code_only(identity),
    "cp": code_only(cp_section),
    "dimensi": code_only(dimensi),
    "target": code_only(target_learners),
    "references": code_only(references),
    "prior_text": prose(
        "prior_text",
        "Peserta didik sudah mengenal istilah dasar yang berkaitan dengan {topic} dari jenjang "
        "sebelumnya dan dapat membaca teks sederhana.",
        "Learners already know the basic words related to {topic} from earlier grades and can "
        "read a simple text.",
    ),
    "facilities": with_draft(
        facilities_template,
        compose_facilities,
        drafts.ListDraft,
        "facilities",
        160,
        "model+code",
    ),
    "teaching_model": with_draft(
        teaching_model_template,
        compose_teaching_model,
        drafts.TextDraft,
        "teaching_model",
        120,
        "model+code",
    ),
    "objectives": objectives_builder(),
    "outcome": outcome_builder(),
    "assessment_merdeka": assessment_builder("merdeka"),
    "assessment_rpp": assessment_builder("merdeka"),
    "assessment_mendalam": assessment_builder("mendalam"),
    "meaningful": prose(
        "meaningful",
        "Mempelajari {topic} membantu peserta didik menjelaskan kejadian di sekitarnya dan "
        "mengambil keputusan yang bertanggung jawab dalam kehidupan sehari-hari.",
        "Learning about {topic} helps learners explain what happens around them and make "
        "responsible choices in everyday life.",
    ),
    "trigger_questions": bullet_list(
        "trigger_questions",
        [
            "Apa yang sudah kamu ketahui tentang {topic}?",
            "Di mana kamu menjumpai {topic} dalam kehidupan sehari-hari?",
            "Apa yang terjadi jika {topic} tidak ada?",
        ],
        [
            "What do you already know about {topic}?",
            "Where do you meet {topic} in everyday life?",
            "What would happen without {topic}?",
        ],
    ),
    "activities_merdeka": activities_builder(deep=False),
    "activities_mendalam": activities_builder(deep=True),
    "reflection": with_draft(
        reflection_template,
        compose_reflection,
        drafts.ReflectionDraft,
        "reflection",
        200,
    ),
    "worksheet": with_draft(
        worksheet_template,
        compose_worksheet,
        drafts.WorksheetDraft,
        "worksheet",
        220,
        "model+code",
    ),
    "reading": with_draft(
        reading_template,
        compose_reading,
        drafts.TextDraft,
        "reading",
        160,
        "model+code",
    ),
    "glossary": with_draft(
        glossary_template,
        compose_glossary,
        drafts.GlossaryDraft,
        "glossary",
        240,
    ),
    "enrichment": with_draft(
        enrichment_template,
        compose_enrichment,
        drafts.EnrichmentDraft,
        "enrichment",
        180,
    ),
    "learners": with_draft(
        learners_template,
        compose_learners,
        drafts.TextDraft,
        "learners",
        120,
        "model+code",
    ),
    "subject_matter": prose(
        "subject_matter",
        "Materi {topic} mencakup pengertian, proses atau langkah utama, dan contohnya dalam "
        "kehidupan sehari-hari sesuai bahan bacaan.",
        "The subject matter of {topic} covers its meaning, the main process or steps, and "
        "everyday examples from the reading.",
    ),
    "deep_design": with_draft(
        design_template,
        compose_design,
        drafts.DesignDraft,
        "deep_design",
        280,
        "model+code",
    ),
    "prior_list": bullet_list(
        "prior_list",
        ["Istilah dasar yang berkaitan dengan {topic}.", "Membaca teks sederhana."],
        ["Basic words related to {topic}.", "Reading a short text."],
    ),
    "key_points": bullet_list(
        "key_points",
        ["Pengertian {topic}.", "Contoh {topic} dalam kehidupan sehari-hari.", "Mengapa {topic} penting."],
        ["What {topic} is.", "Everyday examples of {topic}.", "Why {topic} matters."],
    ),
    "misconceptions": with_draft(
        misconceptions_template,
        compose_misconceptions,
        drafts.MisconceptionsDraft,
        "misconceptions",
        220,
    ),
    "cycles": cycles_builder(),
    "exit_ticket": with_draft(
        exit_template,
        compose_exit,
        drafts.ListDraft,
        "exit_ticket",
        160,
        "model+code",
    ),
}


def repair(context: BuildContext, content: BaseModel, failing: set[str]) -> tuple[BaseModel, bool]:
    """Code's fix for a section that still fails after regeneration, and whether the model's text was kept.

    Activities keep the model's steps (code adds a higher-order step and the missing labels);
    any other section, and text in the wrong language, is replaced by the code template.
    """
    builder_name = context.spec.builder
    activities = builder_name in ("activities_merdeka", "activities_mendalam")
    if (
        activities
        and isinstance(content, ActivitiesContent)
        and not failing & {"language", "required_sections", "substance"}
    ):
        return repair_activities(context, content, deep=builder_name == "activities_mendalam"), True
    return BUILDERS[builder_name].template(context), False
