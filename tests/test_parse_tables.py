"""What the parser reads from each layout and variation (independent of the golden files)."""

from __future__ import annotations

import pytest

from generator.spec import REVIEW_CELLS
from tests.fixtures.parse import make_fixtures as source
from tests.parse_helpers import FIXTURES, SEEDS, parse_json, rules_of

PARSE = FIXTURES / "parse"
LAYOUTS_2021 = [
    "2021-tabs.txt",
    "2021-pipes.txt",
    "2021-webcopy.txt",
    "2021-table-per-row.txt",
    "2021-one-line.txt",
    "2021-pdf-text.txt",
    "2021-restarted.txt",
]


def _expected_2021_applications() -> dict[str, list[int]]:
    from generator.spec import application_rows

    numbers = [[int(n) for n in values.split()] for _, values in source.APPLICATIONS if values]
    return dict(zip([r.id for r in application_rows("2021")], numbers, strict=True))


@pytest.mark.parametrize("name", LAYOUTS_2021)
def test_2021_template_in_every_layout(name: str) -> None:
    doc = parse_json(PARSE / name)
    assert doc["template"] == "2021"
    assert (doc["agency"], doc["year"], doc["published"]) == ("梅河口市教育局", 2021, "2022-01-20")
    assert doc["applications"] == _expected_2021_applications()
    assert list(doc["review_litigation"].values()) == [int(n) for n in source.REVIEW.split()]
    proactive = {item: {m: c["value"] for m, c in cells.items()} for item, cells in doc["proactive"].items()}
    assert proactive == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 5, "repealed": 12, "in_force": 8},
        "administrative_licensing": {"decisions": 1520},
        "administrative_penalty": {"decisions": 36},
        "administrative_coercion": {"decisions": 0},
        "administrative_fees": {"fee_amount": 12.5},
    }
    assert doc["findings"] == []


def test_2021_rows_keep_their_source_lines() -> None:
    doc = parse_json(PARSE / "2021-tabs.txt")
    lines = (PARSE / "2021-tabs.txt").read_text(encoding="utf-8").split("\n")
    for row, row_lines in doc["lines"]["applications"].items():
        assert len(set(row_lines)) == 1, row
        assert lines[row_lines[0] - 1].split("\t")[1:] == [str(v) for v in doc["applications"][row]]


