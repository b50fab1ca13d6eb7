"""Exact placement optimisation (``optimise-v1.md``): a MILP over the variant core's options.

The pool is the scenario's assets plus, at every candidate place, each asset that may go
there: a new facility of each level asked for, a new airframe of each type asked for, each
moved asset (a moved facility with the airframes based on it). One binary decides each
(asset, place); the covering options of :class:`~medevac.variants.VariantCore` say which
sets of assets deliver each leg at each site within its threshold. ``docs/optimise.md``
states the formulation: :func:`build_pool` lays out the choices, :func:`build_model` builds
the MILP, :func:`solve` solves it with HiGHS (``scipy.optimize.milp``), apart as spopt keeps
them, and :func:`counted` judges the answer again by the core.

The same builder writes the textbook covering models from a plain coverage matrix
(:meth:`CoveringModel.from_coverage_matrix`: maximal covering, set covering, backup
coverage), which ``tests/test_published_optima.py`` holds to published optima.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from medevac.errors import MedevacError, Problem, ScenarioError
from medevac.geo import FloatArray
from medevac.ground import GroundRouter
from medevac.i18n import format_template, gettext
from medevac.model import LEVEL_RANK, Airframe, Facility, Level, Light, Location, Scenario, Season
from medevac.planning.candidates import Candidate
from medevac.timeline import IntArray
from medevac.variants import CandidateAirframe, CandidateFacility, Options, VariantCore
from medevac.whatif import AddAirframe, AddFacility, Edit, MoveAirframe, MoveFacility, Point

Objective = Literal["personnel", "sites"]
Phase = Literal["pool", "model", "solve", "check"]
"""The steps of :func:`optimise`: the pool (its variant core), the covering options and the
model built from them, the solve, and the core's check of the answer."""
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
                    format_template(
                        gettext("scenario, all, or a comma list of {names}"), names=", ".join(CONDITION_NAMES)
                    ),
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
class Pool:
    """The variant core of every asset that may go to every place, and the choices over it."""

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


def build_pool(
    scenario: Scenario, question: Question, candidates: Sequence[Candidate], router: GroundRouter | None
) -> Pool:
    """The variant core of every asset that may go to every place, and one choice each."""
    if not candidates:
        raise _problem("--candidates", gettext("none"), gettext("at least one candidate place"))
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
            allowed = format_template(gettext("a level of spec v1: {levels}"), levels=", ".join(LEVEL_RANK))
            raise _problem("--add-facility", level, allowed)
        if count < 1:
            raise _problem("--add-facility", f"{level}x{count}", gettext("at least one facility"))
        for place in candidates:
            facility = _new_facility(level, 0, place).model_copy(update={"id": f"cand-l{level}-{place.id}"})
            new_facilities.append(CandidateFacility(facility))
            specs.append((f"facility:{level}", place, [len(new_facilities) - 1], [], [], [], True))
    for like, count in question.add_airframes:
        if like not in airframes:
            template = gettext("the id of an airframe of the scenario: {ids}")
            raise _problem("--add-airframe", like, format_template(template, ids=", ".join(airframes)))
        if count < 1:
            raise _problem("--add-airframe", f"{like}x{count}", gettext("at least one airframe"))
        for place in candidates:
            copy = airframes[like].model_copy(update={"id": f"cand-{like}-{place.id}", "available": True})
            specs.append((f"airframe:{like}", place, [], [add_airframe(copy, place, None)], [], [], True))
    if len(set(question.moves)) != len(question.moves):
        raise _problem("--move", ",".join(question.moves), gettext("each asset moved once"))
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
                template = gettext("not moved on its own: it moves with {asset}")
                raise _problem("--move", clash[0], format_template(template, asset=asset_id))
            specs.append((kind, None, [], [], [asset_id], based, False))
            for place in candidates:
                moved = facilities[asset_id].model_copy(update={"lat": place.lat, "lon": place.lon})
                new_facilities.append(CandidateFacility(moved, replaces=asset_id))
                rows = [add_airframe(airframes[b], place, b) for b in based]
                specs.append((kind, place, [len(new_facilities) - 1], rows, [], [], False))
        else:
            raise _problem("--move", asset_id, gettext("the id of an airframe or facility of the scenario"))

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
    return Pool(core, choices, fixed_facility, fixed_airframe, groups)


# -- one covering model for every question ----------------------------------------------------

_ONE, _ZERO = -1, -2
"""Literals that no decision changes: an asset that is always there, or never."""

CoveringProblem = Literal["mclp", "lscp", "backup"]


class CoverageMatrixError(ValueError, MedevacError):
    """A coverage matrix, weights or ``p`` that no covering model can be built from."""


@dataclass(frozen=True)
class CoveringSolution:
    """What a solve found: the binaries chosen, the value and the solver's proven bound.

    ``value`` and ``bound`` are in the model's own sense (covered weight when it maximises,
    sites when it minimises); ``chosen`` is None when no choice is feasible.
    """

    chosen: npt.NDArray[np.bool_] | None
    value: float
    bound: float
    optimal: bool
    seconds: float

    @property
    def feasible(self) -> bool:
        return self.chosen is not None

    @property
    def sites(self) -> tuple[int, ...]:
        """The chosen candidates (columns of the coverage matrix), in order."""
        return () if self.chosen is None else tuple(int(j) for j in np.flatnonzero(self.chosen))


