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


def display_name(name) -> str:
    """A file name as text output, messages and HTML show it: control characters escaped (a name
    with a newline would break the line), and bytes that are no UTF-8 as \\xNN; JSON and CSV keep
    the real name, which they quote."""
    name = str(name)
    if name.isprintable():
        return name
    return "".join(_escaped(ch) for ch in name)


def _escaped(ch: str) -> str:
    import unicodedata

    if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"):  # a full-width space stays as it is
        return ch
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as os.fsdecode gives it
        return f"\\x{code - 0xDC00:02x}"
    return ch.encode("unicode_escape").decode("ascii")


class InputError(AuditorError):
    """A report file cannot be read: empty, binary, undecodable, unreadable."""

    def __init__(self, path, problem: str, zh: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.problem_zh = zh or problem
        super().__init__(f"{display_name(self.path)}: {problem}")

    def message(self, lang: str = "zh") -> str:
        return f"{display_name(self.path)}: {pick(lang, self.problem_zh, self.problem)}"


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


# Chinese for the OS errors met reading inputs and writing the output; others keep the OS text.
_OS_ERRORS_ZH = {
    "ENOENT": "文件或文件夹不存在", "EACCES": "没有权限", "EPERM": "操作不被允许",
    "ELOOP": "符号链接层数过多，可能是循环链接", "EISDIR": "是一个文件夹", "ENOTDIR": "路径中有一部分不是文件夹",
    "EIO": "输入输出错误，可能是磁盘或网络故障", "ENAMETOOLONG": "文件名太长", "EMFILE": "打开的文件太多",
    "ENFILE": "系统打开的文件太多", "ENXIO": "设备或地址不存在", "ENODEV": "设备不存在", "EBUSY": "设备或资源忙",
    "ENOMEM": "内存不足", "ETIMEDOUT": "超时", "ESTALE": "网络文件句柄已失效", "EROFS": "只读文件系统",
    "ENOSPC": "磁盘空间不足", "EDQUOT": "超出磁盘配额", "EFBIG": "文件太大", "EINVAL": "参数无效",
    "EAGAIN": "资源暂时不可用", "EBADF": "文件描述符无效",
}


def os_error(err: OSError) -> tuple[str, str]:
    """(English, Chinese) text of an OS error: the OS's own words, and Chinese for common errno values."""
    import errno

    english = err.strerror or str(err)
    return english, _OS_ERRORS_ZH.get(errno.errorcode.get(err.errno or 0, ""), english)
