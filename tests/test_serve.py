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


def test_a_missing_page_is_the_site_s_own_404_page(tmp_path: Path) -> None:
    import urllib.error

    (tmp_path / "404.html").write_text("<html lang=zh-CN><title>页面不存在</title></html>", encoding="utf-8")
    server = make_server(tmp_path, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/reports/no-such-report/", timeout=5)
        except urllib.error.HTTPError as missing:
            assert missing.code == 404
            assert "页面不存在" in missing.read().decode("utf-8")
            assert missing.headers["Content-Type"] == "text/html; charset=utf-8"
            assert "base-uri 'self'" in missing.headers["Content-Security-Policy"]
        else:
            raise AssertionError("a missing page was served")
    finally:
        server.shutdown()
        server.server_close()
