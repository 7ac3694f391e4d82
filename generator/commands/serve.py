"""`build.py serve`: preview the built site on localhost (never on another interface)."""

from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path


def make_server(site: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
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
