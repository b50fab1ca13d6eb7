"""Exact placement optimisation (``optimise-v1.md``): a MILP over the variant core's options.

The pool is the scenario's assets plus, at every candidate place, each asset that may go
there: a new facility of each level asked for, a new airframe of each type asked for, each
moved asset (a moved facility with the airframes based on it). One binary decides each
(asset, place); the covering options of :class:`~medevac.variants.VariantCore` say which
sets of assets deliver each leg at each site within its threshold. ``docs/optimise.md``
states the formulation; :func:`build_model` builds it and :func:`solve` solves it with
HiGHS (``scipy.optimize.milp``), apart as spopt keeps them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from medevac.errors import Problem, ScenarioError
from medevac.ground import GroundRouter
from medevac.model import LEVEL_RANK, Airframe, Facility, Level, Light, Location, Scenario, Season
from medevac.planning.candidates import Candidate
from medevac.variants import CandidateAirframe, CandidateFacility, VariantCore
from medevac.whatif import AddAirframe, AddFacility, Edit, MoveAirframe, MoveFacility, Point

Objective = Literal["personnel", "sites"]
Robust = Literal["none", "n-1"]
Condition = tuple[Light, Season]

CONDITION_NAMES: dict[str, Condition] = {
    "day-dry": ("day", "dry"),
    "day-wet": ("day", "wet"),
    "night-dry": ("night", "dry"),
    "night-wet": ("night", "wet"),
}


def condition_name(condition: Condition) -> str:
    return f"{condition[0]}-{condition[1]}"


def parse_conditions(text: str, scenario: Scenario) -> tuple[Condition, ...]:
    """``scenario`` (the file's own), ``all``, or a comma list such as ``night-dry,night-wet``."""
    if text == "scenario":
        return ((scenario.conditions.light, scenario.conditions.season),)
    if text == "all":
        return tuple(CONDITION_NAMES.values())
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in CONDITION_NAMES]
    if unknown or not names:
        raise ScenarioError(
            [
                Problem(
                    "--conditions",
                    "",
                    text,
                    "scenario, all, or a comma list of " + ", ".join(CONDITION_NAMES),
                )
            ]
        )
    return tuple(dict.fromkeys(CONDITION_NAMES[name] for name in names))


# -- the question ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """What to decide and how to value it (the options of ``medevac optimise``)."""

    add_facilities: tuple[tuple[Level, int], ...] = ()  # (level, how many)
    add_airframes: tuple[tuple[str, int], ...] = ()  # (id of the airframe to copy, how many)
    moves: tuple[str, ...] = ()  # ids of existing airframes or facilities
    objective: Objective = "personnel"
    conditions: tuple[Condition, ...] = (("day", "dry"),)
    robust: Robust = "none"
    cover_all: bool = False


@dataclass(frozen=True)
class Placement:
    """One decided asset at one candidate place."""

    asset: Literal["facility", "airframe"]
    id: str
    candidate: Candidate
    level: Level | None = None  # new facilities
    like: str | None = None  # new airframes: the airframe copied; moved ones: themselves
    moved: bool = False

    def to_json(self) -> dict[str, object]:
        record: dict[str, object] = {"asset": self.asset, "id": self.id}
        if self.asset == "facility" and not self.moved:
            record["level"] = self.level
        if self.asset == "airframe":
            record["like"] = self.like
        if self.moved:
            record["moved"] = True
        return record | {
            "candidate_id": self.candidate.id,
            "lat": self.candidate.lat,
            "lon": self.candidate.lon,
        }


@dataclass(frozen=True)
class Solution:
    """The answer, with the proof: ``bound`` is the solver's best bound on the value."""

    question: Question
    baseline: int
    value: int
    bound: float
    optimal: bool
    placements: tuple[Placement, ...]
    sites_gained: tuple[str, ...]
    sites_lost: tuple[str, ...]
    seconds: float
    feasible: bool = True
    uncoverable: tuple[str, ...] = ()
    new_assets: int = 0

    def to_json(self) -> dict[str, object]:
        q = self.question
        document: dict[str, object] = {
            "objective": q.objective,
            "conditions": [condition_name(c) for c in q.conditions],
            "robust": q.robust,
            "baseline": self.baseline,
            "value": self.value,
            "bound": _whole(self.bound),
            "optimal": self.optimal,
            "placements": [p.to_json() for p in self.placements],
            "sites_gained": list(self.sites_gained),
            "sites_lost": list(self.sites_lost),
            "seconds": round(self.seconds, 3),
        }
        if q.cover_all:
            document |= {"feasible": self.feasible, "new_assets": self.new_assets}
            if not self.feasible:
                document["sites_uncoverable"] = list(self.uncoverable)
        return document


