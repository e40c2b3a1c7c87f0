"""docs/deploy.md documents every setting and the commands of the district setup that the tests run."""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.settings import Settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"


def test_deploy_guide_documents_every_setting() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = {match.group(1) for match in re.finditer(r"^\| `(KELAS_[A-Z_]+)`", text, re.MULTILINE)}
    assert table == {f"KELAS_{name.upper()}" for name in Settings.model_fields}


def test_deploy_guide_starts_the_model_server_as_the_tests_do() -> None:
    text = DOC.read_text(encoding="utf-8")
    for option in (
        "--interrupt_requests False",
        "--chat_format alpaca",
        "KELAS_STRUCTURED_OUTPUT=function_calling",
    ):
        assert option in text
    assert "ip_hash" in text and "proxy_buffering off" in text and "pg_dump" in text
