from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "reports_examples"
SEED_004 = EXAMPLES / "004_641c8d857bc9cae3.txt"


def example(prefix: str) -> Path:
    return next(EXAMPLES.glob(prefix + "_*.txt"))


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch):
    # snapshots and sources name files relative to the repository root
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def seed004():
    from auditor.pipeline import parse_file

    return parse_file("reports_examples/004_641c8d857bc9cae3.txt")


@pytest.fixture(scope="session")
def default_rules():
    from auditor.ruleset import load_rules, load_vocabulary

    return load_rules(), load_vocabulary()