@dataclass(frozen=True)
class CoveringModel:
    """A covering MILP in matrix form, ready for any MILP solver.

    Minimise ``objective @ v`` (``maximise``: the value is ``-objective @ v``) subject to
    ``lower <= matrix @ v <= upper`` and ``variable_lower <= v <= variable_upper``. The first
    ``n_decisions`` variables are binaries, one per candidate (a column of a coverage matrix,
    or an (asset, place) choice of the mission); the others are continuous in [0, 1], bound
    only from above by sums of binaries ("any of", "all of"), and ``counts[d, c]`` is the one
    that says "demand d counts under condition c" (-1: never); under n-1 the mission adds
    "the most a loss takes away" (at least 0, no upper bound). For whole binaries the best
    counts are 0 or 1, so the optimum of the MILP is the covering optimum. The
    mission model (:func:`build_model`) and the textbook models
    (:meth:`from_coverage_matrix`) are built by the same builder and solved by :func:`solve`.
    """

    objective: FloatArray
    matrix: sparse.csr_matrix
    lower: FloatArray
    upper: FloatArray
    integrality: npt.NDArray[np.int8]
    variable_lower: FloatArray
    variable_upper: FloatArray
    n_decisions: int
    counts: IntArray
    weights: FloatArray
    maximise: bool

    @classmethod
    def from_coverage_matrix(
        cls,
        covers: npt.ArrayLike,
        weights: npt.ArrayLike | None = None,
        p: int | None = None,
        *,
        problem: CoveringProblem = "mclp",
    ) -> CoveringModel:
        """A textbook covering model of a (demand x candidates) 0/1 matrix ``a``.

        ``x[j]``: candidate j is chosen; ``y[i]``: demand i counts; ``w``: ``weights`` (1
        each when None).

        - ``"mclp"``, maximal covering (Church and ReVelle 1974): maximise ``sum w[i] y[i]``
          subject to ``y[i] <= sum_j a[i, j] x[j]`` and ``sum x = p``.
        - ``"lscp"``, set covering (Toregas, Swain, ReVelle and Bergman 1971): minimise
          ``sum x`` subject to ``sum_j a[i, j] x[j] >= 1`` for every i (the same row, with
          ``y[i]`` fixed to 1); ``p`` must be None: it is what the model finds.
        - ``"backup"``, backup coverage (LSCP-B, Hogan and ReVelle 1986): with ``sum x = p``
          (the LSCP minimum, "the fewest sites"), maximise ``sum w[i] y[i]`` subject to
          ``1 + y[i] <= sum_j a[i, j] x[j]``: every demand covered, and ``y[i]`` (backed
          up) only where at least two chosen candidates cover it.

        A demand that no candidate covers makes LSCP and LSCP-B infeasible: that is reported
        here, before any solve, with the rows.

        >>> covers = [[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]]  # 4 demands x 3 candidates
        >>> best = CoveringModel.from_coverage_matrix(covers, [5, 1, 1, 3], p=1).solve()
        >>> best.sites, best.value
        ((0,), 6.0)
        >>> CoveringModel.from_coverage_matrix(covers, problem="lscp").solve().sites
        (0, 2)
        >>> CoveringModel.from_coverage_matrix(covers, p=3, problem="backup").solve().value
        2.0
        """
        a = np.asarray(covers)
        if a.ndim != 2 or 0 in a.shape:
            raise CoverageMatrixError(
                f"covers: a (demand x candidates) matrix is needed, got shape {a.shape}"
            )
        if a.dtype != np.bool_ and not np.isin(a, (0, 1)).all():
            raise CoverageMatrixError("covers: 0/1 or true/false entries only (a[i, j]: j covers i)")
        a = a.astype(bool)
        n_demand, n_candidates = a.shape
        w = np.ones(n_demand) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != (n_demand,) or not np.isfinite(w).all() or (w < 0).any():
            raise CoverageMatrixError(
                f"weights: {n_demand} finite weights of at least 0, one per demand row, got shape {w.shape}"
            )
        if problem not in ("mclp", "lscp", "backup"):
            raise CoverageMatrixError(f"problem: mclp, lscp or backup, got {problem!r}")
        if problem == "lscp" and p is not None:
            raise CoverageMatrixError(f"p: None for lscp (the fewest sites is what it finds), got {p!r}")
        whole = isinstance(p, int | np.integer) and not isinstance(p, bool)
        if problem != "lscp" and (p is None or not whole or not 1 <= p <= n_candidates):
            raise CoverageMatrixError(f"p: sites to choose, 1 to {n_candidates} candidates, got {p!r}")
        if problem != "mclp":
            bare = np.flatnonzero(~a.any(axis=1))
            if len(bare):
                rows = ", ".join(str(i) for i in bare[:10]) + (", ..." if len(bare) > 10 else "")
                raise CoverageMatrixError(
                    f"covers: {len(bare)} of {n_demand} demand rows are covered by no candidate "
                    f"(rows {rows}): no choice of sites covers every demand"
                )
        build = _Builder(n_candidates)
        counts = build.variables(n_demand)
        demand, candidate = np.nonzero(a)
        build.cover(counts, demand, candidate, times=2 if problem == "backup" else 1)
        if p is not None:
            build.sum_row(np.arange(n_candidates), p, p)
        objective, variable_lower = np.zeros(build.n), np.zeros(build.n)
        if problem == "lscp":
            objective[:n_candidates] = 1.0
            variable_lower[counts] = 1.0
        else:
            objective[counts] = -w
        return build.model(
            objective, counts[:, None], w, maximise=problem != "lscp", variable_lower=variable_lower
        )

    def solve(self, *, time_limit_s: float | None = None) -> CoveringSolution:
        """:func:`solve` with HiGHS."""
        return solve(self, time_limit_s=time_limit_s)


