"""`build.py serve`: preview the built site on localhost (never on another interface).

Every response carries the pages' Content Security Policy as a header too (the pages already carry it
in a <meta>) and `X-Content-Type-Options: nosniff`, so that a published original is never taken for
another type than its name says; text files are sent as UTF-8 text.

A missing page is answered with the site's own 404.html (status 404), as GitHub Pages does.

A request is answered only when its Host header names this machine (127.0.0.1, localhost or [::1],
with the server's port or none); any other is a 400. Binding to 127.0.0.1 keeps other machines out,
but a web page elsewhere can point its own name at 127.0.0.1 (DNS rebinding) and read the preview
from the reader's browser: its requests carry that name as their Host.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
from pathlib import Path

from generator.site.render import content_security_policy

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})


def local_host(values: list[str], port: int) -> bool:
    """Whether the request's Host headers are one local name, with `port` or no port."""
    if len(values) != 1:
        return False
    value = values[0].strip().lower()
    host, port_given = value, ""
    if ":" in value and not value.endswith("]"):  # [::1] alone has colons but no port
        host, _, port_given = value.rpartition(":")
    return host in LOCAL_HOSTS and port_given in ("", str(port))


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    def parse_request(self) -> bool:
        """Refuse (400) a request whose Host is not this machine's, before anything is read."""
        if not super().parse_request():
            return False
        address = self.server.server_address  # (host, port) for an IP server; typed wider
        port = address[1] if isinstance(address, tuple) else 0
        if not local_host(self.headers.get_all("Host") or [], port):
            self.send_error(400, "Host must be 127.0.0.1 or localhost")
            return False
        return True

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        if os.fspath(path).lower().endswith(".txt"):  # originals (source.txt, source.html.txt) and notes
            return "text/plain; charset=utf-8"
        return super().guess_type(path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing page is the site's own 404 page (in Chinese, linking home), as GitHub Pages
        serves it, not Python's English one."""
        page = Path(str(self.directory)) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.site_404 = True
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        # 404.html is the one page with a <base> (base-uri 'self'); the header must not undo that.
        path = getattr(self, "path", "").split("?", 1)[0]  # unset on a bad request
        base = path.endswith("/404.html") or getattr(self, "site_404", False)
        self.send_header("Content-Security-Policy", content_security_policy(base=base))
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()


def make_server(site: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(SiteHandler, directory=str(site))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(site: Path, port: int) -> int:
    server = make_server(site, port)
    host, bound = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else host  # typed str | bytes; a str for IPv4
    print(f"serving {site} at http://{host}:{bound}/ (Ctrl+C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
