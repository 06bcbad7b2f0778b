"""Command line: options → pipeline → formatter → exit code. Wiring only."""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import List, Optional

import typer

from .errors import AuditorError, InputError, display_name, os_error, pick


def help_lang(argv: List[str]) -> str:
    """The language of --help: help is rendered before options are parsed, so --lang is looked
    up in the raw arguments (Chinese unless `--lang en` is among them)."""
    pairs = zip(argv, argv[1:])
    return "en" if "--lang=en" in argv or ("--lang", "en") in pairs else "zh"


_HELP_LANG = help_lang(sys.argv)


def H(zh: str, en: str) -> str:
    return pick(_HELP_LANG, zh, en)


app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help=H("OGI Auditor：按 YAML 规则审核政府信息公开工作年度报告和政府信息公开指南。",
                         "OGI Auditor: audit 政府信息公开工作年度报告 and 政府信息公开指南 against YAML rules."))


def fail(message: str, code: int = 2):
    typer.echo(f"auditor: {message}", err=True)
    raise typer.Exit(code)


def _valid_lang(value: str) -> str:
    if value not in ("zh", "en"):
        fail(f"--lang 只能是 zh 或 en，不能是 {value!r} (--lang must be zh or en)")
    return value


LANG_OPTION = typer.Option("zh", "--lang", help=H("消息语言：zh（中文）| en（英文）", "message language: zh | en"),
                           callback=_valid_lang)


def expand_paths(paths: List[str], lang: str, output: Optional[Path] = None) -> list:
    """The files to read (see inputs.py); the number of hidden files left out goes to stderr so that
    nothing is skipped silently. A missing path is an error. `-` is standard input (an
    ingest.Given), once; the arguments are strings, as typed, so that ./- stays a file's name."""
    from .inputs import STDIN, collect_inputs

    if sum(str(path) == STDIN for path in paths) > 1:
        fail(pick(lang, "标准输入（-）只能给出一次", "standard input (-) can be given only once"))
    inputs = collect_inputs(paths, leave_out=output)
    for path in inputs.missing:
        fail(pick(lang, f"{display_name(path)}: 文件或文件夹不存在", f"{display_name(path)}: no such file or directory"))
    if inputs.hidden:
        typer.echo("auditor: " + pick(lang, f"跳过了 {inputs.hidden} 个隐藏文件（文件名或所在文件夹以 . 开头）",
                                      f"skipped {inputs.hidden} hidden file(s) (name or folder starting with .)"),
                   err=True)
    return inputs.files


@app.command(help=H("显示从每个文件识别出的文档、元数据和章节结构。",
                    "Show the documents, metadata and section tree recovered from each file."))
def parse(paths: List[str] = typer.Argument(..., help=H("报告文件或文件夹；- 为标准输入", "report files or folders; - for standard input")),
          format: str = typer.Option("tree", "--format", "-f", help="tree | json | summary"),
          lang: str = LANG_OPTION):
    """Show the documents, metadata and section tree recovered from each file."""
    from .formatters import parsed as out
    from .pipeline import parse_file

    if format not in ("tree", "json", "summary"):
        fail(pick(lang, f"未知的格式 {format!r}（可用：tree、json、summary）", f"unknown format {format!r} (tree, json, summary)"))
    results, errors = [], 0
    for path in expand_paths(paths, lang):
        try:
            results.append(parse_file(path))
        except InputError as err:
            typer.echo(f"auditor: {err.message(lang)}", err=True)
            errors += 1
    if format == "json":
        typer.echo(out.render_json(results))
    elif format == "summary":
        for parsed in results:
            for report in parsed.reports:
                typer.echo(out.summary_line(parsed, report))
    else:
        typer.echo("\n\n".join(out.render_tree(p) for p in results))
    if errors:
        raise typer.Exit(2)


@dataclass(frozen=True)
class OutputOptions:
    lang: str
    show_pass: bool
    show_na: bool
    as_of: date
    rules: dict = field(default_factory=dict, compare=False, repr=False)  # id → Rule, for SARIF's catalog

    def select(self, findings):
        from .formatters.common import visible

        return visible(findings, self.show_pass, self.show_na)


