"""The real app in headless Chromium (Debian's package) driven by Playwright: log in, search, ask,
switch language; write a lesson plan, a quiz and feedback with the embedded stack, download the files,
reload and find each in the library; a phone-size screen; screenshots for the README."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import free_port
from toolkit.lessons.formats import FORMATS
from toolkit.lessons.models import FORMAT_NAMES
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.app import build_app, launch_options
from toolkit.ui.lesson_tab import FORMAT_CHOICES

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
pytestmark = pytest.mark.e2e
STATUS = "#lesson-status [data-testid='markdown']"  # the text itself, not Gradio's progress overlay


def screenshot_folder() -> Path:
    """Where screenshots go: ``KELAS_SCREENSHOTS`` (``make screenshots`` sets docs/screenshots), else a temp folder.

    Tests never write into the tracked ``docs/screenshots`` unless asked to.
    """
    folder = Path(os.environ.get("KELAS_SCREENSHOTS") or Path(tempfile.gettempdir()) / "kelas-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed; 'make test' installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, embedded_model_path: Path) -> Iterator[tuple[str, str]]:
    data = tmp_path_factory.mktemp("browser")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data,
        local_model_path=embedded_model_path,
        max_tokens=40,
        workshop=True,
        port=free_port(),
    )
    services = Services(settings)
    services.index(
        [
            REPO / "corpora" / "ipa" / "siklus-air.md",
            REPO / "corpora" / "ipa" / "fotosintesis.md",
            REPO / "corpora" / "cp" / "cp-ipa-fase-d.md",
        ]
    )
    [teacher] = services.accounts().create(["Guru Uji"])
    services.library().save("quiz", "Kuis siklus air", {"items": []}, owner=teacher.username, subject="ipa")
    demo = build_app(services)
    demo.queue().launch(prevent_thread_lock=True, quiet=True, **launch_options(services))
    try:
        yield f"http://127.0.0.1:{settings.port}/", f"{teacher.username}:{teacher.password}"
    finally:
        demo.close()


@pytest.fixture
def page(browser: Any, app_url: tuple[str, str]) -> Iterator[Any]:
    """A Chromebook-size page (1366 x 768), logged in as the test teacher, that accepts downloads."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page = context.new_page()
    login(page, *app_url)
    yield page
    context.close()


def login(page: object, url: str, credentials: str) -> None:
    username, password = credentials.split(":")
    page.goto(url)  # type: ignore[attr-defined]
    page.get_by_label("username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Login").click()  # type: ignore[attr-defined]
    page.get_by_text("Perangkat AI untuk Kelas").wait_for(timeout=30_000)  # type: ignore[attr-defined]


def find_in_library(page: Any, search: str) -> str:
    """Reload the page, look the title up in the Pustaka tab, and return the picker's label."""
    page.reload()
    page.get_by_role("tab", name="Pustaka").click()
    page.get_by_label("Cari judul").fill(search)
    page.get_by_role("button", name="Tampilkan").click()
    page.get_by_text("1 materi.").wait_for(timeout=30_000)
    return str(page.get_by_label("Materi tersimpan").input_value())


def download(page: Any, suffix: str, folder: Path) -> Path:
    """Click the first download link whose file name ends with ``suffix``; the saved file."""
    links = page.locator("a[download]")
    links.first.wait_for(timeout=60_000)
    for number in range(links.count()):
        link = links.nth(number)
        name = (link.get_attribute("download") or "") + " " + link.inner_text()
        if suffix in name:
            with page.expect_download() as info:
                link.click()
            saved: Path = folder / info.value.suggested_filename
            info.value.save_as(str(saved))
            return saved
    raise AssertionError(f"no download link for {suffix}")


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the Gradio dropdown labelled ``label``."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option).click()


def test_search_ask_language_and_library_in_the_browser(page: Any) -> None:
    page.get_by_label("Cari atau tanya tentang kurikulum").fill("kondensasi awan")
    page.get_by_role("button", name="Cari", exact=True).click()
    page.get_by_text("siklus-air.md").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Tanya model").click()
    page.get_by_text("Selesai.").wait_for(timeout=120_000)
    answer = page.get_by_label("Jawaban model").input_value()
    assert answer.strip()
    screenshots = screenshot_folder()
    page.screenshot(path=str(screenshots / "kurikulum.png"), full_page=True)

    page.get_by_text("English", exact=True).click()
    page.get_by_label("Search or ask about the curriculum").wait_for(timeout=15_000)
    page.get_by_role("tab", name="Library").wait_for(timeout=15_000)

    page.reload()
    page.get_by_role("tab", name="Pustaka").click()
    page.get_by_label("Cari judul").fill("Kuis siklus air")
    page.get_by_role("button", name="Tampilkan").click()
    page.get_by_text("1 materi.").wait_for(timeout=30_000)
    page.screenshot(path=str(screenshots / "pustaka.png"), full_page=True)


def test_wrong_password_is_refused(browser: object, app_url: tuple[str, str]) -> None:
    url, credentials = app_url
    page = browser.new_page()  # type: ignore[attr-defined]
    login_name = credentials.split(":")[0]
    page.goto(url)
    page.get_by_label("username").fill(login_name)
    page.get_by_label("password").fill("salah-sandi")
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Incorrect Credentials", exact=False).wait_for(timeout=15_000)
    page.close()


