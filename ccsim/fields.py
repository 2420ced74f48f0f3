"""The building blocks of scenario files: strict frozen models, shares, names and weekdays.

Every part of a scenario (and of a shifts file) is a :class:`Strict` model: unknown keys are
rejected, values are frozen all the way down, and NaN or infinity is refused. A share is a
number or a percent text (``0.3`` or ``"30%"``).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ccsim.errors import Problem, ScenarioError
from ccsim.problems import problems_from_validation, short

__all__ = [
    "PERCENT_PATTERN",
    "WEEKDAYS",
    "FrozenDict",
    "Name",
    "NonNegative",
    "Positive",
    "PositiveShare",
    "Probability",
    "ShareBelowOne",
    "Slowdown",
    "Strict",
    "Weekday",
]

_PERCENT = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*$")
_DECIMAL = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$")
#: JSON Schema pattern of a share written as a percent: ``30%``, ``30 %``, ``12.5%``.
PERCENT_PATTERN = r"^\s*(\d+(\.\d*)?|\.\d+)\s*%\s*$"
_OPS = {"gt": (">", operator.gt), "ge": (">=", operator.ge), "lt": ("<", operator.lt), "le": ("<=", operator.le)}


def _share_type(**bounds: float) -> Any:
    """A share: a number, or a text ending in ``%`` meaning value / 100, within ``bounds``.

    ``bounds`` are pydantic's ``gt``/``ge``/``lt``/``le``. A percent out of range is reported
    with the text given (``must be <= 1, got '150%'``); a number by pydantic as usual.
    """

    def parse(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _PERCENT.match(value)
        if match is None:
            if _DECIMAL.match(value):
                return float(value)
            raise ValueError(f"must be a share: a number such as 0.3 or a percent such as 30%, got {short(value)}")
        share = float(match.group(1)) / 100.0
        for key, bound in bounds.items():
            op, ok = _OPS[key]
            if not ok(share, bound):
                raise ValueError(f"must be {op} {bound:g}, got {short(value)}")
        return share

    constraints: dict[str, Any] = dict(bounds)  # Field's gt/ge/lt/le keywords
    number = Annotated[float, Field(**constraints)]
    percent = Annotated[str, Field(pattern=PERCENT_PATTERN)]
    return Annotated[float, Field(**constraints), BeforeValidator(parse, json_schema_input_type=number | percent)]


#: A probability or share in [0, 1]: ``0.3`` or ``"30%"``.
Probability = _share_type(ge=0, le=1)
#: A share in (0, 1] (a service-level target).
PositiveShare = _share_type(gt=0, le=1)
#: A share in [0, 1) (shrinkage).
ShareBelowOne = _share_type(ge=0, lt=1)
#: A share by which something grows, 0 to 10 (1000 %).
Slowdown = _share_type(ge=0, le=10)
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=64)]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class FrozenDict(dict):
    """A mapping of a scenario part: read like a dict, never changed (the scenario is a value)."""

    def _frozen(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a scenario cannot be changed: use scenario.replace({...}) for a changed copy")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _frozen  # type: ignore[assignment]
    __ior__ = _frozen  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return (FrozenDict, (dict(self),))

    def __deepcopy__(self, memo: dict) -> FrozenDict:
        import copy

        return FrozenDict(copy.deepcopy(dict(self), memo))


def _freeze(value: Any) -> Any:
    """Mappings and lists inside a scenario part, made immutable all the way down."""
    if isinstance(value, dict):
        return FrozenDict({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple) and not isinstance(value, BaseModel):
        return tuple(_freeze(v) for v in value)
    return value


class Strict(BaseModel):
    """Base of every scenario part: unknown keys rejected, frozen all the way down, no NaN or infinity.

    Mappings inside are :class:`FrozenDict`; ``model_copy(update=...)`` validates the copy, so
    that no part of a scenario can hold a value its validation would refuse.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, validate_default=True)

    @model_validator(mode="after")
    def _freeze_mappings(self) -> Strict:
        for name, value in self.__dict__.items():
            if isinstance(value, dict | list):
                object.__setattr__(self, name, _freeze(value))
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, fields replaced and the copy validated like the original."""
        if not update:
            return super().model_copy(deep=deep)
        data = self.model_dump(exclude_unset=True)
        data.update(update)
        try:
            return type(self).model_validate(data)
        except ValidationError as exc:
            found = problems_from_validation(exc, data, type(self))
            problems = [Problem(".".join(str(p) for p in loc), m, None) for loc, m, _ in found]
            raise ScenarioError(f"{type(self).__name__}.model_copy", problems) from None


_HHMM = re.compile(r"([0-9]{1,2}):([0-5][0-9])")


def minutes_of_day(text: str) -> int:
    """Minutes after midnight of a time of day, ``HH:MM`` or ``H:MM`` (``09:00``, ``9:00``; ``24:00`` is 1440).

    ccsim's one reading of a time of day: the calendar's ``open``, ``close`` and ``hours``, the
    costs' night hours, shift types' start times, caps and premiums, a forecast's
    ``interval_start``, a requirement's ``start``.

    Raises
    ------
    ValueError
        When the text is not a time of day from 00:00 to 24:00.
    """
    m = _HHMM.fullmatch(text) if isinstance(text, str) else None
    if not m or int(m.group(1)) > 24 or (int(m.group(1)) == 24 and m.group(2) != "00"):
        raise ValueError(f"must be a time of day as HH:MM (00:00 to 24:00), got {text!r}")
    return int(m.group(1)) * 60 + int(m.group(2))
