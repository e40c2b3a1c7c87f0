"""A fake causal language model for the model-signal tests: repeated words are likely, new ones are not."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np


class RepeatedWordModel:
    """Log-probability ``seen`` for a word already in the text (context or earlier), ``new`` otherwise."""

    def __init__(
        self, name: str = "fake-lm", n_ctx: int | None = None, seen: float = -1.0, new: float = -9.0
    ) -> None:
        self.name = name
        if n_ctx is not None:  # like the real scorer: only a model with a window says how much it reads
            self.n_ctx = n_ctx
        self.seen, self.new = seen, new
        self.calls = 0

    def segment_logprobs(self, context: str, segments: Sequence[str]) -> list[np.ndarray]:
        """One array of per-word log-probabilities for each segment, read after ``context``."""
        self.calls += 1
        known = set(re.findall(r"\w+", context.lower()))
        out = []
        for segment in segments:
            values = []
            for word in re.findall(r"\w+", segment.lower()):
                values.append(self.seen if word in known else self.new)
                known.add(word)
            out.append(np.asarray(values, dtype=np.float64))
        return out
