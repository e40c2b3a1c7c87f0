"""The "Umpan Balik / Feedback" tab: rubric editor, single and batch feedback, override, approval.

Thin: form values -> rubric / work items -> ``toolkit.feedback`` core -> Markdown, tables, files.
The rubric editor is a table in the import layout (``Kriteria | Bobot | Poin kunci | levels...``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from toolkit.embeddings import embedding_model_name
from toolkit.feedback.batch import check_work_length, read_work
from toolkit.feedback.confidence import shipped_maps
from toolkit.feedback.core import override
from toolkit.feedback.essay_feedback import essay_rubric
from toolkit.feedback.models import FeedbackRequest, FeedbackRun, StudentFeedback, WorkItem
from toolkit.feedback.rubric import Rubric, RubricRequest, generate_rubric
from toolkit.feedback.rubric_io import (
    load_rubric,
    rubric_from_rows,
    rubric_from_text,
    rubric_rows,
    rubric_to_csv,
    rubric_to_docx,
)
from toolkit.feedback.service import run_feedback, text_vectors, write_outputs
from toolkit.feedback.teacher_grades import class_grade_rows, grades_from_table, rows_table
from toolkit.services import Services
from toolkit.tools import FEEDBACK, RUBRIC
from toolkit.ui.common import (
    Labelled,
    generation_events,
    kelas_choices,
    optional_int,
    participant,
    readable_error,
    subject_choices,
)
from toolkit.ui.i18n import register_texts, t
from toolkit.ui.library_tab import owner_for

register_texts(
    {
        "tab_feedback": {"id": "Umpan Balik", "en": "Feedback"},
        "fb_goal": {"id": "Tujuan pembelajaran / tugas / soal", "en": "Learning goal / task / question"},
        "fb_reference": {"id": "Jawaban acuan (opsional)", "en": "Reference answer (optional)"},
        "fb_topic": {
            "id": "Bab / topik (KKTP dari bank topik)",
            "en": "Chapter / topic (KKTP from the topic bank)",
        },
        "fb_topic_hint": {"id": "misalnya: pecahan", "en": "for example: fractions"},
        "fb_levels": {
            "id": "Label tingkat (pisahkan dengan koma, opsional)",
            "en": "Level labels (comma-separated, optional)",
        },
        "fb_points": {"id": "Atau skor 0-N (0 = label bawaan)", "en": "Or points 0-N (0 = default labels)"},
        "fb_generate": {"id": "Buat rubrik", "en": "Generate rubric"},
        "fb_rubric_table": {"id": "Rubrik (bisa diedit)", "en": "Rubric (editable)"},
        "fb_rubric_file": {"id": "Impor rubrik (CSV, DOCX, JSON)", "en": "Import rubric (CSV, DOCX, JSON)"},
        "fb_paste": {"id": "Atau tempel tabel rubrik", "en": "Or paste a rubric table"},
        "fb_import": {"id": "Impor", "en": "Import"},
        "fb_export": {"id": "Ekspor rubrik (DOCX, CSV)", "en": "Export rubric (DOCX, CSV)"},
        "fb_strictness": {"id": "Ketegasan penilaian", "en": "Strictness"},
        "fb_work": {"id": "Jawaban siswa", "en": "Student work"},
        "fb_work_file": {
            "id": "Atau unggah file (TXT, PDF, DOCX) / kelas (CSV, ZIP)",
            "en": "Or upload a file (TXT, PDF, DOCX) / class (CSV, ZIP)",
        },
        "fb_score": {"id": "Beri umpan balik", "en": "Give feedback"},
        "fb_student": {"id": "ID siswa", "en": "Student id"},
        "fb_criterion": {"id": "Kriteria", "en": "Criterion"},
        "fb_level": {"id": "Tingkat baru (0 = terendah)", "en": "New level (0 = lowest)"},
        "fb_reason": {"id": "Alasan", "en": "Reason"},
        "fb_override": {"id": "Ubah nilai", "en": "Override"},
        "fb_approve": {"id": "Setujui semua & buat laporan", "en": "Approve all & make report"},
        "fb_files": {"id": "Berkas", "en": "Files"},
        "fb_no_rubric": {"id": "Buat atau impor rubrik dulu.", "en": "Generate or import a rubric first."},
        "fb_no_work": {"id": "Tulis atau unggah jawaban siswa.", "en": "Type or upload student work."},
        "fb_done": {
            "id": "Selesai: {n} siswa. Periksa, ubah bila perlu, lalu setujui.",
            "en": "Done: {n} students. Review, override if needed, then approve.",
        },
        "fb_essay_rubric": {
            "id": "Rubrik esai bahasa Inggris (analitik)",
            "en": "English essay rubric (analytic)",
        },
        "fb_essay_loaded": {
            "id": "Rubrik analitik untuk esai siswa yang belajar bahasa Inggris: skor 1,0-5,0 per aspek dari "
            "model esai yang dikalibrasi pada data ELLIPSE.",
            "en": "Analytic rubric for English learners' essays: a 1.0-5.0 score per trait from the essay "
            "model calibrated on the ELLIPSE data.",
        },
        "fb_grades": {
            "id": "Nilai sebagian, sarankan sisanya (kolom terakhir: label tingkat atau poinnya)",
            "en": "Grade a few, suggest the rest (last column: a level label or its points)",
        },
        "fb_to_grade": {"id": "Jumlah yang dinilai dulu", "en": "Answers to grade first"},
        "fb_suggest": {"id": "Perbarui saran nilai", "en": "Update suggestions"},
        "fb_grade_first": {
            "id": "Nilai dulu {n} jawaban bertanda 'nilai dulu' di kolom Nilai guru, lalu klik Perbarui saran nilai. "
            "Jawaban 'perlu dicek' ada di atas.",
            "en": "Grade the {n} answers marked 'grade first' in the Teacher's grade column, then click "
            "Update suggestions. Answers to check are at the top.",
        },
        "fb_grades_done": {
            "id": "{graded} dinilai guru, {suggested} disarankan, {flagged} perlu dicek (keyakinan < {limit}).",
            "en": "{graded} graded by you, {suggested} suggested, {flagged} to check (confidence < {limit}).",
        },
        "fb_need_class": {
            "id": "Saran nilai butuh satu kelas: unggah CSV atau ZIP berisi jawaban beberapa siswa.",
            "en": "Suggestions need a class: upload a CSV or ZIP with several students' work.",
        },
        "fb_approved": {
            "id": "Disetujui: {n} siswa. Laporan kelas dan lembar umpan balik siap diunduh; tersimpan di Pustaka.",
            "en": "Approved: {n} students. The class report and feedback sheets are ready to download; "
            "saved in the Library.",
        },
    }
)
STRICTNESS = [
    ("Longgar / lenient", "lenient"),
    ("Standar / standard", "standard"),
    ("Ketat / strict", "strict"),
]


def rubric_from_table(table: Any, title: str = "Rubrik") -> Rubric:
    """The rubric shown in the editor table (a DataFrame or a list of rows with the header first)."""
    if hasattr(table, "columns"):
        rows = [list(map(str, table.columns))] + [
            [str(cell) for cell in row] for row in table.values.tolist()
        ]
    else:
        rows = [[str(cell) for cell in row] for row in table or []]
    return rubric_from_rows(rows, title)


def rubric_table(rubric: Rubric) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) for the editor."""
    rows = rubric_rows(rubric)
    return rows[0], rows[1:]


