"""Everything a gap report says, computed once: checks, tables, factors, fixes, comparisons.

The writers (HTML, PDF, workbook, GeoPackage, CSV) only format a :class:`ReportData`, so
every output states the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from medevac.check import CheckResult, make_router
from medevac.ground import GroundRouter, road_network
from medevac.i18n import DEFAULT_LANGUAGE, format_template, gettext, using
from medevac.model import Scenario
from medevac.planning.daylight import Profile, profile
from medevac.planning.robustness import Availability, NMinusOne, availability, n_minus_1
from medevac.report.assumptions import Assumption, assumptions
from medevac.report.factors import FactorGroup, Finding, factor_column, group_findings, limiting_factors
from medevac.report.recommend import Recommendation, recommend
from medevac.report.referral import Accessibility, accessibility
from medevac.report.summary import (
    CONDITIONS,
    CachedRouter,
    Condition,
    LegShare,
    check_conditions,
    leg_shares,
    site_table,
)
from medevac.results import EveryLegDelta, Results, condition_name
from medevac.variants import VariantCore
from medevac.whatif import Difference, LegDelta, differences

Step = Callable[[str], None]
"""Called with the name of each step as it starts (a progress bar's hook)."""


@dataclass(frozen=True)
class VariantComparison:
    """A variant scenario against the baseline, under each of the four conditions."""

    name: str
    scenario: Scenario
    results: dict[Condition, CheckResult]
    table: Results  # the variant's results table
    deltas: dict[Condition, tuple[LegDelta, ...]]
    every_leg: dict[Condition, EveryLegDelta]
    differences: tuple[Difference, ...]  # what the variant file changes


@dataclass(frozen=True)
class Holds:
    """Does the plan hold: each asset lost alone, availability, and the hours of one day."""

    n_minus_1: NMinusOne
    availability: Availability
    profile: Profile


def does_it_hold(scenario: Scenario, router: GroundRouter, day: date) -> Holds:
    """The report's robustness figures under the four conditions, from one variant core."""
    core = VariantCore(scenario, router=router)
    return Holds(
        n_minus_1=n_minus_1(scenario, CONDITIONS, core=core),
        availability=availability(scenario, CONDITIONS, core=core),
        profile=profile(scenario, day, core=core),
    )


@dataclass(frozen=True)
class ReportData:
    scenario: Scenario
    condition: Condition  # the scenario's own conditions: the per-site table's
    results: dict[Condition, CheckResult]
    results_table: Results  # the four checks as one table: every figure below is read from it
    shares: list[LegShare]
    table: pd.DataFrame  # the per-site table under the scenario's own conditions
    findings: list[Finding]
    groups: list[FactorGroup]
    recommendations: list[Recommendation]
    comparisons: list[VariantComparison]
    holds: Holds
    assumptions: tuple[Assumption, ...]  # the values the checks used, with their sources
    accessibility: Accessibility  # referral between facilities, catchments of people

    @property
    def result(self) -> CheckResult:
        """The check under the scenario's own conditions."""
        return self.results[self.condition]


def _site_table(results: Results, findings: list[Finding], condition: Condition) -> pd.DataFrame:
    """The per-site table with each site's failing legs' reason codes (named), in the current
    language."""
    table = site_table(results, condition)
    factors = factor_column(findings, condition)
    table["factor_groups"] = [factors.get(site, "") for site in table["site_id"]]
    return table


def data_table(data: ReportData) -> pd.DataFrame:
    """The per-site table in English whatever the reader's language: the CSV's and the
    GeoPackage's data (their values are read by scripts, as ``check --format csv``'s are)."""
    with using(DEFAULT_LANGUAGE):
        return _site_table(data.results_table, data.findings, data.condition)


def analyse(
    scenario: Scenario,
    variants: Sequence[tuple[str, Scenario]] = (),
    *,
    router: GroundRouter | None = None,
    step: Step | None = None,
) -> ReportData:
    """Run every check a report needs; ``variants`` are (name, scenario) pairs to compare."""
    say = step or (lambda _: None)
    router = CachedRouter(router or make_router(scenario))
    say(gettext("checks"))
    results = check_conditions(scenario, router)
    table_of_results = Results.from_conditions(results)
    condition: Condition = (scenario.conditions.light, scenario.conditions.season)
    say(gettext("limiting factors"))
    findings = limiting_factors(table_of_results)
    table = _site_table(table_of_results, findings, condition)
    say(gettext("recommendations"))
    recommendations = recommend(scenario, router)
    say(gettext("does it hold"))
    holds = does_it_hold(scenario, router, date.today())
    comparisons = []
    for name, variant in variants:
        say(format_template(gettext("variant {name}"), name=name))
        variant_results = check_conditions(variant, make_router(variant))
        variant_table = Results.from_conditions(variant_results)
        names = {c: condition_name(*c) for c in CONDITIONS}
        deltas = {c: table_of_results.compare(variant_table, names[c], names[c]) for c in CONDITIONS}
        every_leg = {
            c: table_of_results.compare_every_leg(variant_table, names[c], names[c]) for c in CONDITIONS
        }
        comparisons.append(
            VariantComparison(
                name,
                variant,
                variant_results,
                variant_table,
                deltas,
                every_leg,
                differences(scenario, variant),
            )
        )
    return ReportData(
        scenario=scenario,
        condition=condition,
        results=results,
        results_table=table_of_results,
        shares=leg_shares(table_of_results),
        table=table,
        findings=findings,
        groups=group_findings(findings),
        recommendations=recommendations,
        comparisons=comparisons,
        holds=holds,
        assumptions=tuple(assumptions(scenario, road_network(router))),
        accessibility=accessibility(scenario, router),
    )
