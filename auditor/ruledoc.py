"""`auditor rules doc`: a Markdown catalogue of the rules for the people who apply them."""

from __future__ import annotations

import yaml

from .ruleset import Rule

_CATEGORY_TITLES = {
    "structure": ("结构与内容要素", "Structure and required content"), "metadata": ("元数据", "Metadata"),
    "year": ("年度一致性", "Report year"), "timeliness": ("发布时限", "Publication deadlines"),
    "time_limit": ("办理时限", "Time limits"), "fees": ("收费", "Fees"), "tables": ("统计表", "Statistical tables"),
    "duplication": ("内容雷同", "Duplication"), "guide": ("政府信息公开指南", "Disclosure guides"),
}


def _applies(rule: Rule) -> str:
    return ", ".join(f"{k}: {v}" for k, v in rule.applies_to.items()) or "—"


def render(rules: dict[str, Rule], lang: str = "zh") -> str:
    en = lang == "en"
    out = ["# OGI Auditor rules" if en else "# OGI Auditor 规则目录", ""]
    by_category: dict[str, list[Rule]] = {}
    for rule in rules.values():
        by_category.setdefault(rule.category, []).append(rule)
    for category in _CATEGORY_TITLES:
        if category not in by_category:
            continue
        out += [f"## {_CATEGORY_TITLES[category][1 if en else 0]}", ""]
        for rule in by_category[category]:
            out += [f"### {rule.id} {rule.title_en if en else rule.title}", "",
                    f"- {'severity' if en else '级别'}: {rule.severity}",
                    f"- {'applies to' if en else '适用'}: {_applies(rule)}",
                    f"- {'check' if en else '检查方式'}: `{rule.kind}`",
                    f"- {'basis' if en else '依据'}: " + "；".join(rule.basis),
                    f"- {'message' if en else '不通过时的提示'}: {rule.message_en if en else rule.message}",
                    "", "```yaml", yaml.safe_dump(rule.params, allow_unicode=True, sort_keys=False).rstrip(), "```", ""]
    return "\n".join(out)
