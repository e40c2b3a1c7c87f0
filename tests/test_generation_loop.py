"""The shared generation loop and the one provider-failure classifier every tool uses."""

from __future__ import annotations

import pytest

from toolkit.errors import ProviderError, StructuredOutputError
from toolkit.llm.loop import generate_checked
from toolkit.llm.provider_errors import as_provider_error, is_provider_failure


def _validate(value: int) -> tuple[int, str]:
    return value, "" if value > 1 else f"{value} is too small"


def test_a_passing_first_draft_is_used() -> None:
    outcome = generate_checked(lambda attempt, reason: 5, _validate)
    assert (outcome.value, outcome.status, outcome.reasons, outcome.usable) == (5, "passed", [], True)


def test_the_regeneration_carries_the_reason() -> None:
    seen: list[str] = []

    def draft(attempt: int, reason: str) -> int:
        seen.append(reason)
        return attempt + 1

    outcome = generate_checked(draft, _validate)
    assert seen == ["", "1 is too small"]
    assert (outcome.value, outcome.status) == (2, "regenerated")


def test_a_second_failure_is_handed_back_for_repair() -> None:
    rejected: list[tuple[int | None, str]] = []
    outcome = generate_checked(
        lambda attempt, reason: 0, _validate, on_reject=lambda c, r: rejected.append((c, r))
    )
    assert (outcome.value, outcome.status, outcome.usable) == (0, "failed", False)
    assert rejected == [(0, "0 is too small"), (0, "0 is too small")]


def test_without_regeneration_there_is_one_draft() -> None:
    calls: list[int] = []
    outcome = generate_checked(lambda a, r: calls.append(a) or 0, _validate, regenerate=False)
    assert calls == [0] and outcome.status == "failed"


def test_unusable_output_is_rejected_and_a_provider_failure_propagates() -> None:
    def unusable(attempt: int, reason: str) -> int:
        if attempt == 0:
            raise StructuredOutputError("no JSON")
        return 3

    outcome = generate_checked(unusable, _validate)
    assert outcome.status == "regenerated" and outcome.reasons == ["unusable model output (no JSON)"]

    def down(attempt: int, reason: str) -> int:
        raise ConnectionError("server went away")

    with pytest.raises(ConnectionError):
        generate_checked(down, _validate)
    with pytest.raises(StructuredOutputError):
        generate_checked(unusable, _validate, unusable=None)


@pytest.mark.parametrize(
    ("exc", "provider"),
    [
        (ConnectionError("down"), True),
        (ProviderError("down"), True),
        (TimeoutError(), True),
        (StructuredOutputError("bad"), False),
        (ValueError("bad"), False),
        (IndexError("bad"), False),
        (TypeError("bad"), False),
    ],
)
def test_one_classifier_decides_provider_failures(exc: Exception, provider: bool) -> None:
    assert is_provider_failure(exc) is provider


def test_provider_errors_keep_toolkit_errors_and_explain_others() -> None:
    error = ProviderError("down")
    assert as_provider_error(error, None) is error
    assert "ConnectionError" in str(as_provider_error(ConnectionError("x"), None))
