"""A scanned page's structure from its pixels (OpenCV): seal ink removed, skew undone, the ruled tables
found as rows of cell boxes, and the lines of text outside them. No OCR here (`read/ocr.py` reads
what this finds).

- Seal: a red stamp is printed over the tables. The page is read in its red channel, where red ink
  is as light as the paper, and ink that is clearly red (red well above green and blue, and light)
  is made white, so a seal never becomes a digit or a ruling line; black under red stays dark (inks
  multiply), so the digit a seal covers is kept.
- Skew: the angle of the long horizontal strokes (ruling lines, or failing those the text lines),
  undone by a rotation.
- Tables: horizontal ruling lines are long runs of ink (an opening with a wide kernel); a row is
  the band between two consecutive lines that has a ruling line down both ends; its cells are split
  at the columns that are ink over (nearly) the whole band: a character never fills the height of its
  cell, a vertical rule does. Cells therefore follow each row's own rules (merged cells are one box).
- Specks: isolated dots smaller than a stroke are noise of the scanner, not text; they are dropped
  from every crop, so an empty cell stays empty.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (pixels, x1/y1 exclusive)
Array = Any  # numpy arrays (cv2 and numpy are untyped enough that a precise alias buys nothing)

_RED_MARGIN = 50  # red above both green and blue by this much is seal ink
_VERTICAL_FILL = 0.85  # share of a band's height a vertical rule covers
_MIN_LINE_RATIO = 0.12  # a horizontal rule is at least this share of the page's width


@dataclass
class Row:
    box: Box
    cells: list[Box]


@dataclass
class Table:
    box: Box
    rows: list[Row] = field(default_factory=list)


@dataclass
class Page:
    """One page's ink (uint8, 255 = ink, seal and specks removed, deskewed), its tables and its text
    line boxes outside them."""

    ink: Array
    tables: list[Table]
    lines: list[Box]
    skew: float  # degrees undone


def page_layout(image: Array) -> Page:
    """The layout of one page image (BGR or grey, uint8)."""
    grey = without_seal(image)
    ink = binarise(grey)
    angle = skew_angle(ink)
    if abs(angle) > 0.05:
        grey = rotate(grey, angle)
        ink = binarise(grey)
    ink = without_specks(ink)
    tables = find_tables(ink)
    return Page(ink, tables, text_lines(ink, tables), angle)


def without_seal(image: Array) -> Array:
    """Grey image without the red ink: the red channel, in which red ink is as light as paper and
    black ink (under the seal too: inks multiply) stays dark; what is clearly red is made white."""
    if image.ndim == 2:
        return image
    blue, green, red = (image[:, :, i].astype(np.int16) for i in range(3))
    seal = (red - np.maximum(green, blue) > _RED_MARGIN) & (red > 150)
    grey = image[:, :, 2].copy()
    grey[seal] = 255
    return grey


def binarise(grey: Array) -> Array:
    """Ink as 255: Otsu's threshold, which a scan's even background suits."""
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def horizontal_rules(ink: Array, length: int) -> Array:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)


def skew_angle(ink: Array) -> float:
    """Degrees to rotate by (counter-clockwise positive, as cv2) so that long strokes are level."""
    width = ink.shape[1]
    # short enough that a rule skewed by a degree still has runs this long
    mask = horizontal_rules(ink, max(20, width // 25))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    angles, weights = [], []
    for index in range(1, count):
        x, y, w, h, _ = stats[index]
        if w < width * _MIN_LINE_RATIO:
            continue
        points = cv2.findNonZero(mask[y : y + h, x : x + w])
        vx, vy, _, _ = cv2.fitLine(points, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        angles.append(float(np.degrees(np.arctan2(vy, vx))))
        weights.append(w)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cumulative = np.cumsum(np.array(weights)[order])
    median = angles[int(order[np.searchsorted(cumulative, cumulative[-1] / 2)])]
    return median if abs(median) < 5 else 0.0


def rotate(grey: Array, angle: float) -> Array:
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(
        grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


def without_specks(ink: Array) -> Array:
    """Ink without isolated dots: components smaller than a stroke with no other ink close by."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.zeros(count, dtype=bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] < 12
    if not small.any():
        return ink
    big = ink.copy()
    big[small[labels]] = 0
    near = cv2.dilate(big, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    out = ink.copy()
    out[small[labels] & (near == 0)] = 0
    return out


# --- tables -----------------------------------------------------------------------------------------


def find_tables(ink: Array) -> list[Table]:
    """The ruled tables, top to bottom, each with its rows and their cells."""
    width = ink.shape[1]
    rules = horizontal_rules(ink, max(20, int(width * _MIN_LINE_RATIO)))
    lines = _rule_spans(rules)
    tables: list[Table] = []
    for top, bottom in itertools.pairwise(lines):
        row = _row(ink, top, bottom)
        if row is None:
            continue
        if tables and tables[-1].rows and tables[-1].rows[-1].box[3] >= row.box[1] - 3:
            table = tables[-1]
            table.rows.append(row)
            x0, y0, x1, _ = table.box
            table.box = (min(x0, row.box[0]), y0, max(x1, row.box[2]), row.box[3])
        else:
            tables.append(Table(row.box, [row]))
    return tables


def _rule_spans(rules: Array) -> list[tuple[int, int, int]]:
    """Each horizontal rule as (y centre, x0, x1), top to bottom; a thick rule is one."""
    count, _, stats, centroids = cv2.connectedComponentsWithStats(rules)
    spans = [
        (round(centroids[i][1]), int(stats[i][0]), int(stats[i][0] + stats[i][2])) for i in range(1, count)
    ]
    spans.sort()
    merged: list[tuple[int, int, int]] = []
    for y, x0, x1 in spans:
        if merged and y - merged[-1][0] <= 3 and x0 < merged[-1][2] and x1 > merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], min(last[1], x0), max(last[2], x1))
        else:
            merged.append((y, x0, x1))
    return merged


