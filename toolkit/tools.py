"""The toolkit's tools, each described once: what it takes and makes, how it is kept, exported and shown.

A ``ToolDescriptor`` names a tool's material kind (as the Library stores it), its display names,
its request and result models, how a result becomes a Library record and back, the formats it
can be downloaded in, the module that adds its ``kelas`` command and the function that builds its
tab. The Library, ``material_export``, the command line and the app iterate ``TOOLS`` instead of
switching on kind strings. Tools are pure (request in, result out); the caller saves with
``descriptor.save``.

Nothing here loads gradio, a model or the exporters: tabs are named by dotted path and export
code is imported when a file is written.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from toolkit.errors import ToolkitError
from toolkit.feedback import store as feedback_store
from toolkit.feedback.models import FeedbackRequest, FeedbackRun
from toolkit.feedback.rubric import Rubric, RubricRequest
from toolkit.lessons import store as lesson_store
from toolkit.lessons.models import LessonPlan, LessonRequest
from toolkit.quiz import saving as quiz_store
from toolkit.quiz.models import Quiz, QuizRequest
from toolkit.text import file_slug

if TYPE_CHECKING:
    from toolkit.library import Library, Material

RequestT = TypeVar("RequestT", bound=BaseModel)
ResultT = TypeVar("ResultT", bound=BaseModel)

RAW_JSON = "json"
"""Every material can be downloaded as its Library record in JSON."""

LESSON_PLAN_KIND = "lesson-plan"
"""The material kind of a lesson plan (not to be confused with the plan format ``lesson-plan``)."""
QUIZ_KIND = "quiz"
RUBRIC_KIND = "rubric"
FEEDBACK_KIND = "feedback"


def write_record_json(material: Material, folder: Path) -> Path:
    """The whole Library record of ``material`` as ``<title>.json`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_slug(material.title)}.json"
    path.write_text(material.model_dump_json(indent=2), encoding="utf-8")
    return path


@dataclass(frozen=True)
class ToolDescriptor(Generic[RequestT, ResultT]):
    """One tool: its kind, names, models, Library record, exports, command and tab."""

    kind: str
    """The material kind the Library stores (``Material.kind``)."""
    names: Mapping[str, str]
    """Display names by interface language (``id``, ``en``)."""
    request_model: type[RequestT]
    result_model: type[ResultT]
    record: Callable[[ResultT, RequestT | None], dict[str, Any]]
    """Result (and optionally the request) -> the fields of ``Library.save``."""
    formats: tuple[str, ...] | Callable[[], tuple[str, ...]]
    """The download formats (or a callable giving them, so that exporters load only when asked)."""
    write: Callable[[ResultT, str, Path, str], list[Path]]
    """Write a result as one of its formats: (result, format, folder, file stem) -> paths."""
    restore: Callable[[dict[str, Any], dict[str, Any]], ResultT] | None = None
    """A record's content and inputs -> the result (default: the result model reads the content)."""
    cli_module: str | None = None
    """The module whose ``register(app)`` adds the tool's ``kelas`` command(s)."""
    tab_title: str | None = None
    """The text key of the tool's tab title (``toolkit.ui.i18n``)."""
    tab_builder: str | None = None
    """``module:function`` building the tool's tab in ``toolkit/ui`` (``None``: shown in another tab)."""

    def name(self, language: str) -> str:
        """The display name in ``language`` (Indonesian when there is none)."""
        return self.names.get(language, self.names["id"])

    def label(self) -> str:
        """``Indonesian / English`` name, for pickers shown in both languages."""
        return f"{self.names['id']} / {self.names['en']}"

    def save(
        self,
        library: Library,
        result: ResultT,
        *,
        request: RequestT | None = None,
        owner: str | None = None,
        material_id: str | None = None,
    ) -> Material:
        """Store ``result`` (a new record, or an update of ``material_id``); the saved material.

        ``owner`` defaults to the owner the result records (a plan knows its owner), else "".
        """
        record = self.record(result, request)
        return library.save(
            self.kind,
            record["title"],
            record["content"],
            inputs=record.get("inputs", {}),
            info=record.get("info", {}),
            owner=owner if owner is not None else record.get("owner", ""),
            subject=record.get("subject", ""),
            language=record.get("language", "id"),
            material_id=material_id,
        )

    def load(self, material: Material) -> ResultT:
        """The result stored in ``material`` (``ToolkitError`` when it is another kind).

        A result that records its Library id (a plan's ``material_id``) gets the record's id.
        """
        if material.kind != self.kind:
            raise ToolkitError(f"Material {material.id} is a {material.kind}, not a {self.names['en']}.")
        if self.restore is not None:
            result = self.restore(material.content, material.inputs)
        else:
            result = self.result_model.model_validate(material.content)
        if "material_id" in self.result_model.model_fields:
            result = result.model_copy(update={"material_id": material.id})
        return result

    def export_formats(self) -> tuple[str, ...]:
        """The formats a saved material of this kind can be downloaded in (``json`` always)."""
        formats = self.formats() if callable(self.formats) else self.formats
        return formats if RAW_JSON in formats else (*formats, RAW_JSON)

    def export(self, material: Material, fmt: str, folder: Path) -> list[Path]:
        """Write ``material`` as ``fmt`` into ``folder``; the files written."""
        if fmt not in self.export_formats():
            raise ToolkitError(
                f"A {material.kind} cannot be exported as '{fmt}'; choose one of: "
                + ", ".join(self.export_formats())
                + "."
            )
        if fmt == RAW_JSON:
            return [write_record_json(material, folder)]
        folder.mkdir(parents=True, exist_ok=True)
        return self.write(self.load(material), fmt, folder, file_slug(material.title))

    def register_commands(self, app: Any) -> None:
        """Let the tool's CLI module add its command(s) to the ``kelas`` app."""
        if self.cli_module is not None:
            importlib.import_module(self.cli_module).register(app)

    def tab(self) -> Callable[..., None] | None:
        """The tab builder function (imports ``toolkit.ui``: call only when building the app)."""
        if self.tab_builder is None:
            return None
        module, _, function = self.tab_builder.partition(":")
        builder: Callable[..., None] = getattr(importlib.import_module(module), function)
        return builder


LESSON_PLAN: ToolDescriptor[LessonRequest, LessonPlan] = ToolDescriptor(
    kind=LESSON_PLAN_KIND,
    names={"id": "Rencana pembelajaran", "en": "lesson plan"},
    request_model=LessonRequest,
    result_model=LessonPlan,
    record=lesson_store.plan_record,
    formats=lesson_store.PLAN_FORMATS,
    write=lesson_store.write_plan,
    cli_module="toolkit.lessons.cli",
    tab_title="tab_lesson",
    tab_builder="toolkit.ui.lesson_tab:build_lesson_tab",
)
QUIZ: ToolDescriptor[QuizRequest, Quiz] = ToolDescriptor(
    kind=QUIZ_KIND,
    names={"id": "Kuis", "en": "quiz"},
    request_model=QuizRequest,
    result_model=Quiz,
    record=quiz_store.quiz_record,
    formats=quiz_store.quiz_formats,
    write=quiz_store.write_quiz,
    cli_module="toolkit.quiz.cli",
    tab_title="tab_quiz",
    tab_builder="toolkit.ui.quiz_tab:build_quiz_tab",
)
RUBRIC: ToolDescriptor[RubricRequest, Rubric] = ToolDescriptor(
    kind=RUBRIC_KIND,
    names={"id": "Rubrik", "en": "rubric"},
    request_model=RubricRequest,
    result_model=Rubric,
    record=feedback_store.rubric_record,
    formats=feedback_store.RUBRIC_FORMATS,
    write=feedback_store.write_rubric,
    # made, imported and edited in the feedback tab; `kelas feedback --rubric` reads one from a file
)
FEEDBACK: ToolDescriptor[FeedbackRequest, FeedbackRun] = ToolDescriptor(
    kind=FEEDBACK_KIND,
    names={"id": "Umpan balik", "en": "feedback"},
    request_model=FeedbackRequest,
    result_model=FeedbackRun,
    record=feedback_store.feedback_record,
    formats=feedback_store.FEEDBACK_FORMATS,
    restore=feedback_store.feedback_from_content,
    write=feedback_store.write_feedback,
    cli_module="toolkit.feedback.cli",
    tab_title="tab_feedback",
    tab_builder="toolkit.ui.feedback_tab:build_feedback_tab",
)

TOOLS: tuple[ToolDescriptor[Any, Any], ...] = (LESSON_PLAN, QUIZ, RUBRIC, FEEDBACK)
"""Every tool, in the order of the app's tabs and the Library's kind picker."""


def tool_for(kind: str) -> ToolDescriptor[Any, Any]:
    """The tool whose materials are of ``kind`` (``ToolkitError`` for an unknown kind)."""
    for tool in TOOLS:
        if tool.kind == kind:
            return tool
    raise ToolkitError(f"No tool makes materials of the kind '{kind}'.")


__all__ = [
    "FEEDBACK",
    "FEEDBACK_KIND",
    "LESSON_PLAN",
    "LESSON_PLAN_KIND",
    "QUIZ",
    "QUIZ_KIND",
    "RAW_JSON",
    "RUBRIC",
    "RUBRIC_KIND",
    "TOOLS",
    "ToolDescriptor",
    "tool_for",
    "write_record_json",
]