def _whole(value: float) -> float | int:
    return round(value) if abs(value - round(value)) < 1e-6 else round(value, 6)


# -- the pool: every (asset, place) one binary decides -------------------------------------------


@dataclass(frozen=True)
class _Choice:
    """One decision: an asset at a place (or a moved asset staying where it is)."""

    kind: str  # "facility:<level>#k" for additions, "airframe:<like>#k", "move:<id>"
    candidate: Candidate | None  # None: a moved asset staying
    facility_rows: tuple[int, ...] = ()
    airframe_rows: tuple[int, ...] = ()
    new: bool = False


@dataclass
class _Pool:
    core: VariantCore
    choices: list[_Choice]
    fixed_facility: npt.NDArray[np.bool_]  # rows on whatever is decided
    fixed_airframe: npt.NDArray[np.bool_]
    groups: dict[str, list[int]] = field(default_factory=dict)  # kind -> choice indexes


def _problem(where: str, value: object, allowed: str) -> ScenarioError:
    return ScenarioError([Problem("optimise", where, value, allowed)])


def _new_facility(level: Level, k: int, place: Candidate) -> Facility:
    return Facility(
        id=f"new-l{level}-{k}",
        name=f"Level {level}, {place.name or place.id}",
        level=level,
        lat=place.lat,
        lon=place.lon,
        helipad=True,
        airstrip=place.airstrip,
        ground_team=True,
    )


def _build_pool(
    scenario: Scenario, question: Question, candidates: Sequence[Candidate], router: GroundRouter | None
) -> _Pool:
    """The variant core of every asset that may go to every place, and one choice each."""
    if not candidates:
        raise _problem("--candidates", "none", "at least one candidate place")
    airframes = {a.id: a for a in scenario.airframes}
    facilities = {f.id: f for f in scenario.facilities}
    new_facilities: list[CandidateFacility] = []
    new_airframes: list[CandidateAirframe] = []
    # Each choice as (kind, place, candidate facilities, candidate airframes, existing
    # facilities, existing airframes, new), by index into the lists above or by id.
    specs: list[tuple[str, Candidate | None, list[int], list[int], list[str], list[str], bool]] = []

    def add_airframe(airframe: Airframe, place: Candidate, replaces: str | None) -> int:
        where = Location(lat=place.lat, lon=place.lon)
        new_airframes.append(CandidateAirframe(airframe.model_copy(update={"base": where}), where, replaces))
        return len(new_airframes) - 1

    for level, count in question.add_facilities:
        if level not in LEVEL_RANK:
            raise _problem("--add-facility", level, "a level of spec v1: " + ", ".join(LEVEL_RANK))
        if count < 1:
            raise _problem("--add-facility", f"{level}x{count}", "at least one facility")
        for place in candidates:
            facility = _new_facility(level, 0, place).model_copy(update={"id": f"cand-l{level}-{place.id}"})
            new_facilities.append(CandidateFacility(facility))
            specs.append((f"facility:{level}", place, [len(new_facilities) - 1], [], [], [], True))
    for like, count in question.add_airframes:
        if like not in airframes:
            raise _problem(
                "--add-airframe", like, "the id of an airframe of the scenario: " + ", ".join(airframes)
            )
        if count < 1:
            raise _problem("--add-airframe", f"{like}x{count}", "at least one airframe")
        for place in candidates:
            copy = airframes[like].model_copy(update={"id": f"cand-{like}-{place.id}", "available": True})
            specs.append((f"airframe:{like}", place, [], [add_airframe(copy, place, None)], [], [], True))
    if len(set(question.moves)) != len(question.moves):
        raise _problem("--move", ",".join(question.moves), "each asset moved once")
    for asset_id in question.moves:
        kind = f"move:{asset_id}"
        if asset_id in airframes:
            specs.append((kind, None, [], [], [], [asset_id], False))
            for place in candidates:
                specs.append(
                    (kind, place, [], [add_airframe(airframes[asset_id], place, asset_id)], [], [], False)
                )
        elif asset_id in facilities:
            based = [a.id for a in scenario.airframes if a.base == asset_id]
            clash = [other for other in question.moves if other in based]
            if clash:
                raise _problem("--move", clash[0], f"not moved on its own: it moves with {asset_id}")
            specs.append((kind, None, [], [], [asset_id], based, False))
            for place in candidates:
                moved = facilities[asset_id].model_copy(update={"lat": place.lat, "lon": place.lon})
                new_facilities.append(CandidateFacility(moved, replaces=asset_id))
                rows = [add_airframe(airframes[b], place, b) for b in based]
                specs.append((kind, place, [len(new_facilities) - 1], rows, [], [], False))
        else:
            raise _problem("--move", asset_id, "the id of an airframe or facility of the scenario")

    core = VariantCore(scenario, router=router, facilities=new_facilities, airframes=new_airframes)
    facility_row = {k: i for i, k in enumerate(core.facility_candidate) if k >= 0}
    airframe_row = {k: i for i, k in enumerate(core.airframe_candidate) if k >= 0}
    existing_facility = {core.facility_ids[i]: i for i, k in enumerate(core.facility_candidate) if k < 0}
    existing_airframe = {core.airframe_ids[i]: i for i, k in enumerate(core.airframe_candidate) if k < 0}
    fixed_facility = np.asarray(core.facility_candidate) < 0
    fixed_airframe = np.asarray(core.airframe_candidate) < 0
    choices: list[_Choice] = []
    groups: dict[str, list[int]] = {}
    for kind, spot, fac, air, stay_fac, stay_air, new in specs:
        fac_rows = [facility_row[k] for k in fac] + [existing_facility[i] for i in stay_fac]
        air_rows = [airframe_row[k] for k in air] + [existing_airframe[i] for i in stay_air]
        fixed_facility[fac_rows] = False
        fixed_airframe[air_rows] = False
        groups.setdefault(kind, []).append(len(choices))
        choices.append(_Choice(kind, spot, tuple(fac_rows), tuple(air_rows), new))
    return _Pool(core, choices, fixed_facility, fixed_airframe, groups)


