"""The one generation loop every tool uses: draft, validate, regenerate once with the reason, hand back.

A tool gives ``generate_checked`` two functions. ``draft(attempt, reason)`` asks the model (with a
prompt file) for a candidate; on the second attempt ``reason`` says why the first was rejected, so
the prompt can carry it. ``validate(candidate)`` runs the tool's checks and returns the candidate
(with its check results attached, if the tool keeps them) and the failure reason, ``""`` when it
passes. A draft that raises an unusable-output error (``provider_errors.is_provider_failure`` is
False) is rejected with a reason made by ``unusable``; a provider failure propagates, for the tool to
stop or continue without the model. The loop never repairs and never falls back: the outcome's
``status`` tells the tool whether to use the value (``passed``, ``regenerated``) or to repair it or
fall back (``failed``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from toolkit.llm.provider_errors import is_provider_failure

T = TypeVar("T")
Status = Literal["passed", "regenerated", "failed"]


@dataclass
class Outcome(Generic[T]):
    """What the loop ended with: the last candidate (None when the last draft was unusable) and why."""

    value: T | None
    status: Status
    reasons: list[str] = field(default_factory=list)
    """The failure reason of each rejected attempt, in order."""

    @property
    def usable(self) -> bool:
        """Whether the value passed validation (first draft or regeneration)."""
        return self.status != "failed"

    @property
    def reason(self) -> str:
        """The last failure reason (``""`` when nothing was rejected)."""
        return self.reasons[-1] if self.reasons else ""


def unusable_output_reason(exc: BaseException) -> str:
    """The default reason for a draft the model could not produce in a usable form."""
    return f"unusable model output ({str(exc)[:120]})"


def generate_checked(
    draft: Callable[[int, str], T],
    validate: Callable[[T], tuple[T, str]],
    *,
    regenerate: bool = True,
    on_reject: Callable[[T | None, str], None] | None = None,
    unusable: Callable[[BaseException], str] | None = unusable_output_reason,
) -> Outcome[T]:
    """Draft, validate, and (when ``regenerate``) draft once more with the failure reason.

    ``on_reject(candidate, reason)`` is told of every rejected attempt (candidate None when the
    draft itself was unusable), so the tool can record dropped drafts. With ``unusable=None`` every
    exception of ``draft`` propagates (for drafts that fall back inside, such as lesson builders).
    """
    reasons: list[str] = []
    candidate: T | None = None
    reason = ""
    for attempt in range(2 if regenerate else 1):
        try:
            candidate = draft(attempt, reason)
        except Exception as exc:
            if unusable is None or is_provider_failure(exc):
                raise
            candidate, reason = None, unusable(exc)
        else:
            candidate, reason = validate(candidate)
            if not reason:
                return Outcome(candidate, "passed" if attempt == 0 else "regenerated", reasons)
        reasons.append(reason)
        if on_reject is not None:
            on_reject(candidate, reason)
    return Outcome(candidate, "failed", reasons)
