"""A shared machine stays fair: generations run in turn, a participant has one at a time, the
waiting room is bounded, and a participant's second generation gets a sentence, not a queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from conftest import BagOfWordsEmbeddings, free_port
from toolkit.limits import BusyError, GenerationGate
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.app import build_app, launch_options, queue_options


def test_one_generation_per_participant_and_the_others_wait_their_turn() -> None:
    gate = GenerationGate(running=1, per_participant=1, waiting=2, max_wait_s=5)
    order: list[str] = []

    def budi() -> None:
        with gate.slot("budi"):
            order.append("budi")

    with gate.slot("ani"):
        with pytest.raises(BusyError, match="already have a generation running"), gate.slot("ani", "en"):
            pass
        waiting = threading.Thread(target=budi)
        waiting.start()
        while gate.counts() != (2, 1):
            time.sleep(0.01)
        assert gate.busy() and order == []  # budi waits while ani's generation runs
    waiting.join(timeout=5)
    assert order == ["budi"] and gate.counts() == (0, 0) and not gate.busy()


def test_the_waiting_room_is_bounded_and_a_long_wait_gives_up() -> None:
    gate = GenerationGate(running=1, per_participant=1, waiting=1, max_wait_s=0.3)
    release = threading.Event()
    outcome: list[str] = []

    def hold(name: str) -> None:
        try:
            with gate.slot(name):
                release.wait(5)
                outcome.append(f"{name} ran")
        except BusyError as exc:
            outcome.append(f"{name}: {exc}")

    first = threading.Thread(target=hold, args=("ani",))
    first.start()
    while gate.counts() != (1, 0):
        time.sleep(0.01)
    second = threading.Thread(target=hold, args=("budi",))
    second.start()
    while gate.counts() != (2, 1):
        time.sleep(0.01)
    with pytest.raises(BusyError, match="requests are waiting"), gate.slot("citra", "en"):
        pass
    second.join(timeout=5)  # budi gives up after 0.3 s
    release.set()
    first.join(timeout=5)
    assert outcome[0].startswith("budi: Antrean terlalu lama") and outcome[1] == "ani ran"
    assert gate.counts() == (0, 0)


@pytest.fixture
def slow_app(settings: Settings, small_corpus: Path) -> Iterator[str]:
    """The app with a chat model that takes about two seconds per answer, on a loopback port."""
    llm = FakeListChatModel(responses=["Kondensasi adalah pengembunan uap air [1]."] * 20, sleep=0.05)
    services = Services(
        settings.model_copy(update={"port": free_port()}), llm=llm, embeddings=BagOfWordsEmbeddings()
    )
    services.index([small_corpus])
    demo = build_app(services)
    options = {**launch_options(services), "quiet": True}
    demo.queue(**queue_options(services)).launch(prevent_thread_lock=True, **options)
    try:
        yield f"http://127.0.0.1:{services.settings.port}/"
    finally:
        demo.close()


def test_a_second_generation_of_the_same_participant_gets_a_sentence(slow_app: str) -> None:
    ani = Client(slow_app, verbose=False)
    budi = Client(slow_app, verbose=False)
    args = ("Apa itu kondensasi?", "", "", "", "en")
    first = ani.submit(*args, api_name="/ask_curriculum")
    time.sleep(0.7)  # ani's answer is being written
    second = ani.submit(*args, api_name="/ask_curriculum")
    other = budi.submit(*args, api_name="/ask_curriculum")
    answer, _, status = second.result(timeout=30)
    assert answer == "" and status.startswith("You already have a generation running")
    assert first.result(timeout=30)[0].startswith("Kondensasi")
    assert other.result(timeout=60)[0].startswith("Kondensasi")  # another participant waits, then is served
    assert any("Waiting for a turn" in str(update[2]) for update in other.outputs())
