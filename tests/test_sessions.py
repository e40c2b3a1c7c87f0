"""Workshop mode: logins expire, and work made in the quiz and feedback tabs belongs to the login."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from gradio_client import Client
from quiz_fakes import PHOTOSYNTHESIS

from conftest import BagOfWordsEmbeddings, free_port
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.app import build_app, launch_options
from toolkit.ui.sessions import ExpiringTokens, expire_logins

REFERENCE = "Tumbuhan memakai cahaya matahari, air dan karbon dioksida untuk membuat glukosa dan oksigen."


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_is_forgotten_after_its_lifetime() -> None:
    clock = FakeClock()
    tokens = ExpiringTokens(60, existing={"old": "ani"}, clock=clock)
    clock.now += 30
    tokens["new"] = "budi"
    assert tokens.get("old") == "ani" and "old" in tokens and tokens["new"] == "budi"
    clock.now += 31  # "old" is 61 s old, "new" 31 s
    assert tokens.get("old") is None and "old" not in tokens and "old" not in dict(tokens)
    with pytest.raises(KeyError):
        tokens["old"]
    assert tokens.get("new") == "budi"
    clock.now += 30
    assert tokens.get("new", "gone") == "gone" and len(tokens) == 0


@dataclass
class Workshop:
    url: str
    services: Services
    username: str
    password: str
    tokens: ExpiringTokens


@pytest.fixture
def workshop(settings: Settings) -> Iterator[Workshop]:
    live = settings.model_copy(update={"workshop": True, "port": free_port(), "session_hours": 1.0})
    services = Services(live, embeddings=BagOfWordsEmbeddings())
    [teacher] = services.accounts().create(["Guru Sesi"])
    demo = build_app(services)
    demo.queue().launch(prevent_thread_lock=True, quiet=True, **launch_options(services))
    tokens = expire_logins(demo, live.session_hours)
    try:
        yield Workshop(f"http://127.0.0.1:{live.port}", services, teacher.username, teacher.password, tokens)
    finally:
        demo.close()


def test_a_login_expires_and_the_app_asks_again(workshop: Workshop) -> None:
    workshop.tokens.lifetime_s = 2.0  # the app was launched with 1 hour; this test cannot wait that long
    with httpx.Client(base_url=workshop.url) as http:
        assert http.get("/config").status_code == 401
        login = http.post("/login", data={"username": workshop.username, "password": workshop.password})
        assert login.status_code == 200
        assert http.get("/config").status_code == 200
        time.sleep(2.5)
        assert http.get("/config").status_code == 401
        assert len(workshop.tokens) == 0
        again = http.post("/login", data={"username": workshop.username, "password": workshop.password})
        assert again.status_code == 200 and http.get("/config").status_code == 200


def test_quiz_and_feedback_from_the_tabs_belong_to_the_login(workshop: Workshop) -> None:
    client = Client(workshop.url + "/", auth=(workshop.username, workshop.password), verbose=False)
    quiz_form = ["fotosintesis", "", "", "", "", "id", PHOTOSYNTHESIS, None, "mixed", [], False]
    table, _notes, status = client.predict(*quiz_form, 2, 0, 1, 0, 0, 0, 0, "id", api_name="/make_quiz")
    assert table["data"], status
    rubric, _ = client.predict(
        "Menjelaskan fotosintesis", REFERENCE, "", 0, "id", api_name="/generate_rubric"
    )
    table = rubric.get("value", rubric)
    client.predict(
        table, REFERENCE, "Tumbuhan membuat glukosa dari air dan karbon dioksida dengan cahaya.", None,
        "standard", "id", api_name="/give_feedback",
    )  # fmt: skip
    _markdown, files, status = client.predict(table, "standard", "id", api_name="/approve_feedback")
    assert files, status
    library = workshop.services.library()
    saved = library.list(owner=workshop.username)
    assert sorted(m.kind for m in saved) == ["feedback", "quiz", "rubric"]  # approval updated, not duplicated
    assert library.list(owner="") == []
    [feedback] = [m for m in saved if m.kind == "feedback"]
    assert feedback.info["approved"] == 1