# -- the model --------------------------------------------------------------------------------

_ONE, _ZERO = -1, -2
"""Literals that no decision changes: an asset that is always there, or never."""


@dataclass(frozen=True)
class Model:
    """The MILP: minimise ``c @ v`` subject to ``lower <= A @ v <= upper``, ``v`` in bounds.

    Variables: one binary per choice (``n_choices`` first), then continuous ones in [0, 1]:
    "some facility of a group is on", "every asset of an option is on", and one per (site,
    condition), "the site counts". ``counts[s, c]`` is the variable of site s under
    condition c (-1 when the site can never count there).
    """

    pool: _Pool
    question: Question
    objective: npt.NDArray[np.float64]
    matrix: sparse.csr_matrix
    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    integrality: npt.NDArray[np.int8]
    counts: npt.NDArray[np.intp]
    weights: npt.NDArray[np.float64]
    variable_lower: npt.NDArray[np.float64]
    variable_upper: npt.NDArray[np.float64]

    @property
    def n_choices(self) -> int:
        return len(self.pool.choices)


class _Builder:
    """Rows and columns of the MILP as they are added."""

    def __init__(self, n_choices: int) -> None:
        self.n = n_choices
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self._conjunctions: dict[tuple[int, ...], int] = {}
        self._disjunctions: dict[tuple[int, ...], int] = {}

    def variable(self) -> int:
        self.n += 1
        return self.n - 1

    def row(self, terms: dict[int, float], lower: float, upper: float) -> None:
        number = len(self.lower)
        for col, val in terms.items():
            self.rows.append(number)
            self.cols.append(col)
            self.vals.append(val)
        self.lower.append(lower)
        self.upper.append(upper)

    def any_of(self, literals: tuple[int, ...]) -> int:
        """A variable at most the sum of these (so 0 when none is on)."""
        if len(literals) == 1:
            return literals[0]
        if literals not in self._disjunctions:
            v = self.variable()
            self.row({v: 1.0, **dict.fromkeys(literals, -1.0)}, -np.inf, 0.0)
            self._disjunctions[literals] = v
        return self._disjunctions[literals]

    def all_of(self, literals: tuple[int, ...]) -> int:
        """A variable at most each of these (so 0 unless all are on)."""
        if len(literals) == 1:
            return literals[0]
        if literals not in self._conjunctions:
            v = self.variable()
            for x in literals:
                self.row({v: 1.0, x: -1.0}, -np.inf, 0.0)
            self._conjunctions[literals] = v
        return self._conjunctions[literals]