def test_a_table_per_row_reads_each_row_from_its_own_table() -> None:
    """Each row's numbers come from the row under its heading (the heading is the label, restated
    without its numbering in the row), and the generic headers and Markdown rules are no cells."""
    path = PARSE / "2021-table-per-row.txt"
    doc = parse_json(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    for row, row_lines in doc["lines"]["applications"].items():
        (line,) = set(row_lines)
        cells = [c.strip() for c in lines[line - 1].strip("|").split("|")]
        assert lines[line - 2].startswith("| ---") and cells[1:] == [
            str(v) for v in doc["applications"][row]
        ], row


def test_a_restated_label_that_does_not_fit_its_heading_is_not_taken(tmp_path) -> None:
    """The row under a heading gives its numbers only when its label restates the heading's."""
    text = (PARSE / "2021-table-per-row.txt").read_text(encoding="utf-8")
    path = tmp_path / "2021-table-per-row.txt"
    path.write_text(text.replace("| 予以公开 | 5 |", "| 不予公开 | 5 |"), encoding="utf-8")
    doc = parse_json(path)
    assert doc["applications"]["disclosed"] == [None] * 7
    assert "row-width" in rules_of(doc)  # null, with a finding that names the row


def test_one_line_with_numbers_run_together_is_read_by_its_arithmetic() -> None:
    """The whole report on one line, labels and numbers run together: each row is split where its
    total and the table's column equations leave one reading, and says so; every cell is right."""
    doc = parse_json(PARSE / "2021-one-line-glued.txt")
    assert doc["template"] == "2021" and doc["agency"] == "梅河口市教育局"
    assert doc["applications"] == _expected_2021_applications()
    assert list(doc["review_litigation"].values()) == [int(n) for n in source.REVIEW.split()]
    assert set(rules_of(doc)) == {"cells-run-together"}
    by_columns = [f for f in doc["findings"] if "列合计" in f["message"]]
    assert {f["cells"][0].split(".")[1] for f in by_columns} == {"new_received", "total_processed"}
    assert {line for row in doc["lines"]["applications"].values() for line in row} == {1}
    assert [s["number"] for s in doc["sections"]] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_a_seed_with_its_line_breaks_lost_reads_as_the_seed(tmp_path, seed: str) -> None:
    """Every seed, its lines (and its blank cells) run into one line: no value differs from the
    golden file's, and every value of it is read."""
    lines = (SEEDS / seed).read_text(encoding="utf-8").split("\n")
    path = tmp_path / seed
    path.write_text(" ".join(c.strip() for c in lines if c.strip() not in ("", "-", "/")), encoding="utf-8")
    doc, golden = parse_json(path), parse_json(SEEDS / seed)
    assert doc["template"] == golden["template"] and doc["agency"] == golden["agency"]
    assert doc["applications"] == golden["applications"]
    assert doc["review_litigation"] == golden["review_litigation"]


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_a_seed_as_a_pdf_s_text_reads_as_the_seed(tmp_path, seed: str) -> None:
    """Every seed (2019 template) as the synthetic generator makes a PDF's text of a report: each
    row's numbers before its label, long labels broken, group labels one character per line."""
    from tests.test_synth import synth

    path = tmp_path / seed
    path.write_text(synth().pdf_text((SEEDS / seed).read_text(encoding="utf-8")), encoding="utf-8")
    doc, golden = parse_json(path), parse_json(SEEDS / seed)
    assert doc["applications"] == golden["applications"]
    assert doc["review_litigation"] == golden["review_litigation"]


def test_a_row_of_column_numbers_above_the_table_does_not_shift_its_rows(tmp_path) -> None:
    """Numbers between the header and the first row's label say the numbers stand before the labels
    only when the last row's label has none after it too; a row of column numbers (1 … 7) above a
    table read the usual way must not move every row's numbers to the row before."""
    lines = (PARSE / "2021-webcopy.txt").read_text(encoding="utf-8").split("\n")
    first = lines.index("一、本年新收政府信息公开申请数量")
    numbered = [*lines[:first], *(x for n in range(1, 8) for x in (str(n), "")), *lines[first:]]
    path = tmp_path / "2021-webcopy.txt"
    path.write_text("\n".join(numbered), encoding="utf-8")
    assert parse_json(path)["applications"] == _expected_2021_applications()


def _without(name: str, label: str, tmp_path, total: str | None = None):
    """A fixture with one row's label left out (web copy: the blank line after it too); `total`: the
    （七）总计 row's first number replaced."""
    lines = (PARSE / name).read_text(encoding="utf-8").split("\n")
    if total is not None:
        lines[lines.index("(七)总计") + 2] = total
    at = lines.index(label)
    lines[at : at + (2 if name == "2021-webcopy.txt" else 1)] = []
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return parse_json(path)


@pytest.mark.parametrize("name", ["2021-webcopy.txt", "2021-pdf-text.txt"])
def test_a_row_printed_without_its_label_is_placed_by_position_when_the_columns_confirm(
    tmp_path, name: str
) -> None:
    """Its numbers follow the row before (or, numbers before labels, precede the row after) and the
    template has exactly one row there; its own total and the column equations confirm it."""
    doc = _without(name, "4.保护第三方合法权益", tmp_path)
    assert doc["applications"] == _expected_2021_applications()
    assert rules_of(doc) == ["row-placed-by-position"]


def test_a_row_without_its_label_is_not_placed_when_the_columns_do_not_confirm(tmp_path) -> None:
    """The same row, but the table's （七）总计 does not add up: nothing is placed by position; both
    rows' numbers stay unplaced, with a finding."""
    doc = _without("2021-webcopy.txt", "4.保护第三方合法权益", tmp_path, total="11")
    assert doc["applications"]["withheld_third_party_rights"] == [None] * 7
    assert doc["applications"]["withheld_security_stability"] == [None] * 7
    assert "row-placed-by-position" not in rules_of(doc) and "row-width" in rules_of(doc)


def test_mixed_templates_read_the_rows_that_are_printed() -> None:
    """A 2021 proactive table beside a 2019-style applications table: each table is read in the
    template it follows, and the finding says which."""
    from generator.spec import application_rows

    doc = parse_json(PARSE / "2021-mixed-templates.txt")
    assert doc["template"] == "2021" and rules_of(doc) == ["template-conflict"]
    assert "两张表各按其模板读取" in doc["findings"][0]["message"]
    expected = _expected_2021_applications()
    sub_rows = ("other_overdue_correction", "other_unpaid_fee", "other_misc")
    expected = {r: v for r, v in expected.items() if r not in sub_rows}
    expected["other"] = [int(n) for n in source.MIXED_OTHER.split()]
    assert list(doc["applications"]) == [r.id for r in application_rows("2019")]
    assert doc["applications"] == expected
    assert doc["proactive"]["administrative_fees"]["fee_amount"]["value"] == 12.5  # the 2021 block


@pytest.mark.parametrize(
    ("review_row", "first_five"),
    [
        ("\t\t\t1\t1", [None, None, None, 1, 1]),  # the first three outcomes published blank
        ("\t0\t0\t1\t1", [None, 0, 0, 1, 1]),
    ],
)
def test_tab_rows_keep_their_leading_blank_cells(tmp_path, review_row: str, first_five: list) -> None:
    """In a file whose rows of tab-separated cells do not all start with a tab, a tab at the start
    of one is an empty first cell, not an indent."""
    lines = (PARSE / "2021-tabs.txt").read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("1\t0\t0\t1\t2"))
    lines[index] = review_row + "\t0\t0\t0\t1\t1\t0\t0\t0\t0\t0"
    path = tmp_path / "2021-tabs.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    doc = parse_json(path)
    assert [doc["review_litigation"][c] for c in REVIEW_CELLS[:5]] == first_five
    assert doc["findings"] == []


