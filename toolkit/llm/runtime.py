"""The one local-model runtime: which GGUF file, its llama.cpp objects, and the lock per file.

Chat (``toolkit.llm.local_chat``) and log-probability scoring (``toolkit.feedback.model_signal``)
both go through here:

- ``model_path(settings)`` is the one resolver of the configured local model's file;
- ``load(path, n_ctx=..., n_threads=..., logits_all=...)`` loads a file once per process for each
  configuration and returns the shared ``Llama`` object;
- ``file_lock(path)`` is the one lock of that file: every use of any ``Llama`` object of the file
  holds it, so chat and scoring on one file never run at the same time, even when they need
  differently configured objects (scoring needs ``logits_all``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from toolkit.errors import ProviderError
from toolkit.llm.model_files import GEMMA_FILE_NAME, gemma_model_path, smollm2_model_path
from toolkit.settings import Settings

MAX_BATCH = 512
"""Tokens evaluated per batch at most (llama.cpp's default); never more than the context."""

_LOADED: dict[tuple[str, int, int, bool], Any] = {}
_LOCKS: dict[str, threading.Lock] = {}
_REGISTRY_LOCK = threading.Lock()


def model_path(settings: Settings, *, assemble: bool = True) -> Path:
    """The GGUF file of the configured local model (``local_model_path``, else ``local_model``).

    With ``assemble=False`` nothing is built: the packaged Gemma file is returned where it would
    be assembled, whether or not it is there yet (callers check ``is_file()``).
    """
    if settings.local_model_path is not None:
        if not settings.local_model_path.is_file():
            raise ProviderError(
                f"KELAS_LOCAL_MODEL_PATH points to {settings.local_model_path}, which is not a file."
            )
        return settings.local_model_path
    if settings.local_model == "smollm2-135m":
        return smollm2_model_path()
    if not assemble:
        return settings.model_cache_dir / GEMMA_FILE_NAME
    return gemma_model_path(settings.model_cache_dir)


def _key(path: Path) -> str:
    return str(Path(path).resolve())


def file_lock(path: Path) -> threading.Lock:
    """The lock that serialises every use of the GGUF file at ``path`` in this process."""
    with _REGISTRY_LOCK:
        return _LOCKS.setdefault(_key(path), threading.Lock())


def open_gguf(path: Path, **options: Any) -> Any:
    """A new llama.cpp model for a GGUF file; a ``ProviderError`` when it cannot be loaded."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:  # pragma: no cover - dependency of the project
        raise ProviderError(
            "llama-cpp-python is not installed; run 'make run' to install the project."
        ) from exc
    try:
        return Llama(model_path=str(path), verbose=False, **options)
    except (ValueError, RuntimeError, OSError) as exc:
        raise ProviderError(f"The embedded model {path.name} could not be loaded ({exc}).") from exc


def load(path: Path, *, n_ctx: int, n_threads: int, logits_all: bool = False) -> Any:
    """The process-wide ``Llama`` object for ``path`` in this configuration, loaded on first use.

    Use it only while holding ``file_lock(path)``.
    """
    key = (_key(path), n_ctx, n_threads, logits_all)
    with _REGISTRY_LOCK:
        if key not in _LOADED:
            options: dict[str, Any] = {
                "n_ctx": n_ctx,
                "n_batch": min(n_ctx, MAX_BATCH),
                "n_threads": n_threads,
            }
            if logits_all:
                options["logits_all"] = True
            _LOADED[key] = open_gguf(path, **options)
        return _LOADED[key]