class _Builder:
    """Rows and columns of a covering MILP as they are added; :meth:`model` closes it.

    Rows come one at a time (``row``) or as blocks of arrays (``rows``, ``cover``); each has
    its number when it is added, so both kinds mix in any order.
    """

    def __init__(self, n_decisions: int) -> None:
        self.n_decisions = n_decisions
        self.n = n_decisions
        self.n_rows = 0
        self._row: list[int] = []  # single rows, as lists: cheap to append
        self._col: list[int] = []
        self._val: list[float] = []
        self._single: list[int] = []  # their numbers, and their bounds
        self._lower: list[float] = []
        self._upper: list[float] = []
        self._blocks: list[tuple[IntArray, IntArray, FloatArray]] = []  # (row, col, val)
        self._block_bounds: list[tuple[int, FloatArray, FloatArray]] = []  # (first row, lower, upper)
        self._conjunctions: dict[tuple[int, ...], int] = {}
        self._disjunctions: dict[tuple[int, ...], int] = {}
        self._disjoined: dict[int, tuple[int, ...]] = {}  # the same, by variable
        self._unbounded: list[IntArray] = []  # continuous variables with no upper bound

    def variables(self, count: int, *, bounded: bool = True) -> IntArray:
        """``count`` new variables, in [0, 1] (``bounded``) or at least 0."""
        first = self.n
        self.n += count
        made = np.arange(first, self.n, dtype=np.intp)
        if not bounded:
            self._unbounded.append(made)
        return made

    def variable(self) -> int:
        self.n += 1
        return self.n - 1

    def row(self, terms: dict[int, float], lower: float, upper: float) -> None:
        for col, val in terms.items():
            self._row.append(self.n_rows)
            self._col.append(col)
            self._val.append(val)
        self._single.append(self.n_rows)
        self._lower.append(lower)
        self._upper.append(upper)
        self.n_rows += 1

    def rows(
        self, row: IntArray, col: IntArray, val: FloatArray, lower: FloatArray, upper: FloatArray
    ) -> None:
        """A block of ``len(lower)`` rows; ``row`` numbers the entries' rows from 0."""
        self._blocks.append((self.n_rows + row, col, val))
        self._block_bounds.append((self.n_rows, lower, upper))
        self.n_rows += len(lower)

    def sum_row(self, variables: npt.ArrayLike, lower: float, upper: float) -> None:
        """``lower <= sum of these variables <= upper`` (a count of choices)."""
        cols = np.asarray(variables, dtype=np.intp)
        self.rows(
            np.zeros(len(cols), dtype=np.intp), cols, np.ones(len(cols)), np.array([lower]), np.array([upper])
        )

    def cover(self, counts: IntArray, term_row: IntArray, term_var: IntArray, times: int = 1) -> None:
        """``counts[i] + times - 1 <= sum of the term_var of row i``: count i holds only when
        at least ``times`` of its terms do (a count with no term never holds).

        The covering row of every model here: the terms are candidates (a coverage
        matrix) or the mission's options; (row, term) pairs must be distinct.
        """
        n = len(counts)
        self.rows(
            np.concatenate([np.arange(n, dtype=np.intp), np.asarray(term_row, dtype=np.intp)]),
            np.concatenate([np.asarray(counts, dtype=np.intp), np.asarray(term_var, dtype=np.intp)]),
            np.concatenate([np.ones(n), -np.ones(len(term_var))]),
            np.full(n, -np.inf),
            np.full(n, 1.0 - times),
        )

    def any_of(self, literals: tuple[int, ...]) -> int:
        """A variable at most the sum of these (so 0 when none is on)."""
        if len(literals) == 1:
            return literals[0]
        if literals not in self._disjunctions:
            v = self.variable()
            self.row({v: 1.0, **dict.fromkeys(literals, -1.0)}, -np.inf, 0.0)
            self._disjunctions[literals] = v
            self._disjoined[v] = literals
        return self._disjunctions[literals]

    def decisions_of(self, v: int) -> tuple[int, ...] | None:
        """The binaries ``v`` is "any of" (``v`` itself for a binary), or None when ``v`` is not
        a plain disjunction of binaries."""
        if 0 <= v < self.n_decisions:
            return (v,)
        literals = self._disjoined.get(v)
        if literals is None or any(not 0 <= x < self.n_decisions for x in literals):
            return None
        return literals

    def any_of_all(self, literals: Sequence[int]) -> int:
        """ "Any of these", with every plain disjunction among them opened into its binaries:
        ``any_of(a, b, any_of(c, d))`` as ``any_of(a, b, c, d)``, which the LP cannot count
        twice where two disjunctions share a binary."""
        plain: set[int] = set()
        other: set[int] = set()
        for v in literals:
            decisions = self.decisions_of(v)
            if decisions is None:
                other.add(v)
            else:
                plain.update(decisions)
        if plain:
            other.add(self.any_of(tuple(sorted(plain))))
        return self.any_of(tuple(sorted(other)))

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

    def model(
        self,
        objective: FloatArray,
        counts: IntArray,
        weights: FloatArray,
        *,
        maximise: bool,
        variable_lower: FloatArray | None = None,
    ) -> CoveringModel:
        """The rows so far as one sparse matrix: binaries first, everything else in [0, 1]."""
        rows = [np.array(self._row, dtype=np.intp)] + [b[0] for b in self._blocks]
        cols = [np.array(self._col, dtype=np.intp)] + [b[1] for b in self._blocks]
        vals = [np.array(self._val, dtype=np.float64)] + [b[2] for b in self._blocks]
        lower, upper = np.empty(self.n_rows), np.empty(self.n_rows)
        lower[self._single], upper[self._single] = self._lower, self._upper
        for first, low, high in self._block_bounds:
            lower[first : first + len(low)] = low
            upper[first : first + len(high)] = high
        matrix = sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(self.n_rows, self.n)
        )
        integrality = np.zeros(self.n, dtype=np.int8)
        integrality[: self.n_decisions] = 1
        upper_bounds = np.ones(self.n)
        for made in self._unbounded:
            upper_bounds[made] = np.inf
        return CoveringModel(
            objective=objective,
            matrix=matrix,
            lower=lower,
            upper=upper,
            integrality=integrality,
            variable_lower=np.zeros(self.n) if variable_lower is None else variable_lower,
            variable_upper=upper_bounds,
            n_decisions=self.n_decisions,
            counts=counts,
            weights=weights,
            maximise=maximise,
        )


