"""Discover, load and validate rules (one YAML file each), and the shared vocabulary.

Rules come from the shipped `rules/` directory and any `--rules DIR` (later directories add
rules or override shipped ones by id). A malformed file is reported with its path, the YAML
line and the JSON pointer of the problem, before any report is read."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from math import inf
from pathlib import Path

import yaml

from . import resource_dir
from .checks import KINDS
from .errors import RuleFileError, chinese
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

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: rule loading is on the cold path


class _LazyNode:
    """The YAML node tree, composed only when an error needs line numbers."""

    def __init__(self, text: str):
        self._text = text
        self._node = None

    def get(self):
        if self._node is None:
            self._node = yaml.compose(self._text, Loader=_SAFE_LOADER)
        return self._node


def _load_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RuleFileError(path, f"cannot read rule file ({err})", zh=f"无法读取规则文件（{err}）")
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise RuleFileError(path, f"invalid YAML: {problem}", line=mark.line + 1 if mark else None,
                            zh=f"YAML 语法错误：{problem}")
    return data, _LazyNode(text)


def line_of(node, pointer_parts) -> int | None:
    """YAML line (1-based) of the value at a JSON pointer path, or of its nearest parent."""
    if isinstance(node, _LazyNode):
        node = node.get()
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


_VALIDATORS: dict[int, tuple] = {}


def _validator(schema: dict):
    """One validator per schema object (schemas are module constants or cached loads)."""
    entry = _VALIDATORS.get(id(schema))
    if entry is None or entry[0] is not schema:
        import jsonschema  # slow to import: only needed when a file is not in the validated cache

        entry = _VALIDATORS[id(schema)] = (schema, jsonschema.Draft202012Validator(schema))
    return entry[1]


def _validate(path: Path, data, node, schema: dict, prefix=()):
    validator = _validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if not errors:
        return
    import jsonschema

    err = jsonschema.exceptions.best_match(errors) or errors[0]
    en, zh, key = schema_problem(err)
    parts = list(prefix) + list(err.absolute_path) + key
    raise RuleFileError(path, en, line=line_of(node, parts), pointer=_pointer(parts), zh=zh)


_TYPES_ZH = {"string": "字符串", "integer": "整数", "number": "数字", "boolean": "true/false",
             "array": "列表", "object": "映射（键: 值）", "null": "空值"}


def _json_type(value) -> str:
    for name, kinds in (("boolean", bool), ("integer", int), ("number", float), ("string", str),
                        ("array", list), ("object", dict)):
        if isinstance(value, kinds):
            return name
    return "null"


def _types_zh(types) -> str:
    return "或".join(_TYPES_ZH.get(t, t) for t in ([types] if isinstance(types, str) else types))


def schema_problem(err) -> tuple[str, str, list]:
    """A schema violation in English and Chinese, and the key it is about when that key is not
    yet in the error's path (an unknown key)."""
    kind, value, instance = err.validator, err.validator_value, err.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        extra = sorted(set(instance) - set(err.schema.get("properties", {})))
        if extra:
            return f"unknown key {extra[0]!r}", f"未知的键 {extra[0]!r}", [extra[0]]
    if kind == "required":
        missing = next((name for name in value if name not in instance), value[0])
        return err.message, f"缺少必需的键 {missing!r}", []
    zh = {
        "enum": lambda: f"{instance!r} 不是允许的值（可选：{'、'.join(map(str, value))}）",
        "const": lambda: f"应为 {value!r}，而不是 {instance!r}",
        "type": lambda: f"{instance!r} 应为{_types_zh(value)}，而不是{_types_zh(_json_type(instance))}",
        "pattern": lambda: f"{instance!r} 不符合格式 {value}",
        "minLength": lambda: "不能为空" if value == 1 else f"{instance!r} 太短（至少 {value} 个字符）",
        "minItems": lambda: "列表不能为空" if value == 1 else f"列表至少要有 {value} 项",
        "minimum": lambda: f"{instance!r} 小于最小值 {value}",
        "uniqueItems": lambda: "列表中有重复的项",
        "format": lambda: f"{instance!r} 不是有效的 {value}",
        "oneOf": lambda: f"{instance!r} 不符合任何一种允许的写法",
        "anyOf": lambda: f"{instance!r} 不符合任何一种允许的写法",
    }.get(kind)
    return err.message, zh() if zh else f"不符合 schema：{err.message}", []


