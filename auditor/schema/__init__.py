"""JSON Schemas: rule files and the JSON output contract."""

import json
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    return json.loads((HERE / name).read_text(encoding="utf-8"))
