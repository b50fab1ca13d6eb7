"""Does the plan hold? (``robustness-v1.md``): N-1 and availability, from the variant core.

A state of the fleet is a mask: an airframe lost, a facility lost with the airframes based
on it, a draw of which airframes are serviceable and whether the weather grounds the
helicopters. Every state is judged by :meth:`~medevac.variants.VariantCore.judge`, in
batches that :mod:`medevac.planning.cluster` may spread over a Dask cluster.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from medevac.check import reported_min
from medevac.model import Scenario
from medevac.planning.optimise import Condition, condition_name
from medevac.standards import Leg
from medevac.variants import VariantCore

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
Judge = Callable[[VariantCore, BoolArray, str, bool], BoolArray]
"""``judge(core, masks, season, night) -> (states, legs, sites)``: in-process or on a cluster."""

EXACT_MAX_VARIABLES = 16
"""Enumerate every state up to this many uncertain binary variables (2**16 states)."""

WILSON_Z = 1.959963984540054
"""The 97.5 % point of the standard normal: a 95 % two-sided Wilson interval."""


def in_process(core: VariantCore, masks: BoolArray, season: str, night: bool) -> BoolArray:
    return core.judge(masks, season, night)  # type: ignore[arg-type]


def _mask_without(
    core: VariantCore, facilities: Sequence[str] = (), airframes: Sequence[str] = ()
) -> BoolArray:
    return core.mask(facilities_off=facilities, airframes_off=airframes)


# -- N-1 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    sites_meeting_all: int
    personnel_meeting_all: int
    sites_lost: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssetLoss:
    """One asset lost alone, under each condition."""

    asset: str  # "airframe" | "facility"
    id: str
    by_condition: dict[str, Tally]


@dataclass(frozen=True)
class NMinusOne:
    conditions: tuple[Condition, ...]
    baseline: dict[str, Tally]
    losses: tuple[AssetLoss, ...]
    meets_all: dict[str, BoolArray]  # condition -> (cases, sites): baseline first, then losses
    site_ids: tuple[str, ...]

    def single_points_of_failure(self) -> list[AssetLoss]:
        """Losses that cost at least one site somewhere, most personnel lost first."""
        hurt = [loss for loss in self.losses if any(t.sites_lost for t in loss.by_condition.values())]
        return sorted(
            hurt,
            key=lambda loss: (
                -sum(
                    self.baseline[c].personnel_meeting_all - t.personnel_meeting_all
                    for c, t in loss.by_condition.items()
                )
            ),
        )

    def to_json(self) -> dict[str, object]:
        def tally(t: Tally, lost: bool) -> dict[str, object]:
            record: dict[str, object] = {
                "sites_meeting_all": t.sites_meeting_all,
                "personnel_meeting_all": t.personnel_meeting_all,
            }
            if lost:
                record["sites_lost"] = list(t.sites_lost)
            return record

        return {
            "conditions": [condition_name(c) for c in self.conditions],
            "baseline": {c: tally(t, False) for c, t in self.baseline.items()},
            "n_minus_1": [
                {
                    "asset": loss.asset,
                    "id": loss.id,
                    "by_condition": {c: tally(t, True) for c, t in loss.by_condition.items()},
                }
                for loss in self.losses
            ],
        }


def loss_cases(scenario: Scenario, core: VariantCore) -> list[tuple[str, str, BoolArray]]:
    """``(asset, id, mask)``: the full scenario (``("", "")``), then each airframe, then each
    facility of the file lost alone (a facility with the airframes based on it)."""
    cases: list[tuple[str, str, BoolArray]] = [("", "", core.baseline_mask)]
    for airframe in scenario.airframes:
        cases.append(("airframe", airframe.id, _mask_without(core, airframes=[airframe.id])))
    for facility in scenario.facilities:
        based = [a.id for a in scenario.airframes if a.base == facility.id]
        cases.append(("facility", facility.id, _mask_without(core, [facility.id], based)))
    return cases


def n_minus_1(
    scenario: Scenario,
    conditions: Sequence[Condition],
    *,
    core: VariantCore | None = None,
    judge: Judge = in_process,
) -> NMinusOne:
    """Each airframe, then each facility of the file, lost alone (a facility with the
    airframes based on it), under each condition."""
    core = core or VariantCore(scenario)
    cases = loss_cases(scenario, core)
    masks = np.stack([mask for _, _, mask in cases])
    site_ids = tuple(s.id for s in scenario.sites)
    personnel = core.personnel
    baseline: dict[str, Tally] = {}
    per_case: list[dict[str, Tally]] = [{} for _ in cases[1:]]
    meets: dict[str, BoolArray] = {}
    for condition in conditions:
        light, season = condition
        name = condition_name(condition)
        every = np.asarray(judge(core, masks, season, light == "night").all(axis=1))  # (cases, sites)
        meets[name] = every
        base = every[0]
        baseline[name] = Tally(int(base.sum()), int(personnel[base].sum()))
        for k, row in enumerate(every[1:]):
            lost = tuple(site_ids[s] for s in np.flatnonzero(base & ~row))
            per_case[k][name] = Tally(int(row.sum()), int(personnel[row].sum()), lost)
    losses = tuple(AssetLoss(kind, asset_id, per_case[k]) for k, (kind, asset_id, _) in enumerate(cases[1:]))
    return NMinusOne(tuple(conditions), baseline, losses, meets, site_ids)


@dataclass(frozen=True)
class LossCells:
    """What losing each asset alone does to each site, leg by leg, under one condition.

    The times are the check's own (:meth:`~medevac.variants.VariantCore.leg_times`, reported
    to 0.1 min, ``inf`` where no pathway delivers); index 0 is the full scenario, then the
    losses in :func:`n_minus_1`'s order.
    """

    condition: Condition
    losses: tuple[tuple[str, str], ...]  # (asset, id)
    site_ids: tuple[str, ...]
    legs: tuple[Leg, ...]
    time_min: FloatArray  # (1 + losses, legs, sites)
    meets: BoolArray  # (1 + losses, legs, sites)

    def lost(self) -> BoolArray:
        """(losses, legs, sites): legs met with every asset and not without the lost one."""
        return np.asarray(self.meets[:1] & ~self.meets[1:])

    def legs_lost(self) -> npt.NDArray[np.int64]:
        """(losses, sites): how many legs each loss costs each site."""
        return np.asarray(self.lost().sum(axis=1), dtype=np.int64)

    def minutes_added(self) -> FloatArray:
        """(losses, sites): the largest rise of any leg's time (``inf`` when a leg delivered
        with every asset is delivered no more; 0 when no leg is slower)."""
        before, after = self.time_min[:1], self.time_min[1:]
        with np.errstate(invalid="ignore"):  # inf - inf: a leg never delivered, no change
            rise = np.where(np.isfinite(before), after - before, 0.0)
        return np.asarray(np.maximum(rise.max(axis=1), 0.0))

    def records(self) -> list[dict[str, object]]:
        """One tidy row per (loss, site): the asset, the site, the legs lost, the minutes added."""
        lost, count, minutes = self.lost(), self.legs_lost(), self.minutes_added()
        return [
            {
                "asset": kind,
                "asset_id": asset_id,
                "site_id": site_id,
                "legs_lost": int(count[k, s]),
                "lost_legs": tuple(leg for i, leg in enumerate(self.legs) if lost[k, i, s]),
                "minutes_added": float(minutes[k, s]),
            }
            for k, (kind, asset_id) in enumerate(self.losses)
            for s, site_id in enumerate(self.site_ids)
        ]


def loss_cells(scenario: Scenario, condition: Condition, *, core: VariantCore | None = None) -> LossCells:
    """Each asset lost alone (as :func:`n_minus_1`), with every leg's time at every site."""
    core = core or VariantCore(scenario)
    light, season = condition
    cases = loss_cases(scenario, core)
    times = np.stack(
        [reported_min(core.leg_times(mask, season, light == "night").time_min) for _, _, mask in cases]
    )
    return LossCells(
        condition=condition,
        losses=tuple((kind, asset_id) for kind, asset_id, _ in cases[1:]),
        site_ids=tuple(s.id for s in scenario.sites),
        legs=core.legs,
        time_min=times,
        meets=np.asarray(times <= core.thresholds_min[None, :, None]),
    )