def _row(ink: Array, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Row | None:
    """The band between two rules as a table row, when vertical rules stand at both its ends."""
    y0, y1 = top[0], bottom[0]
    x0, x1 = max(top[1], bottom[1]), min(top[2], bottom[2])
    if y1 - y0 < 8 or x1 - x0 < 20:
        return None
    inset = max(2, (y1 - y0) // 10)  # leave out the rules themselves
    band = ink[y0 + inset : y1 - inset, x0 - 4 : x1 + 4] > 0
    filled = band.mean(axis=0) >= _VERTICAL_FILL
    columns = _runs(filled)
    if len(columns) < 2 or columns[0][0] > 8 or columns[-1][1] < filled.size - 8:
        return None  # no rule at one end: the space between two tables, or text between rules
    edges = [x0 - 4 + (a + b) // 2 for a, b in columns]
    cells = [(left, y0, right, y1) for left, right in itertools.pairwise(edges) if right - left > 6]
    return Row((edges[0], y0, edges[-1], y1), cells) if cells else None


def _runs(flags: Array) -> list[tuple[int, int]]:
    """(start, end) of each run of True."""
    padded = np.concatenate(([False], flags, [False]))
    changes = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(changes[::2], changes[1::2], strict=True)]


# --- text ------------------------------------------------------------------------------------------


def text_lines(ink: Array, tables: list[Table], box: Box | None = None) -> list[Box]:
    """The lines of text in `box` (the page by default) outside the tables: bands of rows with ink,
    each cut to its ink's width."""
    height, width = ink.shape
    x0, y0, x1, y1 = box or (0, 0, width, height)
    area = ink[y0:y1, x0:x1].copy()
    for table in tables:
        tx0, ty0, tx1, ty1 = table.box
        area[max(0, ty0 - y0 - 3) : max(0, ty1 - y0 + 4), max(0, tx0 - x0 - 3) : max(0, tx1 - x0 + 4)] = 0
    rows = (area > 0).sum(axis=1) > 0
    lines = []
    for top, bottom in _merged_runs(_runs(rows), 2):
        if bottom - top < 5:
            continue
        columns = np.flatnonzero((area[top:bottom] > 0).any(axis=0))
        lines.append((x0 + int(columns[0]), y0 + top, x0 + int(columns[-1]) + 1, y0 + bottom))
    return lines


def _merged_runs(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def cell_lines(ink: Array, cell: Box) -> list[Box]:
    """The lines of text inside a cell: its rules left out (what a skewed or thick rule leaves at
    the crop's edges is ink along most of an edge row or column), and bands too small to be text."""
    x0, y0, x1, y1 = cell
    inset = 3
    if x1 - x0 <= 4 * inset or y1 - y0 <= 4 * inset:
        return []
    crop = ink[y0 + inset : y1 - inset, x0 + inset : x1 - inset].copy()
    edge = 2 * inset
    for axis, size in ((0, crop.shape[1]), (1, crop.shape[0])):
        fill = (crop > 0).mean(axis=axis)
        ruled = fill > 0.3
        ruled[edge : size - edge] = fill[edge : size - edge] > 0.9
        if axis == 0:
            crop[:, ruled] = 0
        else:
            crop[ruled, :] = 0
    _without_edge_slivers(crop)
    lines = [line for line in text_lines(crop, []) if _area(line) >= 30]
    tallest = max((d - b for _, b, _, d in lines), default=0)
    # a band much lower than the cell's text is what a seal or a rule left, not a line of text
    return [
        (x0 + inset + a, y0 + inset + b, x0 + inset + c, y0 + inset + d)
        for a, b, c, d in lines
        if d - b >= 0.4 * tallest
    ]


def _without_edge_slivers(crop: Array) -> None:
    """Clear thin strokes that touch the crop's edge: what a skewed rule leaves inside a cell (text
    stands clear of the rules)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    height, width = crop.shape
    for index in range(1, count):
        x, y, w, h, _ = stats[index]
        touches = x == 0 or y == 0 or x + w == width or y + h == height
        if touches and min(w, h) <= 5:
            crop[labels == index] = 0


def _area(box: Box) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def without_stray_dots(line: Array) -> Array:
    """A cell's line of text without the small dots left or right of its characters (scanner noise
    beside a digit would read as a point: "0." or ".0"); a dot between characters (1.属于, 477.35)
    stays."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(line, connectivity=8)
    if count <= 2:
        return line
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    tall = np.flatnonzero(heights >= 0.45 * heights.max()) + 1
    left = stats[tall, cv2.CC_STAT_LEFT].min()
    right = (stats[tall, cv2.CC_STAT_LEFT] + stats[tall, cv2.CC_STAT_WIDTH]).max()
    out = line.copy()
    for index in range(1, count):
        x, _, w, h, _ = stats[index]
        dash = w >= 0.3 * heights.max() and w > 1.5 * h  # a minus sign or the dash of a blank cell
        if h < 0.45 * heights.max() and not dash and (x + w <= left or x >= right):
            out[labels == index] = 0
    return out