# --format value → (formatter module, its Format class)
FORMATS = {"text": ("text", "TextFormat"), "json": ("json_out", "JsonFormat"), "sarif": ("sarif", "SarifFormat"),
           "csv": ("csv_out", "CsvFormat"), "csv-summary": ("csv_out", "CsvSummaryFormat"),
           "html": ("html_out", "HtmlFormat")}


def _format(format: str, options: OutputOptions):
    from importlib import import_module

    module, name = FORMATS[format]
    return getattr(import_module(f".formatters.{module}", __package__), name)(options)


@dataclass(frozen=True)
class LoadedRules:
    rules: dict
    vocabulary: dict
    fail_on: Optional[str] = None  # from the configuration, when it sets one


def _load_rules_or_exit(rule_dirs, lang: str, with_default=True, config: Optional[Path] = None,
                        profile: Optional[str] = None) -> LoadedRules:
    """Shipped rules (unless --only-rules), a configuration's rule folders, then --rules folders;
    then the configuration's disables and overrides."""
    from .config import Config, apply_config, load_config, profile as load_profile
    from .ruleset import load_rules, load_vocabulary

    try:
        settings = load_config(config) if config else load_profile(profile) if profile else Config()
        dirs = list(settings.rule_dirs) + list(rule_dirs)
        rules = apply_config(load_rules(dirs, with_default), settings)
        return LoadedRules(rules, load_vocabulary(dirs, with_default), settings.fail_on)
    except AuditorError as err:
        fail(err.message(lang))


def _as_of(value: Optional[str], lang: str) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(pick(lang, f"--as-of 应为日期，例如 2026-03-31，而不是 {value!r}",
                  f"--as-of expects a date like 2026-03-31, got {value!r}"))


class BatchOutcome:
    """Watches rendered files stream past to the formatter: the exit status and the unreadable
    files' messages, without keeping the results."""

    def __init__(self, fail_on: str):
        self.fail_on = fail_on
        self.errors: list[str] = []
        self.reached = False

    def watch(self, rendered_files):
        for rendered in rendered_files:
            if rendered.error:
                self.errors.append(rendered.error)
            if not self.reached:
                self.reached = any(d.fails_at(self.fail_on) for d in rendered.documents)
            yield rendered

    def exit_code(self) -> int:
        """1 when findings reach --fail-on (even if some files were unreadable: the findings are
        what the run is for); otherwise 2 when a file could not be read; otherwise 0."""
        return 1 if self.reached else 2 if self.errors else 0


@contextmanager
def _output_file(output: Optional[Path], lang: str, stop: Optional[_SignalStop] = None):
    """The --output file, opened before any work starts (None stands for stdout). It is written
    under a temporary name beside it and put in place when the run completes, so an interrupted
    run leaves no truncated file and an earlier output stays as it was (`stop` removes it too)."""
    if output is None:
        yield None
        return
    name = display_name(output)
    if output.is_dir():
        fail(pick(lang, f"{name}: 是一个文件夹，请给出文件名", f"{name}: is a folder; give a file name"))
    try:
        part = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=output.parent,
                                           prefix=f".{output.name}.", suffix=".part", delete=False)
    except OSError as err:
        english, chinese = os_error(err)
        fail(pick(lang, f"{name}: 无法写入（{chinese}）", f"{name}: cannot write ({english})"))

    def remove():
        Path(part.name).unlink(missing_ok=True)

    cleanups = stop.cleanups if stop else []
    cleanups.append(remove)
    try:
        with part:
            yield part
        os.chmod(part.name, 0o666 & ~_umask())  # the permissions open() would have given
        os.replace(part.name, output)
    except BaseException:
        remove()
        raise
    finally:
        cleanups.remove(remove)


class _SignalStop:
    """SIGTERM and SIGHUP end an audit at once, as Ctrl-C does but without unwinding the stack: an
    exception raised from a signal handler may land inside the worker pool's own code (starting
    its thread, forking) and leave it hung, or inside a __del__, where Python drops it. The handler
    runs the clean-ups registered (stop the workers, remove the temporary output), then exits with
    128 + the signal's number: 143 for SIGTERM, 129 for SIGHUP (Ctrl-C gives 130)."""

    def __init__(self):
        self.home, self.cleanups = os.getpid(), []

    def __call__(self, signum, frame):
        if os.getpid() == self.home:  # not a worker forked before it set its own handlers
            for cleanup in reversed(self.cleanups):
                try:
                    cleanup()
                except Exception:  # noqa: BLE001 - the others must still run, and the exit come
                    pass
            if os.isatty(2):
                os.write(2, b"\x1b[?25h")  # the progress bar hides the cursor
        os._exit(128 + signum)


