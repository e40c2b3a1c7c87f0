"""The real app in headless Chromium (Debian's package) driven by Playwright: log in, search, ask,
switch language, find saved work in the library; screenshots for the README."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import free_port
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.app import build_app, launch_options

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
    services.index([REPO / "corpora" / "ipa" / "siklus-air.md", REPO / "corpora" / "ipa" / "fotosintesis.md"])
    [teacher] = services.accounts().create(["Guru Uji"])
    services.library().save("quiz", "Kuis siklus air", {"items": []}, owner=teacher.username, subject="ipa")
    demo = build_app(services)
    demo.queue().launch(prevent_thread_lock=True, quiet=True, **launch_options(services))
    try:
        yield f"http://127.0.0.1:{settings.port}/", f"{teacher.username}:{teacher.password}"
    finally:
        demo.close()


def login(page: object, url: str, credentials: str) -> None:
    username, password = credentials.split(":")
    page.goto(url)  # type: ignore[attr-defined]
    page.get_by_label("username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Login").click()  # type: ignore[attr-defined]
    page.get_by_text("Perangkat AI untuk Kelas").wait_for(timeout=30_000)  # type: ignore[attr-defined]


def test_search_ask_language_and_library_in_the_browser(
    browser: object, app_url: tuple[str, str], tmp_path: Path
) -> None:
    url, credentials = app_url
    context = browser.new_context(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page = context.new_page()
    login(page, url, credentials)
    page.get_by_label("Cari atau tanya tentang kurikulum").fill("kondensasi awan")
    page.get_by_role("button", name="Cari", exact=True).click()
    page.get_by_text("siklus-air.md").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Tanya model").click()
    page.get_by_text("Selesai.").wait_for(timeout=120_000)
    answer = page.get_by_label("Jawaban model").input_value()
    assert answer.strip()
    screenshots = REPO / "docs" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "kurikulum.png"), full_page=True)

    page.get_by_text("English", exact=True).click()
    page.get_by_label("Search or ask about the curriculum").wait_for(timeout=15_000)
    page.get_by_role("tab", name="Library").wait_for(timeout=15_000)

    page.reload()
    page.get_by_role("tab", name="Pustaka").click()
    page.get_by_role("button", name="Tampilkan").click()
    page.get_by_text("1 materi.").wait_for(timeout=30_000)
    page.screenshot(path=str(screenshots / "pustaka.png"), full_page=True)
    context.close()


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


def test_make_a_quiz_and_download_an_export(
    browser: object, app_url: tuple[str, str], tmp_path: Path
) -> None:
    url, credentials = app_url
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    login(page, url, credentials)
    page.get_by_role("tab", name="Kuis").click()
    page.get_by_label("Topik atau tujuan pembelajaran").fill("siklus air")
    page.get_by_role("button", name="Buat kuis").click()
    page.get_by_text("Disimpan di pustaka.").wait_for(timeout=600_000)
    page.get_by_role("button", name="Ekspor", exact=True).click()
    page.get_by_text("Ekspor selesai.").wait_for(timeout=60_000)
    link = page.locator("a[download]").first
    link.wait_for(timeout=30_000)
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(str(saved))
    assert saved.stat().st_size > 0
    page.screenshot(path=str(REPO / "docs" / "screenshots" / "kuis.png"), full_page=True)
    context.close()
