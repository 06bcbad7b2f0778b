"""auditor.yaml: adapt the shipped rules without copying them.

    extends: default            # or strict (rules/profiles/<name>.yaml)
    rules: [local_rules]        # extra rule directories, relative to this file
    disable: [STR05]
    severity: {TL05: error}
    params:
      TL04: {not_after: "Y+1-02-20"}   # a local deadline
    fail_on: warning
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .checks import KINDS
from .errors import RuleFileError, chinese
from .ruleset import Rule, _load_yaml, _pointer, _validate, default_rule_dir, line_of
from .schema import load_schema


@dataclass(frozen=True)
class Config:
    rule_dirs: tuple[Path, ...] = ()
    disable: frozenset = frozenset()
    severity: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    fail_on: str | None = None
    sources: dict = field(default_factory=dict)  # rule id → (path, node) where an override was written


def _merge(base: Config, path: Path, data: dict, node) -> Config:
    where = {rid: (path, node) for key in ("severity", "params", "disable") for rid in data.get(key, ())}
    return Config(
        rule_dirs=base.rule_dirs + tuple((path.parent / d).resolve() for d in data.get("rules", [])),
        disable=base.disable | frozenset(data.get("disable", [])),
        severity={**base.severity, **data.get("severity", {})},
        params={**base.params, **{k: {**base.params.get(k, {}), **v} for k, v in data.get("params", {}).items()}},
        fail_on=data.get("fail_on", base.fail_on),
        sources={**base.sources, **where},
    )


def load_config(path, _seen=()) -> Config:
    path = Path(path)
    if not path.is_file():
        raise RuleFileError(path, "configuration file not found", zh="找不到配置文件")
    data, node = _load_yaml(path)
    data = data or {}
    _validate(path, data, node, load_schema("config.schema.json"))
    base = Config()
    if "extends" in data:
        profile = default_rule_dir() / "profiles" / f"{data['extends']}.yaml"
        if not profile.is_file():
            raise RuleFileError(path, f"unknown profile {data['extends']!r}", line=line_of(node, ["extends"]),
                                pointer="/extends", zh=f"未知的配置方案 {data['extends']!r}")
        if profile in _seen:
            raise RuleFileError(path, f"profile {data['extends']!r} extends itself", pointer="/extends",
                                zh=f"配置方案 {data['extends']!r} 循环继承自身")
        base = load_config(profile, _seen + (profile,))
    return _merge(base, path, data, node)


def profile(name: str) -> Config:
    return load_config(default_rule_dir() / "profiles" / f"{name}.yaml")


def apply_config(rules: dict[str, Rule], config: Config) -> dict[str, Rule]:
    """Rules with the configuration's disables, severities and params overrides applied."""
    for rule_id in sorted(set(config.severity) | set(config.params) | set(config.disable)):
        if rule_id not in rules:
            path, node = config.sources.get(rule_id, (None, None))
            raise RuleFileError(path or "configuration", f"no rule {rule_id!r} to configure",
                                zh=f"没有要配置的规则 {rule_id!r}",
                                line=line_of(node, []) if node is not None else None)
    out = {}
    for rule_id, rule in rules.items():
        if rule_id in config.disable:
            continue
        if rule_id in config.severity:
            rule = replace(rule, severity=config.severity[rule_id])
        if rule_id in config.params:
            rule = _with_params(rule, config.params[rule_id], *config.sources[rule_id])
        out[rule_id] = rule
    return out


def _with_params(rule: Rule, override: dict, path, node) -> Rule:
    params = {**rule.params, **override}
    check = KINDS[rule.kind]
    _validate(path, params, node, check.PARAMS_SCHEMA, prefix=["params", rule.id])
    try:
        prepared = check.prepare(params) if hasattr(check, "prepare") else params
    except ValueError as err:
        parts = ["params", rule.id] + list(getattr(err, "path", ()))
        raise RuleFileError(path, str(err), line=line_of(node, parts), pointer=_pointer(parts), zh=chinese(err))
    return replace(rule, params=params, prepared=prepared)
