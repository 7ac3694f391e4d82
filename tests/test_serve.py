"""`build.py serve` serves the built site on 127.0.0.1."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

from generator.commands.serve import make_server


def test_serves_the_site_on_localhost(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html lang=zh-CN><title>首页</title></html>", encoding="utf-8")
    server = make_server(tmp_path, 0)
    assert server.server_address[0] == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert "首页" in response.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()
