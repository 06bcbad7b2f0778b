"""Discover, load and validate rules (one YAML file each), and the shared vocabulary.

Rules come from the shipped `rules/` directory and any `--rules DIR` (later directories add
rules or override shipped ones by id). A malformed file is reported with its path, the YAML
line and the JSON pointer of the problem, before any report is read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml

from . import resource_dir
from .checks import KINDS
from .errors import RuleFileError
from .schema import load_schema

SKIP_DIRS = {"profiles", "vocabulary", "templates"}


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    category: str
    title: str
    title_en: str
    severity: str
    applies_to: dict
    basis: tuple[str, ...]
    kind: str
    params: dict
    message: str
    message_en: str
    path: str
    help: str = ""
    help_en: str = ""
    tags: tuple[str, ...] = ()
    prepared: object = field(default=None, compare=False, repr=False)


# ---- YAML with line numbers -------------------------------------------------------------------

def _load_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RuleFileError(path, f"cannot read rule file ({err})")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise RuleFileError(path, f"invalid YAML: {problem}", line=mark.line + 1 if mark else None)
    return data, node


def line_of(node, pointer_parts) -> int | None:
    """YAML line (1-based) of the value at a JSON pointer path, or of its nearest parent."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in pointer_parts:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                return line
            node = match[1]
            line = match[0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _pointer(parts) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _validate(path: Path, data, node, schema: dict, prefix=()):
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if not errors:
        return
    err = jsonschema.exceptions.best_match(errors) or errors[0]
    parts = list(prefix) + list(err.absolute_path)
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        if extra:
            parts.append(extra[0])
            message = f"unknown key {extra[0]!r}"
        else:
            message = err.message
    else:
        message = err.message
    raise RuleFileError(path, message, line=line_of(node, parts), pointer=_pointer(parts))


# ---- loading ----------------------------------------------------------------------------------

def load_rule(path: Path) -> Rule:
    path = Path(path)
    data, node = _load_yaml(path)
    if not isinstance(data, dict):
        raise RuleFileError(path, "a rule file must be a YAML mapping", line=1, pointer="")
    _validate(path, data, node, load_schema("rule.schema.json"))
    if data["id"] != path.stem:
        raise RuleFileError(path, f"id {data['id']!r} does not match the file name {path.stem!r}",
                            line=line_of(node, ["id"]), pointer="/id")
    check = KINDS.get(data["kind"])
    if check is None:
        raise RuleFileError(path, f"unknown check kind {data['kind']!r} (known: {', '.join(sorted(KINDS))})",
                            line=line_of(node, ["kind"]), pointer="/kind")
    _validate(path, data["params"], node, check.PARAMS_SCHEMA, prefix=["params"])
    try:
        prepared = check.prepare(data["params"]) if hasattr(check, "prepare") else data["params"]
    except ValueError as err:
        parts = ["params"] + list(getattr(err, "path", ()))
        raise RuleFileError(path, str(err), line=line_of(node, parts), pointer=_pointer(parts))
    for key in ("message", "message_en"):
        _check_template(path, node, key, data[key])
    return Rule(
        id=data["id"], name=data["name"], category=data["category"], title=data["title"],
        title_en=data["title_en"], severity=data["severity"], applies_to=data["applies_to"],
        basis=tuple(data["basis"]), kind=data["kind"], params=data["params"], message=data["message"],
        message_en=data["message_en"], path=str(path), help=data.get("help", ""),
        help_en=data.get("help_en", ""), tags=tuple(data.get("tags", ())), prepared=prepared)


def _check_template(path, node, key, template):
    try:
        list(__import__("string").Formatter().parse(template))
    except ValueError as err:
        raise RuleFileError(path, f"bad message template: {err}", line=line_of(node, [key]), pointer=f"/{key}")


def rule_files(directory: Path) -> list[Path]:
    directory = Path(directory)
    if not directory.is_dir():
        raise RuleFileError(directory, "rule directory not found")
    return sorted(p for p in directory.rglob("*.yaml")
                  if not p.name.endswith(".cases.yaml") and not SKIP_DIRS & set(p.relative_to(directory).parts[:-1]))


def default_rule_dir() -> Path:
    return resource_dir("rules")


def load_rules(extra_dirs=(), include_default: bool = True) -> dict[str, Rule]:
    """All rules by id; a later directory's rule replaces an earlier one with the same id."""
    dirs = ([default_rule_dir()] if include_default else []) + [Path(d) for d in extra_dirs]
    rules: dict[str, Rule] = {}
    for directory in dirs:
        for path in rule_files(directory):
            rule = load_rule(path)
            rules[rule.id] = rule
    return dict(sorted(rules.items()))


# ---- vocabulary -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SectionTerm:
    id: str
    label: str
    label_en: str
    patterns: tuple[str, ...]


def load_vocabulary(extra_dirs=(), include_default: bool = True) -> dict[str, SectionTerm]:
    dirs = ([default_rule_dir()] if include_default else []) + [Path(d) for d in extra_dirs]
    terms: dict[str, SectionTerm] = {}
    for directory in dirs:
        path = Path(directory) / "vocabulary" / "sections.yaml"
        if not path.is_file():
            continue
        data, node = _load_yaml(path)
        _validate(path, data, node, load_schema("vocabulary.schema.json"))
        for term_id, term in data["sections"].items():
            terms[term_id] = SectionTerm(term_id, term["label"], term.get("label_en", term["label"]),
                                         tuple(term["patterns"]))
    return terms


_RANGE = re.compile(r"^\s*(>=|<=|>|<|==)?\s*(\d{4})\s*$")
_SPAN = re.compile(r"^\s*(\d{4})\s*-\s*(\d{4})\s*$")


def in_range(value: int, spec) -> bool:
    """`spec` is 2019, ">=2019", "<=2018", "2019-2020"."""
    if isinstance(spec, int):
        return value == spec
    m = _SPAN.match(spec)
    if m:
        return int(m.group(1)) <= value <= int(m.group(2))
    op, number = _RANGE.match(spec).groups()
    number = int(number)
    return {"<": value < number, "<=": value <= number, ">": value > number, ">=": value >= number,
            "==": value == number, None: value == number}[op]