def _removals(pool: _Pool, question: Question) -> list[npt.NDArray[np.bool_]]:
    """Airframe rows lost in each robustness case: none, then each airframe alone (n-1).

    An existing airframe is all its rows (where it is and where it may move to); a new one
    is its own row at its place.
    """
    core = pool.core
    cases = [np.zeros(core.n_airframes, dtype=bool)]
    if question.robust == "n-1":
        for airframe in core.scenario.airframes:
            cases.append(np.array([i == airframe.id for i in core.airframe_ids]))
        for choice in pool.choices:
            if choice.new and choice.airframe_rows:
                lost = np.zeros(core.n_airframes, dtype=bool)
                lost[list(choice.airframe_rows)] = True
                cases.append(lost)
    return cases


def build_model(pool: _Pool, question: Question, *, at_most: bool = False) -> Model:
    """The covering model of ``docs/optimise.md`` for this pool and question.

    ``at_most`` lets each kind take fewer assets than asked (``--cover-all`` always does).
    """
    core = pool.core
    n_sites, n_air = len(core.scenario.sites), core.n_airframes
    facility_literal = np.full(core.n_facilities, _ZERO, dtype=np.intp)
    airframe_literal = np.full(n_air, _ZERO, dtype=np.intp)
    facility_literal[pool.fixed_facility] = _ONE
    airframe_literal[pool.fixed_airframe] = _ONE
    for number, choice in enumerate(pool.choices):
        facility_literal[list(choice.facility_rows)] = number
        airframe_literal[list(choice.airframe_rows)] = number
    build = _Builder(len(pool.choices))
    weights = (
        core.personnel.astype(np.float64)
        if question.objective == "personnel"
        else np.ones(n_sites, dtype=np.float64)
    )
    counts = np.full((n_sites, len(question.conditions)), -1, dtype=np.intp)
    for c in range(len(question.conditions)):
        for s in range(n_sites):
            counts[s, c] = build.variable()
    removals = _removals(pool, question)

    for c, (light, season) in enumerate(question.conditions):
        options = core.options(season)
        groups = options.groups.tolil().rows  # facility rows of each group
        group_literal: list[int] = []
        for members in groups:
            on = {int(facility_literal[f]) for f in members} - {_ZERO}
            group_literal.append(_ONE if _ONE in on else build.any_of(tuple(sorted(on))) if on else _ZERO)
        night = light == "night"
        for lost in removals:
            # Per (leg, site): the variables whose sum must reach "the site counts".
            terms: dict[tuple[int, int], set[int]] = {}
            covered = options.always.copy()
            for k in range(len(options)):
                leg, site = int(options.leg[k]), int(options.site[k])
                if covered[leg, site]:
                    continue
                lits: set[int] = set()
                craft = int(options.craft[k])
                if craft >= 0:
                    a = craft % n_air
                    if (craft >= n_air) != night or lost[a]:
                        continue
                    lits.add(int(airframe_literal[a]))
                if options.pickup[k] >= 0:
                    lits.add(int(facility_literal[options.pickup[k]]))
                if options.group[k] >= 0:
                    lits.add(group_literal[options.group[k]])
                if _ZERO in lits:
                    continue
                lits.discard(_ONE)
                if not lits:
                    covered[leg, site] = True
                    continue
                terms.setdefault((leg, site), set()).add(build.all_of(tuple(sorted(lits))))
            for leg in range(len(options.legs)):
                for site in range(n_sites):
                    if covered[leg, site]:
                        continue
                    row = {int(counts[site, c]): 1.0}
                    for v in terms.get((leg, site), ()):
                        row[v] = row.get(v, 0.0) - 1.0
                    build.row(row, -np.inf, 0.0)

    # How many of each kind, one place each, a moved asset in exactly one place.
    for kind, members in pool.groups.items():
        if kind.startswith("move:"):
            build.row(dict.fromkeys(members, 1.0), 1.0, 1.0)
            continue
        wanted = dict(question.add_facilities if kind.startswith("facility:") else question.add_airframes)[
            kind.split(":", 1)[1]
        ]
        if wanted > len(members):
            raise _problem(
                "--add-facility" if kind.startswith("facility:") else "--add-airframe",
                f"{kind.split(':', 1)[1]}x{wanted}",
                f"at most one new asset of a kind per candidate place ({len(members)} places)",
            )
        build.row(dict.fromkeys(members, 1.0), 0.0 if question.cover_all or at_most else wanted, wanted)
    for asset in ("facility", "airframe"):
        at_place: dict[str, list[int]] = {}
        for number, choice in enumerate(pool.choices):
            if choice.new and choice.kind.startswith(asset + ":") and choice.candidate is not None:
                at_place.setdefault(choice.candidate.id, []).append(number)
        for members in at_place.values():
            if len(members) > 1:
                build.row(dict.fromkeys(members, 1.0), -np.inf, 1.0)

    n = build.n
    objective = np.zeros(n)
    lower_bounds, upper_bounds = np.zeros(n), np.ones(n)
    if question.cover_all:
        for number, choice in enumerate(pool.choices):
            objective[number] = 1.0 if choice.new else 0.0
        lower_bounds[counts.ravel()] = 1.0
    else:
        objective[counts] = -weights[:, None]
        # Among equal values, an asset stays where it is: a move must gain something. The
        # values are whole numbers, so this preference never outweighs one of them.
        moves = [
            n for n, choice in enumerate(pool.choices) if choice.kind.startswith("move:") and choice.candidate
        ]
        objective[moves] = 0.5 / (len(moves) + 1)
    integrality = np.zeros(n, dtype=np.int8)
    integrality[: len(pool.choices)] = 1
    matrix = sparse.csr_matrix((build.vals, (build.rows, build.cols)), shape=(len(build.lower), n))
    return Model(
        pool=pool,
        question=question,
        objective=objective,
        matrix=matrix,
        lower=np.array(build.lower),
        upper=np.array(build.upper),
        integrality=integrality,
        counts=counts,
        weights=weights,
        variable_lower=lower_bounds,
        variable_upper=upper_bounds,
    )


