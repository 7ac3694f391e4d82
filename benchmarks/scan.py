"""Scanned reports for the OCR tests and benchmark (issue #25): a report drawn as page images, the way
an agency's scanner gives it, with the truth known.

    python benchmarks/scan.py REPORT.txt OUT.pdf [--seed S] [--clean]
    python benchmarks/scan.py --bench N [--seed S]   # the seeds and N synthetic reports, scored

A report (a seed or a synthetic one) is parsed by the generator; its title, narrative and three
tables are drawn with Pillow and a CJK font (Noto Sans CJK SC, Debian's fonts-noto-cjk) as ruled
tables, like a Word table printed and scanned; then every page is degraded as a scan is: a red seal
across the applications table (over some of its cells), slight skew, noise and specks. `image_pdf`
saves the pages as an image-only PDF (Pillow; no text layer), `png_bytes` one page as PNG.
The truth of every cell is the parsed report (`truth_cells`): what the tables were drawn from.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import synth  # noqa: E402
from generator.model import Report  # noqa: E402
from generator.spec import APPLICANT_IDS, REVIEW_CELLS, application_rows, proactive_blocks  # noqa: E402

DPI = 150  # a common scanning resolution for office documents; text is about 25 px high
PAGE = (round(8.27 * DPI), round(11.69 * DPI))  # A4
MARGIN = round(0.6 * DPI)
TEXT_SIZE = round(DPI * 12 / 72 * 0.9)  # small four (小四), about 10.8 pt
CELL_SIZE = round(DPI * 10.5 / 72)  # five (五号) in tables
VALUE_WIDTH = round(0.55 * DPI)
FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
FONT_INDEX = 2  # Noto Sans CJK SC in the collection


class Block(NamedTuple):
    kind: str  # title | heading | para | table
    text: str = ""
    rows: tuple[tuple[synth.Cell, ...], ...] = ()


@dataclass(frozen=True)
class Scan:
    seal: bool = True
    skew: float = 0.4  # degrees, at most
    noise: float = 6.0  # standard deviation of the grey noise
    specks: int = 300  # dark dots per page


CLEAN = Scan(seal=False, skew=0.0, noise=0.0, specks=0)


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=FONT_INDEX)
    raise FileNotFoundError("a CJK font is needed: apt-get install fonts-noto-cjk")


# --- the report as blocks ---------------------------------------------------------------------------


def report_tables(report: Report) -> synth.Tables:
    """The three tables as synth prints them, from a parsed report (a cell's raw text when it is not
    the plain number, e.g. 28204万元)."""
    template = report.applications.template
    proactive: dict[str, dict[str, synth.Value]] = {}
    texts: dict[str, str] = {}
    for block in proactive_blocks(template):
        for item in block.items:
            proactive[item.id] = {}
            for measure in block.measures:
                cell = report.proactive_cell(item.id, measure.id)
                proactive[item.id][measure.id] = cell.value
                if cell.raw and cell.value is not None and cell.raw != str(cell.value):
                    texts[f"proactive.{item.id}.{measure.id}"] = cell.raw
    applications = {row.id: list(report.applications.values(row.id)) for row in application_rows(template)}
    review = [report.review(cell).value for cell in REVIEW_CELLS]
    return synth.Tables(template, proactive, applications, review, texts)


def plain_style() -> synth.Style:
    return synth.Style(
        layout="tabs", halfwidth=False, title_form="one_line", headings=(), indent="",
        paragraph_gap=False, spacers=False, leading_tab=True, tight_pipes=False, broken_headers=(),
        padding="none", fullwidth_tables=(), heji=False, plus="bare", minus="ascii", thousands=False,
        double_zero=False, blank_text="", label_quirks=(), bookmark="", page_number=False,
        signature=True, published_line=False, site_chrome=False, provincial_line=False,
        overview_form="plain", problems_form="paragraph", intro_form=0, encoding="utf-8", crlf=False,
    )  # fmt: skip


HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def report_blocks(report: Report, narrative: int = 120) -> list[Block]:
    """Title, the six sections (their text cut to `narrative` characters) and the three tables."""
    style, tables = plain_style(), report_tables(report)
    texts = {s.number: s.text for s in report.sections}
    title = report.meta.title or f"{report.meta.agency}{report.meta.year}年政府信息公开工作年度报告"
    blocks = [Block("title", title)]
    drawn = {
        2: synth.proactive_table(style, tables),
        3: synth.application_table(style, tables),
        4: synth.review_table(style, tables),
    }
    for number, heading in enumerate(HEADINGS, start=1):
        blocks.append(Block("heading", heading))
        text = "".join(texts.get(number, "").split())[:narrative]
        if text and number not in drawn:
            blocks.append(Block("para", text))
        if number in drawn:
            rows = tuple(tuple(c for c in row if c.kind != "spacer") for row in drawn[number])
            blocks.append(Block("table", rows=tuple(r for r in rows if r)))
    return blocks


# --- drawing ----------------------------------------------------------------------------------------


class Pager:
    """Pages drawn top to bottom; a table row that does not fit goes on the next page."""

    def __init__(self) -> None:
        self.pages: list[Image.Image] = []
        self.y = PAGE[1]
        self.seal_boxes: list[list[tuple[int, int, int, int]]] = []

    def room(self, height: int) -> ImageDraw.ImageDraw:
        if self.y + height > PAGE[1] - MARGIN:
            self.pages.append(Image.new("RGB", PAGE, "white"))
            self.seal_boxes.append([])
            self.y = MARGIN
        return ImageDraw.Draw(self.pages[-1])


def wrap(text: str, width: int, size: int) -> list[str]:
    """Characters per line by the font's advance (Chinese text breaks anywhere)."""
    face, lines, line = font(size), [], ""
    for char in text:
        if line and face.getlength(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines or [""]


def draw_text(pager: Pager, text: str, size: int, centre: bool = False) -> None:
    width = PAGE[0] - 2 * MARGIN
    for line in wrap(text, width, size):
        draw = pager.room(size * 2)
        x = MARGIN + (width - font(size).getlength(line)) / 2 if centre else MARGIN
        draw.text((x, pager.y), line, fill="black", font=font(size))
        pager.y += round(size * 1.6)
    pager.y += size // 2


def cell_widths(row: Sequence[synth.Cell]) -> list[int]:
    """Value cells at the end of a row are narrow and equal; labels share the rest."""
    width = PAGE[0] - 2 * MARGIN
    values = 0
    for cell in reversed(row):
        if cell.kind != "value":
            break
        values += 1
    labels = len(row) - values
    if labels == 0 or values * VALUE_WIDTH > width * 0.7:
        return _spread(width, len(row))
    return _spread(width - values * VALUE_WIDTH, labels) + [VALUE_WIDTH] * values


def _spread(width: int, count: int) -> list[int]:
    base = width // count
    return [base + (1 if i < width - base * count else 0) for i in range(count)]


def draw_row(pager: Pager, row: Sequence[synth.Cell], value_cells: list[tuple[int, int, int, int]]) -> None:
    widths, pad = cell_widths(row), CELL_SIZE // 2
    wrapped = [wrap(c.text, w - 2 * pad, CELL_SIZE) for c, w in zip(row, widths, strict=True)]
    height = max(len(lines) for lines in wrapped) * round(CELL_SIZE * 1.35) + 2 * pad
    draw, top, x = pager.room(height), pager.y, MARGIN
    for cell, width, lines in zip(row, widths, wrapped, strict=True):
        draw.rectangle((x, top, x + width, top + height), outline="black", width=2)
        y = top + (height - len(lines) * round(CELL_SIZE * 1.35)) / 2
        for line in lines:
            left = x + (width - font(CELL_SIZE).getlength(line)) / 2
            draw.text((left, y), line, fill="black", font=font(CELL_SIZE))
            y += round(CELL_SIZE * 1.35)
        if cell.kind == "value":
            value_cells.append((x, top, x + width, top + height))
        x += width
    pager.y += height


def draw_report(blocks: Sequence[Block]) -> tuple[list[Image.Image], list[list[tuple[int, int, int, int]]]]:
    """The pages, and on each page the boxes of the applications table's value cells (where the seal
    goes)."""
    pager = Pager()
    tables = 0
    for block in blocks:
        if block.kind == "title":
            draw_text(pager, block.text, round(TEXT_SIZE * 1.5), centre=True)
        elif block.kind in ("heading", "para"):
            draw_text(pager, block.text, TEXT_SIZE)
        else:
            tables += 1
            pager.y += CELL_SIZE
            for row in block.rows:
                boxes: list[tuple[int, int, int, int]] = []
                draw_row(pager, row, boxes)
                if tables == 2:
                    pager.seal_boxes[-1].extend(boxes)
            pager.y += CELL_SIZE
    return pager.pages, pager.seal_boxes


# --- degrading: seal, skew, noise ---------------------------------------------------------------------


def seal_image(diameter: int) -> Image.Image:
    """A red round seal: a ring, a star and the agency's name along the top (on white)."""
    seal = Image.new("RGB", (diameter, diameter), "white")
    draw = ImageDraw.Draw(seal)
    red = (215, 30, 35)
    draw.ellipse((4, 4, diameter - 4, diameter - 4), outline=red, width=max(4, diameter // 40))
    centre, radius = diameter / 2, diameter * 0.12
    star = [
        (
            centre + radius * (1 if i % 2 == 0 else 0.4) * math.sin(i * math.pi / 5),
            centre - radius * (1 if i % 2 == 0 else 0.4) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=red)
    face = font(diameter // 9)
    text = "政府信息公开专用章"
    for index, char in enumerate(text):
        angle = math.radians(-70 + 140 * index / (len(text) - 1))
        x = centre + diameter * 0.33 * math.sin(angle)
        y = centre - diameter * 0.33 * math.cos(angle)
        draw.text((x, y), char, fill=red, font=face, anchor="mm")
    return seal


def stamp(page: Image.Image, boxes: Sequence[tuple[int, int, int, int]], rng: random.Random) -> None:
    """The seal printed over some value cells: ink multiplies (black stays black under red)."""
    if not boxes:
        return
    x0, y0, x1, y1 = rng.choice(boxes[len(boxes) // 3 :])
    diameter = round(1.5 * DPI)
    seal = seal_image(diameter)
    left, top = round((x0 + x1) / 2 - diameter / 2), round((y0 + y1) / 2 - diameter / 2)
    left = max(0, min(left, PAGE[0] - diameter))
    region = (left, top, left + diameter, top + diameter)
    from PIL import ImageChops

    page.paste(ImageChops.multiply(page.crop(region), seal), region)


def degrade(
    page: Image.Image, boxes: Sequence[tuple[int, int, int, int]], scan: Scan, rng: random.Random
) -> Image.Image:
    if scan.seal:
        stamp(page, boxes, rng)
    if scan.skew:
        page = page.rotate(
            rng.uniform(-scan.skew, scan.skew), resample=Image.Resampling.BILINEAR, fillcolor="white"
        )
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    if scan.noise:
        grain = np.random.default_rng(rng.randrange(2**32)).normal(128, scan.noise * 4, page.size[::-1])
        noise = Image.fromarray(np.clip(grain, 0, 255).astype(np.uint8)).convert("RGB")
        page = Image.blend(page, noise, 0.08)
    draw = ImageDraw.Draw(page)
    for _ in range(scan.specks):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        draw.point((x, y), fill=(60, 60, 60))
    return page


def scanned_pages(
    report: Report, scan: Scan = Scan(), seed: int = 0, narrative: int = 120
) -> list[Image.Image]:
    """The report as scanned pages."""
    rng = random.Random(
        f"scan:{seed}:{Path(report.meta.source_file).name}"
    )  # not the folder: a temporary one
    pages, seal_boxes = draw_report(report_blocks(report, narrative))
    sealed = next((i for i, boxes in enumerate(seal_boxes) if boxes), None)
    return [degrade(page, seal_boxes[i] if i == sealed else [], scan, rng) for i, page in enumerate(pages)]


def image_pdf(pages: Sequence[Image.Image]) -> bytes:
    """An image-only PDF (no text layer), one page image per page."""
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=list(pages[1:]), resolution=DPI)
    return out.getvalue()


def png_bytes(page: Image.Image) -> bytes:
    out = io.BytesIO()
    page.save(out, "PNG", optimize=True)
    return out.getvalue()


def mixed_pdf(text_pdf: bytes, page: int, scan: Scan = Scan(seal=False), seed: int = 0) -> bytes:
    """A PDF with a text layer whose page `page` (from 1) is replaced by a scan of it, an image only
    (tables pasted in as a scan): the page rendered at `DPI` by pdfium and degraded as `scan` says.
    No seal by default: at 150 dpi a seal takes a PDF's hairline rules with it (red over grey is
    seal ink), and the rows under it are not found (null and said, never a wrong value)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(text_pdf)
    image = pdf[page - 1].render(scale=DPI / 72).to_pil().convert("RGB")
    image = degrade(image, [], scan, random.Random(f"mixed:{seed}:{page}"))
    pdf.del_page(page - 1)
    pdf.import_pages(pypdfium2.PdfDocument(image_pdf([image])), index=page - 1)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def applications_page(text_pdf: bytes) -> int:
    """The page (from 1) that prints the applications table's first row."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(text_pdf)) as pdf:
        return next(n for n, page in enumerate(pdf.pages, 1) if "本年新收" in (page.extract_text() or ""))


# --- the truth --------------------------------------------------------------------------------------


def truth_cells(report: Report) -> Iterator[tuple[str, object]]:
    """Every cell of the applications and review tables by reference, and every proactive cell: the
    values the pages were drawn from."""
    for row in application_rows(report.applications.template):
        for column, value in zip(APPLICANT_IDS, report.applications.values(row.id), strict=True):
            yield f"applications.{row.id}.{column}", value
    for ref in REVIEW_CELLS:
        yield f"review_litigation.{ref}", report.review(ref).value
    for proactive in report.proactive:
        for measure, cell in proactive.cells.items():
            yield f"proactive.{proactive.item}.{measure}", cell.value


def cells_of(report: Report) -> dict[str, object]:
    return dict(truth_cells(report))


@dataclass(frozen=True)
class Score:
    """Every cell of one scanned report against the truth: `exact` (the value published is the
    truth's, a blank too), `wrong` (a value published that is not the truth's: must be 0),
    `withheld` (null where the truth has a number: OCR could not confirm it). `checked` counts the
    cells an equation can confirm (applications and review), the others are the proactive table's."""

    cells: int
    exact: int
    wrong: tuple[tuple[str, object, object], ...]
    withheld: int
    checked: int
    checked_exact: int


# A report whose printed tables do not add up (a seed does): OCR cannot confirm those cells, as designed.
ARITHMETIC = (
    "applications-balance",
    "applications-row-total",
    "applications-result-total",
    "review-litigation-total",
)


def score(truth: Report, read: Report) -> Score:
    expected, got = cells_of(truth), cells_of(read)
    exact = [ref for ref, value in expected.items() if got.get(ref) == value]
    wrong = tuple((r, v, got.get(r)) for r, v in expected.items() if got.get(r) not in (None, v))
    withheld = sum(1 for r, v in expected.items() if v is not None and got.get(r) is None)
    checked = [r for r in expected if not r.startswith("proactive.")]
    return Score(
        len(expected), len(exact), wrong, withheld, len(checked), sum(1 for r in checked if r in set(exact))
    )


META_FIELDS = ("agency", "agency_id", "year", "title", "published", "region")


def meta_score(truth: Report, read: Report) -> tuple[int, int, list[str]]:
    """The scan's metadata after the identity stage, with a registry that holds the true name (as a
    person registers an agency): (published and right, withheld, the fields published wrong). An
    agency name withheld withholds its id too: the report stands under its file's name meanwhile,
    with an agency-missing error (which fails `check`)."""
    from generator.checks.identity import identify
    from generator.read.registry import AgencyEntry, Registry

    region = truth.meta.region.code if truth.meta.region else None
    entry = AgencyEntry(str(truth.meta.agency_id), str(truth.meta.agency), region_code=region)
    [found] = identify([read], Registry((entry,))).reports
    right, withheld, wrong = 0, 0, []
    for field in META_FIELDS:
        value, expected = getattr(found.meta, field), getattr(truth.meta, field)
        if field == "region":
            value, expected = (value.code if value else None), (expected.code if expected else None)
        if field == "agency_id" and found.meta.agency is None:
            value = None  # the file name's, as for any report without an agency name: not a reading
        if value is None:
            withheld += expected is not None
        elif value == expected:
            right += 1
        else:
            wrong.append(f"{field}: {value!r} for {expected!r}")
    return right, withheld, wrong


def synthetic_reports(n: int, seed: int, folder: Path) -> list[Path]:
    """`n` consistent synthetic reports (both templates, blank cells now and then), written to `folder`."""
    written = synth.write_corpus(folder, max(4 * n, 12), synth.Options(seed, 0.0, 0.3))
    assert written.reports
    paths = sorted((folder / "reports").glob("*.txt"))
    by_template: dict[str, list[Path]] = {}
    for path in paths:
        text = path.read_bytes().decode("utf-8", "replace")
        by_template.setdefault("2021" if "本年制发件数" in text else "2019", []).append(path)
    mixed = [
        p
        for pair in zip(by_template.get("2019", []), by_template.get("2021", []), strict=False)
        for p in pair
    ]
    return (mixed + [p for p in paths if p not in mixed])[:n]


class _Kept(dict):  # type: ignore[type-arg]
    """An OCR store in memory: the bench's second look at a scan recognises nothing again."""

    def put(self, key: str, value: object) -> None:
        self[key] = value


def ungated(data: bytes, name: str) -> Report:
    """A scan as the parser reads it, before `checks/ocr.py` withholds what the arithmetic does not
    confirm: what OCR read (the readings its findings show)."""
    from generator.parse.report import parse_report
    from generator.read.formats import read_source

    return parse_report(read_source(Path(name), name, data))


def bench(n: int, seed: int, folder: Path) -> int:
    """Scan `n` synthetic reports and the seeds, read them back, and print accuracy and seconds a page;
    then the reader fixtures' text PDFs with their applications table's page as a scan (mixed PDFs)."""
    import time

    from generator.pipeline import load_report
    from generator.read import ocr_cache

    ocr_cache.use(_Kept())
    sources = sorted((ROOT / "content" / "reports").glob("*.txt")) + synthetic_reports(n, seed, folder)
    pages = seconds = 0.0
    totals = [0, 0, 0, 0, 0, 0]
    read_right = [0, 0]  # cells OCR read exactly before the gate, cells
    adding_up = [0, 0]  # checked cells, exact, of the reports whose printed tables add up
    meta = [0, 0, 0]  # metadata fields published and right, withheld, published wrong
    for path in sources:
        truth = load_report(path, ROOT)
        adds_up = not any(f.rule in ARITHMETIC for f in truth.findings)
        scanned = scanned_pages(truth, seed=seed)
        started = time.perf_counter()
        read = load_report(Path(path.stem + ".pdf"), ROOT, image_pdf(scanned), f"scans/{path.stem}.pdf")
        spent = time.perf_counter() - started
        pages, seconds = pages + len(scanned), seconds + spent
        result = score(truth, read)
        recognised = score(truth, ungated(image_pdf(scanned), f"scans/{path.stem}.pdf"))
        read_right = [read_right[0] + recognised.exact, read_right[1] + recognised.cells]
        for index, value in enumerate(
            (
                result.cells,
                result.exact,
                len(result.wrong),
                result.withheld,
                result.checked,
                result.checked_exact,
            )
        ):
            totals[index] += value
        if adds_up:
            adding_up = [adding_up[0] + result.checked, adding_up[1] + result.checked_exact]
        right, withheld, wrong_meta = meta_score(truth, read)
        meta = [meta[0] + right, meta[1] + withheld, meta[2] + len(wrong_meta)]
        print(
            f"{path.name}: {len(scanned)} pages, {spent:.1f} s; applications and review cells exact "
            f"{result.checked_exact}/{result.checked}; all cells exact {result.exact}/{result.cells}, "
            f"withheld {result.withheld}, wrong {len(result.wrong)} {list(result.wrong)[:3]}; "
            f"metadata right {right}, withheld {withheld}, wrong {wrong_meta}"
        )
    cells, exact, wrong, withheld, checked, checked_exact = totals
    print(
        f"\n{len(sources)} reports, {pages:.0f} pages, {seconds / pages:.2f} s a page (one process); "
        f"applications and review cells exact {checked_exact}/{checked} ({checked_exact / checked:.2%}); "
        f"all cells exact {exact}/{cells} ({exact / cells:.2%}), withheld {withheld}, wrong published {wrong}; "
        f"reports whose printed tables add up: applications and review cells exact "
        f"{adding_up[1]}/{adding_up[0]} ({adding_up[1] / adding_up[0]:.2%}); "
        f"metadata ({', '.join(META_FIELDS)}; the true agency registered) right {meta[0]}, "
        f"withheld {meta[1]}, wrong published {meta[2]}; "
        f"cells OCR read exactly, before the gate decides what is published: {read_right[0]}/{read_right[1]} "
        f"({read_right[0] / read_right[1]:.2%})"
    )
    return bench_mixed(seed)


def bench_mixed(seed: int) -> int:
    """The reader fixtures' text PDFs with the page of their applications table's first row replaced
    by a scan of it, read back and scored against the text PDF's report."""
    import time

    from generator.pipeline import load_report

    fixtures = sorted((ROOT / "tests" / "fixtures" / "formats").glob("*.pdf"))
    totals = [0.0, 0.0, 0.0, 0.0, 0.0]  # OCR pages, checked cells exact, checked, wrong, seconds
    for path in fixtures:
        text = path.read_bytes()
        truth = load_report(path, ROOT)
        page = applications_page(text)
        data = mixed_pdf(text, page, seed=seed)
        started = time.perf_counter()
        read = load_report(Path(path.name), ROOT, data, f"mixed/{path.name}")
        spent = time.perf_counter() - started
        result = score(truth, read)
        right, withheld, wrong_meta = meta_score(truth, read)
        totals = [
            totals[0] + read.meta.ocr_pages,
            totals[1] + result.checked_exact,
            totals[2] + result.checked,
            totals[3] + len(result.wrong) + len(wrong_meta),
            totals[4] + spent,
        ]
        print(
            f"{path.name} (page {page} as a scan; read by OCR: pages {read.meta.ocr_page_numbers}): "
            f"{spent:.1f} s; applications and review cells exact "
            f"{result.checked_exact}/{result.checked}; all cells exact {result.exact}/{result.cells}, withheld "
            f"{result.withheld}, wrong {list(result.wrong)[:3]}; metadata right {right}, withheld {withheld}, "
            f"wrong {wrong_meta}"
        )
    ocr_pages, exact, checked, wrong, seconds = totals
    print(
        f"\nmixed PDFs: {len(fixtures)} text PDFs, {ocr_pages:.0f} pages of images, {seconds:.1f} s in all; "
        f"applications and review cells exact {exact:.0f}/{checked:.0f}; wrong published {wrong:.0f}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    import tempfile

    from generator.pipeline import load_report

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, nargs="?", help="a report to draw as a scan")
    parser.add_argument("out", type=Path, nargs="?", help="the image-only PDF to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clean", action="store_true", help="no seal, skew or noise")
    parser.add_argument("--bench", type=int, metavar="N", help="score the seeds and N synthetic reports")
    args = parser.parse_args(argv)
    if args.bench is not None:
        with tempfile.TemporaryDirectory() as folder:
            return bench(args.bench, args.seed, Path(folder))
    if args.report is None or args.out is None:
        parser.error("REPORT and OUT are needed (or --bench N)")
    report = load_report(args.report, ROOT)
    pages = scanned_pages(report, CLEAN if args.clean else Scan(), args.seed)
    args.out.write_bytes(image_pdf(pages))
    print(f"{args.out}: {len(pages)} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
