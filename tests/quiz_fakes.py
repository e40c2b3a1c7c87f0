"""Test doubles shared by the quiz tests: a recording chat model and a small fixed quiz."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from toolkit.quiz.models import Passage

PHOTOSYNTHESIS = (
    "Fotosintesis adalah proses pembuatan makanan oleh tumbuhan hijau dengan bantuan energi cahaya. "
    "Klorofil adalah zat hijau daun yang menyerap energi cahaya untuk fotosintesis. "
    "Stomata adalah celah kecil pada daun yang menjadi tempat keluar-masuknya gas. "
    "Xilem adalah pembuluh kayu yang mengangkut air dan mineral dari akar ke daun. "
    "Floem adalah pembuluh tapis yang mengangkut hasil fotosintesis ke seluruh bagian tumbuhan.\n\n"
    "Urutan tahap fotosintesis adalah penyerapan cahaya, penguraian air, pelepasan oksigen, dan "
    "pembentukan glukosa."
)


def photosynthesis_passages() -> list[Passage]:
    """One passage with five definitions and one ordered sequence."""
    return [Passage(id="P1", text=PHOTOSYNTHESIS, citation="fotosintesis.md, § Pengertian")]


class RecordingChatModel(BaseChatModel):
    """Answers with the given texts in order, records every prompt, and fails when they run out."""

    responses: list[str]
    prompts: list[str] = Field(default_factory=list)
    failure: str = "Connection refused"

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append("\n".join(str(m.content) for m in messages))
        if len(self.prompts) > len(self.responses):
            raise ConnectionError(self.failure)
        text = self.responses[len(self.prompts) - 1]
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