# -- solving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Result:
    chosen: npt.NDArray[np.bool_] | None  # None: no feasible choice
    objective: float
    bound: float
    optimal: bool


def _run(
    model: Model, objective: npt.NDArray[np.float64] | None = None, time_limit_s: float | None = None
) -> _Result:
    options: dict[str, object] = {"disp": False}
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    result = milp(
        c=model.objective if objective is None else objective,
        constraints=LinearConstraint(model.matrix, model.lower, model.upper),
        integrality=model.integrality,
        bounds=Bounds(model.variable_lower, model.variable_upper),
        options=options,
    )
    if result.x is None:
        if result.status == 2:  # infeasible
            return _Result(None, np.inf, np.inf, True)
        raise _problem("--time-limit", time_limit_s, "enough time to find a first feasible placement")
    bound = float(getattr(result, "mip_dual_bound", result.fun))
    return _Result(result.x[: model.n_choices] > 0.5, float(result.fun), bound, result.status == 0)


def counted(pool: _Pool, question: Question, chosen: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """(sites, conditions): which sites count with these choices, judged by the core.

    Robust n-1: the site must meet every leg with every airframe, and with each one lost.
    """
    core = pool.core
    facility_on, airframe_on = pool.fixed_facility.copy(), pool.fixed_airframe.copy()
    for number in np.flatnonzero(chosen):
        facility_on[list(pool.choices[number].facility_rows)] = True
        airframe_on[list(pool.choices[number].airframe_rows)] = True
    masks = np.stack(
        [np.concatenate([facility_on, airframe_on & ~lost]) for lost in _removals(pool, question)]
    )
    result = np.zeros((len(core.scenario.sites), len(question.conditions)), dtype=bool)
    for c, (light, season) in enumerate(question.conditions):
        verdicts = core.judge(masks, season, night=light == "night")  # (cases, legs, sites)
        result[:, c] = verdicts.all(axis=1).all(axis=0)
    return result


def _value(model: Model, counts: npt.NDArray[np.bool_]) -> int:
    return round(float((counts * model.weights[:, None]).sum()))


def placements(pool: _Pool, chosen: npt.NDArray[np.bool_]) -> tuple[Placement, ...]:
    """The chosen (asset, place) pairs with the ids they take in the scenario."""
    found: list[Placement] = []
    numbers: dict[str, int] = {}
    for number in np.flatnonzero(chosen):
        choice = pool.choices[number]
        if choice.candidate is None:
            continue  # a moved asset staying where it is: no change
        kind, _, what = choice.kind.partition(":")
        if kind == "move":
            facility = what in {f.id for f in pool.core.scenario.facilities}
            found.append(
                Placement(
                    "facility" if facility else "airframe",
                    what,
                    choice.candidate,
                    like=None if facility else what,
                    moved=True,
                )
            )
            continue
        numbers[choice.kind] = numbers.get(choice.kind, 0) + 1
        k = numbers[choice.kind]
        if kind == "facility":
            found.append(Placement("facility", f"new-l{what}-{k}", choice.candidate, level=what))  # type: ignore[arg-type]
        else:
            found.append(Placement("airframe", f"new-{what}-{k}", choice.candidate, like=what))
    return tuple(found)


def optimise(
    scenario: Scenario,
    question: Question,
    candidates: Sequence[Candidate],
    *,
    router: GroundRouter | None = None,
    time_limit_s: float | None = None,
) -> Solution:
    """The best placement for ``question`` (``optimise-v1.md``), proven optimal unless the
    time limit stopped the solver (then the best found, with the proven bound)."""
    started = time.perf_counter()
    pool = _build_pool(scenario, question, candidates, router)
    stays = np.array([c.candidate is None for c in pool.choices], dtype=bool)
    model = build_model(pool, question)
    baseline_counts = counted(pool, question, stays)
    site_ids = [s.id for s in scenario.sites]
    result = _run(model, time_limit_s=time_limit_s)
    if result.chosen is None:  # only --cover-all can be infeasible
        relaxed = build_model(pool, replace(question, cover_all=False), at_most=True)
        uncoverable = []
        for s, site_id in enumerate(site_ids):
            objective = np.zeros_like(relaxed.objective)
            objective[relaxed.counts[s]] = -1.0
            best = _run(relaxed, objective, time_limit_s)
            if -best.objective < len(question.conditions) - 0.5:
                uncoverable.append(site_id)
        return Solution(
            question,
            _value(model, baseline_counts),
            _value(model, baseline_counts),
            0.0,
            True,
            (),
            (),
            (),
            time.perf_counter() - started,
            feasible=False,
            uncoverable=tuple(uncoverable),
        )
    counts = counted(pool, question, result.chosen)
    value = _value(model, counts)
    # The core judges the answer again: a model that promised more than it gives is a bug.
    promised = counts.size if question.cover_all else -result.objective
    if (int(counts.sum()) if question.cover_all else value) + 0.5 < promised:
        raise RuntimeError(f"optimise: the model promised {promised}, the check of its placement gives less")
    before, after = baseline_counts.sum(axis=1), counts.sum(axis=1)
    bound = float(value) if result.optimal or question.cover_all else max(float(value), -result.bound)
    new_assets = int(sum(1 for k in np.flatnonzero(result.chosen) if pool.choices[k].new))
    return Solution(
        question=question,
        baseline=_value(model, baseline_counts),
        value=value,
        bound=bound,
        optimal=result.optimal,
        placements=placements(pool, result.chosen),
        sites_gained=tuple(site_ids[s] for s in np.flatnonzero(after > before)),
        sites_lost=tuple(site_ids[s] for s in np.flatnonzero(after < before)),
        seconds=time.perf_counter() - started,
        new_assets=new_assets,
    )


def placement_edits(scenario: Scenario, solution: Solution) -> list[Edit]:
    """The what-if edits that apply a solution: ``--out`` writes the scenario with them."""
    airframes = {a.id: a for a in scenario.airframes}
    edits: list[Edit] = []
    for placement in solution.placements:
        place = placement.candidate
        point = Point(place.lat, place.lon, place.name or place.id)
        if placement.asset == "facility" and placement.moved:
            edits.append(MoveFacility(placement.id, point))
        elif placement.asset == "facility":
            assert placement.level is not None
            edits.append(
                AddFacility(
                    placement.id,
                    placement.level,
                    point,
                    helipad=True,
                    airstrip=place.airstrip,
                    ground_team=True,
                )
            )
        elif placement.moved:
            edits.append(MoveAirframe(placement.id, point))
        else:
            like = airframes[str(placement.like)]
            edits.append(
                AddAirframe(
                    placement.id,
                    point,
                    cruise_kmh=like.cruise_kmh,
                    range_km=like.range_km,
                    launch_day_min=like.launch.day,
                    launch_night_min=like.launch.night,
                    night=like.night,
                    medical_team=like.medical_team,
                    kind=like.kind,
                    type=like.type,
                )
            )
    return edits