_FIX_MARGIN = 1e-6
"""Reduced-cost fixing leaves a binary out only when the LP shows any choice with it is worse
than the first placement by more than this share of the objective's scale (and 0.001): far
above the solver's tolerance on reduced costs, far below a quarter of a unit."""


@dataclass(frozen=True)
class _Run:
    """One HiGHS run, minimising: a solution (None: none found), its value, the proven lower
    bound, whether it is proven optimal or infeasible, and (LP) the reduced costs."""

    x: FloatArray | None
    value: float
    bound: float
    optimal: bool
    infeasible: bool
    reduced_cost: FloatArray | None = None


def _highs(
    model: CoveringModel,
    c: FloatArray,
    *,
    integer: bool = True,
    lower: FloatArray | None = None,
    upper: FloatArray | None = None,
    time_limit_s: float | None = None,
    gap: float = 0.0,
) -> _Run:
    """Minimise ``c @ v`` over the model (its LP relaxation, with reduced costs, unless
    ``integer``) with HiGHS as SciPy bundles it; ``lower`` and ``upper`` replace the
    variables' bounds."""
    bounds = (
        model.variable_lower if lower is None else lower,
        model.variable_upper if upper is None else upper,
    )
    options: dict[str, object] = {"disp": False}
    if time_limit_s is not None:
        options["time_limit"] = max(float(time_limit_s), 0.01)
    if integer:
        result = milp(
            c=c,
            constraints=LinearConstraint(model.matrix, model.lower, model.upper),
            integrality=model.integrality,
            bounds=Bounds(*bounds),
            options=options | {"mip_rel_gap": gap},
        )
        if result.x is None:
            return _Run(None, math.inf, -math.inf, False, result.status == 2)
        dual = getattr(result, "mip_dual_bound", None)
        bound = float(result.fun if dual is None or not np.isfinite(dual) else dual)
        return _Run(np.asarray(result.x), float(result.fun), bound, result.status == 0, False)
    # linprog takes one-sided rows: l <= A v <= u as A v <= u, -A v <= -l, A v = l.
    equal = model.lower == model.upper
    above = ~equal & np.isfinite(model.upper)
    below = ~equal & np.isfinite(model.lower)
    a = model.matrix
    relaxed = linprog(
        c,
        A_ub=sparse.vstack([a[above], -a[below]]).tocsr(),
        b_ub=np.concatenate([model.upper[above], -model.lower[below]]),
        A_eq=a[equal] if equal.any() else None,
        b_eq=model.lower[equal] if equal.any() else None,
        bounds=np.column_stack(bounds),
        method="highs-ds",
        options=options,
    )
    if relaxed.status != 0 or relaxed.x is None:
        return _Run(None, math.inf, -math.inf, False, relaxed.status == 2)
    reduced = np.asarray(relaxed.lower.marginals) + np.asarray(relaxed.upper.marginals)
    return _Run(np.asarray(relaxed.x), float(relaxed.fun), float(relaxed.fun), True, False, reduced)


def solve(
    model: CoveringModel, *, objective: FloatArray | None = None, time_limit_s: float | None = None
) -> CoveringSolution:
    """Solve a covering model with HiGHS (SciPy's ``linprog`` and ``milp``), apart from building it.

    ``objective`` replaces the model's (same sense); ``time_limit_s`` stops the solver with
    the best choice found and its proven bound (``optimal`` false). ``optimal`` means the
    bound is within a quarter of a unit of the value: HiGHS's default gap (1e-4 of the
    value) could stop several people short on a large mission, so the gap asked for is a
    quarter unit over the largest the objective can be, and a whole value is then exact.

    Three runs, as a branch and bound would start (``docs/optimise.md``): the LP relaxation;
    a first placement, the MIP over the few binaries the LP uses; then the MIP over the
    binaries that reduced costs do not rule out against that placement.
    """
    started = time.perf_counter()
    c = np.asarray(model.objective if objective is None else objective, dtype=np.float64)
    scale = max(1.0, float(np.abs(c).sum()))
    gap = 0.25 / scale
    n = model.n_decisions

    def left() -> float | None:
        return None if time_limit_s is None else time_limit_s - (time.perf_counter() - started)

    lower, upper = model.variable_lower.copy(), model.variable_upper.copy()
    start: FloatArray | None = None
    start_value = math.inf
    left_out = math.inf  # the best value of any choice the fixing leaves out
    relaxed = _highs(model, c, integer=False, time_limit_s=left())
    if relaxed.infeasible:
        return CoveringSolution(None, math.nan, math.nan, True, time.perf_counter() - started)
    if relaxed.optimal and relaxed.x is not None and relaxed.reduced_cost is not None and n:
        used = relaxed.x[:n] > 1e-6
        few = upper.copy()
        few[:n][~used] = 0.0
        first = _highs(model, c, upper=few, time_limit_s=left(), gap=gap)
        if first.x is not None:
            start, start_value = first.x, first.value
            # Any choice with x_j away from its LP value is at least this (LP duality): where
            # that is worse than the first placement, x_j keeps its LP value.
            at_one = relaxed.x[:n] > 0.5
            cost = relaxed.reduced_cost[:n]
            worse = relaxed.value + np.where(at_one, np.maximum(-cost, 0.0), np.maximum(cost, 0.0))
            fixed = worse > start_value + _FIX_MARGIN * scale + 1e-3
            upper[:n][fixed & ~at_one] = 0.0
            lower[:n][fixed & at_one] = 1.0
            left_out = float(worse[fixed].min()) if fixed.any() else math.inf
    final = _highs(model, c, lower=lower, upper=upper, time_limit_s=left(), gap=gap)
    if final.infeasible and start is not None:  # cannot be, but never trust a fixing blindly
        final, left_out = _highs(model, c, time_limit_s=left(), gap=gap), math.inf
    if start is not None and not final.infeasible and (final.x is None or final.value > start_value):
        final = replace(final, x=start, value=start_value, optimal=False)  # stopped: the first is better
    seconds = time.perf_counter() - started
    if final.x is None:
        if final.infeasible:
            return CoveringSolution(None, math.nan, math.nan, True, seconds)
        raise _problem(
            "--time-limit", time_limit_s, gettext("enough time to find a first feasible placement")
        )
    # Proven: nothing is better than the LP, than the MIP's bound over what the fixing kept,
    # nor than the least the LP allows what it left out.
    bound = max(relaxed.value if relaxed.optimal else -math.inf, min(final.bound, left_out))
    sign = -1.0 if model.maximise else 1.0
    return CoveringSolution(
        final.x[:n] > 0.5,
        sign * final.value,
        sign * bound,
        final.optimal or final.value - bound <= 0.25,
        seconds,
    )


