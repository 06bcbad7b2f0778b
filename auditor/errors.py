"""Errors that reach the user as one line, never as a traceback. `str(err)` is English (logs,
tests); `err.message(lang)` is what users read, Chinese unless --lang en."""


def pick(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def chinese(err: Exception) -> str:
    """The Chinese text of an error raised with one (`zh=`), else its English text."""
    return getattr(err, "zh", None) or str(err)


class AuditorError(Exception):
    """Base class: `str(err)` is the complete one-line message."""

    def message(self, lang: str = "zh") -> str:
        return str(self)


class InputError(AuditorError):
    """A report file cannot be read: empty, binary, undecodable, unreadable."""

    def __init__(self, path, problem: str, zh: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.problem_zh = zh or problem
        super().__init__(f"{self.path}: {problem}")

    def message(self, lang: str = "zh") -> str:
        return f"{self.path}: {pick(lang, self.problem_zh, self.problem)}"


class RuleFileError(AuditorError):
    """A rule, cases, template or configuration file is malformed: YAML syntax, schema violation,
    bad expression. `pointer` is the JSON pointer of the offending value."""

    def __init__(self, path, problem: str, line: int | None = None, pointer: str | None = None,
                 zh: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.problem_zh = zh or problem
        self.line = line
        self.pointer = pointer
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        if self.pointer is None:
            return f"{where}: {pick(lang, self.problem_zh, self.problem)}"
        at = pick(lang, f"（位置 {self.pointer or '/'}）", f" at {self.pointer or '/'}")
        return f"{where}: {pick(lang, self.problem_zh, self.problem)}{at}"



class Problem(ValueError):
    """A bad value found while preparing a rule (a pattern, an expression, a parameter), in both
    languages; `path` locates it below the key being checked so the loader can name its line."""

    def __init__(self, en: str, zh: str | None = None, path=()):
        super().__init__(en)
        self.zh = zh
        self.path = tuple(path)