def test_a_tab_before_every_row_is_an_indent(tmp_path) -> None:
    """Some files start every row of tab-separated cells with a tab: there it is not a cell."""
    lines = (PARSE / "2021-tabs.txt").read_text(encoding="utf-8").split("\n")
    indented = [f"\t{line}" if "\t" in line else line for line in lines]
    path = tmp_path / "2021-tabs.txt"
    path.write_text("\n".join(indented), encoding="utf-8")
    assert parse_json(path)["review_litigation"] == parse_json(PARSE / "2021-tabs.txt")["review_litigation"]
    assert parse_json(path)["applications"] == _expected_2021_applications()


def test_seed_word_export_and_padding() -> None:
    doc = parse_json(SEEDS / "2020-dingzhou-zhengfu-bangongshi.txt")
    assert doc["applications"]["new_received"] == [19, 0, 0, 0, 0, 0, 19]
    assert doc["applications"]["total_processed"] == [16, 0, 0, 0, 0, 0, 16]
    assert doc["applications"]["carried_forward"] == [3, 0, 0, 0, 0, 0, 3]
    assert doc["proactive"]["normative_documents"]["total_published"]["value"] == 16  # "\u300016"
    amount = doc["proactive"]["government_procurement"]["procurement_amount"]
    assert (amount["value"], amount["unit"], amount["raw"], amount["line"]) == (
        410.816,
        "万元",
        "410.816万元",
        99,
    )
    assert [doc["review_litigation"][c] for c in REVIEW_CELLS[:5]] == [0, 0, 1, 1, 2]


def test_seed_web_copy_signed_and_unit_values() -> None:
    doc = parse_json(SEEDS / "2020-tonghua-dongchangqu.txt")
    licensing = doc["proactive"]["administrative_licensing"]
    assert (licensing["items_change"]["value"], licensing["items_change"]["raw"]) == (170, "+170")
    assert doc["proactive"]["administrative_fees"]["items_change"]["value"] == -5
    amount = doc["proactive"]["government_procurement"]["procurement_amount"]
    assert (amount["value"], amount["unit"]) == (28204, "万元")
    assert doc["published_total"] == {"value": 1010, "unit": "件", "raw": "1010件", "line": 133}
    assert doc["published"] == "2021-02-25"  # the 发布日期 line, not the signature's 2021-02-19


