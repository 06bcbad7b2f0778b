"""Progress bar for batches, on stderr, only for a person watching a terminal."""

from __future__ import annotations

import sys
from contextlib import contextmanager

_LABEL = {"zh": "审计", "en": "auditing"}


def _wanted(total: int, enabled: bool) -> bool:
    # Scripts and CI read stderr for error lines; a bar there would only be noise.
    return enabled and total > 1 and sys.stderr.isatty()


def _passthrough(results):
    return results


@contextmanager
def progress_bar(total: int, lang: str = "zh", enabled: bool = True):
    """Yields `advance(results)`: an iterator that ticks the bar as each file's result passes."""
    if not _wanted(total, enabled):
        yield _passthrough
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    # Output for the same terminal goes through the bar's console so it lands above the bar; output
    # to a file or pipe must not: rich would send it to stderr.
    with Progress(*columns, console=Console(stderr=True), transient=True,
                  redirect_stdout=sys.stdout.isatty()) as progress:
        task = progress.add_task(_LABEL.get(lang, _LABEL["zh"]), total=total)

        def advance(results):
            for result in results:
                yield result
                progress.advance(task)

        yield advance
