"""Identity: each report's agency id from the registry (`read/registry.py`), before the corpus checks.

The parser spells an id from the agency's name (or takes the front matter's `id`). Here the registry
wins: a report whose name (as stated, or as printed in its title and signature when the front matter
corrects it) is a registered name or former name takes that agency's id, so a name correction never
renames an id. A name seen for the first time keeps the spelled id and becomes a registry row; a
renamed agency's new name becomes its row's name and the old one a former name.

A registered id that no report uses any more, and that is not replaced by another, is a problem:
`check` refuses it (its pages and data would disappear, and every link to them break).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from generator.checks.ocr import confirm_agency
from generator.model import Report
from generator.read.registry import AgencyEntry, Registry, name_key, with_entries


@dataclass(frozen=True)
class Identified:
    reports: list[Report]  # with their registered ids
    registry: Registry  # with the rows of the agencies seen for the first time, and renames
    problems: tuple[str, ...]  # published ids no report uses any more, each naming its registry line


def identify(reports: Sequence[Report], registry: Registry) -> Identified:
    reports = [confirm_agency(report, registry) for report in reports]  # a name OCR read, if registered
    resolved = [with_agency_id(report, resolve_id(report, registry)) for report in reports]
    return Identified(resolved, updated_registry(registry, resolved), dropped_ids(registry, resolved))


def resolve_id(report: Report, registry: Registry) -> str | None:
    """The front matter's id; else the id registered under the report's name (stated, then printed);
    else the id the parser spelled."""
    meta = report.meta
    stated = meta.front_matter.get("id")
    if stated:
        return registry.current_id(str(stated))
    for name in (meta.agency, meta.printed_agency):
        ids = registry.ids_named(name) if name else []
        if len(ids) == 1:  # a name two agencies share says nothing: the spelled id decides
            return registry.current_id(ids[0])
    return meta.agency_id


def with_agency_id(report: Report, agency_id: str | None) -> Report:
    meta = report.meta
    if agency_id is None or agency_id == meta.agency_id:
        return report
    report_id = f"{agency_id}-{meta.year or 'unknown'}"
    return replace(report, meta=replace(meta, agency_id=agency_id, report_id=report_id))


def updated_registry(registry: Registry, reports: Sequence[Report]) -> Registry:
    """The registry with a row for every agency id the reports use: new ones added, a changed name
    recorded (the newest year's name first, the others as former names)."""
    by_agency: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        if report.meta.agency_id and report.meta.agency:
            by_agency[report.meta.agency_id].append(report)
    entries = dict(registry.by_id)
    for agency_id, members in by_agency.items():
        entries[agency_id] = _entry(entries.get(agency_id), agency_id, members)
    return with_entries(registry, list(entries.values()))


def _entry(entry: AgencyEntry | None, agency_id: str, reports: list[Report]) -> AgencyEntry:
    newest_first = sorted(reports, key=lambda r: (r.meta.year or 0, r.meta.report_id or ""), reverse=True)
    used = [str(r.meta.agency) for r in newest_first]
    region = next((r.meta.region.code for r in newest_first if r.meta.region and r.meta.region.code), None)
    if entry is None:
        return AgencyEntry(agency_id, used[0], _distinct(used[1:], exclude=used[0]), region)
    if name_key(used[0]) == name_key(entry.name) and all(map(_known(entry), used)):
        return entry
    former = _distinct([*entry.names, *used[1:]], exclude=used[0])
    return replace(entry, name=used[0], former_names=former, region_code=entry.region_code or region)


def _known(entry: AgencyEntry) -> Callable[[str], bool]:
    keys = set(map(name_key, entry.names))
    return lambda name: name_key(name) in keys


def _distinct(names: Sequence[str], exclude: str) -> tuple[str, ...]:
    seen = {name_key(exclude)}
    out = []
    for name in names:
        if name_key(name) not in seen:
            seen.add(name_key(name))
            out.append(name)
    return tuple(out)


def dropped_ids(registry: Registry, reports: Sequence[Report]) -> tuple[str, ...]:
    used = {report.meta.agency_id for report in reports}
    return tuple(
        f"{registry.path}:{entry.line}: 机关 ID {entry.agency_id}（{entry.name}）已经发布，现在却没有报告使用它，"
        "它的网页、数据和链接都会失效。若是更正了机关名称：请把这一行的 name 改为新名称、原名称移入 former_names，"
        "并删除新名称自动生成的那一行；若必须改用新 ID：在 replaced_by 写上新 ID（旧网址会转到新网址）。"
        f" / The published id {entry.agency_id} is used by no report any more: record a corrected name on "
        "its row, or set replaced_by."
        for entry in registry.entries
        if not entry.replaced_by and entry.agency_id not in used
    )
