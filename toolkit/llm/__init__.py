"""Chat models: the embedded llama.cpp model and OpenAI-compatible providers behind one interface."""

from toolkit.llm.factory import build_chat_model
from toolkit.llm.structured import generate_structured

__all__ = ["build_chat_model", "generate_structured"]