@contextmanager
def _stopped_by_signals():
    """Yields the _SignalStop that handles SIGTERM and SIGHUP while the block runs."""
    import signal

    stop = _SignalStop()
    signals = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    try:
        previous = {each: signal.signal(each, stop) for each in signals}
    except ValueError:  # not the main thread (the command called from a program): signals stay as they are
        previous = {}
    try:
        yield stop
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _check_choices(format, fail_on, lang, agency_kind, jobs):
    if format not in FORMATS:
        fail(pick(lang, f"未知的格式 {format!r}（可用：{'、'.join(FORMATS)}）",
                  f"unknown format {format!r} ({', '.join(FORMATS)})"))
    if fail_on not in ("error", "warning", "never"):
        fail(pick(lang, f"--fail-on 只能是 error、warning 或 never，不能是 {fail_on!r}",
                  f"--fail-on must be error, warning or never, not {fail_on!r}"))
    if agency_kind not in (None, "government", "department", "township"):
        fail(pick(lang, f"--agency-kind 只能是 government、department 或 township，不能是 {agency_kind!r}",
                  f"--agency-kind must be government, department or township, not {agency_kind!r}"))
    if jobs < 0:
        fail(pick(lang, f"--jobs 应为 0（每核一个进程）或正整数，不能是 {jobs}",
                  f"--jobs must be 0 (one per core) or more, not {jobs}"))


_AUDIT_HELP = H(
    "审核年度报告和指南并列出审核结果。每个输入文件都有一条结果，无论能否读取。\n\n"
    "退出码：有达到 --fail-on 级别的不通过项时为 1；否则有文件无法读取（审核不完整）、用法错误或规则文件错误时为 2；否则为 0。"
    "被中断时（Ctrl-C、SIGTERM、SIGHUP）为 128 加信号编号（130、143、129）。",
    "Audit reports and guides; print findings. Every input file gets one result, readable or not.\n\n"
    "Exit 1 when a finding fails at or above --fail-on; otherwise 2 when a file could not be read (the "
    "audit is incomplete) or on a usage or rule-file error; otherwise 0. Interrupted (Ctrl-C, SIGTERM, "
    "SIGHUP): 128 + the signal number (130, 143, 129).")


