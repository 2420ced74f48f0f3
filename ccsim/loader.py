"""Reading scenario files: safe YAML, precise errors with lines, variants.

``load_scenario(path)`` returns a frozen, fully validated :class:`~ccsim.scenario.Scenario` or
raises :class:`ScenarioError` listing *every* problem of the file, each as
``dotted.path: rule, got value (line N)``.

YAML is read with a safe loader (no tag can run code) that follows YAML 1.2 for plain scalars:
``12:30`` stays the text "12:30" (YAML 1.1 would read the number 750), and only
``true``/``false`` are booleans (``no`` and ``on`` stay text). Duplicate keys, tab
indentation, binary files and alias bombs are rejected with a clear error.
"""

from __future__ import annotations

import copy
import difflib
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ccsim.errors import CcsimError
from ccsim.scenario import Scenario, cross_check

__all__ = ["Problem", "ScenarioError", "load_scenario", "scenario_from_dict", "scenario_json_schema"]

#: Largest scenario file read, in bytes.
MAX_FILE_BYTES = 5_000_000
#: Largest number of YAML nodes after expanding aliases (guards against alias bombs).
MAX_EXPANDED_NODES = 200_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.path}: {self.message}{where}" if self.path else f"{self.message}{where}"


class ScenarioError(CcsimError):
    """A scenario file or dict is invalid; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


# --------------------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema booleans, integers and floats."""