# ---- loading ----------------------------------------------------------------------------------

def load_rule(path: Path, cache=None) -> Rule:
    path = Path(path)
    content = _read_bytes(path)
    data = cache.get(content) if cache is not None else None
    if data is not None and data.get("id") == path.stem:
        return _build(path, data, node=None)
    data = _validated_data(path, content)
    if cache is not None:
        cache.put(content, data)
    return _build(path, data, node=None)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise RuleFileError(path, f"cannot read rule file ({err.strerror or err})",
                            zh=f"无法读取规则文件（{err.strerror or err}）")


def _validated_data(path: Path, content: bytes) -> dict:
    data, node = _load_yaml(path)
    if not isinstance(data, dict):
        raise RuleFileError(path, "a rule file must be a YAML mapping", line=1, pointer="",
                            zh="规则文件的顶层必须是映射（键: 值）")
    _validate(path, data, node, load_schema("rule.schema.json"))
    if data["id"] != path.stem:
        raise RuleFileError(path, f"id {data['id']!r} does not match the file name {path.stem!r}",
                            line=line_of(node, ["id"]), pointer="/id",
                            zh=f"id {data['id']!r} 与文件名 {path.stem!r} 不一致")
    check = KINDS.get(data["kind"])
    if check is None:
        raise RuleFileError(path, f"unknown check kind {data['kind']!r} (known: {', '.join(sorted(KINDS))})",
                            line=line_of(node, ["kind"]), pointer="/kind",
                            zh=f"未知的检查类型 {data['kind']!r}（可用：{'、'.join(sorted(KINDS))}）")
    _validate(path, data["params"], node, check.PARAMS_SCHEMA, prefix=["params"])
    _check_in_force_on(path, node, data["applies_to"].get("in_force_on"))
    for key in ("message", "message_en"):
        _check_template(path, node, key, data[key], getattr(check, "MESSAGE_FIELDS", None))
    _build(path, data, node)  # prepare() may still reject params (patterns, expressions)
    return data


def _build(path: Path, data: dict, node) -> Rule:
    check = KINDS[data["kind"]]
    try:
        prepared = check.prepare(data["params"]) if hasattr(check, "prepare") else data["params"]
    except ValueError as err:
        parts = ["params"] + list(getattr(err, "path", ()))
        node = node or _LazyNode(path.read_text(encoding="utf-8"))
        raise RuleFileError(path, str(err), line=line_of(node, parts), pointer=_pointer(parts), zh=chinese(err))
    return Rule(
        id=data["id"], name=data["name"], category=data["category"], title=data["title"],
        title_en=data["title_en"], severity=data["severity"], applies_to=data["applies_to"],
        basis=tuple(data["basis"]), kind=data["kind"], params=data["params"], message=data["message"],
        message_en=data["message_en"], path=str(path), help=data.get("help", ""),
        help_en=data.get("help_en", ""), tags=tuple(data.get("tags", ())), prepared=prepared)


def _check_in_force_on(path, node, spec: str | None):
    """The schema admits any dddd-dd-dd; a date that does not exist (2023-02-30) is refused here,
    not when the first document reaches the rule."""
    if spec is None:
        return
    try:
        date.fromisoformat(spec.strip().lstrip("<>=").strip())
    except ValueError as err:
        raise RuleFileError(path, f"in_force_on: {err}", line=line_of(node, ["applies_to", "in_force_on"]),
                            pointer="/applies_to/in_force_on", zh=f"in_force_on 不是有效日期：{spec}")


REPORT_FIELDS = ("year", "agency", "title", "edition", "doc_type")


