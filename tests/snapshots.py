"""Regenerate the reviewed snapshots: `make snapshots` (then read the diff before committing).

- tests/golden/<example>.json: `auditor parse --format json` of each file in reports_examples/
- tests/expected/<example>.json: `auditor audit --format json --show-pass` of each
  example, with the fixed audit date below so that the snapshot does not depend on today.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "reports_examples"
GOLDEN = ROOT / "tests" / "golden"
EXPECTED = ROOT / "tests" / "expected"
AS_OF = date(2026, 11, 23)


def example_files() -> list[Path]:
    """Every file of reports_examples/ is an example (`make audit` audits them all)."""
    return sorted(p for p in EXAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def parse_snapshot(path: Path) -> str:
    from auditor.formatters.parsed import render_json
    from auditor.pipeline import parse_file

    return render_json([parse_file(relative(path))]) + "\n"


def audit_snapshot(path: Path) -> str:
    from auditor.audit import audit_file
    from auditor.cli import OutputOptions
    from auditor.engine import Context
    from auditor.formatters import json_out
    from auditor.ruleset import load_rules, load_vocabulary

    options = OutputOptions(lang="zh", show_pass=True, show_na=False, as_of=AS_OF)
    ctx = Context(vocabulary=load_vocabulary(), as_of=AS_OF, lang="zh")
    return json_out.render([audit_file(relative(path), load_rules(), ctx)], options)


def snapshot_name(path: Path) -> str:
    return path.stem + ".json"


def main():
    import os

    os.chdir(ROOT)
    GOLDEN.mkdir(exist_ok=True)
    EXPECTED.mkdir(exist_ok=True)
    for path in example_files():
        (GOLDEN / snapshot_name(path)).write_text(parse_snapshot(path), encoding="utf-8")
        (EXPECTED / snapshot_name(path)).write_text(audit_snapshot(path), encoding="utf-8")
        print(f"wrote snapshots for {path.name}")


if __name__ == "__main__":
    main()