# -- availability --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteChance:
    site_id: str
    p_meets_all: dict[str, float]
    p_meets: dict[str, dict[Leg, float]]
    interval: dict[str, tuple[float, float]] | None


@dataclass(frozen=True)
class Availability:
    method: str  # "exact" | "monte_carlo"
    samples: int | None
    conditions: tuple[Condition, ...]
    sites: tuple[SiteChance, ...]
    expected_personnel_meeting_all: dict[str, float]

    def to_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "samples": self.samples,
            "conditions": [condition_name(c) for c in self.conditions],
            "sites": [
                {
                    "site_id": s.site_id,
                    "p_meets_all": s.p_meets_all,
                    "p_meets": s.p_meets,
                    "interval": None if s.interval is None else {c: list(v) for c, v in s.interval.items()},
                }
                for s in self.sites
            ],
            "expected_personnel_meeting_all": self.expected_personnel_meeting_all,
        }


def wilson_interval(successes: npt.ArrayLike, n: int, z: float = WILSON_Z) -> tuple[FloatArray, FloatArray]:
    """The Wilson score interval of a binomial proportion, elementwise.

    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4902, 0.9433)
    """
    k = np.asarray(successes, dtype=np.float64)
    p = k / n
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z / denominator * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


@dataclass(frozen=True)
class Uncertainty:
    """The uncertain binary variables of one condition: airframes in (0, 1), and weather."""

    airframes: tuple[int, ...]  # core rows with 0 < availability < 1
    p_airframe: FloatArray
    always_on: BoolArray  # (A,) airframes with availability 1
    p_weather: float  # probability that helicopters are grounded
    helicopter: BoolArray

    @property
    def count(self) -> int:
        return len(self.airframes) + (1 if 0.0 < self.p_weather < 1.0 else 0)