def _check_template(path, node, key, template, check_fields):
    """A message may only name values that exist: a typo would otherwise reach users as {typo}."""
    try:
        names = {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError as err:
        raise RuleFileError(path, f"bad message template: {err}", line=line_of(node, [key]), pointer=f"/{key}",
                            zh=f"提示模板有误：{err}")
    if check_fields is None:
        return
    allowed = set(REPORT_FIELDS) | set(check_fields) | {f[:-3] for f in check_fields if f.endswith("_en")}
    unknown = sorted(names - allowed)
    if unknown:
        raise RuleFileError(path, f"unknown placeholder {{{unknown[0]}}} (available: {', '.join(sorted(allowed))})",
                            line=line_of(node, [key]), pointer=f"/{key}",
                            zh=f"未知的占位符 {{{unknown[0]}}}（可用：{'、'.join(sorted(allowed))}）")


def rule_files(directory: Path) -> list[Path]:
    directory = Path(directory)
    if not directory.is_dir():
        raise RuleFileError(directory, "rule directory not found", zh="找不到规则目录")
    return sorted(p for p in directory.rglob("*.yaml")
                  if not p.name.endswith(".cases.yaml") and not SKIP_DIRS & set(p.relative_to(directory).parts[:-1]))


def default_rule_dir() -> Path:
    return resource_dir("rules")


def load_rules(extra_dirs=(), include_default: bool = True) -> dict[str, Rule]:
    """All rules by id; a later directory's rule replaces an earlier one with the same id."""
    dirs = ([default_rule_dir()] if include_default else []) + [Path(d) for d in extra_dirs]
    from .rulecache import shared_cache

    cache = shared_cache()
    rules: dict[str, Rule] = {}
    for directory in dirs:
        for path in rule_files(directory):
            rule = load_rule(path, cache)
            rules[rule.id] = rule
    cache.save()
    return dict(sorted(rules.items()))


# ---- vocabulary -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SectionTerm:
    id: str
    label: str
    label_en: str
    patterns: tuple[str, ...]


def load_validated_yaml(path: Path, schema_name: str):
    """A data file (vocabulary, table template) validated against auditor/schema/<schema_name>,
    through the cache of validated files."""
    from .rulecache import shared_cache

    cache = shared_cache()
    content = _read_bytes(Path(path))
    data = cache.get(content)
    if data is None:
        data, node = _load_yaml(Path(path))
        _validate(Path(path), data, node, load_schema(schema_name))
        cache.put(content, data)
        cache.save()
    return data


def load_vocabulary(extra_dirs=(), include_default: bool = True) -> dict[str, SectionTerm]:
    """Canonical sections: the shipped grammar/sections.yaml, then each rule folder's
    vocabulary/sections.yaml (adding or replacing terms by id)."""
    paths = ([resource_dir("grammar") / "sections.yaml"] if include_default else []) + \
        [Path(d) / "vocabulary" / "sections.yaml" for d in extra_dirs]
    terms: dict[str, SectionTerm] = {}
    for path in paths:
        if not path.is_file():
            continue
        data = load_validated_yaml(path, "vocabulary.schema.json")
        for term_id, term in data["sections"].items():
            terms[term_id] = SectionTerm(term_id, term["label"], term.get("label_en", term["label"]),
                                         tuple(term["patterns"]))
    return terms


_RANGE = re.compile(r"^\s*(>=|<=|>|<|==)?\s*(\d{4})\s*$")
_SPAN = re.compile(r"^\s*(\d{4})\s*-\s*(\d{4})\s*$")


@lru_cache(maxsize=None)
def _bounds(spec) -> tuple[float, float]:
    if isinstance(spec, int):
        return spec, spec
    m = _SPAN.match(spec)
    if m:
        return int(m.group(1)), int(m.group(2))
    op, number = _RANGE.match(spec).groups()
    n = int(number)
    return {"<": (-inf, n - 1), "<=": (-inf, n), ">": (n + 1, inf), ">=": (n, inf), "==": (n, n), None: (n, n)}[op]


def in_range(value: int, spec) -> bool:
    """`spec` is 2019, ">=2019", "<=2018", "2019-2020"."""
    low, high = _bounds(spec)
    return low <= value <= high