@app.command(help=_AUDIT_HELP)
def audit(
    paths: List[str] = typer.Argument(..., help=H("报告文件或文件夹（递归读取）；- 为标准输入",
                                                   "report files or folders (recursive); - for standard input")),
    format: str = typer.Option("text", "--format", "-f", help="text | json | sarif | csv | csv-summary | html"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help=H("写入此文件，而不是标准输出",
                                                                         "write to this file instead of stdout")),
    rules: List[Path] = typer.Option([], "--rules", help=H("追加的规则文件夹（可重复）；同一 id 覆盖内置规则",
                                                           "extra rule directory (repeatable); same id overrides")),
    only_rules: bool = typer.Option(False, "--only-rules", help=H("只用 --rules 给出的规则文件夹",
                                                                  "use only the --rules directories")),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help=H(
        "配置文件 auditor.yaml：extends、rules、disable、severity、params",
        "auditor.yaml: extends, rules, disable, severity, params")),
    profile: Optional[str] = typer.Option(None, "--profile", help=H("内置配置：default | strict",
                                                                    "a shipped profile: default | strict")),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help=H(
        "error | warning | never：达到此级别的不通过项使退出码为 1（默认 error，或配置文件所设）",
        "error | warning | never (default: error, or the config's)")),
    lang: str = LANG_OPTION,
    show_pass: bool = typer.Option(False, "--show-pass", help=H("同时列出通过的规则", "also list passing rules")),
    show_na: bool = typer.Option(False, "--show-na", help=H("同时列出不适用的规则", "also list rules that do not apply")),
    year: Optional[int] = typer.Option(None, "--year", help=H("指定报告年度（覆盖识别结果）", "override the report year")),
    agency_kind: Optional[str] = typer.Option(None, "--agency-kind", help=H(
        "指定机关类型：government（政府）| department（部门）| township（乡镇街道）",
        "government | department | township")),
    as_of: Optional[str] = typer.Option(None, "--as-of", help=H("审核日期，决定无日期文档适用的法规（默认今天）",
                                                                "audit date for undated guides (default today)")),
    jobs: int = typer.Option(1, "--jobs", "-j", help=H("并行进程数（0：每核一个）；输出顺序不变",
                                                       "parallel processes (0: one per core); output order is unchanged")),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=H("不在标准错误上显示进度条", "no progress bar on stderr")),
):
    """Audit reports and guides; print findings. Every input file gets one result, readable or not.

    Exit 1 when a finding fails at or above --fail-on; otherwise 2 when a file could not be read (the
    audit is incomplete) or on a usage or rule-file error; otherwise 0."""
    from .audit import AuditSettings, audit_files, parallel_available, stop_workers
    from .engine import Context
    from .progress import progress_bar

    if config and profile:
        fail(pick(lang, "--config 与 --profile 不能同时使用（配置文件可以写 `extends: strict`）",
                  "--config and --profile exclude each other (a config can say `extends: strict`)"))
    loaded = _load_rules_or_exit(rules, lang, not only_rules, config, profile)
    fail_on = fail_on or loaded.fail_on or "error"
    _check_choices(format, fail_on, lang, agency_kind, jobs)
    options = OutputOptions(lang, show_pass, show_na, _as_of(as_of, lang), loaded.rules)
    settings = AuditSettings(loaded.rules, Context(vocabulary=loaded.vocabulary, as_of=options.as_of, lang=lang),
                             year, agency_kind)
    files = expand_paths(paths, lang, output)
    if not files:
        fail(pick(lang, f"{'、'.join(map(display_name, paths))} 中没有可审计的文件",
                  f"no files to audit in {', '.join(map(display_name, paths))}"))
    if jobs != 1 and len(files) > 1 and not parallel_available():
        typer.echo("auditor: " + pick(lang, "--jobs：本平台无法派生工作进程，改为单进程审计",
                                      "--jobs: this platform cannot fork worker processes; auditing in one process"),
                   err=True)
    outcome, output_format = BatchOutcome(fail_on), _format(format, options)
    # until here a signal has nothing to clean up: its default action ends the process
    with _stopped_by_signals() as stop, _output_file(output, lang, stop) as out:
        stop.cleanups.append(stop_workers)
        rendered = audit_files(files, settings, jobs, render=output_format.file)
        try:
            with progress_bar(len(files), lang, enabled=not quiet) as advance:
                # sys.stdout is looked up inside the bar's context, which routes it above the bar
                output_format.write(advance(outcome.watch(rendered)), out or sys.stdout)
        finally:
            rendered.close()  # interrupted: stops the worker processes now
    for message in outcome.errors:
        typer.echo(f"auditor: {message}", err=True)
    if outcome.exit_code():
        raise typer.Exit(outcome.exit_code())


rules_app = typer.Typer(no_args_is_help=True, help=H("列出、查看、校验和测试规则。", "List, show, validate and test rules."))
app.add_typer(rules_app, name="rules")


_RULES_OPTION = typer.Option([], "--rules", help=H("追加的规则文件夹（可重复）", "extra rule directory (repeatable)"))
_CONFIG_OPTION = typer.Option(None, "--config", "-c", help=H("要应用的配置文件 auditor.yaml", "auditor.yaml to apply"))
_RULE_DIR_ARGUMENT = typer.Argument(None, help=H("规则文件夹（默认：内置规则）", "rule directory (default: shipped rules)"))


@rules_app.command("list", help=H("每条规则一行：编号、类别、级别、检查类型、标题。",
                                  "One line per rule: id, category, severity, kind, title."))
def rules_list(rules: List[Path] = _RULES_OPTION, config: Optional[Path] = _CONFIG_OPTION,
               lang: str = LANG_OPTION):
    """One line per rule: id, category, severity, title."""
    for rule in _load_rules_or_exit(rules, lang, config=config).rules.values():
        title = rule.title_en if lang == "en" else rule.title
        typer.echo(f"{rule.id:<7}{rule.category:<11}{rule.severity:<8}{rule.kind:<18}{title}")