# -- the mission's model ----------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """The mission's covering model: the pool and question it was built for, and its MILP.

    Decisions: one binary per choice; counts: one per (site, condition).
    """

    pool: Pool
    question: Question
    covering: CoveringModel

    @property
    def n_choices(self) -> int:
        return len(self.pool.choices)

    @property
    def counts(self) -> IntArray:
        return self.covering.counts

    @property
    def weights(self) -> FloatArray:
        return self.covering.weights


def _removals(pool: Pool, question: Question) -> list[npt.NDArray[np.bool_]]:
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


@dataclass(frozen=True)
class _Terms:
    """A season's options as covering terms.

    Per option: its (leg, site) key, the light its airframe flies by (-1: none, 0: day, 1:
    night), that airframe's row (-1: none), whether it is ``constant`` (every literal always
    holds) or ``never`` used, its ``lead`` (the literal of its airframe when a choice places
    it, else ``_ONE``) and its ``rest`` (a variable "every other literal holds", or ``_ONE``).
    """

    key: IntArray
    light: IntArray
    air_row: IntArray
    constant: npt.NDArray[np.bool_]
    never: npt.NDArray[np.bool_]
    lead: IntArray
    rest: IntArray
    always: npt.NDArray[np.bool_]  # (legs x sites,): met whatever is decided


def _terms(
    build: _Builder,
    options: Options,
    facility_literal: IntArray,
    airframe_literal: IntArray,
    lights: set[int],
) -> _Terms:
    """The literals of every option of a season (``docs/optimise.md``), as variables.

    Only options some condition of the season can use get them: those flying by one of its
    ``lights``, at a (leg, site) not already met whatever is decided.
    """
    n_air = len(airframe_literal)
    n_sites = options.always.shape[1]
    group_literal = np.full(options.groups.shape[0], _ZERO, dtype=np.intp)
    for g, members in enumerate(options.groups.tolil().rows):  # facility rows of each group
        on = {int(facility_literal[f]) for f in members} - {_ZERO}
        group_literal[g] = _ONE if _ONE in on else build.any_of(tuple(sorted(on))) if on else _ZERO
    craft, pickup, group = options.craft, options.pickup, options.group
    flies = craft >= 0
    air_row = np.where(flies, craft % max(n_air, 1), -1)
    light = np.where(flies, (craft >= n_air).astype(np.intp), -1)
    literals = np.full((len(craft), 3), _ONE, dtype=np.intp)  # airframe, pick-up, group
    for column, (index, literal_of) in enumerate(
        ((air_row, airframe_literal), (pickup, facility_literal), (group, group_literal))
    ):
        used = index >= 0
        literals[used, column] = literal_of[index[used]]
    key = options.leg * n_sites + options.site
    never = (literals == _ZERO).any(axis=1) | ~((light < 0) | np.isin(light, list(lights)))
    constant = ~never & (literals == _ONE).all(axis=1)
    always = options.always.ravel().copy()
    always[key[constant & ~flies]] = True  # an asset that is always there, no airframe needed
    never |= always[key] & ~constant
    lead = literals[:, 0].copy()
    rest = np.full(len(key), _ONE, dtype=np.intp)
    need = ~never & ~constant & (literals[:, 1:] != _ONE).any(axis=1)
    if need.any():
        pairs = np.sort(literals[need, 1:], axis=1) + 3  # literals start at -2
        distinct, inverse = _unique_rows([pairs[:, 0], pairs[:, 1]])
        variables = [build.all_of(tuple(sorted({int(v) - 3 for v in row} - {_ONE}))) for row in distinct]
        rest[need] = np.asarray(variables, dtype=np.intp)[inverse]
    return _Terms(key, light, air_row, constant, never, lead, rest, always)


def _unique_rows(columns: list[IntArray]) -> tuple[IntArray, IntArray]:
    """The distinct rows of small non-negative integer columns, sorted, and each row's index
    among them: one int64 code per row when the columns fit (much faster than ``axis=0``)."""
    if not columns or len(columns[0]) == 0:
        return np.zeros((0, len(columns)), dtype=np.intp), np.zeros(0, dtype=np.intp)
    radices = [int(c.max()) + 1 for c in columns]
    if math.prod(radices) < 2**62:
        code = np.zeros(len(columns[0]), dtype=np.int64)
        for column, radix in zip(columns, radices, strict=True):
            code = code * radix + column
        distinct, inverse = np.unique(code, return_inverse=True)
        rows = np.empty((len(distinct), len(columns)), dtype=np.intp)
        for k in range(len(columns) - 1, -1, -1):
            distinct, rows[:, k] = np.divmod(distinct, radices[k])
        return rows, inverse.reshape(-1).astype(np.intp)
    rows, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
    return rows.astype(np.intp), inverse.reshape(-1).astype(np.intp)


def _numbered(key: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct values of a sorted array, and each entry's number among them."""
    new = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
    return key[new], np.cumsum(new) - 1


