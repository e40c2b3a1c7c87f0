"""IMS QTI 2.1 items and a content package (zip with ``imsmanifest.xml``).

Every item is an ``assessmentItem`` that validates against the QTI 2.1 schema (checked in the
tests with lxml): choice items use ``choiceInteraction``, short answers ``textEntryInteraction``
with a mapping of the accepted answers, matching ``matchInteraction``, ordering
``orderInteraction`` and essays ``extendedTextInteraction``. The explanation, evidence and scoring
guide go into a ``rubricBlock`` shown to scorers only.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from toolkit.quiz.export.common import ExportResult, choice_view, evidence_line, exportable_items
from toolkit.quiz.models import Quiz, QuizItem
from toolkit.text import file_slug

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_LOCATION = f"{QTI_NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_LOCATION = f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _q(tag), **attributes)
    if text is not None:
        element.text = text
    return element


def _response(root: etree._Element, cardinality: str, base_type: str, values: list[str]) -> etree._Element:
    declaration = _sub(
        root, "responseDeclaration", identifier="RESPONSE", cardinality=cardinality, baseType=base_type
    )
    if values:
        correct = _sub(declaration, "correctResponse")
        for value in values:
            _sub(correct, "value", value)
    return declaration


def _body(root: etree._Element, item: QuizItem, stem: str, language: str) -> etree._Element:
    body = _sub(root, "itemBody")
    notes = [part for part in (item.explanation, evidence_line(item, language)) if part]
    if item.type == "essay":
        notes += [f"- {point}" for point in item.scoring_guide]
    if notes:
        rubric = _sub(body, "rubricBlock", view="scorer")
        for note in notes:
            _sub(rubric, "p", note)
    return body


def item_to_qti(number: int, item: QuizItem, stem: str, language: str) -> bytes:
    """One ``assessmentItem`` document."""
    root = etree.Element(
        _q("assessmentItem"),
        nsmap={None: QTI_NS, "xsi": XSI_NS},
        identifier=f"Q{number}-{item.id}",
        title=stem[:80],
        adaptive="false",
        timeDependent="false",
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", QTI_LOCATION)
    template = "match_correct"
    if item.type in ("mc", "mr", "tf"):
        options, correct = choice_view(item, language)
        ids = [f"C{index + 1}" for index in range(len(options))]
        _response(
            root, "single" if item.type != "mr" else "multiple", "identifier", [ids[i] for i in correct]
        )
        _sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
        body = _body(root, item, stem, language)
        interaction = _sub(
            body,
            "choiceInteraction",
            responseIdentifier="RESPONSE",
            shuffle="false" if item.type == "tf" else "true",
            maxChoices="1" if item.type != "mr" else "0",
        )
        _sub(interaction, "prompt", stem)
        for identifier, option in zip(ids, options, strict=True):
            _sub(interaction, "simpleChoice", option, identifier=identifier)
    elif item.type == "short":
        declaration = _response(root, "single", "string", item.correct[:1])
        mapping = _sub(declaration, "mapping", defaultValue="0")
        seen: set[str] = set()
        for accepted in item.correct:
            if accepted not in seen:
                seen.add(accepted)
                _sub(mapping, "mapEntry", mapKey=accepted, mappedValue="1", caseSensitive="false")
        _sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
        body = _body(root, item, stem, language)
        _sub(body, "p", stem)
        paragraph = _sub(body, "p")
        _sub(paragraph, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="30")
        template = "map_response"
    elif item.type == "match":
        lefts = [f"L{i + 1}" for i in range(len(item.pairs))]
        rights = [f"R{i + 1}" for i in range(len(item.pairs))]
        _response(
            root,
            "multiple",
            "directedPair",
            [f"{left} {right}" for left, right in zip(lefts, rights, strict=True)],
        )
        _sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
        body = _body(root, item, stem, language)
        interaction = _sub(
            body,
            "matchInteraction",
            responseIdentifier="RESPONSE",
            shuffle="true",
            maxAssociations=str(len(item.pairs)),
        )
        _sub(interaction, "prompt", stem)
        left_set = _sub(interaction, "simpleMatchSet")
        for identifier, pair in zip(lefts, item.pairs, strict=True):
            _sub(left_set, "simpleAssociableChoice", pair.left, identifier=identifier, matchMax="1")
        right_set = _sub(interaction, "simpleMatchSet")
        for identifier, pair in zip(rights, item.pairs, strict=True):
            _sub(right_set, "simpleAssociableChoice", pair.right, identifier=identifier, matchMax="1")
    elif item.type == "order":
        step_ids = {step: f"S{index + 1}" for index, step in enumerate(item.options)}
        _response(root, "ordered", "identifier", [step_ids[step] for step in item.correct])
        _sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
        body = _body(root, item, stem, language)
        interaction = _sub(body, "orderInteraction", responseIdentifier="RESPONSE", shuffle="true")
        _sub(interaction, "prompt", stem)
        for step in item.options:
            _sub(interaction, "simpleChoice", step, identifier=step_ids[step])
    else:
        _response(root, "single", "string", [])
        _sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
        body = _body(root, item, stem, language)
        interaction = _sub(
            body, "extendedTextInteraction", responseIdentifier="RESPONSE", expectedLength="800"
        )
        _sub(interaction, "prompt", stem)
        template = ""
    if template:
        _sub(root, "responseProcessing", template=TEMPLATES + template)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def manifest(quiz: Quiz, hrefs: list[str]) -> bytes:
    """An IMS content-package manifest listing the item files."""
    root = etree.Element(
        f"{{{CP_NS}}}manifest",
        nsmap={None: CP_NS, "xsi": XSI_NS},
        identifier=f"MANIFEST-{file_slug(quiz.title, 'kuis')}",
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", CP_LOCATION)
    metadata = etree.SubElement(root, f"{{{CP_NS}}}metadata")
    etree.SubElement(metadata, f"{{{CP_NS}}}schema").text = "QTIv2.1 Package"
    etree.SubElement(metadata, f"{{{CP_NS}}}schemaversion").text = "1.0.0"
    etree.SubElement(root, f"{{{CP_NS}}}organizations")
    resources = etree.SubElement(root, f"{{{CP_NS}}}resources")
    for index, href in enumerate(hrefs, 1):
        resource = etree.SubElement(
            resources,
            f"{{{CP_NS}}}resource",
            identifier=f"RES-{index}",
            type="imsqti_item_xmlv2p1",
            href=href,
        )
        etree.SubElement(resource, f"{{{CP_NS}}}file", href=href)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def export_qti(quiz: Quiz, *, include_unverified: bool = False) -> ExportResult:
    """A QTI 2.1 content package (zip): one item file per question plus ``imsmanifest.xml``."""
    messages: list[str] = []
    files: dict[str, bytes] = {}
    for entry in exportable_items(quiz, include_unverified, messages):
        files[f"items/q{entry.number:03d}.xml"] = item_to_qti(
            entry.number, entry.item, entry.stem, quiz.language
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest(quiz, list(files)))
        for name, data in files.items():
            archive.writestr(name, data)
    return ExportResult(f"{file_slug(quiz.title, 'kuis')}.qti.zip", buffer.getvalue(), len(files), messages)
