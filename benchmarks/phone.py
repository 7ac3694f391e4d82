"""A page's first view on a throttled phone, in a real headless Chromium: is the chart there in < 1.5 s?

    python benchmarks/phone.py SITE_DIR                      # home, a report, an agency, trends/, search/
    python benchmarks/phone.py SITE_DIR --pages reports/abc-2021/ --repeat 5 --out phone.json

Why: the issue asks that a report page's charts be visible within 1.5 s on a phone. Charts are now
drawn at build time (bars in the figure's table cells, the trend as an SVG) and Vega (898 KB) loads
only when a reader asks for the interactive chart, so the first view costs the HTML, `site.css` and
`static/figures.js`. Timing a build is `run.py`'s job; this measures what a reader waits for.

How: SITE_DIR (an already built site) is served by `http.server` on 127.0.0.1, gzip-compressed as
GitHub Pages serves it (`--no-gzip` to send the files as they are). Each run is a cold first view: a
new browser context (no cache, no open connection) with the cache disabled, a 375×812 phone screen
at device scale factor 2, touch, the CPU slowed 4× and the network throttled through the DevTools
protocol (PROFILES). Any request to another host is aborted and counted (the site makes none).

Measured inside the page, in milliseconds from the start of navigation (`performance.now()`):

- FCP: the `first-contentful-paint` paint entry;
- DOMContentLoaded and load: when those events started (the navigation entry);
- chart visible: CHART_VISIBLE below; none on a page without `figure[data-chart]`.

Bytes are counted by the DevTools protocol (`Network.loadingFinished`'s encodedDataLength: what came
over the wire, headers included) up to network idle; script bytes are the responses of type Script.
Each page is opened `--repeat` times and the median of each figure is kept. The table is printed and
`--out` writes everything as JSON. Speed is never asserted by a test (tests/test_phone_bench.py
checks only that the measurement works).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import statistics
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Page,
    Route,
    ViewportSize,
    sync_playwright,
)

CHART_VISIBLE = """The first `figure[data-chart]` of the page counts as visible at the first
animation frame in which its drawing (an `svg.trend-svg`, or a `.bar i` of the table) has a bounding
box of non-zero width and height: an init script checks in a requestAnimationFrame callback, which
the browser runs just before it renders a frame (and not while rendering is still blocked by the
stylesheet), and notes `performance.now()`. The frame is then painted; since nothing is painted
before the first contentful paint, chart visible is the later of that time and FCP. "Visible" means
laid out and painted, not scrolled into view: on a phone the first chart may be below the fold
(its distance from the top of the page is recorded as chart_top_px)."""

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT: ViewportSize = {"width": 375, "height": 812}
CPU_SLOWDOWN = 4
GIVE_UP_MS = 5000  # after the load event, a figure that is still not drawn counts as never drawn
COMPRESSED = ("text/", "application/javascript", "application/json", "image/svg+xml")
VEGA = "static/vega.js"


@dataclass(frozen=True)
class Profile:
    """A network as DevTools' Network.emulateNetworkConditions takes it (latency added per request)."""

    name: str
    latency_ms: float
    download_bytes_per_s: int
    upload_bytes_per_s: int
    note: str


def kbps(value: float) -> int:
    """Kilobits per second to bytes per second, ×0.9 as Lighthouse's DevTools throttling does."""
    return int(value * 1024 / 8 * 0.9)


PROFILES = {
    "slow-4g": Profile(
        "slow-4g",
        150,
        kbps(1.6 * 1024),
        kbps(750),
        "Lighthouse mobile: 150 ms RTT, 1.6 Mbps down, 750 kbps up",
    ),
    "slow-4g-devtools": Profile(
        "slow-4g-devtools",
        150 * 3.75,
        kbps(1.6 * 1024),
        kbps(750),
        "the same, with the 150 ms RTT applied per request as DevTools' Slow 4G preset and Lighthouse's "
        "devtools throttling do (×3.75, for the DNS, TCP and TLS round trips a cold request makes)",
    ),
    "3g": Profile("3g", 300, kbps(700), kbps(700), "Lighthouse's regular 3G: 300 ms RTT, 700 kbps"),
}

INIT_SCRIPT = """
(() => {
  if (window !== window.top) { return; }
  const state = {done: false, figure: false, frame: null, kind: null, top: null, loaded: null};
  Object.defineProperty(window, "__phoneBench", {value: state});
  addEventListener("load", () => { state.loaded = performance.now(); });
  function drawn(figure) {
    const svg = figure.querySelector("svg.trend-svg");
    const marks = svg ? [svg] : figure.querySelectorAll(".bar i");
    for (const mark of marks) {
      const box = mark.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) { return [svg ? "trend" : "bars", box]; }
    }
    return null;
  }
  function check() {
    const figure = document.querySelector("figure[data-chart]");
    const found = figure && drawn(figure);
    state.figure = Boolean(figure);
    if (found) {
      Object.assign(state, {done: true, frame: performance.now(), kind: found[0], top: found[1].top + scrollY});
      return;
    }
    if (state.loaded !== null && (!figure || performance.now() - state.loaded > GIVE_UP_MS)) {
      state.done = true;
      return;
    }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
""".replace("GIVE_UP_MS", str(GIVE_UP_MS))

