"""Fair use of one machine by a room of participants: how many generations run, wait, and per person.

A generation (an answer, a plan, a quiz, a rubric, a feedback batch, a Prompt Lab run) takes a
slot of the ``GenerationGate`` for as long as it runs. At most ``running`` generations run at
once (the embedded model answers one request at a time anyway), at most ``waiting`` wait for a
turn, and one participant has at most ``per_participant`` running or waiting: a participant who
starts a second generation while the first runs is told so in one sentence instead of queueing
work that would hold everyone else up. A generation that waited ``max_wait_s`` gives up with a
sentence too. Nothing here knows about the web interface; the tabs take a slot around their work.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from toolkit.errors import ToolkitError
from toolkit.text import say


class BusyError(ToolkitError):
    """A generation could not start now; the sentence says why and what to do."""


class GenerationGate:
    """Slots for generations on a shared server (see the module's description)."""

    def __init__(
        self, running: int = 1, per_participant: int = 1, waiting: int = 32, max_wait_s: float = 600
    ) -> None:
        self.running = running
        self.per_participant = per_participant
        self.waiting = waiting
        self.max_wait_s = max_wait_s
        self._turns = threading.BoundedSemaphore(running)
        self._lock = threading.Lock()
        self._mine: dict[str, int] = {}
        self._queued = 0

    def busy(self) -> bool:
        """Whether a new generation would have to wait for a turn."""
        with self._lock:
            return sum(self._mine.values()) - self._queued >= self.running or self._queued > 0

    def counts(self) -> tuple[int, int]:
        """(generations holding or waiting for a slot, of which waiting)."""
        with self._lock:
            return sum(self._mine.values()), self._queued

    @contextmanager
    def slot(self, owner: str, language: str = "id") -> Iterator[None]:
        """Hold a slot for ``owner`` while the block runs; ``BusyError`` when none can be had."""
        with self._lock:
            if self._mine.get(owner, 0) >= self.per_participant:
                raise BusyError(
                    say(
                        language,
                        "Anda sudah menjalankan satu proses; tunggu sampai selesai, lalu mulai yang berikutnya.",
                        "You already have a generation running; wait until it finishes, then start the next.",
                    )
                )
            if self._queued >= self.waiting:
                raise BusyError(
                    say(
                        language,
                        f"Server sedang penuh: {self._queued} permintaan menunggu; coba lagi sebentar lagi.",
                        f"The server is busy: {self._queued} requests are waiting; try again in a minute.",
                    )
                )
            self._mine[owner] = self._mine.get(owner, 0) + 1
            self._queued += 1
        turn = False
        waiting = True
        try:
            turn = self._turns.acquire(timeout=self.max_wait_s)
            with self._lock:
                self._queued -= 1
                waiting = False
            if not turn:
                raise BusyError(
                    say(
                        language,
                        "Antrean terlalu lama; coba lagi sebentar lagi.",
                        "The wait was too long; try again in a minute.",
                    )
                )
            yield
        finally:
            if turn:
                self._turns.release()
            with self._lock:
                if waiting:
                    self._queued -= 1
                left = self._mine.get(owner, 1) - 1
                if left > 0:
                    self._mine[owner] = left
                else:
                    self._mine.pop(owner, None)


__all__ = ["BusyError", "GenerationGate"]
