"""Traditional → Simplified with OpenCC (t2s), skipping texts in which it would change nothing.

Most reports are written in Simplified Chinese, and converting them anyway cost as much as
everything else done to a file before parsing. OpenCC changes a text only where one of its
dictionary keys occurs whose conversion differs from the key, so a text holding none of the
characters by which such keys differ from their conversions comes out of OpenCC unchanged: it is
returned as it is. Those characters are read from OpenCC's own dictionaries (dumped with the
`opencc_dict` tool its package ships) and cached per OpenCC installation, next to the rule cache.
Where the tool is missing or fails, every text is converted, as before."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from .rulecache import cache_dir

CACHE_FILE = "opencc-t2s-changing-chars-v1.json"
# Building the check (reading the cached characters, compiling a class of ~5,000 of them) costs
# about as much as converting a few dozen texts: a process starts using it at this text.
CHECK_FROM_TEXT = 24


@lru_cache(maxsize=1)
def converter():
    import opencc

    return opencc.OpenCC("t2s")


def changing_chars(entries) -> set[str]:
    """The characters of dictionary keys by which some key differs from its conversion: every
    character of a one-character key that converts, for a phrase the characters that change
    (all of them when the conversion changes the phrase's length). `entries`: (key, conversion)."""
    chars: set[str] = set()
    for key, value in entries:
        if key == value:
            continue
        if len(key) == len(value):
            chars.update(k for k, v in zip(key, value) if k != v)
        else:
            chars.update(key)
    return chars


def _config_dictionaries(share: Path, config: str = "t2s.json") -> list[Path]:
    """Every dictionary file an OpenCC configuration names, at any depth."""
    files: list[Path] = []

    def visit(node):
        if isinstance(node, dict):
            if node.get("type") in ("ocd2", "text") and "file" in node:
                files.append(share / node["file"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(json.loads((share / config).read_text(encoding="utf-8")))
    return files


def _read_entries(text: str):
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        if key and values:
            yield key, values.split(" ")[0]  # the first candidate is the one OpenCC writes


def _dump(tool: Path, dictionary: Path) -> str:
    if dictionary.suffix != ".ocd2":
        return dictionary.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dict.txt"
        subprocess.run([str(tool), "-i", str(dictionary), "-o", str(out), "-f", "ocd2", "-t", "text"],
                       check=True, capture_output=True, timeout=60)
        return out.read_text(encoding="utf-8")


def _installation() -> tuple[Path, Path, str] | None:
    """(share directory, opencc_dict tool, a key naming this installation's dictionaries)."""
    import opencc

    clib = Path(opencc.__file__).parent / "clib"
    share, tool = clib / "share" / "opencc", clib / "bin" / "opencc_dict"
    if not (share / "t2s.json").is_file() or not os.access(tool, os.X_OK):
        return None
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in [share / "t2s.json", *_config_dictionaries(share)]]
    return share, tool, json.dumps([opencc.__version__, stats])


def _load_changing_chars() -> str | None:
    """The characters, from the cache or worked out from the dictionaries; None when unknown."""
    try:
        found = _installation()
        if found is None:
            return None
        share, tool, key = found
        cached = _read_cache()
        if cached.get("key") == key:
            return cached["chars"]
        entries = (e for d in _config_dictionaries(share) for e in _read_entries(_dump(tool, d)))
        chars = "".join(sorted(changing_chars(entries)))
        _write_cache({"key": key, "chars": chars})
        return chars
    except (OSError, ValueError, KeyError, subprocess.SubprocessError):
        return None


def _read_cache() -> dict:
    directory = cache_dir()
    try:
        return json.loads((directory / CACHE_FILE).read_text(encoding="utf-8")) if directory else {}
    except (OSError, ValueError):
        return {}


def _write_cache(data: dict):
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, delete=False, suffix=".tmp") as tmp:
            json.dump(data, tmp, ensure_ascii=False)
        os.replace(tmp.name, directory / CACHE_FILE)
    except OSError:
        pass  # a cache that cannot be written only costs time


def changing_pattern(chars: str) -> re.Pattern:
    """A regex finding any of `chars`, or a lone surrogate (which OpenCC refuses with an error: a
    text holding one must meet it whether or not the check is built yet). Characters beyond the
    BMP go in as one range: re compiles a class of BMP characters to a bitmap, and one astral
    character among them would make it a list."""
    bmp = "".join(c for c in chars if ord(c) <= 0xFFFF)
    astral = r"\U00010000-\U0010FFFF" if len(bmp) < len(chars) else ""
    return re.compile(f"[{re.escape(bmp)}\\ud800-\\udfff{astral}]")


class _Simplifier:
    def __init__(self):
        self.texts = 0
        self.check: re.Pattern | None | bool = False  # False: not built yet; None: unavailable

    def __call__(self, text: str) -> str:
        self.texts += 1
        if self.check is False and self.texts >= CHECK_FROM_TEXT:
            chars = _load_changing_chars()
            self.check = changing_pattern(chars) if chars is not None else None
        if self.check and self.check.search(text) is None:
            return text
        return converter().convert(text)


_simplify = _Simplifier()


def t2s(text: str) -> str:
    """OpenCC t2s of `text` (the same string, faster, when OpenCC would change nothing)."""
    return _simplify(text)
