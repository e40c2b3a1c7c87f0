"""The knowledge bank: every card passes the schema and the quiz checks; broken cards are caught; matching."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from toolkit.bank.loader import BANK_DIR, load_bank, load_card_file
from toolkit.bank.match import match_card
from toolkit.bank.models import TopicCard
from toolkit.bank.validate import card_problems, file_problems, is_complete_sentence

CARD_FILES = sorted(BANK_DIR.rglob("*.yaml"))
EXAMPLE = BANK_DIR / "matematika" / "kelas-4" / "matematika-4-pecahan.yaml"


@pytest.mark.parametrize("path", CARD_FILES, ids=[p.stem for p in CARD_FILES])
def test_every_card_passes_schema_and_quiz_checks(path: Path) -> None:
    assert file_problems(path) == []


def test_card_ids_are_unique() -> None:
    ids = [p.stem for p in CARD_FILES]
    assert len(ids) == len(set(ids))
    assert len(load_bank()) == len(CARD_FILES)


def _example() -> dict[str, object]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _problems(data: dict[str, object]) -> list[str]:
    return card_problems(TopicCard.model_validate(data))


def test_the_example_card_is_ready() -> None:
    assert _problems(_example()) == []


def test_a_key_missing_from_the_options_is_caught() -> None:
    data = _example()
    questions = data["questions"]
    assert isinstance(questions, list)
    questions[0]["answer"] = ["Pembagi"]
    assert any("key_among_options" in p for p in _problems(data))


def test_evidence_not_in_the_card_is_caught() -> None:
    data = _example()
    questions = data["questions"]
    assert isinstance(questions, list)
    questions[0]["evidence"] = "Penyebut adalah bilangan yang selalu lebih besar dari seratus."
    assert any("evidence_in_passage" in p for p in _problems(data))


def test_shared_evidence_and_keys_are_caught() -> None:
    data = _example()
    questions = data["questions"]
    assert isinstance(questions, list)
    questions[1]["evidence"] = questions[0]["evidence"]
    assert any("share the evidence" in p for p in _problems(data))


def test_fragments_and_markup_in_activities_are_caught() -> None:
    data = _example()
    activities = data["activities"]
    assert isinstance(activities, list)
    activities[0]["steps"][0] = "Lakukan eksperim"
    activities[1]["steps"][0] = "Peserta didik menulis jawaban ] }"
    problems = _problems(data)
    assert sum("not a complete sentence" in p for p in problems) == 2


def test_objectives_out_of_bloom_order_are_caught() -> None:
    data = _example()
    objectives = data["objectives"]
    assert isinstance(objectives, list)
    objectives.reverse()
    assert any("lower to higher" in p for p in _problems(data))


def test_too_few_higher_order_questions_are_caught() -> None:
    data = _example()
    questions = data["questions"]
    assert isinstance(questions, list)
    for question in questions:
        question["bloom"] = "C1"
    assert any("C3 or above" in p for p in _problems(data))


def test_complete_sentence_rule() -> None:
    assert is_complete_sentence("Peserta didik menggambar pita pecahan di buku.")
    assert not is_complete_sentence("Peserta didik menggambar")
    assert not is_complete_sentence("peserta didik menggambar pita pecahan.")
    assert not is_complete_sentence('Tulis jawaban {"a": 1}.')


def test_a_broken_file_gets_a_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "rusak.yaml"
    bad.write_text("id: [unclosed", encoding="utf-8")
    assert file_problems(bad) and "cannot be read as YAML" in file_problems(bad)[0]
    with pytest.raises(ValueError):
        load_card_file(bad)


def test_topics_match_cards_by_alias_and_unknown_topics_get_none() -> None:
    found = match_card("penjumlahan pecahan", "matematika", kelas=4)
    assert found is not None and found.card.id == "matematika-4-pecahan"
    assert "matematika-4-pecahan" in found.describe("id")
    assert match_card("pecahan", "matematika", fase="B") is not None
    assert match_card("teorema pythagoras", "matematika", kelas=4) is None
    assert match_card("pecahan", "ipa", kelas=7) is None
