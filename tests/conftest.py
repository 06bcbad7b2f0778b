import os
import tempfile
from pathlib import Path

import pytest

# a private cache of validated rules for this test run (inherited by CLI subprocesses)
os.environ["OGI_AUDITOR_CACHE"] = tempfile.mkdtemp(prefix="ogi-auditor-test-cache-")

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