def render_results(results: list[StudentFeedback]) -> str:
    """Markdown: per student, per criterion level, evidence, strength, next step, confidence."""
    blocks = []
    for result in results:
        lines = [
            f"### {result.student_id}: {result.percent:.0f}/100 ({result.scale_label})"
            + (" ✔" if result.approved else "")
        ]
        for item in result.criteria:
            level = (
                item.level_label
                if item.override_level is None
                else f"{item.override_level} ({item.override_reason})"
            )
            quote = "; ".join(f"“{q}”" for q in item.evidence) or "—"
            sure = f"conf {item.confidence:.2f}" if item.calibrated else "conf — (aturan / rule)"
            lines.append(
                f"- **{item.criterion}**: {level} · {quote} · {item.strength} · ➜ {item.next_step} · {sure}"
            )
        lines += [f"> {note}" for note in result.notes]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def build_feedback_tab(services: Services, language: gr.Radio, labels: Labelled) -> None:
    """Lay out the tab inside the current ``gr.Blocks`` and wire its events."""
    lang = services.settings.language
    results_state = gr.State([])
    saved_state = gr.State("")  # library id of the feedback run on screen, updated on approval
    with gr.Row():
        goal = labels.add(gr.Textbox(label=t("fb_goal", lang), lines=2, scale=3), label="fb_goal")
        reference = labels.add(
            gr.Textbox(label=t("fb_reference", lang), lines=2, scale=3), label="fb_reference"
        )
    with gr.Row():
        rubric_subject = labels.add(
            gr.Dropdown(subject_choices(), value="", label=t("subject", lang)), label="subject"
        )
        rubric_kelas = labels.add(
            gr.Dropdown(kelas_choices(), value="", label=t("kelas", lang)), label="kelas"
        )
        rubric_topic = labels.add(
            gr.Textbox(value="", label=t("fb_topic", lang), placeholder=t("fb_topic_hint", lang), scale=2),
            label="fb_topic",
            placeholder="fb_topic_hint",
        )
    with gr.Row():
        level_labels = labels.add(gr.Textbox(label=t("fb_levels", lang)), label="fb_levels")
        points = labels.add(gr.Number(value=0, precision=0, label=t("fb_points", lang)), label="fb_points")
        generate_button = labels.add(
            gr.Button(t("fb_generate", lang), variant="primary"), value="fb_generate"
        )
        essay_button = labels.add(gr.Button(t("fb_essay_rubric", lang)), value="fb_essay_rubric")
    with gr.Row():
        rubric_file = labels.add(
            gr.File(label=t("fb_rubric_file", lang), file_types=[".csv", ".docx", ".json"]),
            label="fb_rubric_file",
        )
        paste = labels.add(gr.Textbox(label=t("fb_paste", lang), lines=3), label="fb_paste")
        import_button = labels.add(gr.Button(t("fb_import", lang)), value="fb_import")
    editor = labels.add(
        gr.Dataframe(label=t("fb_rubric_table", lang), interactive=True, wrap=True), label="fb_rubric_table"
    )
    export_button = labels.add(gr.Button(t("fb_export", lang)), value="fb_export")
    status = gr.Markdown("")
    with gr.Row():
        work = labels.add(gr.Textbox(label=t("fb_work", lang), lines=5, scale=3), label="fb_work")
        work_file = labels.add(
            gr.File(
                label=t("fb_work_file", lang), file_types=[".txt", ".md", ".pdf", ".docx", ".csv", ".zip"]
            ),
            label="fb_work_file",
        )
    strictness = labels.add(
        gr.Radio(STRICTNESS, value="standard", label=t("fb_strictness", lang)), label="fb_strictness"
    )
    score_button = labels.add(gr.Button(t("fb_score", lang), variant="primary"), value="fb_score")
    output = gr.Markdown()
    with gr.Row():
        student = labels.add(gr.Textbox(label=t("fb_student", lang)), label="fb_student")
        criterion = labels.add(gr.Textbox(label=t("fb_criterion", lang)), label="fb_criterion")
        new_level = labels.add(gr.Number(value=0, precision=0, label=t("fb_level", lang)), label="fb_level")
        reason = labels.add(gr.Textbox(label=t("fb_reason", lang)), label="fb_reason")
        override_button = labels.add(gr.Button(t("fb_override", lang)), value="fb_override")
    approve_button = labels.add(gr.Button(t("fb_approve", lang)), value="fb_approve")
    files = labels.add(gr.File(label=t("fb_files", lang), file_count="multiple"), label="fb_files")
    grade_table = labels.add(
        gr.Dataframe(label=t("fb_grades", lang), interactive=True, wrap=True, elem_id="grade-table"),
        label="fb_grades",
    )
    with gr.Row():
        to_grade = labels.add(
            gr.Number(value=10, precision=0, minimum=1, label=t("fb_to_grade", lang)), label="fb_to_grade"
        )
        suggest_button = labels.add(gr.Button(t("fb_suggest", lang)), value="fb_suggest")
    grade_status = gr.Markdown("", elem_id="grade-status")

    def on_generate(
        g: str,
        ref: str,
        lab: str,
        n: float,
        ui: str,
        request: gr.Request,
        subj: str = "",
        grade: str = "",
        topic: str = "",
    ) -> tuple[Any, str]:
        try:
            rubric_request = RubricRequest(
                goal=g,
                reference=ref or "",
                language="en" if ui == "en" else "id",
                level_labels=[x.strip() for x in (lab or "").split(",") if x.strip()] or None,
                points=int(n) if n else None,
                subject=subj or None,
                kelas=optional_int(grade),
                topic=topic or "",
            )
            with services.gate().slot(participant(request), ui):
                try:
                    retriever = services.retriever()
                except Exception:
                    retriever = None
                rubric = generate_rubric(rubric_request, retriever=retriever)  # type: ignore[arg-type]
            RUBRIC.save(
                services.library(), rubric, request=rubric_request, owner=owner_for(services, request) or ""
            )
        except Exception as exc:
            return gr.update(), readable_error(exc, ui)
        headers, rows = rubric_table(rubric)
        return gr.update(value=rows, headers=headers), "; ".join(rubric.sources)

    def on_essay_rubric(ui: str) -> tuple[Any, str]:
        headers, rows = rubric_table(essay_rubric())
        return gr.update(value=rows, headers=headers), t("fb_essay_loaded", ui)

    def on_import(upload: Any, pasted: str, ui: str, request: gr.Request) -> tuple[Any, str]:
        try:
            rubric = load_rubric(Path(upload)) if upload else rubric_from_text(pasted or "")
            RUBRIC.save(services.library(), rubric, owner=owner_for(services, request) or "")
        except Exception as exc:
            return gr.update(), readable_error(exc, ui)
        headers, rows = rubric_table(rubric)
        return gr.update(value=rows, headers=headers), " ".join(rubric.gaps())

    def on_export(table: Any, ui: str) -> tuple[list[str], str]:
        try:
            rubric = rubric_from_table(table)
            folder = Path(tempfile.mkdtemp(prefix="rubrik-"))
            paths = [
                rubric_to_docx(rubric, folder / "rubrik.docx"),
                rubric_to_csv(rubric, folder / "rubrik.csv"),
            ]
        except Exception as exc:
            return [], readable_error(exc, ui)
        return [str(p) for p in paths], " ".join(rubric.gaps())

    def on_score(
        table: Any,
        ref: str,
        text: str,
        upload: Any,
        strict: str,
        ui: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[list[dict[str, Any]], str, str, str]:
        try:
            rubric = rubric_from_table(table)
        except Exception:
            return [], "", "", t("fb_no_rubric", ui)
        try:
            if upload:
                batch = read_work(Path(upload))
                items, notes = batch.items, batch.notes
            elif (text or "").strip():
                items, notes = [WorkItem(student_id="siswa-1", text=text)], []
                check_work_length(items[0], "siswa-1")
            else:
                return [], "", "", t("fb_no_work", ui)
            done = [0]

            def step(what: str) -> None:
                done[0] += 1
                progress((done[0], len(items)), desc=what)

            progress((0, len(items)), desc=t("fb_score", ui))
            with services.gate().slot(participant(request), ui):
                run = run_feedback(
                    FeedbackRequest(rubric=rubric, works=items, reference=ref or "", strictness=strict),  # type: ignore[arg-type]
                    embeddings=services.embeddings(),
                    settings=services.settings,
                    notes=notes,
                    progress=step,
                )
            saved = FEEDBACK.save(services.library(), run, owner=owner_for(services, request) or "")
        except Exception as exc:
            return [], "", "", readable_error(exc, ui)
        message = " ".join([t("fb_done", ui, n=len(run.results)), *notes])
        return [r.model_dump() for r in run.results], saved.id, render_results(run.results), message

    def on_override(
        table: Any, state: list[dict[str, Any]], sid: str, crit: str, level: float, why: str, ui: str
    ) -> tuple[list[dict[str, Any]], str, str]:
        try:
            rubric = rubric_from_table(table)
            results = [StudentFeedback.model_validate(item) for item in state]
            target = next((r for r in results if r.student_id == sid), None)
            if target is None:
                raise ValueError(f"No student '{sid}'.")
            override(target, rubric, crit, int(level or 0), why or "")
        except Exception as exc:
            return state, gr.update(), readable_error(exc, ui)  # type: ignore[return-value]
        return [r.model_dump() for r in results], render_results(results), ""

    def on_approve(
        table: Any, state: list[dict[str, Any]], saved_id: str, strict: str, ui: str, request: gr.Request
    ) -> tuple[list[dict[str, Any]], str, str, list[str], str]:
        try:
            rubric = rubric_from_table(table)
            results = [StudentFeedback.model_validate(item) for item in state]
            for result in results:
                result.approved = True
            run = FeedbackRun(
                rubric=rubric,
                results=results,
                strictness=strict,  # type: ignore[arg-type]
                embeddings=embedding_model_name(services.settings),
            )
            paths = write_outputs(run, Path(tempfile.mkdtemp(prefix="umpan-balik-")))
            saved = FEEDBACK.save(
                services.library(),
                run,
                owner=owner_for(services, request) or "",
                material_id=saved_id or None,
            )
        except Exception as exc:
            return state, saved_id, gr.update(), [], readable_error(exc, ui)  # type: ignore[return-value]
        return (
            [r.model_dump() for r in results],
            saved.id,
            render_results(results),
            [str(p) for p in paths],
            t("fb_approved", ui, n=len(results)),
        )

    def on_grades(
        table: Any, ref: str, upload: Any, grades: Any, count: float, strict: str, ui: str
    ) -> tuple[Any, str]:
        """The grade-a-few table: answers to grade first, flagged ones, then the rest."""
        try:
            rubric = rubric_from_table(table)
        except Exception:
            return gr.update(), t("fb_no_rubric", ui)
        try:
            items = read_work(Path(upload)).items if upload else []
            if len(items) < 2:
                return gr.update(value=[], headers=None), t("fb_need_class", ui)
            rows = class_grade_rows(
                text_vectors(services.embeddings(), services.settings),
                rubric,
                items,
                ref or "",
                grades_from_table(grades, rubric) if grades is not None else {},
                int(count or 10),
                strict,  # type: ignore[arg-type]
            )
        except Exception as exc:
            return gr.update(), readable_error(exc, ui)
        headers, body = rows_table(rows, ui)
        graded = sum(row.status == "graded" for row in rows)
        flagged = sum(row.status == "check" for row in rows)
        first = sum(row.status == "to_grade" for row in rows)
        message = t(
            "fb_grades_done",
            ui,
            graded=graded,
            suggested=len(rows) - graded,
            flagged=flagged,
            limit=f"{shipped_maps().flag_below:.2f}",
        )
        if first:
            message = t("fb_grade_first", ui, n=first) + " " + message
        return gr.update(value=body, headers=headers), message

    def on_new_grades(
        table: Any, ref: str, upload: Any, count: float, strict: str, ui: str
    ) -> tuple[Any, str]:
        return on_grades(table, ref, upload, None, count, strict, ui)

    generate_button.click(
        on_generate,
        [goal, reference, level_labels, points, language, rubric_subject, rubric_kelas, rubric_topic],
        [editor, status],
        api_name="generate_rubric",
        **generation_events(services.settings),
    )
    essay_button.click(on_essay_rubric, [language], [editor, status], api_name="essay_rubric")
    import_button.click(on_import, [rubric_file, paste, language], [editor, status], api_name="import_rubric")
    export_button.click(on_export, [editor, language], [files, status], api_name="export_rubric")
    score_button.click(
        on_score,
        [editor, reference, work, work_file, strictness, language],
        [results_state, saved_state, output, status],
        api_name="give_feedback",
        **generation_events(services.settings),
    ).then(
        on_new_grades,
        [editor, reference, work_file, to_grade, strictness, language],
        [grade_table, grade_status],
        api_name="grade_table",
    )
    suggest_button.click(
        on_grades,
        [editor, reference, work_file, grade_table, to_grade, strictness, language],
        [grade_table, grade_status],
        api_name="suggest_grades",
    )
    override_button.click(
        on_override,
        [editor, results_state, student, criterion, new_level, reason, language],
        [results_state, output, status],
        api_name="override_feedback",
    )
    approve_button.click(
        on_approve,
        [editor, results_state, saved_state, strictness, language],
        [results_state, saved_state, output, files, status],
        api_name="approve_feedback",
    )
