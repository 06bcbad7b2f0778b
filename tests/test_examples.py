"""Every example report has a reviewed expected-findings file and a golden parse tree.
Regenerate both with `make snapshots` and review the diff."""

import json

import jsonschema
import pytest

from auditor.schema import load_schema
from tests import snapshots

EXAMPLES = snapshots.example_files()


def test_every_example_has_snapshots():
    assert EXAMPLES
    for path in EXAMPLES:
        assert (snapshots.EXPECTED / snapshots.snapshot_name(path)).is_file(), f"no expected findings for {path.name}"
        assert (snapshots.GOLDEN / snapshots.snapshot_name(path)).is_file(), f"no golden parse for {path.name}"


def test_no_snapshot_without_its_example():
    names = {snapshots.snapshot_name(p) for p in EXAMPLES}
    for folder in (snapshots.EXPECTED, snapshots.GOLDEN):
        orphans = sorted(p.name for p in folder.glob("*.json") if p.name not in names)
        assert not orphans, f"{folder.name}/ holds snapshots of examples that no longer exist: {orphans}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_expected_findings(path):
    expected = (snapshots.EXPECTED / snapshots.snapshot_name(path)).read_text(encoding="utf-8")
    actual = snapshots.audit_snapshot(path)
    jsonschema.validate(json.loads(actual), load_schema("findings.schema.json"))
    assert actual == expected, f"findings of {path.name} changed: run `make snapshots` and review the diff"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_golden_parse(path):
    expected = (snapshots.GOLDEN / snapshots.snapshot_name(path)).read_text(encoding="utf-8")
    assert snapshots.parse_snapshot(path) == expected, f"parse of {path.name} changed: run `make snapshots`"
