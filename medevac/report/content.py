"""The report's content: what a Force Commander reads, as blocks for the HTML and PDF."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import numpy as np

from medevac import __version__, messages
from medevac.check import reported_min
from medevac.i18n import (
    DEFAULT_LANGUAGE,
    N_,
    current_language,
    format_date,
    format_integer,
    format_template,
    gettext,
)
from medevac.planning.robustness import Tally
from medevac.report.analysis import ReportData, Step
from medevac.report.cells import FAIL_MARK, compliance_cell
from medevac.report.document import Block, Bullets, Document, Figure, Heading, Paragraph, Table
from medevac.report.factors import factor_column
from medevac.report.maps import change_map, conditions_map, status_map
from medevac.report.summary import ALL_LEGS, CONDITIONS, Condition, condition_label
from medevac.results import EveryLegDelta, LegDelta, SiteChange, condition_name
from medevac.whatif import content_key


def share_text(part: int, whole: int) -> str:
    """``83 %``, or ``n/a`` when there is nothing to share; never ``100 %`` while anyone is
    left out, nor ``0 %`` when anyone is in (rounded toward the truth at 0.1 %).

    >>> share_text(8710, 8722), share_text(1, 2000), share_text(5, 6), share_text(0, 3)
    ('99.8 %', '0.1 %', '83 %', '0 %')
    """
    if not whole:
        return gettext("n/a")
    percent = 100 * part / whole
    if 0 < part < whole and f"{percent:.0f}" in ("0", "100"):
        tenths = math.floor(percent * 10) / 10 if percent > 50 else math.ceil(percent * 10) / 10
        return format_template("{percent:.1f} %", percent=tenths)
    return format_template("{percent:.0f} %", percent=percent)


SEASON_SHORT: dict[str, str] = {"dry": N_("dry"), "wet": N_("wet")}
"""A season in one word, as the site table's last columns name it."""


def date_text(day: date) -> str:
    """A date as the report prints it: ISO in English (``2026-12-02``), the locale's medium
    form otherwise (``2 déc. 2026``)."""
    return day.isoformat() if current_language() == DEFAULT_LANGUAGE else format_date(day)


WORST_SITES = 5
"""Sites named on page 1, by personnel at risk."""


def _bottom_line(data: ReportData) -> list[Block]:
    """Page 1: are we compliant under each condition, who is at risk, what fixes it."""
    lines = []
    for condition in CONDITIONS:
        summary = data.results_table.summary(condition_name(*condition))
        failing = summary["sites"] - summary["sites_meeting_all"]
        people = summary["personnel"] - summary["personnel_meeting_all"]
        own = gettext(" (the scenario's conditions)") if condition == data.condition else ""
        if failing == 0:
            verdict = format_template(
                gettext("compliant: all {sites} sites, {personnel:,} personnel meet every leg"),
                sites=summary["sites"],
                personnel=summary["personnel"],
            )
        else:
            verdict = format_template(
                gettext(
                    "not compliant: {failing} of {sites} sites, {people:,} of {personnel:,} personnel "
                    "fail at least one leg"
                ),
                failing=failing,
                sites=summary["sites"],
                people=people,
                personnel=summary["personnel"],
            )
        lines.append(
            format_template(
                gettext("{condition}{own}: {verdict}."),
                condition=condition_label(condition).capitalize(),
                own=own,
                verdict=verdict,
            )
        )
    blocks: list[Block] = [Bullets(tuple(lines))]
    at_risk: dict[str, tuple[int, set[str]]] = {}
    for condition in CONDITIONS:
        tallies = data.results_table.site_tallies(condition_name(*condition))
        for tally in tallies[~tallies["meets_all"]].to_dict("records"):
            people, legs = at_risk.get(tally["site_id"], (int(tally["personnel"]), set()))
            at_risk[tally["site_id"]] = (people, legs | set(tally["failing_legs"]))
    if at_risk:
        worst = sorted(at_risk.items(), key=lambda item: (-item[1][0], item[0]))[:WORST_SITES]
        blocks.append(Paragraph(gettext("Most people at risk (under any of the four conditions):")))
        blocks.append(
            Bullets(
                tuple(
                    format_template(
                        gettext("{site}: {people:,} personnel; fails {legs}"),
                        site=_site_label(data, site_id),
                        people=people,
                        legs=", ".join(messages.leg_text(leg) for leg in data.result.legs if leg in legs),
                    )
                    for site_id, (people, legs) in worst
                )
            )
        )
    if data.recommendations:
        blocks.append(
            Paragraph(gettext("What fixes it first (each effect re-checked; details under Recommendations):"))
        )
        names = data.scenario.names()
        blocks.append(Bullets(tuple(r.text(names) for r in data.recommendations[:3]), numbered=True))
    return blocks


