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
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from ccsim.errors import Problem, ScenarioError
from ccsim.forecast import apply_forecasts
from ccsim.problems import merge
from ccsim.scenario import Scenario, validate_scenario

__all__ = ["Problem", "ScenarioError", "load_scenario", "merge", "scenario_from_dict", "scenario_json_schema"]

#: Largest scenario file read, in bytes.
MAX_FILE_BYTES = 5_000_000
#: Largest number of YAML nodes after expanding aliases (guards against alias bombs).
MAX_EXPANDED_NODES = 200_000


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


def _entries(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """A mapping's key and value nodes, then those merged into it with ``<<: *anchor``.

    A key written in the mapping wins over a merged one, as YAML merges them; so an error in a
    key that came from an anchor is found at the anchor's line, not at the mapping that merged it.
    """
    own = [(k, v) for k, v in node.value if not (isinstance(k, yaml.ScalarNode) and k.tag == "tag:yaml.org,2002:merge")]
    merged: list[tuple[yaml.Node, yaml.Node]] = []
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.tag == "tag:yaml.org,2002:merge":
            for source in v.value if isinstance(v, yaml.SequenceNode) else [v]:
                if isinstance(source, yaml.MappingNode):
                    merged.extend(_entries(source))
    return own + merged


def _line_of(node: yaml.Node | None, loc: tuple) -> tuple[int | None, tuple]:
    """The line of the deepest node found along ``loc``, and the part of ``loc`` found."""
    if node is None:
        return None, ()
    line = node.start_mark.line + 1
    found: list = []
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in _entries(node):
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


# --------------------------------------------------------------------------- building


def _build(data: Any, node: yaml.Node | None, source: str) -> Scenario:
    """Validate data from a file into a Scenario (its variants too), with lines in the errors."""

    def line_of(loc: tuple) -> int | None:
        return _line_of(node, loc)[0]

    return validate_scenario(data, source=source, line_of=line_of if node is not None else None)


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and return the scenario in a YAML file.

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario file.

    Returns
    -------
    Scenario
        Frozen and fully validated; its variants are validated too. A forecast file the
        scenario (or a variant) names is read into its channels (:mod:`ccsim.forecast`).

    Raises
    ------
    ScenarioError
        Listing every problem of the file, each with its dotted path, rule, value and line.
    """
    path = Path(path)
    text = _read_text(path)
    data, node = _parse(text, str(path))
    data = apply_forecasts(data, path, lambda loc: _line_of(node, loc)[0])
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
    # top-level "x-" keys hold YAML anchors for reuse (dropped before validation)
    schema["patternProperties"] = {"^x-": {}}
    return schema


def load_model(path: str | Path, model_cls: type[BaseModel], *, what: str = "shifts file") -> Any:
    """Read a YAML file into any frozen model (a standalone shifts file, say), errors with lines.

    The file is read as a scenario file is (safe YAML 1.2, duplicate keys and alias bombs
    refused), and validated by ``model_cls`` (a pydantic model such as
    :class:`ccsim.planning.Scheduling`).

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML file.
    model_cls : type
        The pydantic model class validating the file's top-level mapping.
    what : str, default "shifts file"
        What the file is, for error messages.

    Returns
    -------
    object
        The validated ``model_cls`` instance.

    Raises
    ------
    ScenarioError
        Listing every problem of the file, each with its dotted path, rule, value and line.
    """
    from pydantic import ValidationError

    from ccsim.problems import problems_from_validation, short

    path = Path(path)
    source = str(path)
    text = _read_text(path)
    try:
        data, node = _parse(text, source)
    except ScenarioError as exc:
        if exc.problems and exc.problems[0].message.startswith("empty file"):
            raise ScenarioError(source, [Problem("", f"empty file: expected a {what}")]) from None
        raise
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"{type(data).__name__} {short(data)}"
        raise ScenarioError(source, [Problem("", f"the top level of a {what} must be a mapping of keys, got {kind}")])
    try:
        return model_cls.model_validate(data)
    except ValidationError as exc:
        found = problems_from_validation(exc, data, model_cls, lambda loc: _line_of(node, loc)[0])
        problems = [Problem(".".join(str(p) for p in loc), message, line) for loc, message, line in found]
        raise ScenarioError(source, problems) from None
