"""Errors that reach the user as one line, never as a traceback."""


class AuditorError(Exception):
    """Base class: `str(err)` is the complete one-line message."""


class InputError(AuditorError):
    """A report file cannot be read: empty, binary, undecodable, unreadable. `str()` is English;
    `message(lang)` is what users see (Chinese by default)."""

    def __init__(self, path, problem: str, zh: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.problem_zh = zh or problem
        super().__init__(f"{self.path}: {problem}")

    def message(self, lang: str = "zh") -> str:
        return f"{self.path}: {self.problem if lang == 'en' else self.problem_zh}"


class RuleFileError(AuditorError):
    """A rule file is malformed: YAML syntax, schema violation, bad expression."""

    def __init__(self, path, problem: str, line: int | None = None, pointer: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.pointer = pointer
        where = self.path + (f":{line}" if line else "")
        at = f" at {pointer or '/'}" if pointer is not None else ""
        super().__init__(f"{where}: {problem}{at}")