def _compliance_matrix(data: ReportData) -> Table:
    """Site x leg x condition: the minutes in each cell, coloured and marked by verdict."""
    legs = data.result.legs
    columns = [gettext("site")]
    grids = []
    for condition in CONDITIONS:
        check = data.results[condition]
        grids.append((reported_min(check.times.time_min), check.meets))
        columns += [f"{messages.leg_text(leg)}, {condition_label(condition)}" for leg in legs]
    rows: list[tuple[str, ...]] = []
    shades: list[tuple[str | None, ...]] = []
    for s, site in enumerate(data.scenario.sites):
        row: list[str] = [_site_label(data, site.id)]
        shade: list[str | None] = [None]
        for times, meets in grids:
            for i in range(len(legs)):
                text, colour = compliance_cell(float(times[i, s]), bool(meets[i, s]))
                row.append(text)
                shade.append(colour)
        rows.append(tuple(row))
        shades.append(tuple(shade))
    return Table(
        "compliance",
        tuple(columns),
        tuple(rows),
        caption=format_template(
            gettext(
                "Minutes from wounding per site, leg and condition: green meets, orange (!) fails, "
                "grey ({none}) has no pathway"
            ),
            none=gettext("none") + FAIL_MARK,
        ),
        widths=(3.0, *(1.0 for _ in columns[1:])),
        shades=tuple(shades),
    )


def leg_name(leg: str) -> str:
    return gettext(messages.ALL_LEGS_TEXT) if leg == ALL_LEGS else messages.leg_text(leg)  # type: ignore[arg-type]