@rules_app.command("show", help=H("显示一条规则的 YAML 文件。", "Print a rule's YAML file."))
def rules_show(rule_id: str = typer.Argument(..., help=H("规则编号，例如 YR01", "rule id, e.g. YR01")),
               rules: List[Path] = _RULES_OPTION, lang: str = LANG_OPTION):
    """Print a rule's YAML file."""
    loaded = _load_rules_or_exit(rules, lang).rules
    if rule_id not in loaded:
        fail(pick(lang, f"没有规则 {rule_id!r}", f"no rule {rule_id!r}"))
    typer.echo(f"# {loaded[rule_id].path}")
    typer.echo(Path(loaded[rule_id].path).read_text(encoding="utf-8"), nl=False)


@rules_app.command("doc", help=H("生成现行规则的 Markdown 目录：标题、级别、适用范围、法律依据、参数。",
                                 "A Markdown catalogue of the rules in force: title, severity, scope, legal basis, parameters."))
def rules_doc(rules: List[Path] = _RULES_OPTION, config: Optional[Path] = _CONFIG_OPTION,
              lang: str = LANG_OPTION):
    """A Markdown catalogue of the rules in force: title, severity, scope, legal basis, parameters."""
    from .ruledoc import render

    typer.echo(render(_load_rules_or_exit(rules, lang, config=config).rules, lang))


def _rule_files_or_exit(directory: Path, lang: str) -> list:
    from .ruleset import rule_files

    try:
        files = rule_files(directory)
    except AuditorError as err:
        fail(err.message(lang))
    if not files:
        fail(pick(lang, f"{directory}: 没有规则文件（<ID>.yaml）", f"{directory}: no rule files (<ID>.yaml) found"))
    return files


@rules_app.command("validate", help=H("按 JSON Schema 校验每个规则文件（及其用例文件）。",
                                      "Validate every rule file (and its cases file) against the schemas."))
def rules_validate(directory: Optional[Path] = _RULE_DIR_ARGUMENT,
                   lang: str = LANG_OPTION):
    """Validate every rule file (and its cases file) against the schemas."""
    from .casetest import load_cases_for
    from .ruleset import default_rule_dir, load_rule

    directory = directory or default_rule_dir()
    problems = 0
    files = _rule_files_or_exit(directory, lang)
    for path in files:
        try:
            load_rule(path)
            load_cases_for(path)
        except AuditorError as err:
            typer.echo(f"auditor: {err.message(lang)}", err=True)
            problems += 1
    valid = len(files) - problems
    typer.echo(pick(lang, f"{valid}/{len(files)} 个规则文件有效", f"{valid}/{len(files)} rule files valid"))
    if problems:
        raise typer.Exit(2)


@rules_app.command("test", help=H("运行每条规则的 <ID>.cases.yaml：每个用例都须得到预期的状态（和证据）。",
                                  "Run each rule's <ID>.cases.yaml: every case must give its expected status (and evidence)."))
def rules_test(directory: Optional[Path] = _RULE_DIR_ARGUMENT,
               verbose: bool = typer.Option(False, "--verbose", "-v", help=H("列出每个用例", "list every case")),
               lang: str = LANG_OPTION):
    """Run each rule's <ID>.cases.yaml: every case must give its expected status (and evidence)."""
    from .casetest import run_directory

    from .ruleset import default_rule_dir

    _rule_files_or_exit(directory or default_rule_dir(), lang)
    try:
        results = run_directory(directory, lang)
    except AuditorError as err:
        fail(err.message(lang))
    failures = [r for r in results if not r.ok]
    for r in results:
        if verbose or not r.ok:
            typer.echo(f"{'ok  ' if r.ok else 'FAIL'} {r.rule} {r.case}: {r.detail}")
    passed = len(results) - len(failures)
    typer.echo(pick(lang, f"{passed} 个用例通过，{len(failures)} 个失败", f"{passed} passed, {len(failures)} failed"))
    if failures:
        raise typer.Exit(1)


def main():  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