def test_make_a_quiz_and_download_an_export(page: Any, tmp_path: Path) -> None:
    page.get_by_role("tab", name="Kuis").click()
    page.get_by_label("Topik atau tujuan pembelajaran").fill("kondensasi")
    page.get_by_role("button", name="Buat kuis").click()
    page.get_by_text("Disimpan di pustaka.").wait_for(timeout=600_000)
    page.get_by_role("button", name="Ekspor", exact=True).click()
    page.get_by_text("Ekspor selesai.").wait_for(timeout=60_000)
    saved = download(page, ".gift", tmp_path)
    assert "::" in saved.read_text(encoding="utf-8")  # GIFT questions
    page.screenshot(path=str(screenshot_folder() / "kuis.png"), full_page=True)
    assert "kondensasi" in find_in_library(page, "kondensasi")


@pytest.mark.parametrize(
    ("fmt", "plan_language", "topic"),
    [
        ("rpp", "id", "fotosintesis"),
        ("lesson-plan", "en", "fotosintesis"),
        ("mendalam", "id", "fotosintesis"),
        ("modul-ajar", "id", "fotosintesis"),
    ],
)
def test_write_a_lesson_plan_download_it_and_find_it_in_the_library(
    page: Any, tmp_path: Path, fmt: str, plan_language: str, topic: str
) -> None:
    page.get_by_role("tab", name="Rencana Pembelajaran").click()
    choose(page, "Format", dict((key, label) for label, key in FORMAT_CHOICES)[fmt])
    if plan_language == "en":
        plan_language_block = page.locator(".block", has_text="Bahasa rencana").last
        plan_language_block.get_by_text("English", exact=True).click()  # not the interface's switch
    page.get_by_label("Topik", exact=True).fill(topic)
    page.get_by_label("Jumlah JP").fill("1")
    page.get_by_role("button", name="Buat rencana").click()
    # progress messages end with "…"; anything else is the outcome (done, stopped, or refused)
    page.wait_for_function(
        "(selector) => { const t = document.querySelector(selector)?.innerText.trim() || '';"
        " return t !== '' && !t.endsWith('…'); }",
        arg=STATUS,
        timeout=900_000,
    )
    outcome = page.locator(STATUS).inner_text()
    assert "Selesai dan tersimpan di Pustaka." in outcome, outcome
    assert page.get_by_text("✅").count() > 0  # check results are shown
    document = Document(str(download(page, ".docx", tmp_path)))
    headings = {
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    }
    assert {spec.title(plan_language) for spec in FORMATS[fmt]} <= headings
    if fmt == "rpp":
        page.screenshot(path=str(screenshot_folder() / "rencana.png"), full_page=True)
    name = FORMAT_NAMES[fmt][plan_language]
    assert find_in_library(page, name + ":").startswith(name)


def test_feedback_on_student_work_download_the_report_and_find_it_in_the_library(
    page: Any, tmp_path: Path
) -> None:
    page.get_by_role("tab", name="Umpan Balik").click()
    page.get_by_label("Tujuan pembelajaran / tugas / soal").fill("Menjelaskan siklus air")
    page.get_by_label("Jawaban acuan (opsional)").fill(
        "Air laut menguap karena panas matahari, uap air mengembun menjadi awan, lalu turun sebagai hujan."
    )
    page.get_by_role("button", name="Buat rubrik").click()
    page.get_by_text("baru berkembang", exact=False).first.wait_for(timeout=120_000)
    page.get_by_label("Jawaban siswa").fill("Air menguap kena panas matahari lalu jadi awan dan turun hujan.")
    page.get_by_role("button", name="Beri umpan balik").click()
    page.get_by_text("Selesai: 1 siswa.").wait_for(timeout=300_000)
    page.get_by_role("button", name="Setujui semua & buat laporan").click()
    page.get_by_text("Disetujui: 1 siswa.").wait_for(timeout=120_000)
    report = load_workbook(download(page, ".xlsx", tmp_path))
    assert report.worksheets[0].max_row >= 2  # a header and the student
    page.screenshot(path=str(screenshot_folder() / "umpan-balik.png"), full_page=True)
    assert "Umpan balik" in find_in_library(page, "Umpan balik")


@pytest.mark.parametrize(("width", "height", "name"), [(390, 844, "ponsel"), (1366, 768, "")])
def test_fits_a_phone_and_a_chromebook_screen(page: Any, width: int, height: int, name: str) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.reload()
    page.get_by_text("Perangkat AI untuk Kelas").wait_for(timeout=30_000)
    for tab in ("Kurikulum", "Rencana Pembelajaran", "Kuis", "Umpan Balik"):
        target = page.get_by_role("tab", name=tab)
        if target.is_visible():
            target.click()
        else:  # on a narrow screen Gradio folds the tabs that do not fit into a menu
            page.locator(".overflow-menu button").first.click()
            page.locator(".overflow-dropdown button", has_text=tab).first.click()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{tab}: the page is {overflow}px wider than a {width}px screen"
    title = page.get_by_role("heading", name="Perangkat AI untuk Kelas").bounding_box()
    assert title is not None and title["width"] >= min(300, width - 80)  # not squeezed into a column
    if name:
        page.screenshot(path=str(screenshot_folder() / f"{name}.png"), full_page=False)