_INT, _FLOAT, _BOOL = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT, _BOOL)]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _read_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise ScenarioError(str(path), [Problem("", "is a directory, expected a YAML scenario file")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(str(path), [Problem("", "no such file")]) from None
    except PermissionError:
        raise ScenarioError(str(path), [Problem("", "permission denied")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(str(path), [Problem("", f"file is larger than {MAX_FILE_BYTES} bytes")])
    if b"\x00" in raw:
        raise ScenarioError(str(path), [Problem("", "not a text file (it contains NUL bytes)")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(str(path), [Problem("", "not a UTF-8 text file", line)]) from None


def _parse(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text into plain data and its node tree (for line numbers)."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip() and not line.lstrip().startswith("#"):
            raise ScenarioError(source, [Problem("", "tab used for indentation; YAML needs spaces", lineno)])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(
            source, [Problem("", f"YAML syntax error: {problem}", mark.line + 1 if mark else None)]
        ) from None
    if node is None:
        raise ScenarioError(
            source, [Problem("", "empty file: expected a scenario (name, channels, agent_groups, ...)")]
        )
    _check_nodes(node, source)
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise ScenarioError(
            source,
            [Problem("", f"YAML tag not allowed (plain data only): {exc.problem}", mark.line + 1 if mark else None)],
        ) from None
    finally:
        loader.dispose()
    return data, node


def _check_nodes(root: yaml.Node, source: str) -> None:
    """Reject alias bombs and duplicate keys."""
    sizes: dict[int, int] = {}
    problems: list[Problem] = []

    def size(node: yaml.Node, depth: int) -> int:
        if depth > 200:
            raise ScenarioError(source, [Problem("", "YAML nested too deeply", node.start_mark.line + 1)])
        key = id(node)
        if key in sizes:
            return sizes[key]
        sizes[key] = 1  # cycles count once
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        problems.append(
                            Problem(
                                "",
                                f"duplicate key {k.value!r} (first on line {seen[k.value]})",
                                k.start_mark.line + 1,
                            )
                        )
                    seen[k.value] = k.start_mark.line + 1
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > MAX_EXPANDED_NODES:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                total += size(v, depth + 1)
                if total > MAX_EXPANDED_NODES:
                    break
        sizes[key] = total
        if total > MAX_EXPANDED_NODES:
            raise ScenarioError(
                source,
                [Problem("", f"document expands to more than {MAX_EXPANDED_NODES} nodes (an alias bomb?)")],
            )
        return total

    size(root, 0)
    if problems:
        raise ScenarioError(source, problems)


def _line_of(node: yaml.Node | None, loc: tuple) -> tuple[int | None, tuple]:
    """The line of the deepest node found along ``loc``, and the part of ``loc`` found."""
    if node is None:
        return None, ()
    line = node.start_mark.line + 1
    found: list = []
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    line, node = k.start_mark.line + 1, v
                    found.append(part)
                    break
            else:
                continue  # a union tag pydantic put in the location: skip it
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
            found.append(part)
        else:
            continue
    return line, tuple(found)


# --------------------------------------------------------------------------- errors


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


def _model_at(data: Any, loc: tuple) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (a location without union tags)."""
    tp: Any = Scenario
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


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}" if len(value) > 6 else repr(list(value))
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _rule(err: dict) -> str:
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


def _problems_from_validation(exc: ValidationError, data: Any, node: yaml.Node | None, prefix: tuple = ()) -> list:
    problems: list[tuple[tuple, str, int | None]] = []
    seen = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        # a value for a union (a constant or a list) is tried against every branch: keep only
        # the errors of the branch that matches the input's shape
        if _wrong_branch(data, loc):
            continue
        line, _ = _line_of(node, prefix + loc)
        shown = _drop_tags(data, loc)
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            shown = (*shown, "dist")
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(data, shown[:-1])
            valid = list(model.model_fields) if model else []
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else (f"; valid keys: {', '.join(valid)}" if valid else "")
            message = f"unknown key{hint}"
        else:
            message = _rule(err)
            value = err.get("input")
            if err["type"] not in ("missing", "value_error", "union_tag_invalid") and not isinstance(value, dict):
                message += f", got {_short(value)}"
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


# --------------------------------------------------------------------------- building


def _validate(data: Any, node: yaml.Node | None, source: str, prefix: tuple = ()) -> Scenario:
    """Validate data into a Scenario; raise ScenarioError with every problem."""
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"{type(data).__name__} {_short(data)}"
        raise ScenarioError(
            source, [Problem("", f"the top level must be a mapping (name:, channels:, agent_groups:, ...), got {kind}")]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        found = _problems_from_validation(exc, data, node, prefix)
        raise ScenarioError(source, [Problem(_join(prefix, loc), msg, line) for loc, msg, line in found]) from None
    problems = []
    for loc, message in cross_check(scenario):
        line, _ = _line_of(node, prefix + loc)
        problems.append(Problem(_join(prefix, loc), message, line))
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def _join(prefix: tuple, loc: tuple) -> str:
    return ".".join(str(p) for p in (*prefix, *loc))


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


def _build(data: Any, node: yaml.Node | None, source: str) -> Scenario:
    scenario = _validate(data, node, source)
    scenario._raw = data
    scenario._node = node
    scenario._source = source
    problems: list[Problem] = []
    for name in scenario.variants:
        try:
            build_variant(scenario, name)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def build_variant(scenario: Scenario, name: str) -> Scenario:
    """The scenario with variant ``name`` applied, validated (cached per scenario)."""
    cache = scenario._variant_cache
    if name in cache:
        return cache[name]
    if name not in scenario.variants:
        known = ", ".join(scenario.variants) or "none"
        close = difflib.get_close_matches(name, list(scenario.variants), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; variants: {known}"
        raise ScenarioError(scenario._source, [Problem("variants", f"no variant {name!r}{hint}")])
    overrides = scenario.variants[name].overrides
    if "variants" in overrides:
        raise ScenarioError(
            scenario._source, [Problem(f"variants.{name}.overrides.variants", "a variant cannot define variants")]
        )
    raw = scenario._raw or scenario.model_dump(exclude={"variants"})
    merged = merge({k: v for k, v in raw.items() if k != "variants"}, overrides)
    node = scenario._node
    try:
        variant = _validate(merged, None, scenario._source)
    except ScenarioError as exc:
        problems = []
        for p in exc.problems:
            loc = tuple(int(x) if x.isdigit() else x for x in p.path.split(".")) if p.path else ()
            in_override = _value_exists(overrides, loc)
            if in_override:
                line, _ = _line_of(node, ("variants", name, "overrides", *loc))
                problems.append(Problem(f"variants.{name}.overrides.{p.path}", p.message, line))
            else:
                line, found = _line_of(node, loc)
                problems.append(
                    Problem(
                        f"variants.{name}: {p.path}" if p.path else f"variants.{name}",
                        p.message,
                        line if found else None,
                    )
                )
        raise ScenarioError(scenario._source, problems) from None
    variant._raw = merged
    variant._source = scenario._source
    variant._variant_name = name
    cache[name] = variant
    return variant


def _value_exists(data: Any, loc: tuple) -> bool:
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            return False
    return bool(loc)


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and return the scenario in a YAML file.

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario file.

    Returns
    -------
    Scenario
        Frozen and fully validated; its variants are validated too.

    Raises
    ------
    ScenarioError
        Listing every problem of the file, each with its dotted path, rule, value and line.
    """
    path = Path(path)
    text = _read_text(path)
    data, node = _parse(text, str(path))
    try:
        return _build(data, node, str(path))
    except ScenarioError as exc:
        if exc.source != str(path):
            raise ScenarioError(str(path), exc.problems) from None
        raise


def scenario_from_dict(data: dict[str, Any], *, source: str = "<dict>") -> Scenario:
    """Validate a scenario given as a plain dict (as the YAML file would give it).

    Parameters
    ----------
    data : dict
        The scenario.
    source : str, default "<dict>"
        A name for error messages.

    Returns
    -------
    Scenario
        Frozen and fully validated.
    """
    return _build(copy.deepcopy(data), None, source)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors to check and complete them."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ccsim scenario"
    return schema