def test_seed_short_rows_are_null_with_a_finding() -> None:
    doc = parse_json(SEEDS / "2020-shanggao-jiguan-shiwuju.txt")
    assert doc["agency"] == "上高县机关事务局"  # title says only 县机关事务局
    assert doc["applications"]["new_received"] == [0] * 7
    assert doc["applications"]["disclosed"] == [None] * 7
    assert doc["unassigned"]["disclosed"] == ["0"] * 5
    width = [f for f in doc["findings"] if f["rule"] == "row-width"]
    assert len(width) == 21 and all(f["severity"] == "error" for f in width)
    assert width[0]["line"] == 128
    assert width[0]["message"].startswith("“（一）予以公开” 有 5 个数字，表格有 7 列")
    assert doc["review_litigation"]["reconsideration_upheld"] == 0  # printed "00"


def test_blank_provincial_total_is_null_not_zero() -> None:
    doc = parse_json(SEEDS / "2020-shuangyang-qijiazhen.txt")
    assert doc["published_total"] == {"value": None, "unit": None, "raw": "", "line": 81}


def test_variants_of_labels_and_values() -> None:
    doc = parse_json(PARSE / "2019-variants.txt")
    licensing = {m: c["value"] for m, c in doc["proactive"]["administrative_licensing"].items()}
    assert licensing == {
        "items_previous_year": 12,
        "items_change": 5,
        "decisions": 86,
    }  # full-width, 增5, padded
    penalty = {m: c["value"] for m, c in doc["proactive"]["administrative_penalty"].items()}
    assert penalty == {
        "items_previous_year": 7,
        "items_change": -3,
        "decisions": None,
    }  # U+2212, "-" placeholder
    amount = doc["proactive"]["government_procurement"]["procurement_amount"]
    assert (amount["value"], amount["unit"]) == (251000, "元")
    assert doc["applications"]["not_processed_duplicate"] == [None, None, None, 0, 0, 0, 0]
    assert doc["applications"]["disclosed"] == [1, 0, 0, 0, 0, 0, 1]  # half-width brackets
    assert doc["applications"]["not_processed_petition"] == [0] * 7  # 信访投诉举报类
    assert doc["review_litigation"]["reconsideration_upheld"] == 0  # "00"
    assert "row-width" not in rules_of(doc)


def test_traditional_characters() -> None:
    simplified = parse_json(SEEDS / "2020-dehui-zhengfu-bangongshi.txt")
    traditional = parse_json(PARSE / "2019-traditional.txt")
    assert traditional["template"] == "2019"
    for key in ("applications", "review_litigation"):
        assert traditional[key] == simplified[key]


def test_run_together_digits_split_only_when_certain() -> None:
    doc = parse_json(PARSE / "2019-run-together.txt")
    assert doc["applications"]["new_received"] == [19, 0, 0, 0, 0, 0, 19]
    assert doc["applications"]["disclosed"] == [None] * 7
    by_rule = {f["rule"]: f for f in doc["findings"]}
    assert by_rule["cells-run-together"]["severity"] == "warning"
    assert "190000019" in by_rule["cells-run-together"]["message"]
    assert by_rule["cells-run-together-ambiguous"]["severity"] == "error"
    assert by_rule["cells-run-together-ambiguous"]["line"] == 133


def test_truncated_report_does_not_pass_as_complete() -> None:
    doc = parse_json(PARSE / "2019-truncated.txt")
    assert doc["applications"]["total_processed"] == [None] * 7
    assert doc["applications"]["not_processed_duplicate"] == [0] * 7
    assert set(doc["review_litigation"].values()) == {None}
    truncated = [f for f in doc["findings"] if f["rule"] == "table-truncated"]
    assert truncated and truncated[0]["severity"] == "error" and "缺少 6 行" in truncated[0]["message"]
    assert "table-missing" in rules_of(doc)