def uncertainty_of(scenario: Scenario, core: VariantCore, season: str) -> Uncertainty:
    p = np.array([a.p_available for a in core.airframes])
    uncertain = tuple(int(i) for i in np.flatnonzero((p > 0) & (p < 1)))
    return Uncertainty(
        airframes=uncertain,
        p_airframe=p,
        always_on=p >= 1.0,
        p_weather=scenario.weather.p_grounded(season),  # type: ignore[arg-type]
        helicopter=core.assets.helicopter,
    )


def _fleet_masks(core: VariantCore, airframe_on: BoolArray) -> BoolArray:
    """(states, F + A): every facility on, the airframes of each state."""
    facilities = np.ones((len(airframe_on), core.n_facilities), dtype=bool)
    return np.concatenate([facilities, airframe_on], axis=1)


def enumerated_states(u: Uncertainty) -> tuple[BoolArray, FloatArray]:
    """Every state of the uncertain variables, with its probability."""
    weather_uncertain = 0.0 < u.p_weather < 1.0
    bits = np.array(list(itertools.product((False, True), repeat=u.count)), dtype=bool).reshape(
        2**u.count, u.count
    )
    on = np.tile(u.always_on, (len(bits), 1))
    probability = np.ones(len(bits))
    for column, row in enumerate(u.airframes):
        on[:, row] = bits[:, column]
        probability *= np.where(bits[:, column], u.p_airframe[row], 1 - u.p_airframe[row])
    grounded = np.full(len(bits), u.p_weather >= 1.0)
    if weather_uncertain:
        grounded = bits[:, -1]
        probability *= np.where(grounded, u.p_weather, 1 - u.p_weather)
    on &= ~(grounded[:, None] & u.helicopter[None, :])
    return on, probability


