"""OGI Auditor: audit Chinese government information disclosure annual reports and guides."""

from pathlib import Path

__version__ = "0.1.0"


def resource_dir(name: str) -> Path:
    """Directory of shipped data (`grammar`, `rules`): the repository copy when run from a
    checkout or an editable install, the packaged copy inside `auditor/` otherwise."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / name, here / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data directory {name!r} not found next to {here}")
