"""Workshop logins that expire.

Gradio keeps a login token for as long as the server runs. On a shared workshop machine a login
left open on a borrowed laptop should not last for days, so after launch the app's token table is
replaced by one that forgets each token ``session_hours`` after the login. A teacher whose login
expired sees the login page again; saved work is untouched (it lives in the library, not the
session).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import gradio as gr


class ExpiringTokens(dict[str, str]):
    """Login token -> user name; a token older than ``lifetime_s`` counts as absent (and is dropped)."""

    def __init__(
        self,
        lifetime_s: float,
        existing: dict[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.lifetime_s = lifetime_s
        self.clock = clock
        self.issued: dict[str, float] = {}
        for token, user in (existing or {}).items():
            self[token] = user

    def __setitem__(self, token: str, user: str) -> None:
        self.issued[token] = self.clock()
        super().__setitem__(token, user)

    def __delitem__(self, token: str) -> None:
        self.issued.pop(token, None)
        super().__delitem__(token)

    def _expired(self, token: object) -> bool:
        issued = self.issued.get(token) if isinstance(token, str) else None
        if issued is None or self.clock() - issued < self.lifetime_s:
            return False
        del self[token]  # type: ignore[arg-type]
        return True

    def __contains__(self, token: object) -> bool:
        return super().__contains__(token) and not self._expired(token)

    def __getitem__(self, token: str) -> str:
        if self._expired(token):
            raise KeyError(token)
        return super().__getitem__(token)

    def get(self, token: str, default: Any = None) -> Any:
        """The user of a live token, else ``default``."""
        if token not in self:
            return default
        return super().__getitem__(token)


def expire_logins(demo: gr.Blocks, hours: float) -> ExpiringTokens:
    """Make the launched app's logins expire ``hours`` after they were made; returns the token table."""
    app = demo.server_app
    if app is None:
        raise RuntimeError("Launch the app before setting how long logins last.")
    tokens = ExpiringTokens(hours * 3600, existing=dict(app.tokens))
    app.tokens = tokens
    return tokens


__all__ = ["ExpiringTokens", "expire_logins"]