COLLECT_SCRIPT = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = (name) => { const e = performance.getEntriesByName(name)[0]; return e ? e.startTime : null; };
  const s = window.__phoneBench;
  return {fcp_ms: paint("first-contentful-paint"), first_paint_ms: paint("first-paint"),
          dcl_ms: nav.domContentLoadedEventStart, load_ms: nav.loadEventStart,
          figure: s.figure, chart_frame_ms: s.frame, chart_kind: s.kind, chart_top_px: s.top};
}"""

FETCH_SCRIPT = """async (url) => {
  const start = performance.now();
  const response = await fetch(url, {cache: "no-store"});
  const body = await response.arrayBuffer();
  return {ms: performance.now() - start, bytes: body.byteLength, status: response.status};
}"""


def browser_path() -> str | None:
    """Debian's chromium (or CHROMIUM_PATH); never a browser downloaded by `playwright install`."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    found = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
    return found or shutil.which("chromium")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The site's files over HTTP/1.1 (connections kept open), text gzip-compressed when asked."""

    protocol_version = "HTTP/1.1"

    def __init__(self, *args: Any, compress: bool, **kwargs: Any) -> None:
        self.compress = compress
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and accepts and path.is_file() and kind.startswith(COMPRESSED)):
            super().do_GET()
            return
        body = gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@functools.lru_cache(maxsize=256)
def gzipped(path: Path, mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


@contextlib.contextmanager
def serve(site: Path, compress: bool = True) -> Iterator[str]:
    """SITE_DIR on 127.0.0.1 (a free port), in a thread; yields the base URL."""
    handler = functools.partial(SiteHandler, directory=str(site), compress=compress)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def first_page(site: Path, pattern: str, marker: str) -> str | None:
    """The first page (sorted by path) matching `pattern` whose HTML contains `marker`."""
    for file in sorted(site.glob(pattern)):
        if marker in file.read_text(encoding="utf-8", errors="replace"):
            return file.parent.relative_to(site).as_posix() + "/"
    return None


def default_pages(site: Path) -> list[str]:
    """Home, the first report page with a chart, the first agency page with a trend, trends/, search/."""
    report = first_page(site, "reports/*/index.html", "data-chart=")
    agency = first_page(site, "agencies/*/index.html", 'class="trend-svg"')
    pages = ["", report, agency, "trends/", "search/"]
    return [p for p in pages if p is not None and (site / p / "index.html").is_file()]


class Traffic:
    """Bytes over the wire per response (DevTools protocol), and the requests sent to other hosts."""

    def __init__(self, cdp: CDPSession) -> None:
        self.types: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event: dict[str, Any]) -> None:
        self.types[event["requestId"]] = event.get("type", "Other")

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def totals(self) -> dict[str, int]:
        scripts = sum(n for rid, n in self.bytes.items() if self.types.get(rid) == "Script")
        return {"bytes": sum(self.bytes.values()), "script_bytes": scripts, "requests": len(self.bytes)}


