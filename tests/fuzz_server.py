"""The app as a separate process for the fuzz test: workshop mode on a loopback port, with a fake
chat model and fake (384-dimensional) embeddings, so its memory can be measured on its own.

Usage: ``python tests/fuzz_server.py DATA_DIR PORT`` (an account must already exist in DATA_DIR).
Prints ``READY`` when it listens; stops when the parent kills it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CORPUS = {
    "ipa/fotosintesis.md": (
        "---\ntitle: Fotosintesis\nsubject: ipa\nfase: D\nkelas: 7\nlanguage: id\ndoc_type: bahan-bacaan\n---\n"
        "# Fotosintesis\n\n## Pengertian\n\nFotosintesis adalah proses tumbuhan hijau membuat glukosa dari "
        "karbon dioksida dan air dengan bantuan cahaya matahari. Klorofil menyerap cahaya.\n\n"
        "## Hasil\n\nHasil fotosintesis adalah glukosa dan oksigen yang dilepaskan melalui stomata.\n"
    ),
    "ipa/siklus-air.md": (
        "---\ntitle: Siklus Air\nsubject: ipa\nfase: D\nkelas: 7\nlanguage: id\ndoc_type: bahan-bacaan\n---\n"
        "# Siklus Air\n\n## Evaporasi\n\nEvaporasi adalah penguapan air laut karena panas matahari.\n\n"
        "## Kondensasi\n\nKondensasi adalah pengembunan uap air menjadi awan di udara yang dingin.\n"
    ),
}


def main(data_dir: Path, port: int) -> None:
    """Index a two-document corpus and serve the app until killed."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from conftest import BagOfWordsEmbeddings
    from toolkit.services import Services
    from toolkit.settings import Settings
    from toolkit.ui.app import build_app, launch_options, queue_options

    corpus = data_dir / "corpora"
    for name, text in CORPUS.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, corpora_path=corpus, host="127.0.0.1", port=port, workshop=True
    )
    answer = "Fotosintesis menghasilkan glukosa dan oksigen [1]."
    services = Services(
        settings, llm=FakeListChatModel(responses=[answer] * 4), embeddings=BagOfWordsEmbeddings(dim=384)
    )
    services.index([corpus])
    demo = build_app(services)
    demo.queue(**queue_options(services)).launch(
        prevent_thread_lock=True, quiet=True, **launch_options(services)
    )
    print("READY", flush=True)
    demo.block_thread()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
