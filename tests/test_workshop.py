"""The shipped workshop pack loads and covers three days; submissions feed the trainer dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import ToolkitError
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.workshop_tab import dashboard, show_exercise, submit_exercise
from toolkit.workshop import available_packs, load_pack, progress, submit


@pytest.fixture(scope="module")
def pack():  # type: ignore[no-untyped-def]
    [folder] = available_packs()
    return load_pack(folder)


def test_pack_has_three_days_and_bilingual_exercises(pack) -> None:  # type: ignore[no-untyped-def]
    assert [day.day for day in pack.days] == [1, 2, 3]
    exercises = pack.ordered()
    assert len(exercises) >= 12
    tools = {e.tool for e in exercises}
    assert {"curriculum", "lesson", "quiz", "feedback", "prompt-lab"} <= tools
    for exercise in exercises:
        assert len(exercise.instructions.id) == len(exercise.instructions.en)
        assert exercise.as_markdown("en") != exercise.as_markdown("id")


def test_broken_pack_is_reported(tmp_path: Path) -> None:
    (tmp_path / "workshop.yaml").write_text(
        "id: x\ntitle: {id: a, en: b}\ndescription: {id: a, en: b}\ndays:\n  - day: 1\n    title: {id: a, en: b}\n    exercises: [missing]\n"
    )
    with pytest.raises(ToolkitError, match="could not be read"):
        load_pack(tmp_path)


class FakeRequest:
    def __init__(self, username: str) -> None:
        self.username = username


def test_submissions_reach_the_trainer_dashboard(pack, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    services = Services(settings.model_copy(update={"workshop": True}))
    services.accounts().create(["Ani", "Budi"])
    services.accounts().create(["Pelatih"], role="trainer")
    first = pack.ordered()[0]
    status = submit_exercise(
        services, pack, first.id, "Model salah menyebut hasil fotosintesis.", "", "id", FakeRequest("ani")
    )  # type: ignore[arg-type]
    assert status.startswith("Terkumpul")
    assert progress(services.library(), pack) == {"ani": {first.id}}
    rows, message = dashboard(services, pack, "id", FakeRequest("pelatih"))  # type: ignore[arg-type]
    assert message == ""
    by_name = {row[0]: row[1:] for row in rows}
    assert by_name["ani"][0] == "✓" and by_name["budi"][0] == ""
    _, refused = dashboard(services, pack, "en", FakeRequest("budi"))  # type: ignore[arg-type]
    assert "trainer" in refused
    instructions, starting = show_exercise(pack, first.id, "en")
    assert starting.startswith("{")
    assert first.title.en in instructions
    submit(services.library(), "budi", first, "ok")
    assert progress(services.library(), pack)["budi"] == {first.id}