def sampled_states(u: Uncertainty, draws: FloatArray) -> BoolArray:
    """States from uniform draws (samples, A + 1): airframe a is on when its draw is under
    its availability; the last column grounds the helicopters when under the weather's."""
    on = draws[:, :-1] < u.p_airframe[None, :]
    grounded = draws[:, -1] < u.p_weather
    return np.asarray(on & ~(grounded[:, None] & u.helicopter[None, :]))


def availability(
    scenario: Scenario,
    conditions: Sequence[Condition],
    *,
    samples: int = 10_000,
    seed: int = 0,
    core: VariantCore | None = None,
    judge: Judge = in_process,
    monte_carlo: bool | None = None,
) -> Availability:
    """Probability that each site meets every leg (and each leg), over availability and weather.

    Exact when every condition has at most :data:`EXACT_MAX_VARIABLES` uncertain variables;
    otherwise Monte Carlo: ``samples`` rows of uniform draws from ``numpy.random.default_rng
    (seed)``, one column per airframe and one for the weather, the same rows for every
    condition, so the numbers depend on the seed only. ``monte_carlo`` forces a method.
    """
    core = core or VariantCore(scenario)
    uncertainties = {c: uncertainty_of(scenario, core, c[1]) for c in conditions}
    exact = all(u.count <= EXACT_MAX_VARIABLES for u in uncertainties.values())
    if monte_carlo is not None:  # a benchmark or a test may ask for one method
        exact = not monte_carlo
    draws = None if exact else np.random.default_rng(seed).random((samples, core.n_airframes + 1))
    legs = core.legs
    site_ids = [s.id for s in scenario.sites]
    p_all: dict[str, FloatArray] = {}
    p_leg: dict[str, FloatArray] = {}
    intervals: dict[str, tuple[FloatArray, FloatArray]] = {}
    for condition in conditions:
        light, season = condition
        name = condition_name(condition)
        u = uncertainties[condition]
        if exact:
            on, probability = enumerated_states(u)
        else:
            assert draws is not None
            on, probability = sampled_states(u, draws), np.full(samples, 1.0 / samples)
        verdicts = judge(core, _fleet_masks(core, on), season, light == "night")  # (states, legs, sites)
        p_leg[name] = np.einsum("s,slk->lk", probability, verdicts.astype(np.float64))
        every = verdicts.all(axis=1)
        p_all[name] = probability @ every.astype(np.float64)
        if not exact:
            intervals[name] = wilson_interval(every.sum(axis=0), samples)
    sites = tuple(
        SiteChance(
            site_id=site_id,
            p_meets_all={c: _probability(p_all[c][s]) for c in p_all},
            p_meets={c: {leg: _probability(p_leg[c][i, s]) for i, leg in enumerate(legs)} for c in p_leg},
            interval=None
            if exact
            else {c: (_probability(intervals[c][0][s]), _probability(intervals[c][1][s])) for c in intervals},
        )
        for s, site_id in enumerate(site_ids)
    )
    expected = {c: float(core.personnel.astype(np.float64) @ p_all[c]) for c in p_all}
    return Availability(
        method="exact" if exact else "monte_carlo",
        samples=None if exact else samples,
        conditions=tuple(conditions),
        sites=sites,
        expected_personnel_meeting_all=expected,
    )


def _probability(value: float) -> float:
    """A probability as a plain float, sums' rounding noise at 0 and 1 removed."""
    p = float(value)
    return 0.0 if abs(p) < 1e-12 else 1.0 if abs(p - 1) < 1e-12 else p


def states_to_judge(
    scenario: Scenario, core: VariantCore, conditions: Sequence[Condition], samples: int
) -> int:
    """How many fleet states :func:`availability` will judge (for a time estimate)."""
    counts = [uncertainty_of(scenario, core, c[1]).count for c in conditions]
    if all(n <= EXACT_MAX_VARIABLES for n in counts):
        return sum(2**n for n in counts)
    return samples * len(conditions)


__all__ = [
    "Availability",
    "LossCells",
    "NMinusOne",
    "availability",
    "loss_cases",
    "loss_cells",
    "n_minus_1",
    "wilson_interval",
]
