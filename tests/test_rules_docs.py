"""The rule registry and its documentation page: every rule used in the code is registered and
documented, and docs/rules.md is the generated page (rewrite it with `pytest --update-golden`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.docs import STAGES, rules_markdown
from generator.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
RULES_PAGE = ROOT / "docs" / "rules.md"
# finding("rule-id", …), Finding("rule-id", …) and Finding(rule="rule-id", …)
USE = re.compile(r"""\b(?:finding|Finding)\(\s*(?:rule(?:_id)?\s*=\s*)?["']([a-z0-9-]+)["']""")


def rule_ids_used_in_code() -> set[str]:
    used: set[str] = set()
    for path in sorted((ROOT / "generator").rglob("*.py")):
        used.update(USE.findall(path.read_text(encoding="utf-8")))
    return used


def test_the_search_finds_rule_uses():
    assert {"row-width", "table-missing", "applications-balance", "schema-invalid"} <= rule_ids_used_in_code()
    assert USE.findall('Finding(rule="made-up", severity="error")') == ["made-up"]


def test_every_rule_used_is_registered_and_documented():
    page = rules_markdown()
    used = rule_ids_used_in_code()
    assert sorted(used - set(RULES)) == []
    assert [r for r in used if f"| `{r}` |" not in page] == []


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_is_complete(rule_id):
    rule = RULES[rule_id]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id)
    assert rule.severity in ("error", "warning")
    assert rule.stage in {stage for stage, _, _ in STAGES}
    assert rule.title and rule.description and rule.example
    assert re.search(r"[\u4e00-\u9fff]", rule.title + rule.description)
    assert f"| `{rule.id}` | {rule.severity}" in rules_markdown()


def test_every_cross_check_is_a_warning():
    """The report is published as it is: a failed 勾稽关系 is never an error."""
    source = (ROOT / "generator" / "checks" / "cross.py").read_text(encoding="utf-8")
    cross_checks = set(USE.findall(source))
    assert len(cross_checks) == 8
    assert {RULES[r].severity for r in cross_checks} == {"warning"}


def test_rules_page_is_generated(update_golden: bool):
    if update_golden:
        RULES_PAGE.write_text(rules_markdown(), encoding="utf-8")
    assert RULES_PAGE.read_text(encoding="utf-8") == rules_markdown(), "run pytest --update-golden"
