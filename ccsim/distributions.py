"""Distributions of times (handle time, patience, delays), given by readable parameters.

In a scenario a distribution is a mapping with a ``dist`` key, e.g.
``{dist: lognormal, mean_s: 240, cv: 0.6}``. Every distribution knows its mean and draws
samples from a numpy ``Generator`` (no global random state).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "Lognormal",
    "Uniform",
    "Weibull",
]

Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    # every distribution has a ``mean_s`` (a field or a property)

    def sample(self, rng: np.random.Generator, size: int | None = None) -> np.ndarray | float:
        """Draw ``size`` values (seconds) from ``rng``."""
        raise NotImplementedError  # pragma: no cover


class Exponential(_Spec):
    """Exponential with the given mean (memoryless; the Erlang C / A assumption)."""

    dist: Literal["exponential"]
    mean_s: Positive = Field(description="mean in seconds")

    def sample(self, rng, size=None):
        """Draw exponential values."""
        return rng.exponential(self.mean_s, size)


class Lognormal(_Spec):
    """Lognormal given by its mean and coefficient of variation (std / mean)."""

    dist: Literal["lognormal"]
    mean_s: Positive = Field(description="mean in seconds")
    cv: Positive = Field(description="coefficient of variation: standard deviation / mean")

    def sample(self, rng, size=None):
        """Draw lognormal values."""
        sigma2 = math.log1p(self.cv**2)
        return rng.lognormal(math.log(self.mean_s) - sigma2 / 2, math.sqrt(sigma2), size)


class Gamma(_Spec):
    """Gamma given by its mean and coefficient of variation (cv 1 is exponential)."""

    dist: Literal["gamma"]
    mean_s: Positive = Field(description="mean in seconds")
    cv: Positive = Field(description="coefficient of variation: standard deviation / mean")

    def sample(self, rng, size=None):
        """Draw gamma values."""
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean_s / shape, size)


class Weibull(_Spec):
    """Weibull given by its mean and shape (shape 1 is exponential; < 1 heavy early hang-ups)."""

    dist: Literal["weibull"]
    mean_s: Positive = Field(description="mean in seconds")
    shape: Positive = Field(description="Weibull shape parameter k")

    def sample(self, rng, size=None):
        """Draw Weibull values."""
        scale = self.mean_s / math.gamma(1.0 + 1.0 / self.shape)
        return scale * rng.weibull(self.shape, size)


class Deterministic(_Spec):
    """Always the same value."""

    dist: Literal["deterministic"]
    value_s: NonNegative = Field(description="the value in seconds")

    @property
    def mean_s(self) -> float:
        """The value."""
        return self.value_s

    def sample(self, rng, size=None):
        """Return the value (``size`` copies)."""
        return self.value_s if size is None else np.full(size, self.value_s)


class Uniform(_Spec):
    """Uniform between two bounds."""

    dist: Literal["uniform"]
    min_s: NonNegative = Field(description="lower bound in seconds")
    max_s: NonNegative = Field(description="upper bound in seconds")

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


class Empirical(_Spec):
    """Resampling of observed values (each equally likely)."""

    dist: Literal["empirical"]
    values_s: tuple[NonNegative, ...] = Field(min_length=1, description="observed values in seconds")

    @property
    def mean_s(self) -> float:
        """The mean of the observed values."""
        return float(np.mean(self.values_s))

    def sample(self, rng, size=None):
        """Draw observed values with replacement."""
        return rng.choice(np.asarray(self.values_s), size)


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Weibull | Deterministic | Uniform | Empirical,
    Field(discriminator="dist"),
]
"""Any of the distributions, chosen by its ``dist`` key."""

#: The ``dist`` names, for error messages and docs.
DIST_NAMES = ("exponential", "lognormal", "gamma", "weibull", "deterministic", "uniform", "empirical")
