"""Findings: one per (document, applicable rule)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum

from .model import Span


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    INDETERMINATE = "indeterminate"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


# by value, without the cost of calling the enum
STATUSES = {s.value: s for s in Status}
SEVERITIES = {s.value: s for s in Severity}


@dataclass(frozen=True)
class Evidence:
    span: Span
    note: str | tuple[str, str] = ""  # what this evidence is: one text, or (Chinese, English)

    def note_in(self, lang: str) -> str:
        if isinstance(self.note, tuple):
            return self.note[1 if lang == "en" else 0]
        return self.note


@dataclass(frozen=True)
class Outcome:
    """What a check kind returns; the engine turns it into a Finding.

    `values` fill the rule's message template. `reason` (zh, en) explains an indeterminate or
    error outcome. `details` is extra structured data carried into the JSON output."""

    status: Status
    evidence: tuple[Evidence, ...] = ()
    values: dict = field(default_factory=dict)
    reason: tuple[str, str] | None = None
    details: dict = field(default_factory=dict)


def passed(evidence=(), **values) -> Outcome:
    return _new_outcome(Status.PASS, tuple(evidence), values, None, {})


def failed(evidence=(), details=None, **values) -> Outcome:
    return _new_outcome(Status.FAIL, tuple(evidence), values, None, details or {})


def indeterminate(zh: str, en: str, **values) -> Outcome:
    return _new_outcome(Status.INDETERMINATE, (), values, (zh, en), {})


def not_applicable(zh: str, en: str) -> Outcome:
    return _new_outcome(Status.NOT_APPLICABLE, (), {}, (zh, en), {})


def with_reason(status: str, zh: str, en: str, **values) -> Outcome:
    """An outcome of the status a rule names by value (its `if_missing`), with its reason."""
    return _new_outcome(STATUSES.get(status) or Status(status), (), values, (zh, en), {})


@dataclass(frozen=True)
class Location:
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    note: str = ""
    page: int | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    category: str
    severity: Severity
    status: Status
    title: str
    message: str
    basis: tuple[str, ...]
    locations: tuple[Location, ...] = ()
    details: dict = field(default_factory=dict)


def maker(cls):
    """cls(*values) with every field given in order, for frozen dataclasses built by the ten
    thousand in a batch: their __init__ sets the fields one
    object.__setattr__ at a time, this fills the instance's dict at once."""
    names = tuple(f.name for f in fields(cls))

    def make(*values):
        instance = object.__new__(cls)
        instance.__dict__.update(zip(names, values, strict=True))
        return instance

    make.__doc__ = f"{cls.__name__}(*values), every field given in order."
    return make


new_finding = maker(Finding)
new_location = maker(Location)
_new_outcome = maker(Outcome)  # the check kinds return thousands per batch
