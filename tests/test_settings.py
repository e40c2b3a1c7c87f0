"""Settings: defaults, environment variables, the OpenAI key alias and validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from toolkit.settings import Settings


def test_defaults_are_offline() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.provider == "local"
    assert settings.embeddings == "local"
    assert settings.resolved_index_path == Path(".kelas/index")
    assert (settings.host, settings.port) == ("127.0.0.1", 7860)
    assert "offline" in settings.describe_provider()


def test_environment_variables_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KELAS_PROVIDER", "openai-compatible")
    monkeypatch.setenv("KELAS_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("KELAS_MODEL", "llama3.1:8b")
    monkeypatch.setenv("KELAS_PORT", "8080")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.provider == "openai-compatible"
    assert settings.port == 8080
    assert settings.describe_provider() == "llama3.1:8b at http://127.0.0.1:11434/v1"


def test_openai_api_key_is_read_and_kept_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-123")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-test-123"
    assert "sk-test-123" not in repr(settings)


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("KELAS_LANGUAGE=en\nKELAS_N_THREADS=4\n", encoding="utf-8")
    settings = Settings(_env_file=env)  # type: ignore[call-arg]
    assert settings.language == "en"
    assert settings.n_threads == 4


@pytest.mark.parametrize(
    ("name", "value"), [("KELAS_PROVIDER", "cloud"), ("KELAS_PORT", "0"), ("KELAS_LANGUAGE", "fr")]
)
def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_env_example_documents_every_setting() -> None:
    text = (Path(__file__).resolve().parent.parent / ".env.example").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        if name == "api_key":
            assert "KELAS_API_KEY" in text and "OPENAI_API_KEY" in text
        else:
            assert f"KELAS_{name.upper()}" in text, name
