"""`kelas serve --workshop` as a real process: it starts, asks for a login, and a login expires."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from conftest import free_port
from toolkit.services import Services
from toolkit.settings import Settings


def test_kelas_serve_workshop_asks_for_a_login_that_expires(tmp_path: Path) -> None:
    data = tmp_path / "data"
    services = Services(Settings(_env_file=None, data_dir=data))  # type: ignore[call-arg]
    [teacher] = services.accounts().create(["Guru Proses"])
    port = free_port()
    env = {
        **os.environ,
        "KELAS_DATA_DIR": str(data),
        "KELAS_HOST": "127.0.0.1",
        "KELAS_SESSION_HOURS": str(3 / 3600),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "toolkit.cli", "serve", "--workshop", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, server.communicate()[0][-2000:]
                try:
                    first = http.get("/config")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "kelas serve did not start in 120 s"
                    time.sleep(0.5)
            assert first.status_code == 401  # workshop mode: nothing without a login
            login = http.post("/login", data={"username": teacher.username, "password": teacher.password})
            assert login.status_code == 200 and http.get("/config").status_code == 200
            time.sleep(3.5)
            assert http.get("/config").status_code == 401  # the login expired
    finally:
        server.terminate()
        server.wait(timeout=30)
