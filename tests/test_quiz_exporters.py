"""Every exporter checked by an independent parser: gift-pegjs, lxml (+ the QTI 2.1 schema),
openpyxl, python-docx, json and csv. Unverified items never reach an export unmarked."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from lxml import etree

from toolkit.quiz.export import FORMATS, export_quiz
from toolkit.quiz.export.common import UNVERIFIED_MARK
from toolkit.quiz.export.gift import export_gift
from toolkit.quiz.export.kahoot import FIRST_DATA_ROW, HEADER_ROW, TIME_LIMITS, export_kahoot
from toolkit.quiz.export.qti import export_qti
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import QUESTION_TYPES, CheckResult, Quiz, QuizItem, QuizRequest

REPO = Path(__file__).resolve().parent.parent
NODE_PREFIX = REPO / ".kelas" / "node"
DIGESTION = REPO / "corpora" / "ipa" / "sistem-pencernaan.md"


@pytest.fixture(scope="module")
def quiz() -> Quiz:
    """A verified quiz with every item type (built from a curriculum file, no model)."""
    request = QuizRequest(
        topic="Sistem pencernaan",
        source_file=str(DIGESTION),
        counts={"mc": 2, "mr": 1, "tf": 2, "short": 1, "match": 1, "order": 1, "essay": 1},
        use_model=False,
    )
    built = generate_quiz(request, llm=None, retriever=None)
    assert {item.type for item in built.items} == set(QUESTION_TYPES)
    assert all(item.verified for item in built.items)
    return built


def _with_unverified(quiz: Quiz) -> Quiz:
    broken = quiz.items[0].model_copy(
        update={
            "stem": "Soal yang belum diperiksa?",
            "checks": [CheckResult(name="evidence_in_passage", passed=False)],
        }
    )
    return quiz.model_copy(update={"items": [*quiz.items, broken]})


@pytest.fixture(scope="module")
def gift_parser() -> Path:
    """gift-pegjs in .kelas/node, installed by ``make test`` (``make gift-parser``); skipped when absent."""
    module = NODE_PREFIX / "node_modules" / "gift-pegjs"
    if not module.is_dir():
        pytest.skip("gift-pegjs is not installed: run 'make gift-parser' (needs npm) to check GIFT strictly")
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the GIFT reference parser gift-pegjs needs it")
    return module


def _parse_gift(parser: Path, text: str) -> list[dict]:  # type: ignore[type-arg]
    script = (
        "const g=require(process.argv[1]);let s='';process.stdin.on('data',d=>s+=d);"
        "process.stdin.on('end',()=>{console.log(JSON.stringify(g.parse(s)))});"
    )
    done = subprocess.run(
        ["node", "-e", script, str(parser)], input=text, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-800:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_gift_parses_with_gift_pegjs(quiz: Quiz, gift_parser: Path) -> None:
    result = export_gift(quiz)
    questions = [
        q for q in _parse_gift(gift_parser, result.data.decode("utf-8")) if q["type"] != "Description"
    ]
    assert [q["type"] for q in questions] == [
        "MC",
        "MC",
        "MC",
        "TF",
        "TF",
        "Short",
        "Matching",
        "Matching",
        "Essay",
    ]
    mc = questions[0]
    correct = [c for c in mc["choices"] if c["isCorrect"]]
    assert len(correct) == 1 and correct[0]["text"]["text"] == quiz.items[0].correct[0]
    mr_weights = [c["weight"] for c in questions[2]["choices"] if c["weight"] and c["weight"] > 0]
    assert abs(sum(mr_weights) - 100) < 0.01
    assert questions[3]["isTrue"] is quiz.items[3].tf_answer()
    assert any("diubah menjadi menjodohkan" in m for m in result.messages)  # ordering converted, said so


def test_gift_special_characters_are_escaped(quiz: Quiz, gift_parser: Path) -> None:
    item = QuizItem(
        type="mc",
        stem="Berapa 2 + 2 = ? {coba} #1: pilih ~",
        options=["4 = empat", "5 ~ lima", "6 # enam"],
        correct=["4 = empat"],
        checks=[CheckResult(name="ok", passed=True)],
        evidence=quiz.items[0].evidence,
    )
    parsed = _parse_gift(
        gift_parser, export_gift(quiz.model_copy(update={"items": [item]})).data.decode("utf-8")
    )
    question = next(q for q in parsed if q["type"] == "MC")
    assert question["stem"]["text"] == item.stem
    assert [c["text"]["text"] for c in question["choices"]] == item.options


def test_moodle_xml_parses_and_holds_keys(quiz: Quiz) -> None:
    result = export_quiz(quiz, "moodle-xml")
    root = etree.fromstring(result.data)
    questions = root.findall("question")[1:]  # the first is the category
    types = [q.get("type") for q in questions]
    assert types == [
        "multichoice",
        "multichoice",
        "multichoice",
        "truefalse",
        "truefalse",
        "shortanswer",
        "matching",
        "matching",
        "essay",
    ]
    first = questions[0]
    right = [a.findtext("text") for a in first.findall("answer") if float(a.get("fraction", "0")) == 100]
    assert right == quiz.items[0].correct
    assert first.find("questiontext/text").text == quiz.items[0].stem  # type: ignore[union-attr]
    assert questions[-1].find("graderinfo/text") is not None


def test_qti_items_validate_against_the_schema_and_package_lists_them(quiz: Quiz, shared: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(shared / "formats" / "qti-2.1" / "qtiv2p1" / "imsqti_v2p1.xsd")))
    archive = zipfile.ZipFile(io.BytesIO(export_qti(quiz).data))
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    hrefs = [r.get("href") for r in manifest.iter("{http://www.imsglobal.org/xsd/imscp_v1p1}resource")]
    assert len(hrefs) == len(quiz.items)
    interactions = []
    for href in hrefs:
        document = etree.fromstring(archive.read(href))
        assert schema.validate(document), (href, str(schema.error_log))
        interactions += [
            el.tag.split("}")[1] for el in document.iter() if str(el.tag).endswith("Interaction")
        ]
    assert set(interactions) == {
        "choiceInteraction",
        "textEntryInteraction",
        "matchInteraction",
        "orderInteraction",
        "extendedTextInteraction",
    }


def test_kahoot_sheet_follows_the_template_and_its_limits(quiz: Quiz, shared: Path) -> None:
    template = openpyxl.load_workbook(shared / "formats" / "kahoot" / "KahootQuizTemplate.xlsx").active
    long_stem = QuizItem(
        type="tf",
        stem="Panjang " * 20,
        correct=["true"],
        evidence=quiz.items[0].evidence,
        checks=[CheckResult(name="ok", passed=True)],
    )
    result = export_kahoot(quiz.model_copy(update={"items": [*quiz.items, long_stem]}))
    sheet = openpyxl.load_workbook(io.BytesIO(result.data)).active
    assert sheet is not None and template is not None
    header = [sheet.cell(row=HEADER_ROW, column=c).value for c in range(2, 9)]
    assert header == [template.cell(row=HEADER_ROW, column=c).value for c in range(2, 9)]
    rows = [row for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True) if row[1]]
    assert len(rows) == result.exported >= 1
    for row in rows:
        assert len(row[1]) <= 120 and all(a is None or len(a) <= 75 for a in row[2:6])
        assert row[6] in TIME_LIMITS
        numbers = [int(n) for n in str(row[7]).split(",")]
        assert numbers and all(row[1 + n] for n in numbers)
    assert any("120" in m for m in result.messages)  # the long question was left out, with a reason
    assert any("uraian" in m for m in result.messages)


def test_wayground_sheet_columns_and_keys(quiz: Quiz) -> None:
    result = export_quiz(quiz, "wayground")
    sheet = openpyxl.load_workbook(io.BytesIO(result.data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "Question Text",
        "Question Type",
        "Option 1",
        "Option 2",
        "Option 3",
        "Option 4",
        "Option 5",
        "Correct Answer",
        "Time in seconds",
        "Image Link",
        "Answer explanation",
    ]
    by_stem = {row[0]: row for row in rows[1:]}
    first = by_stem[quiz.items[0].stem]
    assert first[1] == "Multiple Choice" and first[2 + int(first[7]) - 1] == quiz.items[0].correct[0]
    assert {row[1] for row in rows[1:]} == {"Multiple Choice", "Checkbox", "Fill-in-the-Blank", "Open-Ended"}
    assert sum("menjodohkan" in m or "mengurutkan" in m for m in result.messages) == 2


def test_forms_batch_update_requests_are_well_formed(quiz: Quiz) -> None:
    body = json.loads(export_quiz(quiz, "forms-json").data)
    requests = body["requests"]
    assert requests[0]["updateSettings"]["settings"]["quizSettings"]["isQuiz"] is True
    created = [r["createItem"] for r in requests if "createItem" in r]
    assert [c["location"]["index"] for c in created] == list(range(len(created)))
    for create in created:
        question = create["item"]["questionItem"]["question"]
        assert "\n" not in create["item"]["title"]
        if "choiceQuestion" in question:
            values = [o["value"] for o in question["choiceQuestion"]["options"]]
            assert len(values) == len(set(values)) and all(values)
            for answer in question["grading"]["correctAnswers"]["answers"]:
                assert answer["value"] in values
        else:
            assert "textQuestion" in question


def test_docx_student_sheet_has_no_keys_and_answer_key_is_separate(quiz: Quiz) -> None:
    result = export_quiz(quiz, "docx")
    sheet = docx.Document(io.BytesIO(result.data))
    assert sheet.paragraphs[0].style.name == "Heading 1"  # type: ignore[union-attr]
    assert any(p.style.name == "Heading 2" for p in sheet.paragraphs)  # type: ignore[union-attr]
    assert len(sheet.tables) == 1  # the matching item
    sheet_text = "\n".join(p.text for p in sheet.paragraphs)
    assert quiz.items[0].stem in sheet_text
    assert "Kunci" not in sheet_text and "Sumber" not in sheet_text
    ((key_name, key_bytes),) = result.extra_files.items()
    assert key_name.endswith("kunci-jawaban.docx")
    key = docx.Document(io.BytesIO(key_bytes))
    table = key.tables[0]
    assert len(table.rows) == len(quiz.items) + 1
    assert quiz.items[0].correct[0] in table.rows[1].cells[2].text
    assert (
        quiz.items[0].evidence is not None and quiz.items[0].evidence.citation in table.rows[1].cells[4].text
    )


def test_csv_reads_back(quiz: Quiz) -> None:
    rows = list(csv.DictReader(io.StringIO(export_quiz(quiz, "csv").data.decode("utf-8-sig"))))
    assert len(rows) == len(quiz.items)
    assert rows[0]["question"] == quiz.items[0].stem and rows[0]["verified"] == "yes"
    assert all(row["evidence"] and row["citation"] for row in rows)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unverified_items_are_left_out_or_marked(quiz: Quiz, fmt: str) -> None:
    mixed = _with_unverified(quiz)
    plain = export_quiz(mixed, fmt)
    assert b"belum diperiksa" not in plain.data
    assert any("belum terverifikasi" in m for m in plain.messages)
    marked = export_quiz(mixed, fmt, include_unverified=True)
    assert any(UNVERIFIED_MARK["id"].strip() in m for m in marked.messages)
    if fmt in ("gift", "moodle-xml", "csv", "forms-json"):
        assert UNVERIFIED_MARK["id"].strip().encode() in marked.data
