"""Readable problems from validation: a dotted path, the rule broken and the value given.

Turns pydantic's validation errors into ``(location, message, line)`` entries (unknown keys
get the closest valid name; union branches that do not match the input's shape are left
out), and merges override mappings (variants, ``Scenario.replace``). It knows nothing of YAML
or of files: a caller that has lines passes ``line_of``.
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

__all__ = ["merge", "problems_from_validation", "short"]


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types an annotation allows (Annotated and Optional removed)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        out = []
        for arg in typing.get_args(tp):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [tp]


def _model_at(root: type[BaseModel], data: Any, loc: tuple) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (a location without union tags)."""
    tp: Any = root
    cur = data
    for part in (*loc, None):
        options = _unwrap(tp)
        models = [o for o in options if isinstance(o, type) and issubclass(o, BaseModel)]
        if len(models) > 1 and isinstance(cur, dict):  # a discriminated union: pick by its tag
            models = [m for m in models if "dist" in m.model_fields and cur.get("dist") in _tags(m)]
        if part is None:
            return models[0] if len(models) == 1 else None
        if models and isinstance(part, str) and part in models[0].model_fields:
            tp = models[0].model_fields[part].annotation
        else:
            containers = [o for o in options if typing.get_origin(o) in (dict, tuple, list)]
            if not containers:
                return None
            args = typing.get_args(containers[0])
            tp = args[-1] if typing.get_origin(containers[0]) is dict else args[0]
        cur = cur.get(part) if isinstance(cur, dict) else None
    return None  # pragma: no cover - the loop returns at the sentinel


def _tags(model: type[BaseModel]) -> tuple:
    return typing.get_args(model.model_fields["dist"].annotation)


def short(value: Any) -> str:
    """A value as shown in a message (long lists and mappings abbreviated)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}" if len(value) > 6 else repr(list(value))
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _rule(err: ErrorDetails) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    simple = {
        "missing": "is required",
        "float_type": "must be a number",
        "float_parsing": "must be a number",
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "finite_number": "must be a finite number (no NaN or infinity)",
        "string_type": "must be text",
        "bool_type": "must be true or false",
        "bool_parsing": "must be true or false",
        "dict_type": "must be a mapping of keys",
        "model_type": "must be a mapping of keys",
        "model_attributes_type": "must be a mapping of keys",
        "tuple_type": "must be a list",
        "list_type": "must be a list",
        "string_pattern_mismatch": "must be a name: a letter, then letters, digits, '_' or '-'",
    }
    if kind in simple:
        return simple[kind]
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[kind]
        bound = next(iter(ctx.values()))
        return f"must be {op} {bound:g}" if isinstance(bound, int | float) else f"must be {op} {bound}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}"
    if kind == "union_tag_invalid":
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        close = difflib.get_close_matches(str(ctx.get("tag")), tags, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"must be one of {', '.join(tags)}, got {ctx.get('tag')!r}{hint}"
    if kind == "union_tag_not_found":
        return "needs a 'dist' key (exponential, lognormal, gamma, weibull, deterministic, uniform or empirical)"
    if kind in ("too_short", "too_long"):
        what = "at least" if kind == "too_short" else "at most"
        n = ctx.get("min_length", ctx.get("max_length"))
        return f"must have {what} {n} item{'s' if n != 1 else ''}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    msg = err["msg"]
    return msg[0].lower() + msg[1:]


def problems_from_validation(
    exc: ValidationError, data: Any, root: type[BaseModel], line_of: Callable[[tuple], int | None] | None = None
) -> list[tuple[tuple, str, int | None]]:
    """Readable problems from a pydantic validation error.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error of validating ``data`` with the model ``root``.
    data : object
        The validated data (to tell union labels from real keys, and to suggest keys).
    root : type
        The model class validated.
    line_of : callable, optional
        ``line_of(location) -> line or None``, for the line of a location in a file.

    Returns
    -------
    list of (location, message, line)
        One entry per distinct problem: the location without pydantic's union labels, a
        message naming the rule and the offending value, and the line (or None).
    """
    problems: list[tuple[tuple, str, int | None]] = []
    seen = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        # a value for a union (a constant or a list) is tried against every branch: keep only
        # the errors of the branch that matches the input's shape
        if _wrong_branch(data, loc):
            continue
        shown = _drop_tags(data, loc)
        line = line_of(loc) if line_of is not None else None
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            shown = (*shown, "dist")
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(root, data, shown[:-1])
            valid = list(model.model_fields) if model else []
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else (f"; valid keys: {', '.join(valid)}" if valid else "")
            message = f"unknown key{hint}"
        else:
            message = _rule(err)
            value = err.get("input")
            if err["type"] not in ("missing", "value_error", "union_tag_invalid") and not isinstance(value, dict):
                message += f", got {short(value)}"
        path = ".".join(str(p) for p in shown)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append((shown, message, line))
    return problems


def _is_tag(cur: Any, part: Any, rest: tuple) -> bool:
    """Whether ``part`` of an error location is a union label pydantic inserted, not data."""
    if not isinstance(part, str):
        return False
    if isinstance(cur, dict):
        if part in cur:
            return False
        # the chosen member of a discriminated union, or a branch label before a real key
        return cur.get("dist") == part or (bool(rest) and rest[0] in cur)
    return cur is not None  # below a scalar or a list, a string is a branch label


def _drop_tags(data: Any, loc: tuple) -> tuple:
    """``loc`` without the union labels pydantic inserts (parts that are not in the data)."""
    out: list = []
    cur = data
    for i, part in enumerate(loc):
        if _is_tag(cur, part, loc[i + 1 :]):
            continue
        out.append(part)
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            cur = None
    return tuple(out)


def _wrong_branch(data: Any, loc: tuple) -> bool:
    """Whether an error belongs to a union branch of the other shape than the input."""
    cur = data
    for i, part in enumerate(loc):
        if part == "[key]":  # a mapping's key broke its rule (a weekday that is none): no branch
            return False
        if isinstance(part, str) and not isinstance(cur, dict) and cur is not None:
            sequence_branch = "[" in part
            return isinstance(cur, list) != sequence_branch
        if isinstance(cur, dict):
            cur = cur.get(part) if not _is_tag(cur, part, loc[i + 1 :]) else cur
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            cur = None
    return False


def merge(base: Any, overrides: Any) -> Any:
    """Deep-merge ``overrides`` into a copy of ``base``.

    Mappings merge key by key, ``None`` (YAML ``null``) removes a key, anything else replaces.
    """
    if not isinstance(base, dict) or not isinstance(overrides, dict):
        return copy.deepcopy(overrides)
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
