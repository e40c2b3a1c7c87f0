"""Grade a few, suggest the rest in the real app, in headless Chromium (Debian's package) via Playwright.

Upload a class, give feedback, grade the answers the tab asks for first in its table, update the
suggestions and see the rest follow the teacher's grades. Skips cleanly without Chromium, like
``test_browser.py``, whose fixtures (app, browser, logged-in page) it shares.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import test_browser
from test_browser import screenshot_folder

browser = test_browser.browser  # the shared pytest fixtures: Chromium, the app, a logged-in page
app_url = test_browser.app_url
page = test_browser.page

pytestmark = pytest.mark.e2e
REFERENCE = (
    "Air laut menguap karena panas matahari, uap air mengembun menjadi awan, lalu turun sebagai hujan."
)
ANSWERS = [
    "Air laut menguap karena panas matahari, mengembun menjadi awan, lalu turun hujan.",
    "Air menguap lalu jadi awan.",
    "Air membeku menjadi es.",
]


def grade_rows(page: Any) -> list[list[str]]:
    """The grade-a-few table as text (ID, answer, suggestion, confidence, status, teacher's grade)."""
    count = page.locator("#grade-table [role=row].virtual-row").count()
    return [
        [
            page.locator(f"#grade-table [data-testid='cell-{row}-{col}']").inner_text().strip()
            for col in range(6)
        ]
        for row in range(count)
    ]


def test_grade_a_few_and_get_the_rest_suggested(page: Any, tmp_path: Path) -> None:
    work = tmp_path / "kelas.csv"
    with work.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "jawaban"])
        writer.writerows([[f"s{number}", text] for number, text in enumerate(ANSWERS * 4)])
    page.get_by_role("tab", name="Umpan Balik").click()
    page.get_by_label("Tujuan pembelajaran / tugas / soal").fill("Menjelaskan siklus air")
    page.get_by_label("Jawaban acuan (opsional)").fill(REFERENCE)
    page.get_by_role("button", name="Buat rubrik").click()
    page.get_by_text("Kelengkapan poin kunci").first.wait_for(timeout=120_000)
    upload = page.locator("div.block", has_text="Atau unggah file").last.locator("input[type=file]")
    upload.set_input_files(str(work))
    page.get_by_text("kelas.csv").first.wait_for(timeout=30_000)
    page.get_by_label("Jumlah yang dinilai dulu").fill("3")
    page.get_by_role("button", name="Beri umpan balik").click()
    page.get_by_text("Selesai: 12 siswa.").wait_for(timeout=300_000)
    page.get_by_text("Nilai dulu 3 jawaban").wait_for(timeout=120_000)
    rows = grade_rows(page)
    assert len(rows) == 12 and [row[4] for row in rows[:3]] == ["nilai dulu"] * 3
    flagged = [row[4] for row in rows[3:]]
    assert flagged == sorted(flagged, key=lambda status: status != "perlu dicek")  # flagged ones first
    assert all(float(row[3]) < 1 for row in rows)  # no "1.00" before any grade
    wanted = {}
    for number, row in enumerate(rows[:3]):
        wanted[row[0]] = "Mahir" if row[1] == ANSWERS[0] else "Baru berkembang"
        page.locator(f"#grade-table [data-testid='cell-{number}-5']").dblclick()
        page.keyboard.type(wanted[row[0]])
        page.keyboard.press("Enter")
    page.get_by_role("button", name="Perbarui saran nilai").click()
    page.get_by_text("3 dinilai guru, 9 disarankan").wait_for(timeout=120_000)
    after = {row[0]: row for row in grade_rows(page)}
    assert {sid: after[sid][5] for sid in wanted} == wanted
    assert all(after[sid][4] == "dinilai guru" for sid in wanted)
    for sid, row in after.items():  # the same answer as a graded one gets the teacher's level
        same = [other for other in wanted if after[other][1] == row[1]]
        if same and sid not in wanted:
            assert row[2] == wanted[same[0]], row
    page.screenshot(path=str(screenshot_folder() / "umpan-balik-nilai.png"), full_page=True)