def _merged(build: _Builder, lead: int, rests: Sequence[int]) -> int:
    """ "This airframe, and any of these rests": one term for every option of a row that needs
    the same placed airframe (``a and (b or c)`` is ``(a and b) or (a and c)``), so that the row
    counts the airframe at most once and the LP cannot spread one helicopter over several
    options of a site."""
    rests = sorted(set(rests))
    either = _ONE if _ONE in rests else build.any_of_all(rests)
    return build.all_of(tuple(sorted({lead, either} - {_ONE})))


@dataclass(frozen=True)
class _Units:
    """The terms of one condition's rows, as units: the options of a (leg, site) that need the
    same placed airframe (the same row of the core: a loss takes all of them or none) are one
    unit, every other distinct rest one unit of its own."""

    of_option: IntArray  # per usable option needing a term: its unit (-1: none)
    key: IntArray  # per unit, sorted
    lead: IntArray
    term: IntArray
    size: IntArray  # options in the unit
    key_start: IntArray  # (keys + 1,): the units of key k are key_start[k]:key_start[k + 1]


def _units(build: _Builder, terms: _Terms, active: npt.NDArray[np.bool_], n_keys: int) -> _Units:
    lead, rest = terms.lead[active], terms.rest[active]
    fixed = lead == _ONE
    shift = 3  # literals start at -2: shifted, every column is non-negative
    rows, unit = _unique_rows(
        [
            terms.key[active],
            lead + shift,
            np.where(fixed, 0, terms.air_row[active] + 1),
            np.where(fixed, rest, _ZERO - 1) + shift,
        ]
    )
    unit_key, unit_lead = rows[:, 0], rows[:, 1] - shift
    term = np.where(unit_lead == _ONE, rows[:, 3] - shift, _ZERO)
    pairs, _ = _unique_rows([unit[~fixed], rest[~fixed] + shift])  # (unit, rest), by unit
    if len(pairs):
        first = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]])
        size = np.diff(np.r_[first, len(pairs)])
        lone = first[size == 1]
        lone_pairs, inverse = _unique_rows([unit_lead[pairs[lone, 0]], pairs[lone, 1]])
        made = [build.all_of(tuple(sorted({int(a), int(b) - shift} - {_ONE}))) for a, b in lone_pairs]
        term[pairs[lone, 0]] = np.asarray(made, dtype=np.intp)[inverse]
        for start, n in zip(first[size > 1], size[size > 1], strict=True):
            u = int(pairs[start, 0])
            term[u] = _merged(build, int(unit_lead[u]), [int(r) - shift for r in pairs[start : start + n, 1]])
    of_option = np.full(len(terms.key), -1, dtype=np.intp)
    of_option[active] = unit
    return _Units(
        of_option,
        unit_key,
        unit_lead,
        term,
        np.bincount(unit, minlength=len(unit_key)),
        np.searchsorted(unit_key, np.arange(n_keys + 1)),
    )


