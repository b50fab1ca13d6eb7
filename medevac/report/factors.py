"""Why sites fail, grouped: the explanation records of every failing leg, by code.

A planner's question "is it the night, the range, the launch, the approval time or the
roads?" is answered by the model: every failing (condition, site, leg) carries the
:class:`medevac.explain.Reason` records of the results table, each decided by re-checking
the one change it names (see :mod:`medevac.explain`). The report groups those same records
by code, so its per-site "why" and its grouped table can never disagree: a site is in a
group exactly when its own text gives that reason, and it keeps its own conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from medevac import messages
from medevac.check import CheckResult
from medevac.explain import REASON_CODES, Reason
from medevac.report.summary import CONDITIONS, Condition
from medevac.results import Results
from medevac.standards import Leg


@dataclass(frozen=True)
class Finding:
    """One failing leg at one site under one condition, and its reason records."""

    condition: Condition
    site_id: str
    personnel: int
    leg: Leg
    reasons: tuple[Reason, ...]

    @property
    def factors(self) -> tuple[str, ...]:
        """The codes of its reasons, each once, in the order given."""
        return tuple(dict.fromkeys(r.code for r in self.reasons))


def limiting_factors(results: Results | Mapping[Condition, CheckResult]) -> list[Finding]:
    """Every failing (condition, site, leg) of the results, with its reason records.

    Conditions in the report's order (:data:`CONDITIONS`), then legs, then sites.
    """
    if not isinstance(results, Results):
        results = Results.from_conditions(results)
    order = {f"{light}-{season}": k for k, (light, season) in enumerate(CONDITIONS)}
    findings = []
    for name in sorted(results.conditions, key=lambda c: order.get(c, len(order))):
        check = results.check(name)
        rows = results.rows(name)
        failing = rows[~rows["meets"]]
        for leg in check.legs:
            for row in failing[failing["leg"] == leg].to_dict("records"):
                findings.append(
                    Finding(
                        (check.light, check.season),
                        str(row["site_id"]),
                        int(row["personnel"]),
                        leg,
                        tuple(row["reasons"]),
                    )
                )
    return findings


def _rank(code: str) -> int:
    codes: tuple[str, ...] = REASON_CODES
    return codes.index(code) if code in codes else len(codes)


@dataclass(frozen=True)
class FactorGroup:
    """One reason code and the failing legs it holds back, each site with its conditions."""

    factor: str  # a reason code
    findings: tuple[Finding, ...]

    @property
    def name(self) -> str:
        return messages.factor_name(self.factor)

    @property
    def meaning(self) -> str:
        return messages.factor_meaning(self.factor)

    @property
    def assets(self) -> tuple[str, ...]:
        """What this group's records would change (an airframe, a site), each once; an
        ``out_of_range`` record's facility is only where the sortie would go."""
        named = [a for f in self.findings for r in f.reasons if r.code == self.factor for a in r.assets[:1]]
        return tuple(dict.fromkeys(named))

    def sites(self, condition: Condition | None = None) -> tuple[str, ...]:
        """Distinct sites in this group (under one condition, or any)."""
        ids = [f.site_id for f in self.findings if condition is None or f.condition == condition]
        return tuple(dict.fromkeys(ids))

    @property
    def personnel(self) -> int:
        return sum({f.site_id: f.personnel for f in self.findings}.values())

    def summary_text(self, label: Callable[[str], str] | None = None) -> str:
        """E.g. ``surgery at kidal (night, dry season; night, wet season), tessalit (day, wet
        season)``: each site with its own conditions, named by ``label`` (default: its id)."""
        by_leg: dict[Leg, dict[str, list[Condition]]] = {}
        for finding in self.findings:
            site = label(finding.site_id) if label else finding.site_id
            conditions = by_leg.setdefault(finding.leg, {}).setdefault(site, [])
            if finding.condition not in conditions:
                conditions.append(finding.condition)
        return messages.findings_text(by_leg)


def group_findings(findings: list[Finding]) -> list[FactorGroup]:
    """Findings grouped by reason code (a finding sits in one group per code), largest first."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        for code in finding.factors:
            groups.setdefault(code, []).append(finding)
    ordered = sorted(
        groups.items(),
        key=lambda item: (-len({f.site_id for f in item[1]}), _rank(item[0]), item[0]),
    )
    return [FactorGroup(code, tuple(items)) for code, items in ordered]


def factor_column(findings: list[Finding], condition: Condition) -> dict[str, str]:
    """Per site, its failing legs' reason codes (named) under one condition:
    ``surgery: range, launch time``."""
    texts: dict[str, list[str]] = {}
    for finding in findings:
        if finding.condition == condition:
            texts.setdefault(finding.site_id, []).append(
                messages.leg_factors_text(finding.leg, finding.factors)
            )
    return {site: messages.semicolon().join(parts) for site, parts in texts.items()}


__all__ = ["FactorGroup", "Finding", "factor_column", "group_findings", "limiting_factors"]
