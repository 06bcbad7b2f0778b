"""Which files an audit reads: the paths given, and every file below the folders given."""

from __future__ import annotations

import errno
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import Given

STDIN = "-"  # the argument that stands for standard input
STDIN_NAME = "<stdin>"  # what results call it


@dataclass
class Inputs:
    files: list[Path | Given] = field(default_factory=list)
    hidden: int = 0  # files left out because their name or a folder on their path starts with "."
    missing: list[Path] = field(default_factory=list)  # paths given that do not exist


def collect_inputs(paths, leave_out: Path | None = None) -> Inputs:
    """Folders are read recursively in sorted order, following linked folders once each. Hidden
    files are left out (and counted). A broken link or an unreadable entry is kept: it gets an
    "unreadable" result like any other bad file. `leave_out` is the output file of the run, which
    may sit inside an audited folder. `-` is standard input, read here (at most once)."""
    inputs = Inputs()
    skip = os.path.realpath(leave_out) if leave_out else None
    for argument in paths:
        path = Path(argument)  # ./- becomes "-" here: standard input is told by the argument as typed
        if str(argument) == STDIN:
            inputs.files.append(read_stdin())
        elif path.is_dir():
            _walk(path, inputs)
        elif path.exists() or path.is_symlink():
            inputs.files.append(path)
        else:
            inputs.missing.append(path)
    # realpath, not Path.resolve: before Python 3.13 resolve raises on a symlink loop
    inputs.files = [p for p in inputs.files if skip is None or isinstance(p, Given) or os.path.realpath(p) != skip]
    return inputs


def read_stdin() -> Given:
    """Standard input as one document, read whole: worker processes cannot read the parent's."""
    try:
        if sys.stdin is None:  # started with no standard input at all
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return Given(STDIN_NAME, sys.stdin.buffer.read())
    except OSError as err:
        return Given(STDIN_NAME, error=err)


def _walk(root: Path, inputs: Inputs) -> None:
    seen: set[str] = set()
    found: list[Path] = []
    # a folder that cannot be listed is kept as an input: reading it gives its "unreadable" result
    for folder, subfolders, names in os.walk(root, followlinks=True, onerror=lambda err: found.append(Path(err.filename))):
        real = os.path.realpath(folder)
        if real in seen:  # a link back up the tree, or a second link to the same folder
            subfolders[:] = []
            continue
        seen.add(real)
        hidden = [d for d in subfolders if d.startswith(".")]
        inputs.hidden += sum(_count_files(Path(folder, d)) for d in hidden)
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                inputs.hidden += 1
            else:
                found.append(Path(folder, name))
    inputs.files.extend(sorted(found))


def _count_files(folder: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(folder))
