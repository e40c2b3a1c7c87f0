"""Lesson request and format models: validation with clear sentences, formats match their layouts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from toolkit.lessons.activities import cycle_minutes, exit_minutes, phase_minutes
from toolkit.lessons.bloom import bloom_level, is_operational, level_of_verb, non_operational_verbs
from toolkit.lessons.builders import BUILDERS
from toolkit.lessons.drafts import ObjectivesDraftId
from toolkit.lessons.formats import FORMATS
from toolkit.lessons.models import (
    CONTENT_MODELS,
    FORMAT_MODELS,
    Duration,
    LessonInputError,
    ModulAjar,
    build_request,
)


def test_request_normalises_subject_fase_and_topic() -> None:
    request = build_request(subject="IPA", fase="fase d", kelas=7, topic="  fotosintesis   tumbuhan ")
    assert (request.subject, request.fase, request.topic) == ("ipa", "D", "fotosintesis tumbuhan")
    assert request.subject_name == "IPA"
    assert build_request(subject="science", kelas=10, topic="gaya").fase == "E"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"subject": "sejarah", "fase": "D", "topic": "x"}, "Mata pelajaran 'sejarah' tidak dikenal"),
        ({"subject": "ipa", "fase": "Q", "topic": "x"}, "Fase 'Q' tidak dikenal"),
        ({"subject": "ipa", "fase": "D", "topic": "   "}, "Tulis dulu topik"),
        ({"subject": "ipa", "fase": "D", "topic": "x", "duration": {"jp": 0}}, "lebih dari 0 menit"),
        ({"subject": "ipa", "fase": "D", "kelas": 3, "topic": "x"}, "Kelas 3 tidak termasuk Fase D"),
        ({"subject": "ipa", "topic": "x"}, "Pilih fase"),
        (
            {"subject": "ipa", "fase": "D", "topic": "x", "language": "en", "duration": {"jp": 0}},
            "more than 0 minutes",
        ),
    ],
)
def test_bad_requests_get_one_clear_sentence(values: dict[str, object], expected: str) -> None:
    with pytest.raises(LessonInputError, match=expected):
        build_request(**values)


def test_duration_spreads_jp_over_meetings_and_from_minutes() -> None:
    assert Duration(jp=5, minutes_per_jp=40, meetings=2).meeting_minutes() == [120, 80]
    assert Duration.from_minutes(80).model_dump() == {"jp": 2, "minutes_per_jp": 40, "meetings": 1}
    assert Duration.from_minutes(90).total_minutes == 90
    assert Duration.from_minutes(0).total_minutes == 0


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_layout_matches_its_model(fmt: str) -> None:
    specs = FORMATS[fmt]
    model = FORMAT_MODELS[fmt]
    assert [spec.key for spec in specs] == list(model.model_fields)
    for spec in specs:
        assert spec.kind in CONTENT_MODELS
        assert model.model_fields[spec.key].annotation is CONTENT_MODELS[spec.kind]
        assert spec.builder in BUILDERS
        assert model.model_fields[spec.key].is_required()


def test_modul_ajar_rejects_a_missing_required_section() -> None:
    with pytest.raises(ValidationError):
        ModulAjar.model_validate({"identitas_modul": {"rows": [{"label": "a", "value": "b"}]}})


def test_minutes_are_split_exactly() -> None:
    for total in (15, 35, 40, 80, 90, 120, 135):
        assert sum(phase_minutes(total)) == total
        assert min(phase_minutes(total)) > 0
        assert sum(cycle_minutes(total)) + exit_minutes(total) == total


def test_operational_verbs_and_bloom_levels() -> None:
    assert is_operational("Peserta didik dapat menjelaskan proses fotosintesis.", "id")
    assert not is_operational("Peserta didik memahami sistem pencernaan.", "id")
    assert non_operational_verbs("Peserta didik memahami dan mengetahui", "id") == ["memahami", "mengetahui"]
    assert is_operational("Peserta didik memahami dan menjelaskan fotosintesis.", "id")
    assert not is_operational("Peserta didik mengenal tumbuhan.", "id")  # 'mengenal' is not 'mengenali'
    assert bloom_level("Peserta didik menganalisis data", "id") == "C4"
    assert level_of_verb("design", "en") == "C6"
    assert not is_operational("I can understand fractions.", "en")


def test_draft_schemas_bound_every_string_and_list_for_the_tiny_model() -> None:
    from toolkit.lessons import drafts

    def unbounded(schema: dict[str, object], defs: dict[str, object]) -> list[str]:
        found = []
        for name, prop in dict(schema.get("properties", {})).items():  # type: ignore[call-overload]
            if "$ref" in prop:
                found += unbounded(defs[prop["$ref"].rsplit("/", 1)[-1]], defs)  # type: ignore[arg-type]
            elif prop.get("type") == "string" and "maxLength" not in prop and "enum" not in prop:
                found.append(name)
            elif prop.get("type") == "array":
                if "maxItems" not in prop:
                    found.append(name)
                items = prop["items"]
                if "$ref" in items:
                    found += unbounded(defs[items["$ref"].rsplit("/", 1)[-1]], defs)  # type: ignore[arg-type]
                elif items.get("type") == "string" and "maxLength" not in items:
                    found.append(name + "[]")
        return found

    for value in vars(drafts).values():
        if isinstance(value, type) and value.__module__ == drafts.__name__:
            schema = value.model_json_schema()
            assert unbounded(schema, schema.get("$defs", {})) == [], value.__name__
    assert "enum" in ObjectivesDraftId.model_json_schema()["$defs"]["ObjectivePartId"]["properties"]["verb"]
