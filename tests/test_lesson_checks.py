"""The deterministic checks, on plans written with a fake model and then broken on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest
from lesson_helpers import build_retriever, fake

from toolkit.index.retrieval import HybridRetriever
from toolkit.lessons.checks import check_plan, failures_for
from toolkit.lessons.generate import generate_plan
from toolkit.lessons.models import LessonPlan, build_request
from toolkit.settings import Settings


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    data = tmp_path_factory.mktemp("lesson-checks")
    return build_retriever(Settings(_env_file=None, data_dir=data))  # type: ignore[call-arg]


def plan_for(
    retriever: HybridRetriever, fmt: str, language: str = "id", topic: str = "fotosintesis"
) -> LessonPlan:
    request = build_request(format=fmt, subject="ipa", fase="D", kelas=7, topic=topic, language=language)
    return generate_plan(request, llm=fake(), retriever=retriever)


def results(plan: LessonPlan) -> dict[str, bool]:
    return {check.name: check.passed for check in check_plan(plan)}


@pytest.mark.parametrize("fmt", ["modul-ajar", "mendalam", "rpp", "lesson-plan"])
def test_a_good_plan_passes_every_check(retriever: HybridRetriever, fmt: str) -> None:
    plan = plan_for(retriever, fmt)
    assert plan.status == "complete"
    assert all(results(plan).values()), [c.message for c in plan.checks if not c.passed]
    assert ("learning_experiences" in results(plan)) == (fmt == "mendalam")


def test_missing_and_blank_sections_fail(retriever: HybridRetriever) -> None:
    plan = plan_for(retriever, "rpp")
    plan.section("asesmen").author = "missing"
    plan.section("tujuan_pembelajaran").content = {"objectives": [{"text": "  "}]}
    check = next(c for c in check_plan(plan) if c.name == "required_sections")
    assert not check.passed
    assert set(check.sections) == {"asesmen", "tujuan_pembelajaran"}
    assert "Asesmen" in check.message


def test_minutes_must_add_up(retriever: HybridRetriever) -> None:
    plan = plan_for(retriever, "modul-ajar")
    plan.section("kegiatan_pembelajaran").content["meetings"][0]["phases"][1]["minutes"] += 5
    check = next(c for c in check_plan(plan) if c.name == "minutes")
    assert not check.passed and "85" in check.message and "80" in check.message
    assert failures_for(plan, "kegiatan_pembelajaran")


def test_memahami_alone_is_not_operational(retriever: HybridRetriever) -> None:
    plan = plan_for(retriever, "rpp")
    plan.section("tujuan_pembelajaran").content = {
        "objectives": [{"text": "Peserta didik memahami fotosintesis."}]
    }
    check = next(c for c in check_plan(plan) if c.name == "operational_verbs")
    assert not check.passed and "memahami" in check.message


def test_english_outcome_must_start_with_i_can(retriever: HybridRetriever) -> None:
    plan = plan_for(retriever, "lesson-plan", language="en", topic="photosynthesis")
    assert plan.section("learning_outcome").content["objectives"][0]["text"].startswith("I can ")
    plan.section("learning_outcome").content = {"objectives": [{"text": "Students explain photosynthesis."}]}
    assert not results(plan)["operational_verbs"]


def test_every_learning_experience_must_be_covered(retriever: HybridRetriever) -> None:
    plan = plan_for(retriever, "mendalam")
    for phase in plan.section("pengalaman_belajar").content["meetings"][0]["phases"]:
        for step in phase["steps"]:
            step["experience"] = "memahami"
    check = next(c for c in check_plan(plan) if c.name == "learning_experiences")
    assert not check.passed and "mengaplikasi" in check.message and "merefleksi" in check.message


def test_bloom_levels_required_and_one_higher_order(retriever: HybridRetriever) -> None:
    plan = plan_for(retriever, "rpp")
    for phase in plan.section("langkah_pembelajaran").content["meetings"][0]["phases"]:
        for step in phase["steps"]:
            step["bloom"] = "C2"
    assert not results(plan)["bloom"]
    plan.section("langkah_pembelajaran").content["meetings"][0]["phases"][0]["steps"][0]["bloom"] = None
    check = next(c for c in check_plan(plan) if c.name == "bloom")
    assert "tanpa level Bloom" in check.message


def test_wrong_language_is_caught(retriever: HybridRetriever) -> None:
    plan = plan_for(retriever, "modul-ajar")
    section = plan.section("pemahaman_bermakna")
    section.author = "teacher"
    section.content = {
        "text": "Photosynthesis is the process that plants use to make their food, and it is "
        "important for all of the animals that live on the land and in the sea."
    }
    check = next(c for c in check_plan(plan) if c.name == "language")
    assert not check.passed and check.sections == ["pemahaman_bermakna"]


def test_short_text_is_not_judged_for_language(retriever: HybridRetriever) -> None:
    plan = plan_for(retriever, "modul-ajar")
    plan.section("pemahaman_bermakna").content = {"text": "Photosynthesis."}
    assert results(plan)["language"]


def test_cp_is_quoted_from_the_index_with_its_citation(retriever: HybridRetriever) -> None:
    plan = plan_for(retriever, "rpp")
    cp = plan.section("capaian_pembelajaran").content
    assert cp["found"] and "cp-ipa-fase-d.md" in cp["citation"]
    source = Path(__file__).resolve().parent.parent / "corpora" / "cp" / "cp-ipa-fase-d.md"
    assert cp["quote"].rstrip(" …")[:200] in source.read_text(encoding="utf-8")
