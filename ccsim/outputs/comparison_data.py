"""A comparison of variants as plain JSON-ready data (``ccsim compare --json``)."""

from __future__ import annotations

import math
from typing import Any

from ccsim.variants import VariantComparison

__all__ = ["comparison_dict"]


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def comparison_dict(cmp: VariantComparison) -> dict[str, Any]:
    """Every variant's KPIs, targets and ``cost`` object, the paired differences, sensitivity and paybacks.

    Per variant, ``cost`` holds ``horizon_total``, ``per_month``, ``running_per_month`` and the
    unit costs (``per_contact``, ...) as ``{"mean", "ci95"}``, and ``items``: one entry per
    cost item (``horizon``, ``per_month`` and their CIs); see :meth:`ccsim.economics.CostResult.summary`.
    """
    variants = {}
    for r in cmp.runs:
        variants[r.name] = {
            "meets_every_target": r.targets_met,
            "targets": [vars(t) | {"met": t.met} for t in r.result.targets],
            "channels": r.result.channels,
            "groups": r.result.groups,
            "staffing": {g: [int(x) for x in v] for g, v in r.result.staffing.items()},
            "planned": r.plan is not None,
            "cost": r.costs.summary() if r.costs is not None and hasattr(r.costs, "summary") else None,
        }
    differences = {}
    for name, c in cmp.differences.items():
        differences[name] = {
            "kpis": [row for row in c.rows if "channel" in row],
            "groups": [row for row in c.rows if "group" in row],
            "costs_per_month": cmp.cost_differences.get(name, {}),
        }
    return _clean(
        {
            "scenario": cmp.scenario,
            "seed": cmp.seed,
            "replications": cmp.replications,
            "baseline": cmp.baseline,
            "cheapest_meeting_every_target": cmp.cheapest,
            "variants": variants,
            "differences": differences,
            "paybacks": {name: vars(p) for name, p in cmp.paybacks.items()},
            "volume_scales": list(cmp.volume_scales),
            "sensitivity": [
                {
                    "scale": r.scale,
                    "variant": r.name,
                    "offered_per_month": r.offered_per_month,
                    "per_month": r.monthly_cost,
                    "service_level": r.result.channel("all")["service_level"],
                    "answer_rate": r.result.channel("all")["answer_rate"],
                    "meets_every_target": r.targets_met,
                }
                for scale in cmp.volume_scales
                for r in [cmp.run(n, scale) for n in cmp.names]
            ],
            "break_even": [vars(b) for b in cmp.break_even],
        }
    )
