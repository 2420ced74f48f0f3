"""The one exception family of ccsim.

Every error a user can cause by bad input is a :class:`CcsimError`. The command line turns it
into a single line on stderr and exit code 2; Python callers can catch it (it is also a
``ValueError``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CcsimError", "InputError", "Problem", "ScenarioError"]


class CcsimError(ValueError):
    """Base class of every error caused by bad input to ccsim."""


class InputError(CcsimError):
    """A function argument is out of its domain.

    The message names the argument, the rule and the offending value, e.g.
    ``shrinkage: must be in [0, 1), got 1.2``.
    """

    def __init__(self, name: str, rule: str, value: object, index: int | tuple[int, ...] | None = None) -> None:
        self.name = name
        self.rule = rule
        self.value = value
        self.index = index
        where = "" if index is None else f" (at index {index})"
        super().__init__(f"{name}: {rule}, got {value!r}{where}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (a dotted path), what rule, and the line."""

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
