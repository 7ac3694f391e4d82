"""`build.py serve`: preview the built site on localhost (never on another interface).

Every response carries the pages' Content Security Policy as a header too (the pages already carry it
in a <meta>) and `X-Content-Type-Options: nosniff`, so that a published original is never taken for
another type than its name says; text files are sent as UTF-8 text.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
from pathlib import Path

from generator.site.render import content_security_policy


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path: str | os.PathLike[str]) -> str:
        if os.fspath(path).lower().endswith(".txt"):  # originals (source.txt, source.html.txt) and notes
            return "text/plain; charset=utf-8"
        return super().guess_type(path)

    def end_headers(self) -> None:
        # 404.html is the one page with a <base> (base-uri 'self'); the header must not undo that.
        base = getattr(self, "path", "").split("?", 1)[0].endswith("/404.html")  # unset on a bad request
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
