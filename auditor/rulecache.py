"""A cache of rule files already validated, so that a run whose rules have not changed skips
YAML parsing and JSON Schema validation (the slowest part of starting up).

Entries are keyed by the SHA-256 of a file's bytes, salted with the tool version, every schema a
rule is validated against and the check kinds' message fields: editing a rule, a schema or a check
kind's contract invalidates it. The
cache is plain JSON under $OGI_AUDITOR_CACHE, else $XDG_CACHE_HOME/ogi-auditor, else
~/.cache/ogi-auditor. OGI_AUDITOR_NO_CACHE=1 turns it off; an unwritable directory is ignored."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from . import __version__

FILE_NAME = "validated-rules-v1.json"


def cache_dir() -> Path | None:
    if os.environ.get("OGI_AUDITOR_NO_CACHE"):
        return None
    explicit = os.environ.get("OGI_AUDITOR_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ogi-auditor"


@lru_cache(maxsize=1)
def _salt() -> bytes:
    from .checks import KINDS
    from .schema import HERE

    parts = [__version__.encode()]
    parts += [p.read_bytes() for p in sorted(HERE.glob("*.schema.json"))]
    parts += [json.dumps([KINDS[k].PARAMS_SCHEMA, getattr(KINDS[k], "MESSAGE_FIELDS", None)], sort_keys=True).encode()
              for k in sorted(KINDS)]
    return hashlib.sha256(b"\0".join(parts)).digest()


def key_of(content: bytes) -> str:
    return hashlib.sha256(_salt() + content).hexdigest()


class ValidatedRules:
    """Rule data known to be valid, by content key; `save()` writes new entries back."""

    def __init__(self):
        self.directory = cache_dir()
        self.entries: dict[str, dict] = {}
        self.dirty = False
        if self.directory is not None:
            try:
                self.entries = json.loads((self.directory / FILE_NAME).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}

    def get(self, content: bytes) -> dict | None:
        return self.entries.get(key_of(content)) if self.directory else None

    def put(self, content: bytes, data: dict):
        if self.directory is not None:
            self.entries[key_of(content)] = data
            self.dirty = True

    def save(self):
        if not (self.dirty and self.directory):
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.directory, delete=False,
                                             suffix=".tmp") as tmp:
                json.dump(self.entries, tmp, ensure_ascii=False)
            os.replace(tmp.name, self.directory / FILE_NAME)
            self.dirty = False
        except OSError:
            pass  # a cache that cannot be written only costs time


def shared_cache() -> ValidatedRules:
    """One cache per process and cache directory."""
    return _cache_for(str(cache_dir()))


@lru_cache(maxsize=8)
def _cache_for(directory: str) -> ValidatedRules:
    return ValidatedRules()
