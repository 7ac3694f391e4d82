"""Ids that never change: the agency registry (content/agencies.csv), a name correction, a dropped
id refused by `check`, and the redirects of a replaced id."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

from generator.read.registry import AgencyEntry, Registry, parse_registry, registry_bytes
from tests.parse_helpers import ROOT, SEEDS
from tests.test_build import build

DEHUI = "de-hui-shi-ren-min-zheng-fu-ban-gong-shi"
DEHUI_FILE = "2020-dehui-zhengfu-bangongshi.txt"


def _content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(SEEDS, content / "reports")
    (content / "pages").mkdir()
    return content


def check(content: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "build.py"), "check", str(content)]
    return subprocess.run(command, cwd=content.parent, capture_output=True, text=True, check=False)


def site_paths(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def registry_rows(content: Path) -> dict[str, dict[str, str]]:
    with (content / "agencies.csv").open(encoding="utf-8", newline="") as handle:
        return {row["agency_id"]: row for row in csv.DictReader(handle)}


def test_the_first_build_registers_every_agency_and_the_seeds_registry_is_committed(tmp_path: Path) -> None:
    content = _content(tmp_path)
    result = build(content, tmp_path / "site")
    assert "content/agencies.csv updated" in result.stderr
    rows = registry_rows(content)
    assert rows[DEHUI] == {
        "agency_id": DEHUI,
        "name": "德惠市人民政府办公室",
        "former_names": "",
        "region_code": "220183",
        "replaced_by": "",
    }
    assert len(rows) == 5
    # The repository's own registry is what a build of its content writes.
    assert (ROOT / "content" / "agencies.csv").read_bytes() == (content / "agencies.csv").read_bytes()
    again = build(content, tmp_path / "site")
    assert "agencies.csv updated" not in again.stderr


def test_a_name_corrected_in_front_matter_keeps_every_id_and_url(tmp_path: Path) -> None:
    content, site = _content(tmp_path), tmp_path / "site"
    build(content, site)
    before = site_paths(site)
    report = content / "reports" / DEHUI_FILE
    report.write_text(
        "---\nagency: 吉林省德惠市人民政府办公室\n---\n" + report.read_text(encoding="utf-8"), "utf-8"
    )

    result = build(content, site)
    assert result.returncode == 0, result.stderr
    assert "agency-id-dropped" not in result.stdout + result.stderr
    assert site_paths(site) == before  # no page, package or CSV renamed, none left behind
    row = registry_rows(content)[DEHUI]
    assert (row["name"], row["former_names"]) == ("吉林省德惠市人民政府办公室", "德惠市人民政府办公室")
    reports_csv = (site / "data" / "reports.csv").read_text(encoding="utf-8-sig")
    assert f"{DEHUI}-2020,{DEHUI},吉林省德惠市人民政府办公室" in reports_csv
    assert "吉林省德惠市人民政府办公室" in (site / "agencies" / DEHUI / "index.html").read_text(
        encoding="utf-8"
    )
    assert "agency-id-dropped" not in check(content).stdout


def test_check_refuses_a_change_that_drops_a_published_id_and_says_how_to_keep_it(tmp_path: Path) -> None:
    """A name changed in the report text itself (or a parser that now reads it differently) spells a
    new id: `check` refuses it, naming the registry line; the fix it describes is accepted."""
    content = _content(tmp_path)
    build(content, tmp_path / "site")
    report = content / "reports" / DEHUI_FILE
    report.write_text(
        report.read_text(encoding="utf-8").replace("德惠市人民政府办公室", "德惠市政府办公室"), "utf-8"
    )

    refused = check(content)
    assert refused.returncode == 1
    built = build(content, tmp_path / "site")
    assert built.returncode == 1 and "warning: content/agencies.csv:2: 机关 ID" in built.stderr
    line = next(x for x in refused.stdout.splitlines() if "agency-id-dropped" in x)
    assert line.startswith("content/agencies.csv:2: error[agency-id-dropped] 机关 ID " + DEHUI)
    assert "former_names" in line and "replaced_by" in line

    registry = (content / "agencies.csv").read_text(encoding="utf-8")
    fixed = registry.replace(
        f"{DEHUI},德惠市人民政府办公室,,", f"{DEHUI},德惠市政府办公室,德惠市人民政府办公室,"
    )
    # As the message says: the row the build spelled for the new name goes.
    fixed = "".join(
        line for line in fixed.splitlines(keepends=True) if not line.startswith("de-hui-shi-zheng-fu")
    )
    (content / "agencies.csv").write_text(fixed, encoding="utf-8")
    accepted = check(content)
    assert "agency-id-dropped" not in accepted.stdout
    assert f"{DEHUI}-2020" in (build(content, tmp_path / "site").stdout + str(site_paths(tmp_path / "site")))


def test_a_replaced_id_redirects_its_old_urls_to_the_new_ones(tmp_path: Path) -> None:
    content, site = _content(tmp_path), tmp_path / "site"
    build(content, site)
    with (content / "agencies.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"dehui-old,德惠市政府办,,220183,{DEHUI}\n")
    result = build(content, site)
    assert "agency-id-dropped" not in result.stdout + result.stderr
    agency = (site / "agencies" / "dehui-old" / "index.html").read_text(encoding="utf-8")
    assert f'<meta http-equiv="refresh" content="0; url=../../agencies/{DEHUI}/">' in agency
    report = (site / "reports" / "dehui-old-2020" / "index.html").read_text(encoding="utf-8")
    assert f'content="0; url=../../reports/{DEHUI}-2020/"' in report
    assert not (site / "reports" / "dehui-old-2020" / "source.txt").exists()
    english = (site / "en" / "reports" / "dehui-old-2020" / "index.html").read_text(encoding="utf-8")
    assert f'content="0; url=../../../en/reports/{DEHUI}-2020/"' in english
    assert "has changed to <code>" in english and 'lang="en"' in english


def test_a_registry_row_that_cannot_be_read_is_named_and_the_file_is_never_overwritten(
    tmp_path: Path,
) -> None:
    content = _content(tmp_path)
    damaged = "agency_id,name,former_names,region_code,replaced_by\nBad Id,某机关,,,\n"
    (content / "agencies.csv").write_text(damaged, encoding="utf-8")
    result = build(content, tmp_path / "site")
    assert "content/agencies.csv:2: agency_id 'Bad Id' is not an id" in result.stderr
    assert (content / "agencies.csv").read_text(encoding="utf-8") == damaged
    assert "content/agencies.csv:2: error[agency-id-dropped] agency_id 'Bad Id'" in check(content).stdout


def test_the_registry_reads_what_it_writes_and_names_each_bad_line() -> None:
    registry = Registry(
        (
            AgencyEntry("b-ju", "乙局", ("乙 局旧称", "更早的名称"), "110101"),
            AgencyEntry("a-ju", "甲局", replaced_by="b-ju"),
        )
    )
    data = registry_bytes(registry)
    assert data.decode().splitlines()[1:] == ["a-ju,甲局,,,b-ju", "b-ju,乙局,乙 局旧称|更早的名称,110101,"]
    again = parse_registry(data)
    assert not again.problems
    assert again.ids_named("乙局旧称") == ["b-ju"]  # spaces in a name do not count
    assert again.current_id("a-ju") == "b-ju"
    bad = parse_registry(
        "agency_id,name,former_names,region_code,replaced_by\n"
        "ok,名称,,,\nok,重复,,,\nx,,,,\ny,名,,12,\nz,名,,,../up\nshort,row\n".encode()
    )
    assert [p.split(": ", 1)[0] for p in bad.problems] == [
        f"content/agencies.csv:{n}" for n in (3, 4, 5, 6, 7)
    ]
    assert [e.agency_id for e in bad.entries] == ["ok"]
    assert parse_registry(b"id,name\n").problems[0].startswith("content/agencies.csv:1: the header should be")
    assert "not UTF-8" in parse_registry(b"\xff\xfe").problems[0]
    cycle = parse_registry(b"agency_id,name,former_names,region_code,replaced_by\na,A,,,b\nb,B,,,a\n")
    assert cycle.current_id("a") in {"a", "b"}  # a loop stops, never hangs