def _cover_condition(
    build: _Builder, terms: _Terms, counts: IntArray, night: bool, removals: list[npt.NDArray[np.bool_]]
) -> None:
    """The covering rows of one condition: "the site counts" at most each leg's terms.

    Without losses, ``y <= T``, the sum of the terms of the (leg, site). With n-1, a case that
    takes an option away there needs ``y <= T - (the terms it empties)``. All of them at once
    are ``y <= T - m`` with ``m >=`` the terms each case empties: the same relaxation, one
    short row a case instead of a copy of ``T``.
    """
    n_sites = len(counts)
    n_keys = len(terms.always)
    usable = ~terms.never & ((terms.light < 0) | (terms.light == int(night)))

    def met_whatever(use: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        covered = terms.always.copy()
        covered[terms.key[use & terms.constant]] = True
        return covered

    # What each case takes away: (case, option) pairs, every usable option of a lost airframe.
    lost = np.stack(removals[1:]) if len(removals) > 1 else np.zeros((0, 0), dtype=bool)
    case_of, row_of = np.nonzero(lost)
    flies = np.flatnonzero(usable & (terms.air_row >= 0))
    flies = flies[np.argsort(terms.air_row[flies], kind="stable")]
    per_row = np.bincount(terms.air_row[flies], minlength=lost.shape[1])
    first = np.cumsum(per_row) - per_row
    count = per_row[row_of]
    pair = np.repeat(np.arange(len(case_of)), count)
    hit_case = case_of[pair]
    hit_option = flies[
        first[row_of[pair]] + np.arange(len(pair)) - np.repeat(np.cumsum(count) - count, count)
    ]
    # The (leg, site) each case leaves unmet whatever is decided: no option always there is
    # left (those of the lost airframe are all gone).
    always_there = np.bincount(terms.key[usable & terms.constant], minlength=n_keys)
    touched, inverse = np.unique(
        hit_case.astype(np.int64) * n_keys + terms.key[hit_option], return_inverse=True
    )
    gone = np.bincount(inverse.reshape(-1), weights=terms.constant[hit_option], minlength=len(touched))
    unmet = ~terms.always[touched % n_keys] & (gone == always_there[touched % n_keys])
    case_keys = touched[unmet]  # codes case * keys + key, sorted
    emitted = ~met_whatever(usable)
    emitted[case_keys % n_keys] = True
    active = usable & ~terms.constant & emitted[terms.key]
    units = _units(build, terms, active, n_keys)

    keys = np.flatnonzero(emitted)
    starts, stops = units.key_start[keys], units.key_start[keys + 1]
    lengths = stops - starts
    unit = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths) + np.arange(lengths.sum())
    row = np.repeat(np.arange(len(keys)), lengths)
    most_lost = np.full(n_keys, -1, dtype=np.intp)
    with_cases = np.unique(case_keys % n_keys)
    most_lost[with_cases] = build.variables(len(with_cases), bounded=False)
    # y - T + m <= 0, one row per (leg, site): "the site counts" within every case's terms.
    m_row = np.flatnonzero(most_lost[keys] >= 0)
    build.rows(
        np.concatenate([np.arange(len(keys)), row, m_row]),
        np.concatenate([counts[keys % n_sites], units.term[unit], most_lost[keys[m_row]]]),
        np.concatenate([np.ones(len(keys)), -np.ones(len(unit)), np.ones(len(m_row))]),
        np.full(len(keys), -np.inf),
        np.zeros(len(keys)),
    )
    # The terms of no placed airframe that are plain "any of these places" are, together,
    # "any of all those places": a row that the LP cannot satisfy by counting one place in
    # several terms (prefixes of one list of destinations, from several airframes, overlap).
    plain = np.array(
        [units.lead[u] == _ONE and build.decisions_of(int(units.term[u])) is not None for u in unit],
        dtype=bool,
    )
    several = np.flatnonzero(np.bincount(row[plain], minlength=len(keys)) > 1)
    if len(several):
        at = np.r_[0, np.cumsum(lengths)]
        cut: tuple[list[int], list[int], list[float]] = ([], [], [])
        for number, k in enumerate(several):
            mine, mine_plain = units.term[unit[at[k] : at[k + 1]]], plain[at[k] : at[k + 1]]
            union = build.any_of_all([int(v) for v in mine[mine_plain]])
            columns = [int(counts[keys[k] % n_sites]), union, *(int(v) for v in mine[~mine_plain])]
            cut[0].extend([number] * len(columns))
            cut[1].extend(columns)
            cut[2].extend([1.0] + [-1.0] * (len(columns) - 1))
        build.rows(
            np.array(cut[0], dtype=np.intp),
            np.array(cut[1], dtype=np.intp),
            np.array(cut[2]),
            np.full(len(several), -np.inf),
            np.zeros(len(several)),
        )
    # Robust and with no option that always holds: the site counts only with terms of two
    # airframes, or one no loss empties (a valid cut that the rows above do not imply).
    if len(case_keys):
        bare = np.flatnonzero((most_lost[keys] >= 0) & ~met_whatever(usable)[keys])
        air = terms.air_row[active]
        low = np.full(len(units.key), np.iinfo(np.intp).max)
        high = np.full(len(units.key), -1)
        np.minimum.at(low, units.of_option[active], air)
        np.maximum.at(high, units.of_option[active], air)
        lossable = (low == high) & (high >= 0)
        in_bare = np.isin(row, bare)
        pick = row[in_bare]
        build.rows(
            np.concatenate([np.searchsorted(bare, bare), np.searchsorted(bare, pick)]),
            np.concatenate([counts[keys[bare] % n_sites], units.term[unit[in_bare]]]),
            np.concatenate([np.ones(len(bare)), np.where(lossable[unit[in_bare]], -0.5, -1.0)]),
            np.full(len(bare), -np.inf),
            np.zeros(len(bare)),
        )
    # m >= what each case takes away there: the units it empties (a loss empties the units of
    # its airframe; a unit of no placed airframe that other airframes' options still give
    # stays), where it leaves the (leg, site) unmet whatever is decided.
    taken = active[hit_option]
    n_units = len(units.key)
    code, times = np.unique(
        hit_case[taken].astype(np.int64) * n_units + units.of_option[hit_option[taken]], return_counts=True
    )
    emptied_unit = code % n_units
    emptied = times == units.size[emptied_unit]
    emptied_unit = emptied_unit[emptied]
    at = code[emptied] // n_units * n_keys + units.key[emptied_unit]  # sorted: units go by key
    keep = np.isin(at, case_keys)
    at, emptied_unit = at[keep], emptied_unit[keep]
    if len(at):
        case_rows, entry_row = _numbered(at)
        build.rows(
            np.concatenate([np.arange(len(case_rows)), entry_row]),
            np.concatenate([most_lost[case_rows % n_keys], units.term[emptied_unit]]),
            np.concatenate([np.ones(len(case_rows)), -np.ones(len(at))]),
            np.zeros(len(case_rows)),
            np.full(len(case_rows), np.inf),
        )


def build_model(pool: Pool, question: Question, *, at_most: bool = False) -> Model:
    """The covering model of ``docs/optimise.md`` for this pool and question.

    ``at_most`` lets each kind take fewer assets than asked (``--cover-all`` always does).
    """
    core = pool.core
    n_sites = len(core.scenario.sites)
    facility_literal = np.full(core.n_facilities, _ZERO, dtype=np.intp)
    airframe_literal = np.full(core.n_airframes, _ZERO, dtype=np.intp)
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
    n_conditions = len(question.conditions)
    counts = build.variables(n_conditions * n_sites).reshape(n_conditions, n_sites).T
    removals = _removals(pool, question)
    seasons: dict[Season, _Terms] = {}
    for c, (light, season) in enumerate(question.conditions):
        if season not in seasons:
            lights = {int(lt == "night") for lt, s in question.conditions if s == season}
            seasons[season] = _terms(build, core.options(season), facility_literal, airframe_literal, lights)
        _cover_condition(build, seasons[season], counts[:, c], light == "night", removals)

    # How many of each kind, one place each, a moved asset in exactly one place.
    for kind, members in pool.groups.items():
        if kind.startswith("move:"):
            build.sum_row(members, 1.0, 1.0)
            continue
        wanted = dict(question.add_facilities if kind.startswith("facility:") else question.add_airframes)[
            kind.split(":", 1)[1]
        ]
        if wanted > len(members):
            raise _problem(
                "--add-facility" if kind.startswith("facility:") else "--add-airframe",
                f"{kind.split(':', 1)[1]}x{wanted}",
                format_template(
                    gettext("at most one new asset of a kind per candidate place ({places} places)"),
                    places=len(members),
                ),
            )
        build.sum_row(members, 0.0 if question.cover_all or at_most else wanted, wanted)
    for asset in ("facility", "airframe"):
        at_place: dict[str, list[int]] = {}
        for number, choice in enumerate(pool.choices):
            if choice.new and choice.kind.startswith(asset + ":") and choice.candidate is not None:
                at_place.setdefault(choice.candidate.id, []).append(number)
        for members in at_place.values():
            if len(members) > 1:
                build.sum_row(members, -np.inf, 1.0)

    objective, variable_lower = np.zeros(build.n), np.zeros(build.n)
    if question.cover_all:
        for number, choice in enumerate(pool.choices):
            objective[number] = 1.0 if choice.new else 0.0
        variable_lower[counts.ravel()] = 1.0
    else:
        objective[counts] = -weights[:, None]
        # Among equal values, an asset stays where it is: a move must gain something. The
        # values are whole numbers, so this preference never outweighs one of them.
        moves = [
            n for n, choice in enumerate(pool.choices) if choice.kind.startswith("move:") and choice.candidate
        ]
        objective[moves] = 0.5 / (len(moves) + 1)
    covering = build.model(
        objective, counts, weights, maximise=not question.cover_all, variable_lower=variable_lower
    )
    return Model(pool=pool, question=question, covering=covering)


