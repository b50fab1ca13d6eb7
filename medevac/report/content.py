"""The report's content: what a Force Commander reads, as blocks for the HTML and PDF."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import numpy as np

from medevac import __version__, messages
from medevac.check import reported_min
from medevac.planning.robustness import Tally
from medevac.report.analysis import ReportData, Step
from medevac.report.cells import compliance_cell
from medevac.report.document import Block, Bullets, Document, Figure, Heading, Paragraph, Table
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
        return "n/a"
    percent = 100 * part / whole
    if 0 < part < whole and f"{percent:.0f}" in ("0", "100"):
        tenths = math.floor(percent * 10) / 10 if percent > 50 else math.ceil(percent * 10) / 10
        return f"{tenths:.1f} %"
    return f"{percent:.0f} %"


WORST_SITES = 5
"""Sites named on page 1, by personnel at risk."""


def _bottom_line(data: ReportData) -> list[Block]:
    """Page 1: are we compliant under each condition, who is at risk, what fixes it."""
    lines = []
    for condition in CONDITIONS:
        summary = data.results_table.summary(condition_name(*condition))
        failing = summary["sites"] - summary["sites_meeting_all"]
        people = summary["personnel"] - summary["personnel_meeting_all"]
        own = " (the scenario's conditions)" if condition == data.condition else ""
        if failing == 0:
            verdict = (
                f"compliant: all {summary['sites']} sites, {summary['personnel']:,} personnel meet every leg"
            )
        else:
            verdict = (
                f"not compliant: {failing} of {summary['sites']} sites, {people:,} of "
                f"{summary['personnel']:,} personnel fail at least one leg"
            )
        lines.append(f"{condition_label(condition).capitalize()}{own}: {verdict}.")
    blocks: list[Block] = [Bullets(tuple(lines))]
    at_risk: dict[str, tuple[int, set[str]]] = {}
    for condition in CONDITIONS:
        tallies = data.results_table.site_tallies(condition_name(*condition))
        for tally in tallies[~tallies["meets_all"]].to_dict("records"):
            people, legs = at_risk.get(tally["site_id"], (int(tally["personnel"]), set()))
            at_risk[tally["site_id"]] = (people, legs | set(tally["failing_legs"]))
    if at_risk:
        worst = sorted(at_risk.items(), key=lambda item: (-item[1][0], item[0]))[:WORST_SITES]
        blocks.append(Paragraph("Most people at risk (under any of the four conditions):"))
        blocks.append(
            Bullets(
                tuple(
                    f"{_site_label(data, site_id)}: {people:,} personnel; fails "
                    + ", ".join(messages.leg_text(leg) for leg in data.result.legs if leg in legs)
                    for site_id, (people, legs) in worst
                )
            )
        )
    if data.recommendations:
        blocks.append(
            Paragraph("What fixes it first (each effect re-checked; details under Recommendations):")
        )
        names = data.scenario.names()
        blocks.append(Bullets(tuple(r.text(names) for r in data.recommendations[:3]), numbered=True))
    return blocks


def _compliance_matrix(data: ReportData) -> Table:
    """Site x leg x condition: the minutes in each cell, coloured and marked by verdict."""
    legs = data.result.legs
    columns = ["site"]
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
        caption="Minutes from wounding per site, leg and condition: green meets, orange (!) fails, "
        "grey (none !) has no pathway",
        widths=(3.0, *(1.0 for _ in columns[1:])),
        shades=tuple(shades),
    )


def leg_name(leg: str) -> str:
    return messages.ALL_LEGS_TEXT if leg == ALL_LEGS else messages.leg_text(leg)  # type: ignore[arg-type]


def _minutes(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "none"
    return f"{float(value):.1f}"  # type: ignore[arg-type]


def _shortfall_text(failing: list[str], shortfall: object) -> str:
    if not failing:
        return "0.0"
    text = _minutes(shortfall)
    return "no pathway" if text == "none" else text


def _headline(data: ReportData) -> list[Block]:
    lines = []
    for condition in CONDITIONS:
        summary = data.results_table.summary(condition_name(*condition))
        own = " (the scenario's conditions)" if condition == data.condition else ""
        lines.append(
            f"{condition_label(condition).capitalize()}{own}: {summary['sites_meeting_all']} of "
            f"{summary['sites']} sites and {summary['personnel_meeting_all']:,} of "
            f"{summary['personnel']:,} personnel meet every leg."
        )
    blocks: list[Block] = [Bullets(tuple(lines))]
    for comparison in data.comparisons:
        changes = []
        for condition in CONDITIONS:
            every = comparison.every_leg[condition]
            changes.append(
                f"{condition_label(condition)}: {every.sites_after} sites and {every.personnel_after:,} "
                f"personnel meet every leg ({every.personnel_after - every.personnel_before:+,})"
            )
        blocks.append(
            Paragraph(
                f"Variant {comparison.name} ({messages.differences_text(comparison.differences)}): "
                + "; ".join(changes)
                + "."
            )
        )
    if data.recommendations:
        first = data.recommendations[0].text(data.scenario.names())
        blocks.append(Paragraph(f"First recommendation: {first}."))
    return blocks


P_MEETS_FLOOR = 0.9
"""Sites less likely than this to meet every leg are listed under "Does it hold?"."""


def _holds(data: ReportData) -> list[Block]:
    """N-1 with the single points of failure first, unlikely sites, hours without cover."""
    n1, chances, day = data.holds.n_minus_1, data.holds.availability, data.holds.profile
    names = [condition_name(*c) for c in CONDITIONS]

    def tally(t: Tally) -> str:
        return f"{t.sites_meeting_all} ({t.personnel_meeting_all:,})"

    first = n1.single_points_of_failure()
    rows = [("nothing lost", *(tally(n1.baseline[c]) for c in names), "")]
    for loss in [*first, *(loss for loss in n1.losses if loss not in first)]:
        lost = sorted({s for t in loss.by_condition.values() for s in t.sites_lost})
        rows.append(
            (
                _asset_label(data, loss.asset, loss.id),
                *(tally(loss.by_condition[c]) for c in names),
                _sites_text(data, lost) or "none",
            )
        )
    blocks: list[Block] = [
        Paragraph(
            "Each aircraft and each facility lost alone (a facility with the aircraft based on it): "
            "sites (personnel) meeting every leg, single points of failure first."
        ),
        Table(
            "n-minus-1",
            ("lost", *(condition_label(c) for c in CONDITIONS), "sites lost (any condition)"),
            tuple(rows),
        ),
    ]
    method = "exact" if chances.method == "exact" else f"Monte Carlo, {chances.samples:,} draws"
    unlikely, never = [], []
    for site in chances.sites:
        p = [site.p_meets_all[n] for n in names]
        if max(p) == 0.0:
            never.append(_site_label(data, site.site_id))
        elif min(p) < P_MEETS_FLOOR:
            low = [
                f"{condition_label(c)} {q:.0%}"
                for c, q in zip(CONDITIONS, p, strict=True)
                if q < P_MEETS_FLOOR
            ]
            unlikely.append(f"{_site_label(data, site.site_id)}: " + "; ".join(low))
    if never:
        unlikely.append("never, whatever the aircraft available (see the gaps above): " + ", ".join(never))
    floor = f"{P_MEETS_FLOOR:.0%}"
    if unlikely:
        blocks += [
            Paragraph(
                f"Sites less than {floor} likely to meet every leg, over availability and weather ({method}):"
            ),
            Bullets(tuple(unlikely)),
        ]
    else:
        blocks.append(
            Paragraph(f"Every site is at least {floor} likely to meet every leg, each condition ({method}).")
        )
    some_hour = day.meets_all.any(axis=0)
    short = [h for h, row in enumerate(day.meets_all) if (some_hour & ~row).any()]
    when = f"{day.date.isoformat()}, {day.season} season, civil twilight at each base"
    blocks.append(
        Paragraph(
            f"Hours (UTC) of {when} in which a site covered at another hour is not: "
            f"{messages.hours_text(short)}."
            if short
            else f"Through the day of {when}, no site covered at one hour loses cover at another."
        )
    )
    return blocks


def _summary_table(data: ReportData) -> Table:
    thresholds = data.result.standard.thresholds_min
    rows = []
    for share in data.shares:
        threshold = "" if share.leg == ALL_LEGS else f"{thresholds[share.leg]:g}"  # type: ignore[index]
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
            "condition",
            "leg",
            "limit (min)",
            "sites meeting",
            "sites",
            "share of sites",
            "personnel meeting",
            "personnel",
            "share of personnel",
        ),
        tuple(rows),
        caption="Sites and personnel meeting each leg, by day and night, dry and wet season",
    )


def _site_table(data: ReportData) -> Table:
    legs = data.result.legs
    frame = data.table
    columns = (
        "site",
        "personnel",
        *(f"{messages.leg_text(leg)} (min)" for leg in legs),
        "failing legs",
        "shortfall (min)",
        "limiting factors",
        *(f"meets all: {c[0]}, {c[1]}" for c in CONDITIONS),
    )
    rows = []
    for record in frame.to_dict("records"):
        failing = [messages.leg_text(leg) for leg in legs if not record[f"meets_{leg}"]]
        rows.append(
            (
                _site_label(data, str(record["site_id"])),
                str(record["personnel"]),
                *(_minutes(record[f"{leg}_min"]) + ("" if record[f"meets_{leg}"] else " !") for leg in legs),
                ", ".join(failing) or "-",
                _shortfall_text(failing, record["shortfall_min"]),
                str(record["factor_groups"]) or "-",
                *("yes" if record[f"meets_all_{c[0]}_{c[1]}"] else "no" for c in CONDITIONS),
            )
        )
    widths = (1.2, 0.8, *(0.8 for _ in legs), 1.2, 0.9, 3.2, *(0.6 for _ in CONDITIONS))
    return Table(
        "sites",
        columns,
        tuple(rows),
        caption="Sites sorted by shortfall (minutes over the limit of the worst leg), "
        f"{condition_label(data.condition)}; ! marks a leg over its limit",
        widths=widths,
    )


def _factors(data: ReportData) -> list[Block]:
    if not data.groups:
        return [Paragraph("No site fails any leg under any condition.")]
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
            "The reasons of the site table, grouped. Each was decided by re-checking the one change "
            "it names: an airframe returned to service, made night-capable or given unlimited range, "
            "a landing site or first responders at the site is named when that change alone improves "
            "the leg; a launch or approval at once, or the dry season, when it alone makes the leg "
            "meet. A leg no single change makes meet is marked as needing several changes together, "
            "or as out of reach when even all of them at once do not. A leg may have several reasons; "
            "each site keeps its own conditions."
        ),
        Table(
            "factors",
            ("factor", "what it means", "named", "sites", "personnel", "failing legs and conditions"),
            tuple(rows),
            widths=(1.2, 2.2, 1.0, 0.5, 0.7, 4.0),
        ),
    ]


def _recommendations(data: ReportData) -> list[Block]:
    if not data.recommendations:
        return [Paragraph(messages.RECOMMENDATIONS_NONE)]
    alone = [r for r in data.recommendations if r.source != "greedy"]
    greedy = [r for r in data.recommendations if r.source == "greedy"]
    blocks: list[Block] = []
    if alone:
        blocks += [
            Paragraph(messages.RECOMMENDATIONS_PLACEMENTS),
            Bullets(tuple(r.text(data.scenario.names()) for r in alone), numbered=True),
        ]
    if greedy:
        blocks += [
            Paragraph(messages.RECOMMENDATIONS_GREEDY),
            Bullets(tuple(r.text(data.scenario.names()) for r in greedy), numbered=True),
        ]
    rows = [
        (
            messages.AS_IT_IS,
            *(
                f"{s['sites_meeting_all']} ({s['personnel_meeting_all']:,})"
                for s in (data.results_table.summary(condition_name(*c)) for c in CONDITIONS)
            ),
        )
    ]
    for r in data.recommendations:
        after = {e.condition: e for e in r.every_leg}
        rows.append(
            (
                r.candidate.action,
                *(f"{after[c].sites_after} ({after[c].personnel_after:,})" for c in CONDITIONS),
            )
        )
    blocks.append(
        Table(
            "recommendations",
            ("change", *(condition_label(c) for c in CONDITIONS)),
            tuple(rows),
            caption=messages.RECOMMENDATIONS_TABLE,
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
                    f"{result.samples.length_km:.0f}",
                    *(f"{100 * shares[leg]:.0f} %" for leg in legs),
                )
            )
    return [
        Heading("Patrols"),
        Table(
            "patrols",
            (
                "patrol",
                "personnel",
                "condition",
                "length (km)",
                *(f"{messages.leg_text(leg)}: share met" for leg in legs),
            ),
            tuple(rows),
            caption="Share of each route's length meeting each leg (points every 5 km)",
        ),
    ]


def _comparisons(data: ReportData, step: Step) -> list[Block]:
    if not data.comparisons:
        return []
    blocks: list[Block] = [Heading("Comparison with variants")]
    thresholds = data.result.standard.thresholds_min
    for number, comparison in enumerate(data.comparisons, start=1):
        step(f"map of {comparison.name}")
        blocks.append(Heading(f"Variant {number}: {comparison.name}", level=3))
        blocks.append(Paragraph(f"Changes: {messages.differences_text(comparison.differences)}."))
        rows = []
        for condition in CONDITIONS:
            labelled: list[tuple[str, LegDelta | EveryLegDelta]] = [
                (d.label, d) for d in comparison.deltas[condition]
            ]
            for label, delta in [*labelled, (messages.ALL_LEGS_TEXT, comparison.every_leg[condition])]:
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
                    "condition",
                    "leg",
                    "sites before",
                    "sites after",
                    "sites gained",
                    "sites lost",
                    "personnel gained",
                    "personnel lost",
                ),
                tuple(rows),
                caption=f"Baseline against {comparison.name}: sites and personnel gained or lost per leg, "
                "and on every leg at once (a person counts once)",
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
                    ("condition", "site", "leg", "before (min)", "after (min)", "change"),
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
                    caption=f"Every time {comparison.name} changes, whether or not a limit is crossed, "
                    "largest change first",
                )
            )
        blocks.append(
            Figure(
                change_map(
                    data.result,
                    comparison.results[data.condition],
                    f"{comparison.name}: sites that changed ({condition_label(data.condition)})",
                ),
                f"Sites whose verdict on every leg changed in {comparison.name}, "
                f"{condition_label(data.condition)}",
            )
        )
    return blocks


NO_FACILITY_BY_ROAD = "no facility by road"


def _facility_label(data: ReportData, facility_id: str | None) -> str:
    """A facility by its name, with the id where the name differs (``Level 1, Wau (wau-l1)``)."""
    if facility_id is None:
        return NO_FACILITY_BY_ROAD
    facility = next((f for f in data.scenario.facilities if f.id == facility_id), None)
    if facility is None or not facility.name or facility.name == facility_id:
        return facility_id
    return f"{facility.name} ({facility_id})"


def _referral(data: ReportData) -> list[Block]:
    """Each Level 1 to its nearest Level 2 (or higher) and Level 3, by road in each season
    and in a straight line (AccessMod's referral table)."""
    frame = data.accessibility.referral
    if frame.empty:
        return [Paragraph("The scenario has no Level 1 facility to refer from.")]
    ranks = {f.rank for f in data.scenario.facilities}
    frame = frame[[int(level) in ranks for level in frame["to_level"]]]  # levels the mission has
    lacking = [f"Level {r}" for r in (2, 3) if r not in ranks]
    rows = []
    for (facility_id, to_level), group in frame.groupby(["facility_id", "to_level"], sort=False):
        by_season = {record["season"]: record for record in group.to_dict("records")}
        cells = []
        for season in ("dry", "wet"):
            record = by_season[season]
            reached = record["by_time_facility_id"]
            cells += [
                _facility_label(data, reached) if reached else "none by road",
                _minutes(record["ground_min"]) if reached else "-",
            ]
        nearest = by_season["dry"]
        rows.append(
            (
                _facility_label(data, str(facility_id)),
                "Level 2 or higher" if to_level == "2" else "Level 3",
                *cells,
                _facility_label(data, nearest["by_distance_facility_id"]),
                f"{float(nearest['distance_km']):.1f}",
            )
        )
    blocks: list[Block] = [
        Paragraph(
            "Each Level 1 facility to the nearest facility that can operate (Level 2 or higher) "
            "and to the nearest Level 3: quickest by road in each season, with the ground time the "
            "checks use (road layer, convoy and season factors), and nearest in a straight line "
            "(geodesic km), which may be another facility."
            + (f" The mission has no {' and no '.join(lacking)} facility." if lacking else "")
        )
    ]
    if rows:
        blocks.append(
            Table(
                "referral",
                (
                    "Level 1 facility",
                    "referred to",
                    "quickest by road, dry season",
                    "ground time, dry (min)",
                    "quickest by road, wet season",
                    "ground time, wet (min)",
                    "nearest in a straight line",
                    "distance (km)",
                ),
                tuple(rows),
                caption="Referral from each Level 1 facility",
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
                f"{int(dry['personnel']):,}",
                sites(dry["site_ids"]),
                f"{int(wet['personnel']):,}",
                "as in the dry season" if dry["site_ids"] == wet["site_ids"] else sites(wet["site_ids"]),
            )
        )
    return [
        Paragraph(
            "Each site's personnel counted at the facility of any level they reach quickest by "
            "road, in each season (ties go to the facility listed first); personnel no facility "
            "reaches by road are counted apart."
        ),
        Table(
            "catchments",
            (
                "facility",
                "level",
                "personnel, dry season",
                "sites, dry season",
                "personnel, wet season",
                "sites, wet season",
            ),
            tuple(rows),
            caption="Catchment of each facility by road",
            widths=(2.6, 0.5, 0.9, 3.8, 0.9, 3.8),
        ),
    ]


def _accessibility(data: ReportData) -> list[Block]:
    """Referral and catchments: the mission's ground links between facilities and people."""
    return [
        Heading("Referral and catchments"),
        Heading("Referral between facilities", level=3),
        *_referral(data),
        Heading("Catchments by road", level=3),
        *_catchments(data),
    ]


def _assumptions(data: ReportData) -> Table:
    rows = tuple((a.group, a.item, a.value, a.origin, a.source) for a in data.assumptions)
    return Table(
        "assumptions",
        ("group", "item", "value", "set by", "source"),
        rows,
        widths=(0.8, 1.3, 3.0, 1.0, 4.0),
    )


def _method(data: ReportData) -> Paragraph:
    return Paragraph(
        "Times run from the moment of wounding (NATO COMEDS 2011) over five pathways: first aid on site, "
        "road to a facility, a facility's ground team, air evacuation from the site, and road to a "
        "landing site then air. Each leg's time is the fastest pathway; a "
        "leg meets when its time, rounded to 0.1 min, is within its limit. The four conditions are the "
        "same scenario checked by day and at night (only night-capable airframes fly) and in the dry and "
        "wet season (road speeds times the wet-season factor). Limiting factors are the reasons of each "
        "failing leg, each verified by re-checking the scenario with the one change it names (see "
        "Limiting factors). " + messages.METHOD_RECOMMENDATIONS
    )


def build_document(data: ReportData, step: Step | None = None) -> Document:
    """The report's blocks, maps drawn as it goes."""
    say = step or (lambda _: None)
    scenario = data.scenario
    blocks: list[Block] = [Heading("Bottom line"), *_bottom_line(data)]
    say("map of the four conditions")
    blocks.append(Figure(conditions_map(data.results), "Site status under the four conditions"))
    blocks += [Heading("Executive summary"), *_headline(data), _summary_table(data)]
    blocks += [Heading("Compliance matrix"), _compliance_matrix(data)]
    say("site map")
    blocks += [
        Heading(f"Sites, worst first ({condition_label(data.condition)})"),
        Figure(
            status_map(data.result, f"{scenario.name}: {condition_label(data.condition)}"),
            "Sites by the first leg they fail; hexagons are facilities by level; triangles airframe "
            "bases (hollow: none flies), dashed rings their air reach (half the range); brown lines "
            "the roads of the ground times; patrol stretches coloured by the leg they fail",
        ),
        _site_table(data),
    ]
    reasons = [
        f"{_site_label(data, str(r['site_id']))}: {r['limiting_factor']}"
        for r in data.table.to_dict("records")
        if r["limiting_factor"]
    ]
    if reasons:
        blocks += [Heading("Why each site fails", level=3), Bullets(tuple(reasons))]
    blocks += [Heading("Limiting factors"), *_factors(data)]
    blocks += [Heading("Recommendations"), *_recommendations(data)]
    blocks += [Heading("Does it hold?"), *_holds(data)]
    blocks += _patrols(data)
    blocks += _accessibility(data)
    blocks += _comparisons(data, say)
    blocks += [Heading("Assumptions and sources"), _assumptions(data), Heading("Method"), _method(data)]
    subtitle = (
        f"Held to {messages.standard_text(data.result.standard.name)}; {len(scenario.sites)} sites, "
        f"{len(scenario.facilities)} facilities, {len(scenario.airframes)} airframes, "
        f"{len(scenario.patrols)} patrols; "
        f"produced by medevac on {date.today().isoformat()}"
    )
    if scenario.description:
        subtitle += f". {scenario.description}"
    footer = (
        f"medevac {__version__}; scenario content key {content_key(scenario)[:12]}; "
        f"{date.today().isoformat()}; for planning: check figures against the mission's own data"
    )
    return Document(f"10-1-2 gap report: {scenario.name}", subtitle, tuple(blocks), footer)


def _change_min(change: SiteChange) -> float | None:
    """After minus before, in reported minutes (None where either has no pathway)."""
    if change.before_min is None or change.after_min is None:
        return None
    return round(change.after_min - change.before_min, 1)


def _minutes_text(value: float | None) -> str:
    return "none" if value is None else f"{value:.1f}"


def _sites_text(data: ReportData, site_ids: Iterable[str]) -> str:
    """Sites by name, comma-separated (empty when there are none)."""
    return ", ".join(_site_label(data, site_id) for site_id in site_ids)


def _patrol_label(patrol_id: str, name: str | None) -> str:
    """A patrol by its name, with the id where the name differs."""
    return f"{name} ({patrol_id})" if name and name != patrol_id else patrol_id


def _asset_label(data: ReportData, asset: str, asset_id: str) -> str:
    """``facility Level 1, Wau (wau-l1)``; ``airframe mi8-wau (Mi-8MTV)``."""
    if asset == "facility":
        return f"facility {_facility_label(data, asset_id)}"
    airframe = next((a for a in data.scenario.airframes if a.id == asset_id), None)
    kind = airframe.type if airframe is not None and airframe.type else ""
    return f"{asset} {asset_id}" + (f" ({kind})" if kind else "")


def _site_label(data: ReportData, site_id: str) -> str:
    """A site by its name, with the id where the name differs (``Kidal camp (kidal-camp)``)."""
    site = next((s for s in data.scenario.sites if s.id == site_id), None)
    if site is None or not site.name or site.name == site_id:
        return site_id
    return f"{site.name} ({site_id})"


__all__ = ["Condition", "build_document", "share_text"]