def throttle(cdp: CDPSession, profile: Profile) -> None:
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    conditions = {
        "offline": False,
        "latency": profile.latency_ms,
        "downloadThroughput": profile.download_bytes_per_s,
        "uploadThroughput": profile.upload_bytes_per_s,
    }
    cdp.send("Network.emulateNetworkConditions", conditions)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def phone_context(browser: Browser, outside: list[str]) -> BrowserContext:
    """A new phone context (nothing cached), which aborts and notes any request off 127.0.0.1."""
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )

    def route(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname != "127.0.0.1":
            outside.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    context.add_init_script(INIT_SCRIPT)
    return context


def open_throttled(context: BrowserContext, profile: Profile) -> tuple[Page, Traffic]:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    traffic = Traffic(cdp)
    throttle(cdp, profile)
    return page, traffic


def measure_once(browser: Browser, url: str, profile: Profile, outside: list[str]) -> dict[str, Any]:
    """One cold first view of `url`: timings from inside the page, bytes from the DevTools protocol."""
    context = phone_context(browser, outside)
    try:
        page, traffic = open_throttled(context, profile)
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_function("window.__phoneBench.done", timeout=GIVE_UP_MS + 30_000, polling=100)
        page.wait_for_load_state("networkidle", timeout=60_000)
        run: dict[str, Any] = page.evaluate(COLLECT_SCRIPT)
        run.update(traffic.totals())
    finally:
        context.close()
    frame, fcp = run["chart_frame_ms"], run["fcp_ms"]
    run["chart_visible_ms"] = None if frame is None else max(frame, fcp or 0.0)
    return run


MEDIANS = ("fcp_ms", "chart_visible_ms", "dcl_ms", "load_ms", "bytes", "script_bytes", "requests")


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def measure_page(
    browser: Browser, base: str, path: str, profile: Profile, repeat: int, outside: list[str]
) -> dict[str, Any]:
    runs = [measure_once(browser, base + path, profile, outside) for _ in range(repeat)]
    result: dict[str, Any] = {"page": path, "runs": runs}
    result.update({key: median_of(runs, key) for key in MEDIANS})
    last = runs[-1]
    result.update({k: last[k] for k in ("figure", "chart_kind", "chart_top_px")})
    result["chart_never_drawn"] = sum(1 for r in runs if r["figure"] and r["chart_frame_ms"] is None)
    return result


def measure_vega(browser: Browser, base: str, profile: Profile, outside: list[str]) -> dict[str, Any]:
    """static/vega.js alone on the profile: fetched (not cached) from a loaded page, the network idle."""
    context = phone_context(browser, outside)
    try:
        page, traffic = open_throttled(context, profile)
        page.goto(base + "robots.txt", wait_until="load", timeout=60_000)
        before = traffic.totals()["bytes"]
        fetched: dict[str, Any] = page.evaluate(FETCH_SCRIPT, base + VEGA)
        page.wait_for_load_state("networkidle", timeout=60_000)
        fetched["transferred_bytes"] = traffic.totals()["bytes"] - before
    finally:
        context.close()
    return fetched


def launch(playwright: Any) -> Browser:
    executable = browser_path()
    if executable is None or not Path(executable).exists():
        raise FileNotFoundError("no Chromium found: install Debian's chromium or set CHROMIUM_PATH")
    browser: Browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
    return browser


def measure(
    site: Path,
    pages: Sequence[str] | None = None,
    repeat: int = 3,
    profile: str = "slow-4g",
    compress: bool = True,
    vega: bool = True,
) -> dict[str, Any]:
    """Every page's first view on the profile, and (with `vega`) static/vega.js's transfer alone."""
    chosen = PROFILES[profile]
    pages = list(default_pages(site) if pages is None else pages)
    outside: list[str] = []
    with serve(site, compress) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            results = [measure_page(browser, base, p, chosen, repeat, outside) for p in pages]
            vega_run = (
                measure_vega(browser, base, chosen, outside) if vega and (site / VEGA).is_file() else None
            )
            version = browser.version
        finally:
            browser.close()
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "site": str(site),
        "browser": version,
        "profile": {**chosen.__dict__, "cpu_slowdown": CPU_SLOWDOWN, "viewport": VIEWPORT, "scale": 2},
        "gzip": compress,
        "repeat": repeat,
        "chart_visible": " ".join(CHART_VISIBLE.split()),
        "pages": results,
        "vega": vega_run,
        "outside_requests": outside,
    }


def seconds(ms: float | None) -> str:
    return "–" if ms is None else f"{ms / 1000:.2f}"


def kib(count: float | None) -> str:
    return "–" if count is None else f"{count / 1024:.1f}"


def table(results: dict[str, Any]) -> str:
    """The pages as a Markdown table (seconds from navigation start; KB = 1,024 bytes)."""
    lines = [
        "| page | FCP s | chart visible s | DOMContentLoaded s | load s | KB transferred | KB script | requests |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in results["pages"]:
        cells = [
            f"`/{p['page']}`",
            seconds(p["fcp_ms"]),
            seconds(p["chart_visible_ms"]),
            seconds(p["dcl_ms"]),
        ]
        cells += [seconds(p["load_ms"]), kib(p["bytes"]), kib(p["script_bytes"]), f"{p['requests']:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary(results: dict[str, Any]) -> str:
    profile = results["profile"]
    lines = [
        f"profile {profile['name']}: {profile['note']}; request latency {profile['latency_ms']:g} ms, "
        f"{profile['download_bytes_per_s']:,} B/s down, CPU {profile['cpu_slowdown']}× slower; "
        f"gzip {'on' if results['gzip'] else 'off'}; median of {results['repeat']}; {results['browser']}",
    ]
    vega = results["vega"]
    if vega:
        lines.append(
            f"{VEGA} alone: {vega['ms'] / 1000:.2f} s for {kib(vega['transferred_bytes'])} KB over the wire "
            f"({kib(vega['bytes'])} KB uncompressed)"
        )
    lines.append(f"requests to other hosts (aborted): {len(results['outside_requests'])}")
    late = [p["page"] for p in results["pages"] if p["chart_never_drawn"]]
    if late:
        lines.append(f"figure never drawn within {GIVE_UP_MS} ms of load: {', '.join(late)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="an already built site (build.py build --out)")
    parser.add_argument("--pages", nargs="+", help="paths under the site, e.g. '' reports/abc-2021/")
    parser.add_argument("--repeat", type=int, default=3, help="cold views of each page (median kept)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="slow-4g")
    parser.add_argument("--no-gzip", action="store_true", help="serve the files uncompressed")
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} is not a built site (no index.html)")
    results = measure(args.site, args.pages, max(1, args.repeat), args.profile, not args.no_gzip)
    print(table(results))
    print()
    print(summary(results))
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
