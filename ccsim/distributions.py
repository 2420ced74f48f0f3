"""Distributions of times (handle time, patience, delays), given by readable parameters.

In a scenario a distribution is a mapping with a ``dist`` key, e.g.
``{dist: lognormal, mean_s: 240, cv: 0.6}``. Every distribution knows its mean and draws
samples from a numpy ``Generator`` (no global random state).

Every time is at most :data:`MAX_TIME_S` (30 days): no handle time, patience or delay of a
real desk is longer, and a larger value only makes a run useless or slow. ``cv`` and the
Weibull ``shape`` are bounded too, so that sampling cannot overflow.
"""

from __future__ import annotations

import functools
import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, model_validator
from pydantic_core import core_schema
from scipy import special

__all__ = [
    "MAX_TIME_S",
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "Lognormal",
    "Uniform",
    "Weibull",
]

#: Longest time a scenario may give, in seconds (30 days).
MAX_TIME_S = 2_592_000


def shown(value: Any) -> str:
    """A number as a message shows it: whole floats without ``.0`` (``480000000``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


class AtMost:
    """Annotated metadata: an upper bound with a readable message, and ``maximum`` in the JSON schema.

    ``Annotated[float, Field(ge=0), AtMost(10_000_000, "contacts per interval")]`` rejects
    20,000,000 with ``must be <= 10,000,000 contacts per interval, got 20000000``. Not for
    the members of a union: the check would change their labels in pydantic's errors.

    Parameters
    ----------
    limit : int
        The largest value allowed.
    unit : str, optional
        Words after the limit in the message (a unit, or what is counted).
    """

    def __init__(self, limit: int, unit: str = "") -> None:
        self.limit = limit
        self.unit = unit

    def check(self, value: Any) -> Any:
        """Return ``value``; raise ``ValueError`` when it exceeds the limit."""
        if value > self.limit:
            unit = f" {self.unit}" if self.unit else ""
            raise ValueError(f"must be <= {self.limit:,}{unit}, got {shown(value)}")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> Any:
        out = handler(schema)
        out["maximum"] = self.limit
        return out


_TIME = AtMost(MAX_TIME_S, "s (30 days)")
#: A time in seconds, > 0 and at most 30 days.
PositiveSeconds = Annotated[float, Field(gt=0), _TIME]
#: A time in seconds, >= 0 and at most 30 days.
Seconds = Annotated[float, Field(ge=0), _TIME]
#: A coefficient of variation (std / mean) of a distribution.
Cv = Annotated[float, Field(ge=0.001, le=100)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    # every distribution has a ``mean_s`` (a field or a property)

    def sample(self, rng: np.random.Generator, size: int | None = None) -> np.ndarray | float:
        """Draw ``size`` values (seconds) from ``rng``."""
        raise NotImplementedError  # pragma: no cover

    def ppf(self, u: float) -> float:
        """The value at quantile ``u`` in [0, 1) (inverse transform: ``ppf(U)`` has this distribution)."""
        raise NotImplementedError  # pragma: no cover


class Exponential(_Spec):
    """Exponential with the given mean (memoryless; the Erlang C / A assumption)."""

    dist: Literal["exponential"]
    mean_s: PositiveSeconds = Field(description="mean in seconds")

    def sample(self, rng, size=None):
        """Draw exponential values."""
        return rng.exponential(self.mean_s, size)

    def ppf(self, u):
        """The exponential quantile."""
        return -self.mean_s * math.log1p(-u)


class Lognormal(_Spec):
    """Lognormal given by its mean and coefficient of variation (std / mean)."""

    dist: Literal["lognormal"]
    mean_s: PositiveSeconds = Field(description="mean in seconds")
    cv: Cv = Field(description="coefficient of variation: standard deviation / mean")

    def sample(self, rng, size=None):
        """Draw lognormal values."""
        sigma2 = math.log1p(self.cv**2)
        return rng.lognormal(math.log(self.mean_s) - sigma2 / 2, math.sqrt(sigma2), size)

    def ppf(self, u):
        """The lognormal quantile."""
        sigma2 = math.log1p(self.cv**2)
        return math.exp(math.log(self.mean_s) - sigma2 / 2 + math.sqrt(sigma2) * float(special.ndtri(u)))


class Gamma(_Spec):
    """Gamma given by its mean and coefficient of variation (cv 1 is exponential)."""

    dist: Literal["gamma"]
    mean_s: PositiveSeconds = Field(description="mean in seconds")
    cv: Cv = Field(description="coefficient of variation: standard deviation / mean")

    def sample(self, rng, size=None):
        """Draw gamma values."""
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean_s / shape, size)

    def ppf(self, u):
        """The gamma quantile."""
        shape = 1.0 / self.cv**2
        return float(special.gammaincinv(shape, u)) * self.mean_s / shape


class Weibull(_Spec):
    """Weibull given by its mean and shape (shape 1 is exponential; < 1 heavy early hang-ups)."""

    dist: Literal["weibull"]
    mean_s: PositiveSeconds = Field(description="mean in seconds")
    shape: Annotated[float, Field(ge=0.1)] = Field(description="Weibull shape parameter k")

    def sample(self, rng, size=None):
        """Draw Weibull values."""
        scale = self.mean_s / math.gamma(1.0 + 1.0 / self.shape)
        return scale * rng.weibull(self.shape, size)

    def ppf(self, u):
        """The Weibull quantile."""
        scale = self.mean_s / math.gamma(1.0 + 1.0 / self.shape)
        return scale * (-math.log1p(-u)) ** (1.0 / self.shape)


class Deterministic(_Spec):
    """Always the same value."""

    dist: Literal["deterministic"]
    value_s: Seconds = Field(description="the value in seconds")

    @property
    def mean_s(self) -> float:
        """The value."""
        return self.value_s

    def sample(self, rng, size=None):
        """Return the value (``size`` copies)."""
        return self.value_s if size is None else np.full(size, self.value_s)

    def ppf(self, u):
        """The value."""
        return self.value_s


class Uniform(_Spec):
    """Uniform between two bounds."""

    dist: Literal["uniform"]
    min_s: Seconds = Field(description="lower bound in seconds")
    max_s: Seconds = Field(description="upper bound in seconds")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.max_s < self.min_s:
            raise ValueError(f"max_s must be >= min_s, got min_s={self.min_s:g}, max_s={self.max_s:g}")
        return self

    @property
    def mean_s(self) -> float:
        """The midpoint."""
        return (self.min_s + self.max_s) / 2

    def sample(self, rng, size=None):
        """Draw uniform values."""
        return rng.uniform(self.min_s, self.max_s, size)

    def ppf(self, u):
        """The uniform quantile."""
        return self.min_s + (self.max_s - self.min_s) * u


class Empirical(_Spec):
    """Resampling of observed values (each equally likely)."""

    dist: Literal["empirical"]
    values_s: tuple[Seconds, ...] = Field(min_length=1, description="observed values in seconds")

    @property
    def mean_s(self) -> float:
        """The mean of the observed values."""
        return float(np.mean(self.values_s))

    def sample(self, rng, size=None):
        """Draw observed values with replacement."""
        return rng.choice(np.asarray(self.values_s), size)

    def ppf(self, u):
        """The observed value at quantile ``u`` (the values in order, each an equal share)."""
        ordered = self._ordered
        return ordered[min(int(u * len(ordered)), len(ordered) - 1)]

    @functools.cached_property
    def _ordered(self) -> tuple[float, ...]:
        return tuple(sorted(self.values_s))


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Weibull | Deterministic | Uniform | Empirical,
    Field(discriminator="dist"),
]
"""Any of the distributions, chosen by its ``dist`` key."""

#: The ``dist`` names, for error messages and docs.
DIST_NAMES = ("exponential", "lognormal", "gamma", "weibull", "deterministic", "uniform", "empirical")