# -- solving ----------------------------------------------------------------------------------


def counted(pool: Pool, question: Question, chosen: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """(sites, conditions): which sites count with these choices, judged by the core.

    ``chosen`` is one choice vector, or a batch (placements, choices): then (placements,
    sites, conditions), judged in one go. Robust n-1: the site must meet every leg with
    every airframe, and with each one lost (a loss of an airframe that is not there changes
    nothing, so it is not judged).
    """
    core = pool.core
    batch = np.atleast_2d(np.asarray(chosen, dtype=bool))
    removals = _removals(pool, question)
    states: list[npt.NDArray[np.bool_]] = []
    starts: list[int] = []
    for row in batch:
        facility_on, airframe_on = pool.fixed_facility.copy(), pool.fixed_airframe.copy()
        for number in np.flatnonzero(row):
            facility_on[list(pool.choices[number].facility_rows)] = True
            airframe_on[list(pool.choices[number].airframe_rows)] = True
        starts.append(len(states))
        states.extend(
            np.concatenate([facility_on, airframe_on & ~lost])
            for lost in removals
            if not lost.any() or (airframe_on & lost).any()
        )
    masks = np.stack(states)
    result = np.zeros((len(batch), len(core.scenario.sites), len(question.conditions)), dtype=bool)
    for c, (light, season) in enumerate(question.conditions):
        every_leg = core.judge(masks, season, night=light == "night").all(axis=1)  # (states, sites)
        result[:, :, c] = np.logical_and.reduceat(every_leg, starts, axis=0)
    return result if np.ndim(chosen) == 2 else result[0]


def _value(model: Model, counts: npt.NDArray[np.bool_]) -> int:
    return round(float((counts * model.weights[:, None]).sum()))


def placements(pool: Pool, chosen: npt.NDArray[np.bool_]) -> tuple[Placement, ...]:
    """The chosen (asset, place) pairs with the ids they take in the scenario."""
    found: list[Placement] = []
    numbers: dict[str, int] = {}
    scenario = pool.core.scenario
    taken = {f.id for f in scenario.facilities} | {a.id for a in scenario.airframes}
    taken |= {s.id for s in scenario.sites}  # ids are unique across the three (spec v1)

    def fresh(kind: str, stem: str) -> str:
        """The next ``stem-k`` of this kind that the scenario does not use already."""
        while True:
            numbers[kind] = numbers.get(kind, 0) + 1
            if f"{stem}-{numbers[kind]}" not in taken:
                return f"{stem}-{numbers[kind]}"

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
        if kind == "facility":
            found.append(
                Placement("facility", fresh(choice.kind, f"new-l{what}"), choice.candidate, level=what)  # type: ignore[arg-type]
            )
        else:
            found.append(
                Placement("airframe", fresh(choice.kind, f"new-{what}"), choice.candidate, like=what)
            )
    return tuple(found)


def optimise(
    scenario: Scenario,
    question: Question,
    candidates: Sequence[Candidate],
    *,
    router: GroundRouter | None = None,
    time_limit_s: float | None = None,
    progress: Callable[[Phase], None] | None = None,
) -> Solution:
    """The best placement for ``question`` (``optimise-v1.md``), proven optimal unless the
    time limit stopped the solver (then the best found, with the proven bound).

    ``progress`` is told each :data:`Phase` as it starts (a front end's progress indicator).
    """
    tell = progress or (lambda phase: None)
    started = time.perf_counter()
    tell("pool")
    pool = build_pool(scenario, question, candidates, router)
    stays = np.array([c.candidate is None for c in pool.choices], dtype=bool)
    tell("model")
    model = build_model(pool, question)
    baseline_counts = counted(pool, question, stays)
    site_ids = [s.id for s in scenario.sites]
    tell("solve")
    result = solve(model.covering, time_limit_s=time_limit_s)
    if result.chosen is None:  # only --cover-all can be infeasible
        relaxed = build_model(pool, replace(question, cover_all=False), at_most=True)
        uncoverable = []
        for s, site_id in enumerate(site_ids):
            objective = np.zeros_like(relaxed.covering.objective)
            objective[relaxed.counts[s]] = -1.0
            best = solve(relaxed.covering, objective=objective, time_limit_s=time_limit_s)
            if best.value < len(question.conditions) - 0.5:
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
    tell("check")
    counts = counted(pool, question, result.chosen)
    value = _value(model, counts)
    # The core judges the answer again: a model that promised more than it gives is a bug.
    promised = counts.size if question.cover_all else result.value
    if (int(counts.sum()) if question.cover_all else value) + 0.5 < promised:
        raise RuntimeError(f"optimise: the model promised {promised}, the check of its placement gives less")
    before, after = baseline_counts.sum(axis=1), counts.sum(axis=1)
    bound = float(value) if result.optimal or question.cover_all else max(float(value), result.bound)
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
