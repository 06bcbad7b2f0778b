"""Indented JSON text, byte for byte what json.dumps(value, ensure_ascii=False, indent=2) prints.

The standard library encodes indented JSON in pure Python with one generator per container, which
made JSON and SARIF output the largest cost of a batch's parent process. This encoder follows
json.encoder's rules type by type (str subclasses as strings, bool before int, NaN and Infinity,
dict keys) and appends to one list of pieces; strings go through json's C string encoder. It does
not look for circular references: the outputs are trees."""

from __future__ import annotations

from json.encoder import encode_basestring

_INFINITY = float("inf")


def dumps_indented(value, level: int = 0) -> str:
    """`value` as json.dumps(indent=2) prints it when nested `level` deep in a larger document."""
    pieces: list[str] = []
    _encode(value, "\n" + "  " * level, pieces)
    return "".join(pieces)


def _encode(value, newline: str, pieces: list):
    kind = type(value)
    if kind is str:
        pieces.append(encode_basestring(value))
    elif kind is dict:
        _encode_dict(value, newline, pieces)
    elif kind is list or kind is tuple:
        _encode_list(value, newline, pieces)
    elif kind is int:
        pieces.append(int.__repr__(value))
    else:
        pieces.append(_other(value, newline))


def _other(value, newline: str) -> str:
    """The less common types, in json.encoder's order of isinstance tests."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, (list, tuple)):
        return _joined(_encode_list, value, newline)
    if isinstance(value, dict):
        return _joined(_encode_dict, value, newline)
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _joined(encode, value, newline: str) -> str:
    pieces: list[str] = []
    encode(value, newline, pieces)
    return "".join(pieces)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key(key) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _encode_list(items, newline: str, pieces: list):
    if not items:
        pieces.append("[]")
        return
    inner = newline + "  "
    comma, separator = "," + inner, "[" + inner
    append = pieces.append
    for item in items:
        kind = type(item)
        if kind is str:
            append(f"{separator}{encode_basestring(item)}")
        elif kind is int:
            append(f"{separator}{int.__repr__(item)}")
        else:
            append(separator)
            _encode(item, inner, pieces)
        separator = comma
    append(newline + "]")


def _encode_dict(mapping: dict, newline: str, pieces: list):
    if not mapping:
        pieces.append("{}")
        return
    inner = newline + "  "
    comma, separator = "," + inner, "{" + inner
    append = pieces.append
    for key, value in mapping.items():
        if type(key) is not str:
            key = _key(key)
        kind = type(value)
        if kind is str:
            append(f"{separator}{encode_basestring(key)}: {encode_basestring(value)}")
        elif kind is int:
            append(f"{separator}{encode_basestring(key)}: {int.__repr__(value)}")
        else:
            append(f"{separator}{encode_basestring(key)}: ")
            _encode(value, inner, pieces)
        separator = comma
    append(newline + "}")