def _minutes(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return gettext("none")
    return format_template("{minutes:.1f}", minutes=float(value))  # type: ignore[arg-type]


def _shortfall_text(failing: list[str], shortfall: object) -> str:
    if not failing:
        return format_template("{minutes:.1f}", minutes=0.0)
    if shortfall is None or (isinstance(shortfall, float) and np.isnan(shortfall)):
        return gettext("no pathway")
    return _minutes(shortfall)


def _headline(data: ReportData) -> list[Block]:
    lines = []
    for condition in CONDITIONS:
        summary = data.results_table.summary(condition_name(*condition))
        own = gettext(" (the scenario's conditions)") if condition == data.condition else ""
        lines.append(
            format_template(
                gettext(
                    "{condition}{own}: {sites_meeting} of {sites} sites and {personnel_meeting:,} of "
                    "{personnel:,} personnel meet every leg."
                ),
                condition=condition_label(condition).capitalize(),
                own=own,
                sites_meeting=summary["sites_meeting_all"],
                sites=summary["sites"],
                personnel_meeting=summary["personnel_meeting_all"],
                personnel=summary["personnel"],
            )
        )
    blocks: list[Block] = [Bullets(tuple(lines))]
    for comparison in data.comparisons:
        changes = []
        for condition in CONDITIONS:
            every = comparison.every_leg[condition]
            changes.append(
                format_template(
                    gettext(
                        "{condition}: {sites} sites and {personnel:,} personnel meet every leg ({change:+,})"
                    ),
                    condition=condition_label(condition),
                    sites=every.sites_after,
                    personnel=every.personnel_after,
                    change=every.personnel_after - every.personnel_before,
                )
            )
        blocks.append(
            Paragraph(
                format_template(
                    gettext("Variant {name} ({differences}): {changes}."),
                    name=comparison.name,
                    differences=messages.differences_text(comparison.differences),
                    changes=messages.semicolon().join(changes),
                )
            )
        )
    if data.recommendations:
        first = data.recommendations[0].text(data.scenario.names())
        blocks.append(Paragraph(format_template(gettext("First recommendation: {first}."), first=first)))
    return blocks


P_MEETS_FLOOR = 0.9
"""Sites less likely than this to meet every leg are listed under "Does it hold?"."""


def _holds(data: ReportData) -> list[Block]:
    """N-1 with the single points of failure first, unlikely sites, hours without cover."""
    n1, chances, day = data.holds.n_minus_1, data.holds.availability, data.holds.profile
    names = [condition_name(*c) for c in CONDITIONS]

    def tally(t: Tally) -> str:
        return format_template(
            "{sites} ({personnel:,})", sites=t.sites_meeting_all, personnel=t.personnel_meeting_all
        )

    first = n1.single_points_of_failure()
    rows = [(gettext("nothing lost"), *(tally(n1.baseline[c]) for c in names), "")]
    for loss in [*first, *(loss for loss in n1.losses if loss not in first)]:
        lost = sorted({s for t in loss.by_condition.values() for s in t.sites_lost})
        rows.append(
            (
                _asset_label(data, loss.asset, loss.id),
                *(tally(loss.by_condition[c]) for c in names),
                _sites_text(data, lost) or gettext("none"),
            )
        )
    blocks: list[Block] = [
        Paragraph(
            gettext(
                "Each aircraft and each facility lost alone (a facility with the aircraft based on it): "
                "sites (personnel) meeting every leg, single points of failure first."
            )
        ),
        Table(
            "n-minus-1",
            (
                gettext("lost"),
                *(condition_label(c) for c in CONDITIONS),
                gettext("sites lost (any condition)"),
            ),
            tuple(rows),
        ),
    ]
    method = (
        gettext("exact")
        if chances.method == "exact"
        else format_template(gettext("Monte Carlo, {samples:,} draws"), samples=chances.samples)
    )
    unlikely, never = [], []
    for site in chances.sites:
        p = [site.p_meets_all[n] for n in names]
        if max(p) == 0.0:
            never.append(_site_label(data, site.site_id))
        elif min(p) < P_MEETS_FLOOR:
            low = [
                format_template("{condition} {share:.0%}", condition=condition_label(c), share=q)
                for c, q in zip(CONDITIONS, p, strict=True)
                if q < P_MEETS_FLOOR
            ]
            unlikely.append(
                format_template(
                    gettext("{site}: {why}"),
                    site=_site_label(data, site.site_id),
                    why=messages.semicolon().join(low),
                )
            )
    if never:
        unlikely.append(
            format_template(
                gettext("never, whatever the aircraft available (see the gaps above): {sites}"),
                sites=", ".join(never),
            )
        )
    floor = format_template("{floor:.0%}", floor=P_MEETS_FLOOR)
    if unlikely:
        blocks += [
            Paragraph(
                format_template(
                    gettext(
                        "Sites less than {floor} likely to meet every leg, over availability and weather "
                        "({method}):"
                    ),
                    floor=floor,
                    method=method,
                )
            ),
            Bullets(tuple(unlikely)),
        ]
    else:
        blocks.append(
            Paragraph(
                format_template(
                    gettext(
                        "Every site is at least {floor} likely to meet every leg, each condition ({method})."
                    ),
                    floor=floor,
                    method=method,
                )
            )
        )
    some_hour = day.meets_all.any(axis=0)
    short = [h for h, row in enumerate(day.meets_all) if (some_hour & ~row).any()]
    when = format_template(
        gettext("{date}, {season}, civil twilight at each base"),
        date=date_text(day.date),
        season=gettext(messages.SEASON_NAME[day.season])
        if day.season in messages.SEASON_NAME
        else day.season,
    )
    blocks.append(
        Paragraph(
            format_template(
                gettext("Hours (UTC) of {when} in which a site covered at another hour is not: {hours}."),
                when=when,
                hours=messages.hours_text(short),
            )
            if short
            else format_template(
                gettext("Through the day of {when}, no site covered at one hour loses cover at another."),
                when=when,
            )
        )
    )
    return blocks


def _summary_table(data: ReportData) -> Table:
    thresholds = data.result.standard.thresholds_min
    rows = []
    for share in data.shares:
        threshold = (
            "" if share.leg == ALL_LEGS else format_template("{limit:g}", limit=thresholds[share.leg])  # type: ignore[index]
        )
        rows.append(
            (
                condition_label(share.condition),
                leg_name(share.leg),
                threshold,
                str(share.sites_meeting),
                str(share.sites),
                share_text(share.sites_meeting, share.sites),
                str(share.personnel_meeting),
                str(share.personnel),
                share_text(share.personnel_meeting, share.personnel),
            )
        )
    return Table(
        "summary",
        (
            gettext("condition"),
            gettext("leg"),
            gettext("limit (min)"),
            gettext("sites meeting"),
            gettext("sites"),
            gettext("share of sites"),
            gettext("personnel meeting"),
            gettext("personnel"),
            gettext("share of personnel"),
        ),
        tuple(rows),
        caption=gettext("Sites and personnel meeting each leg, by day and night, dry and wet season"),
    )


def _site_table(data: ReportData) -> Table:
    legs = data.result.legs
    frame = data.table
    columns = (
        gettext("site"),
        gettext("personnel"),
        *(format_template(gettext("{leg} (min)"), leg=messages.leg_text(leg)) for leg in legs),
        gettext("failing legs"),
        gettext("shortfall (min)"),
        gettext("limiting factors"),
        *(
            format_template(
                gettext("meets all: {light}, {season}"),
                light=gettext(messages.LIGHT_NAME[c[0]]),
                season=gettext(SEASON_SHORT[c[1]]),
            )
            for c in CONDITIONS
        ),
    )
    factors = factor_column(data.findings, data.condition)  # the words in the reader's language
    rows = []
    for record in frame.to_dict("records"):
        failing = [messages.leg_text(leg) for leg in legs if not record[f"meets_{leg}"]]
        rows.append(
            (
                _site_label(data, str(record["site_id"])),
                str(record["personnel"]),
                *(
                    _minutes(record[f"{leg}_min"]) + ("" if record[f"meets_{leg}"] else FAIL_MARK)
                    for leg in legs
                ),
                ", ".join(failing) or "-",
                _shortfall_text(failing, record["shortfall_min"]),
                factors.get(str(record["site_id"]), "") or "-",
                *(
                    gettext("yes") if record[f"meets_all_{c[0]}_{c[1]}"] else gettext("no")
                    for c in CONDITIONS
                ),
            )
        )
    widths = (1.2, 0.8, *(0.8 for _ in legs), 1.2, 0.9, 3.2, *(0.6 for _ in CONDITIONS))
    return Table(
        "sites",
        columns,
        tuple(rows),
        caption=format_template(
            gettext(
                "Sites sorted by shortfall (minutes over the limit of the worst leg), {condition}; "
                "! marks a leg over its limit"
            ),
            condition=condition_label(data.condition),
        ),
        widths=widths,
    )


def _factors(data: ReportData) -> list[Block]:
    if not data.groups:
        return [Paragraph(gettext("No site fails any leg under any condition."))]
    rows = []
    for group in data.groups:
        rows.append(
            (
                group.name,
                group.meaning,
                ", ".join(group.assets) or "-",
                str(len(group.sites())),
                str(group.personnel),
                group.summary_text(lambda site_id: _site_label(data, site_id)),
            )
        )
    return [
        Paragraph(
            gettext(
                "The reasons of the site table, grouped. Each was decided by re-checking the one change "
                "it names: an airframe returned to service, made night-capable or given unlimited range, "
                "a landing site or first responders at the site is named when that change alone improves "
                "the leg; a launch or approval at once, or the dry season, when it alone makes the leg "
                "meet. A leg no single change makes meet is marked as needing several changes together, "
                "or as out of reach when even all of them at once do not. A leg may have several reasons; "
                "each site keeps its own conditions."
            )
        ),
        Table(
            "factors",
            (
                gettext("factor"),
                gettext("what it means"),
                gettext("named"),
                gettext("sites"),
                gettext("personnel"),
                gettext("failing legs and conditions"),
            ),
            tuple(rows),
            widths=(1.2, 2.2, 1.0, 0.5, 0.7, 4.0),
        ),
    ]


def _recommendations(data: ReportData) -> list[Block]:
    if not data.recommendations:
        return [Paragraph(gettext(messages.RECOMMENDATIONS_NONE))]
    alone = [r for r in data.recommendations if r.source != "greedy"]
    greedy = [r for r in data.recommendations if r.source == "greedy"]
    blocks: list[Block] = []
    if alone:
        blocks += [
            Paragraph(gettext(messages.RECOMMENDATIONS_PLACEMENTS)),
            Bullets(tuple(r.text(data.scenario.names()) for r in alone), numbered=True),
        ]
    if greedy:
        blocks += [
            Paragraph(gettext(messages.RECOMMENDATIONS_GREEDY)),
            Bullets(tuple(r.text(data.scenario.names()) for r in greedy), numbered=True),
        ]
    rows = [
        (
            gettext(messages.AS_IT_IS),
            *(
                format_template(
                    "{sites} ({personnel:,})",
                    sites=s["sites_meeting_all"],
                    personnel=s["personnel_meeting_all"],
                )
                for s in (data.results_table.summary(condition_name(*c)) for c in CONDITIONS)
            ),
        )
    ]
    for r in data.recommendations:
        after = {e.condition: e for e in r.every_leg}
        rows.append(
            (
                r.candidate.action,
                *(
                    format_template(
                        "{sites} ({personnel:,})",
                        sites=after[c].sites_after,
                        personnel=after[c].personnel_after,
                    )
                    for c in CONDITIONS
                ),
            )
        )
    blocks.append(
        Table(
            "recommendations",
            (gettext("change"), *(condition_label(c) for c in CONDITIONS)),
            tuple(rows),
            caption=gettext(messages.RECOMMENDATIONS_TABLE),
        )
    )
    return blocks


def _patrols(data: ReportData) -> list[Block]:
    if not data.scenario.patrols:
        return []
    legs = data.result.legs
    rows = []
    for patrol in data.scenario.patrols:
        for condition in CONDITIONS:
            result = next(p for p in data.results[condition].patrols if p.patrol_id == patrol.id)
            shares = result.share_meeting(legs)
            rows.append(
                (
                    _patrol_label(patrol.id, patrol.name),
                    str(patrol.personnel),
                    condition_label(condition),
                    format_template("{km:.0f}", km=result.samples.length_km),
                    *(format_template("{percent:.0f} %", percent=100 * shares[leg]) for leg in legs),
                )
            )
    return [
        Heading(gettext("Patrols")),
        Table(
            "patrols",
            (
                gettext("patrol"),
                gettext("personnel"),
                gettext("condition"),
                gettext("length (km)"),
                *(format_template(gettext("{leg}: share met"), leg=messages.leg_text(leg)) for leg in legs),
            ),
            tuple(rows),
            caption=gettext("Share of each route's length meeting each leg (points every 5 km)"),
        ),
    ]


def _comparisons(data: ReportData, step: Step) -> list[Block]:
    if not data.comparisons:
        return []
    blocks: list[Block] = [Heading(gettext("Comparison with variants"))]
    thresholds = data.result.standard.thresholds_min
    for number, comparison in enumerate(data.comparisons, start=1):
        step(format_template(gettext("map of {name}"), name=comparison.name))
        blocks.append(
            Heading(
                format_template(gettext("Variant {number}: {name}"), number=number, name=comparison.name),
                level=3,
            )
        )
        blocks.append(
            Paragraph(
                format_template(
                    gettext("Changes: {differences}."),
                    differences=messages.differences_text(comparison.differences),
                )
            )
        )
        rows = []
        for condition in CONDITIONS:
            labelled: list[tuple[str, LegDelta | EveryLegDelta]] = [
                (d.label, d) for d in comparison.deltas[condition]
            ]
            for label, delta in [
                *labelled,
                (gettext(messages.ALL_LEGS_TEXT), comparison.every_leg[condition]),
            ]:
                rows.append(
                    (
                        condition_label(condition),
                        label,
                        str(delta.sites_before),
                        str(delta.sites_after),
                        _sites_text(data, delta.sites_gained) or "-",
                        _sites_text(data, delta.sites_lost) or "-",
                        str(delta.personnel_gained),
                        str(delta.personnel_lost),
                    )
                )
        blocks.append(
            Table(
                f"compare-{number}",
                (
                    gettext("condition"),
                    gettext("leg"),
                    gettext("sites before"),
                    gettext("sites after"),
                    gettext("sites gained"),
                    gettext("sites lost"),
                    gettext("personnel gained"),
                    gettext("personnel lost"),
                ),
                tuple(rows),
                caption=format_template(
                    gettext(
                        "Baseline against {name}: sites and personnel gained or lost per leg, "
                        "and on every leg at once (a person counts once)"
                    ),
                    name=comparison.name,
                ),
            )
        )
        changes = sorted(
            (
                (condition, delta.leg, change)
                for condition in CONDITIONS
                for delta in comparison.deltas[condition]
                for change in delta.changed
            ),
            key=lambda item: (CONDITIONS.index(item[0]), -abs(_change_min(item[2]) or float("inf"))),
        )
        if changes:
            blocks.append(
                Table(
                    f"compare-{number}-times",
                    (
                        gettext("condition"),
                        gettext("site"),
                        gettext("leg"),
                        gettext("before (min)"),
                        gettext("after (min)"),
                        gettext("change"),
                    ),
                    tuple(
                        (
                            condition_label(condition),
                            _site_label(data, change.site_id),
                            messages.leg_text(leg),
                            _minutes_text(change.before_min),
                            _minutes_text(change.after_min),
                            messages.time_change_text(
                                _change_min(change), change.after_min, float(thresholds[leg])
                            ),
                        )
                        for condition, leg, change in changes
                    ),
                    caption=format_template(
                        gettext(
                            "Every time {name} changes, whether or not a limit is crossed, "
                            "largest change first"
                        ),
                        name=comparison.name,
                    ),
                )
            )
        blocks.append(
            Figure(
                change_map(
                    data.result,
                    comparison.results[data.condition],
                    format_template(
                        gettext("{name}: sites that changed ({condition})"),
                        name=comparison.name,
                        condition=condition_label(data.condition),
                    ),
                ),
                format_template(
                    gettext("Sites whose verdict on every leg changed in {name}, {condition}"),
                    name=comparison.name,
                    condition=condition_label(data.condition),
                ),
            )
        )
    return blocks


NO_FACILITY_BY_ROAD = N_("no facility by road")


def _facility_label(data: ReportData, facility_id: str | None) -> str:
    """A facility by its name, with the id where the name differs (``Level 1, Wau (wau-l1)``)."""
    if facility_id is None:
        return gettext(NO_FACILITY_BY_ROAD)
    facility = next((f for f in data.scenario.facilities if f.id == facility_id), None)
    if facility is None or not facility.name or facility.name == facility_id:
        return facility_id
    return f"{facility.name} ({facility_id})"


def _referral(data: ReportData) -> list[Block]:
    """Each Level 1 to its nearest Level 2 (or higher) and Level 3, by road in each season
    and in a straight line (AccessMod's referral table)."""
    frame = data.accessibility.referral
    if frame.empty:
        return [Paragraph(gettext("The scenario has no Level 1 facility to refer from."))]
    ranks = {f.rank for f in data.scenario.facilities}
    frame = frame[[int(level) in ranks for level in frame["to_level"]]]  # levels the mission has
    lacking = [messages.level_text(r) for r in (2, 3) if r not in ranks]
    rows = []
    for (facility_id, to_level), group in frame.groupby(["facility_id", "to_level"], sort=False):
        by_season = {record["season"]: record for record in group.to_dict("records")}
        cells = []
        for season in ("dry", "wet"):
            record = by_season[season]
            reached = record["by_time_facility_id"]
            cells += [
                _facility_label(data, reached) if reached else gettext("none by road"),
                _minutes(record["ground_min"]) if reached else "-",
            ]
        nearest = by_season["dry"]
        rows.append(
            (
                _facility_label(data, str(facility_id)),
                gettext("Level 2 or higher") if to_level == "2" else messages.level_text(3),
                *cells,
                _facility_label(data, nearest["by_distance_facility_id"]),
                format_template("{km:.1f}", km=float(nearest["distance_km"])),
            )
        )
    blocks: list[Block] = [
        Paragraph(
            gettext(
                "Each Level 1 facility to the nearest facility that can operate (Level 2 or higher) "
                "and to the nearest Level 3: quickest by road in each season, with the ground time the "
                "checks use (road layer, convoy and season factors), and nearest in a straight line "
                "(geodesic km), which may be another facility."
            )
            + (
                format_template(
                    gettext(" The mission has no {levels} facility."),
                    levels=gettext(" and no ").join(lacking),
                )
                if lacking
                else ""
            )
        )
    ]
    if rows:
        blocks.append(
            Table(
                "referral",
                (
                    gettext("Level 1 facility"),
                    gettext("referred to"),
                    gettext("quickest by road, dry season"),
                    gettext("ground time, dry (min)"),
                    gettext("quickest by road, wet season"),
                    gettext("ground time, wet (min)"),
                    gettext("nearest in a straight line"),
                    gettext("distance (km)"),
                ),
                tuple(rows),
                caption=gettext("Referral from each Level 1 facility"),
                widths=(2.4, 1.2, 2.4, 0.9, 2.4, 0.9, 2.4, 0.8),
            )
        )
    return blocks


def _catchments(data: ReportData) -> list[Block]:
    """The personnel whose quickest facility by road is each facility (AccessMod's catchments)."""
    records = {(r["season"], r["facility_id"]): r for r in data.accessibility.catchments.to_dict("records")}

    def sites(ids: object) -> str:
        assert isinstance(ids, tuple)
        return ", ".join(_site_label(data, site_id) for site_id in ids) or "-"

    rows = []
    for facility_id in [f.id for f in data.scenario.facilities] + [None]:
        dry, wet = records["dry", facility_id], records["wet", facility_id]
        if facility_id is None and not dry["sites"] and not wet["sites"]:
            continue  # every site reaches a facility by road
        rows.append(
            (
                _facility_label(data, facility_id),
                "-" if facility_id is None else str(dry["level"]),
                format_integer(int(dry["personnel"])),
                sites(dry["site_ids"]),
                format_integer(int(wet["personnel"])),
                gettext("as in the dry season")
                if dry["site_ids"] == wet["site_ids"]
                else sites(wet["site_ids"]),
            )
        )
    return [
        Paragraph(
            gettext(
                "Each site's personnel counted at the facility of any level they reach quickest by "
                "road, in each season (ties go to the facility listed first); personnel no facility "
                "reaches by road are counted apart."
            )
        ),
        Table(
            "catchments",
            (
                gettext("facility"),
                gettext("level"),
                gettext("personnel, dry season"),
                gettext("sites, dry season"),
                gettext("personnel, wet season"),
                gettext("sites, wet season"),
            ),
            tuple(rows),
            caption=gettext("Catchment of each facility by road"),
            widths=(2.6, 0.5, 0.9, 3.8, 0.9, 3.8),
        ),
    ]


def _accessibility(data: ReportData) -> list[Block]:
    """Referral and catchments: the mission's ground links between facilities and people."""
    return [
        Heading(gettext("Referral and catchments")),
        Heading(gettext("Referral between facilities"), level=3),
        *_referral(data),
        Heading(gettext("Catchments by road"), level=3),
        *_catchments(data),
    ]


def _assumptions(data: ReportData) -> Table:
    rows = tuple((a.group, a.item, a.value, a.origin, a.source) for a in data.assumptions)
    return Table(
        "assumptions",
        (gettext("group"), gettext("item"), gettext("value"), gettext("set by"), gettext("source")),
        rows,
        widths=(0.8, 1.3, 3.0, 1.0, 4.0),
    )


def _method(data: ReportData) -> Paragraph:
    return Paragraph(
        gettext(
            "Times run from the moment of wounding (NATO COMEDS 2011) over five pathways: first aid on site, "
            "road to a facility, a facility's ground team, air evacuation from the site, and road to a "
            "landing site then air. Each leg's time is the fastest pathway; a "
            "leg meets when its time, rounded to 0.1 min, is within its limit. The four conditions are the "
            "same scenario checked by day and at night (only night-capable airframes fly) and in the dry and "
            "wet season (road speeds times the wet-season factor). Limiting factors are the reasons of each "
            "failing leg, each verified by re-checking the scenario with the one change it names (see "
            "Limiting factors). "
        )
        + gettext(messages.METHOD_RECOMMENDATIONS)
    )


def build_document(data: ReportData, step: Step | None = None) -> Document:
    """The report's blocks, maps drawn as it goes."""
    say = step or (lambda _: None)
    scenario = data.scenario
    blocks: list[Block] = [Heading(gettext("Bottom line")), *_bottom_line(data)]
    say(gettext("map of the four conditions"))
    blocks.append(Figure(conditions_map(data.results), gettext("Site status under the four conditions")))
    blocks += [Heading(gettext("Executive summary")), *_headline(data), _summary_table(data)]
    blocks += [Heading(gettext("Compliance matrix")), _compliance_matrix(data)]
    say(gettext("site map"))
    condition = condition_label(data.condition)
    blocks += [
        Heading(format_template(gettext("Sites, worst first ({condition})"), condition=condition)),
        Figure(
            status_map(
                data.result,
                format_template(
                    gettext("{scenario}: {condition}"), scenario=scenario.name, condition=condition
                ),
            ),
            gettext(
                "Sites by the first leg they fail; hexagons are facilities by level; triangles airframe "
                "bases (hollow: none flies), dashed rings their air reach (half the range); brown lines "
                "the roads of the ground times; patrol stretches coloured by the leg they fail"
            ),
        ),
        _site_table(data),
    ]
    reasons = _reasons(data)
    if reasons:
        blocks += [Heading(gettext("Why each site fails"), level=3), Bullets(tuple(reasons))]
    blocks += [Heading(gettext("Limiting factors")), *_factors(data)]
    blocks += [Heading(gettext("Recommendations")), *_recommendations(data)]
    blocks += [Heading(gettext("Does it hold?")), *_holds(data)]
    blocks += _patrols(data)
    blocks += _accessibility(data)
    blocks += _comparisons(data, say)
    blocks += [
        Heading(gettext("Assumptions and sources")),
        _assumptions(data),
        Heading(gettext("Method")),
        _method(data),
    ]
    today = date_text(date.today())
    subtitle = format_template(
        gettext(
            "Held to {standard}; {sites} sites, {facilities} facilities, {airframes} airframes, "
            "{patrols} patrols; produced by medevac on {date}"
        ),
        standard=messages.standard_text(data.result.standard.name),
        sites=len(scenario.sites),
        facilities=len(scenario.facilities),
        airframes=len(scenario.airframes),
        patrols=len(scenario.patrols),
        date=today,
    )
    if scenario.description:
        subtitle += f". {scenario.description}"
    footer = format_template(
        gettext(
            "medevac {version}; scenario content key {key}; {date}; for planning: check figures "
            "against the mission's own data"
        ),
        version=__version__,
        key=content_key(scenario)[:12],
        date=today,
    )
    title = format_template(gettext("10-1-2 gap report: {scenario}"), scenario=scenario.name)
    return Document(title, subtitle, tuple(blocks), footer)


def _reasons(data: ReportData) -> list[str]:
    """Each failing site's limiting factor, made in the reader's language from the results
    (the per-site table keeps its English words: it is the CSV's data)."""
    names = data.scenario.names()
    index = {site.id: s for s, site in enumerate(data.scenario.sites)}
    condition = condition_name(*data.condition)
    reasons = []
    for record in data.table.to_dict("records"):
        if not record["limiting_factor"]:
            continue
        site_id = str(record["site_id"])
        why = messages.limiting_factor(data.results_table.site_records(index[site_id], condition), names)
        reasons.append(format_template(gettext("{site}: {why}"), site=_site_label(data, site_id), why=why))
    return reasons


def _change_min(change: SiteChange) -> float | None:
    """After minus before, in reported minutes (None where either has no pathway)."""
    if change.before_min is None or change.after_min is None:
        return None
    return round(change.after_min - change.before_min, 1)


def _minutes_text(value: float | None) -> str:
    return gettext("none") if value is None else format_template("{minutes:.1f}", minutes=value)


def _sites_text(data: ReportData, site_ids: Iterable[str]) -> str:
    """Sites by name, comma-separated (empty when there are none)."""
    return ", ".join(_site_label(data, site_id) for site_id in site_ids)


def _patrol_label(patrol_id: str, name: str | None) -> str:
    """A patrol by its name, with the id where the name differs."""
    return f"{name} ({patrol_id})" if name and name != patrol_id else patrol_id


def _asset_label(data: ReportData, asset: str, asset_id: str) -> str:
    """``facility Level 1, Wau (wau-l1)``; ``airframe mi8-wau (Mi-8MTV)``."""
    if asset == "facility":
        return format_template(gettext("facility {facility}"), facility=_facility_label(data, asset_id))
    airframe = next((a for a in data.scenario.airframes if a.id == asset_id), None)
    kind = airframe.type if airframe is not None and airframe.type else ""
    word = gettext("airframe") if asset == "airframe" else asset
    return f"{word} {asset_id}" + (f" ({kind})" if kind else "")


def _site_label(data: ReportData, site_id: str) -> str:
    """A site by its name, with the id where the name differs (``Kidal camp (kidal-camp)``)."""
    site = next((s for s in data.scenario.sites if s.id == site_id), None)
    if site is None or not site.name or site.name == site_id:
        return site_id
    return f"{site.name} ({site_id})"


__all__ = ["Condition", "build_document", "share_text"]
