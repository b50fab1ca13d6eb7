"""Words: the one place where results and explanation records become sentences.

The core speaks in codes and numbers: a pathway is a code (``"road_air"``) with the ids of
the assets it used, a limiting factor is a :class:`medevac.explain.Reason` (a code, the
leg, the asset ids, the numbers). This module turns them into English, so the command
line, the report, the app's tooltips and the exports say the same thing in the same words,
and another language is another module with the same functions.

Everything here is a function of records; nothing here computes a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from medevac.standards import LEG_LABEL, Leg

if TYPE_CHECKING:  # the records are data from below; words never import the engine
    from medevac.explain import Reason

# -- numbers ----------------------------------------------------------------------------------


def number(value: float) -> float | int:
    """A value as written: 120 rather than 120.0 (thresholds, ranges)."""
    return int(value) if float(value).is_integer() else float(value)


def level_text(rank: float) -> str:
    """``2`` -> ``Level 2``."""
    return f"Level {int(rank)}"


# -- legs and conditions ----------------------------------------------------------------------


def leg_text(leg: Leg) -> str:
    """``primary_surgery`` -> ``primary surgery``."""
    return LEG_LABEL[leg]


ALL_LEGS_TEXT = "every leg"


def light_text(light: str) -> str:
    return {"day": "by day", "night": "at night"}[light]


def condition_text(light: str, season: str) -> str:
    """``("night", "wet")`` -> ``night, wet season``."""
    return f"{light}, {season} season"


def conditions_phrase(conditions: Sequence[tuple[str, str]]) -> str:
    """``(("night","dry"), ("night","wet"))`` -> ``at night, in both seasons``."""
    found = set(conditions)
    lights = {light for light, _ in found}
    seasons = {season for _, season in found}
    if len(found) == len(lights) * len(seasons):  # a full product: say it in two words
        light = "by day and night" if len(lights) == 2 else light_text(next(iter(lights)))
        season = "in both seasons" if len(seasons) == 2 else f"in the {next(iter(seasons))} season"
        return f"{light}, {season}"
    return "; ".join(f"{light_text(light)}, {season} season" for light, season in conditions)


# -- pathways ---------------------------------------------------------------------------------


def pathway_text(
    pathway: str,
    airframe_id: str | None = None,
    facility_id: str | None = None,
    pickup_id: str | None = None,
    carry_km: float = 0.0,
) -> str | None:
    """A pathway code with the assets it used: ``road to tessalit, air puma-1 -> gao-l2``.

    ``carry_km`` is the distance the road legs go on foot, straight across, when that is
    quicker than driving (spec v1.1: "a carry, not a drive: the pathway says so").

    >>> pathway_text("road", facility_id="gao-l2", carry_km=3.2)
    'road -> gao-l2 (on foot 3.2 km)'
    >>> pathway_text("road_air", "puma-1", "gao-l2", "tessalit")
    'road to tessalit, air puma-1 -> gao-l2'
    """
    plane = airframe_id or "?"
    place = facility_id or "?"
    via = pickup_id or "?"
    foot = f" (on foot {carry_km:.1f} km)" if carry_km and np.isfinite(carry_km) and carry_km > 0 else ""
    texts: dict[str, str | None] = {
        "none": None,
        "on_site": "first responders on site",
        "road": f"road -> {place}{foot}",
        "ground_team": f"ground team from {place}{foot}",
        "ground_team_back": f"ground team from {place}, back by road -> {place}{foot}",
        "air_team": f"air {plane} (team on board)",
        "air": f"air {plane} -> {place}",
        "road_air_team": f"road to {via}{foot}, air {plane} (team on board)",
        "road_air": f"road to {via}{foot}, air {plane} -> {place}",
    }
    return texts[pathway]


def row_pathway_text(row: Mapping[str, Any]) -> str | None:
    """:func:`pathway_text` of one row of :class:`medevac.results.Results`."""
    return pathway_text(
        row["pathway"], row["airframe_id"], row["facility_id"], row["pickup_id"], float(row["carry_km"])
    )


# -- limiting factors -------------------------------------------------------------------------

_SECTION = {"launch_time": 1, "approval_time": 1, "wet_season": 1, "combined": 2, "out_of_reach": 2}
"""Where a code's sentence goes in a site's text: what holds it back (0), then what alone
would make it meet (1), then the verdict on several changes together (2)."""

_LISTS = ("no_airframe_available", "no_night_airframe", "not_night_capable", "unavailable")
"""Codes whose records of several legs read as one sentence listing every asset."""


REASONS: dict[str, str] = {
    "no_first_responders": "first aid: no first responders at {asset}",
    "no_facility_level": "no Level {level:.0f} facility in the scenario",
    "no_airframe": "no airframe in the scenario",
    "no_airframe_available": "no airframe available ({assets} unavailable)",
    "no_night_airframe": "night: no night-capable airframe",
    "no_helicopter_landing_site": (
        "landing: no helicopter landing site at {asset}, casualties must first go by road"
    ),
    "no_landing_site": "landing: no landing site at {asset}, casualties must first go by road",
    "out_of_range": "out of range: {asset} would fly {flown_km:.0f} km, range {range_km:g} (to {facility})",
    "not_night_capable": "night: {assets} not night-capable",
    "unavailable": "unavailable: {assets}",
    "no_road_nearby": "roads: no road within {max_snap_km:g} km (nearest {nearest_km:.1f} km)",
    "no_facility_near_road": "roads: no facility is within {max_snap_km:g} km of a road",
    "road_closed": "roads: its nearest road is closed",
    "road_closed_wet": "roads: its nearest road is closed in the wet season",
    "road_cut_wet": "roads: in the wet season its road does not connect to any facility (roads closed)",
    "road_not_connected": "roads: its road does not connect to any facility",
    "road_access": "roads: {detail}",
    "launch_time": "launch: meets if {asset} launched at once (now {launch_min:g} min)",
    "approval_time": "approval: meets if launch were authorised at once (now {approval_min:g} min)",
    "wet_season": "wet season: meets in the dry season",
    "combined": "meets only with several changes at once",
    "out_of_reach": "no Level {level:.0f} within reach of the assets as placed",
}
"""The sentence of each reason code: a template over the record's numbers and ``{asset}``
(the first id it names), ``{facility}`` (the second), ``{assets}`` (every id) and
``{detail}``. Another language is another catalogue with the same keys."""


def _sentence(code: str, assets: Sequence[str], numbers: Mapping[str, float], detail: str = "") -> str:
    template = REASONS.get(code)
    if template is None:
        raise ValueError(f"no words for reason code {code!r}")
    fields = {
        "asset": assets[0] if assets else "?",
        "facility": assets[1] if len(assets) > 1 else "?",
        "assets": ", ".join(assets),
        "detail": detail,
        **numbers,
    }
    return template.format(**fields)


def reason_text(reason: Reason) -> str:
    """One limiting factor in a planner's words, with its numbers.

    >>> from medevac.explain import Reason
    >>> reason_text(Reason("out_of_range", "surgery", ("puma-1", "gao-l2"),
    ...                    {"flown_km": 612.0, "range_km": 570.0}))
    'out of range: puma-1 would fly 612 km, range 570 (to gao-l2)'
    """
    return _sentence(reason.code, reason.assets, reason.numbers, reason.detail)


def reasons_text(reasons: Iterable[Reason]) -> list[str]:
    """A site's reasons over its failing legs, each said once, in order of first appearance
    within three parts: what holds the site back, what alone would make a leg meet, and
    whether several changes together would.

    Reasons do not name their leg; records of listing codes (``unavailable: a, b``) that
    several legs give are one sentence naming every asset.
    """
    merged: dict[str, list[str]] = {}
    order: list[tuple[str, Reason | None]] = []
    texts: set[str] = set()
    for reason in sorted(reasons, key=lambda r: _SECTION.get(r.code, 0)):  # stable: legs' order kept
        if reason.code in _LISTS:
            if reason.code not in merged:
                merged[reason.code] = []
                order.append((reason.code, None))
            merged[reason.code] += [a for a in reason.assets if a not in merged[reason.code]]
            continue
        text = reason_text(reason)
        if text not in texts:
            texts.add(text)
            order.append((text, reason))
    return [key if record is not None else _sentence(key, merged[key], {}) for key, record in order]


def failure_head(leg: Leg, time_min: float, threshold_min: float, pathway: str | None) -> str:
    """``surgery: best is 131.0 min (limit 120), by air puma-1 -> gao-l2``."""
    if np.isfinite(time_min):
        return f"{leg_text(leg)}: best is {time_min:.1f} min (limit {number(threshold_min)}), by {pathway}"
    return f"{leg_text(leg)}: no pathway delivers it"


def limiting_factor(rows: Iterable[Mapping[str, Any]]) -> str | None:
    """Why a site fails, from its rows of the results table (one per leg, in leg order).

    The failing legs' heads (best time and pathway), then their reasons; ``None`` when the
    site meets every leg.
    """
    heads: list[str] = []
    reasons: list[Reason] = []
    for row in rows:
        if not row["meets"]:
            time_min = float(row["time_min"])
            heads.append(
                failure_head(
                    row["leg"],
                    time_min if np.isfinite(time_min) else np.inf,
                    float(row["threshold_min"]),
                    row_pathway_text(row),
                )
            )
            reasons += list(row["reasons"])
    return "; ".join(heads + reasons_text(reasons)) if heads else None


# -- limiting factors grouped (the report) ----------------------------------------------------

FACTOR_NAME: dict[str, str] = {
    "no_first_responders": "no first responders",
    "no_facility_level": "no facility of the level",
    "no_airframe": "no airframe",
    "no_airframe_available": "no airframe available",
    "no_night_airframe": "no night-capable airframe",
    "no_helicopter_landing_site": "no helicopter landing site",
    "no_landing_site": "no landing site",
    "out_of_range": "range",
    "not_night_capable": "airframes not night-capable",
    "unavailable": "unserviceable airframes",
    "no_road_nearby": "roads: no road nearby",
    "no_facility_near_road": "roads: no facility near a road",
    "road_closed": "roads: closed",
    "road_closed_wet": "roads: closed in the wet",
    "road_cut_wet": "roads: cut in the wet",
    "road_not_connected": "roads: not connected",
    "road_access": "roads: no access",
    "launch_time": "launch time",
    "approval_time": "approval time",
    "wet_season": "roads: wet season",
    "combined": "several factors together",
    "out_of_reach": "not within reach",
}
"""Short name of each reason code: the report's group names and the site table's column."""

FACTOR_MEANING: dict[str, str] = {
    "no_first_responders": "first aid on site would improve it: the site has no first responders",
    "no_facility_level": "no facility in the scenario gives this leg",
    "no_airframe": "the scenario has no airframe",
    "no_airframe_available": "every airframe is unserviceable; returning one named would improve it",
    "no_night_airframe": "no serviceable airframe flies at night; night capability for one named would "
    "improve it",
    "no_helicopter_landing_site": "a helicopter landing site at the site would improve it",
    "no_landing_site": "a landing site at the site would improve it",
    "out_of_range": "the airframe named, with unlimited range, would improve it",
    "not_night_capable": "the airframe named, made night-capable, would improve it",
    "unavailable": "the airframe named, returned to service, would improve it",
    "no_road_nearby": "the site is too far from any road",
    "no_facility_near_road": "no facility is near enough to a road",
    "road_closed": "the site's nearest road is closed",
    "road_closed_wet": "the site's nearest road is closed in the wet season",
    "road_cut_wet": "in the wet season the site's road reaches no facility",
    "road_not_connected": "the site's road reaches no facility",
    "road_access": "the site has no ground access",
    "launch_time": "meets if the airframe named launched at once",
    "approval_time": "meets if launch were authorised without delay",
    "wet_season": "meets in the dry season: wet-season roads are too slow",
    "combined": "meets only with several of these changed at once",
    "out_of_reach": "fails even with every change at once: the level the leg needs is too far for "
    "the assets as placed",
}
"""What each reason code means, for the report's grouped table."""


def factor_name(code: str) -> str:
    return FACTOR_NAME.get(code, code.replace("_", " "))


def factor_meaning(code: str) -> str:
    return FACTOR_MEANING.get(code, "")


def leg_factors_text(leg: Leg, codes: Iterable[str]) -> str:
    """``surgery: range, launch time`` (one failing leg and its reason codes, named)."""
    names = [factor_name(code) for code in dict.fromkeys(codes)]
    return f"{leg_text(leg)}: {', '.join(names) or '-'}"


def findings_text(by_leg: Mapping[Leg, Mapping[str, Sequence[tuple[str, str]]]]) -> str:
    """``surgery at kidal (night, dry season), tessalit (day, wet season)``: each site with
    its own conditions, leg by leg."""
    parts = []
    for leg, sites in by_leg.items():
        named = ", ".join(
            f"{site} ({'; '.join(condition_text(light, season) for light, season in conditions)})"
            for site, conditions in sites.items()
        )
        parts.append(f"{leg_text(leg)} at {named}")
    return ". ".join(parts)


__all__ = [
    "ALL_LEGS_TEXT",
    "FACTOR_MEANING",
    "FACTOR_NAME",
    "condition_text",
    "conditions_phrase",
    "factor_meaning",
    "factor_name",
    "failure_head",
    "findings_text",
    "leg_factors_text",
    "leg_text",
    "level_text",
    "light_text",
    "limiting_factor",
    "number",
    "pathway_text",
    "reason_text",
    "reasons_text",
    "row_pathway_text",
]


# -- recommendations ----------------------------------------------------------------------------
# The report's recommendations (``medevac.report.recommend``): what to change, how it was
# chosen, and what it gains, every figure from a re-check.


def open_facility_action(level: str, place: str, beside: bool) -> str:
    """``raise Level 1, Kidal camp to Level 2`` (beside a facility) or ``open a Level 2 at ...``."""
    return f"raise {place} to Level {level}" if beside else f"open a Level {level} at {place}"


def new_airframe_action(kind: str, like_id: str, like_type: str, place: str) -> str:
    """``base a new helicopter like puma-1 (IAR-330 Puma) at Gao supercamp``."""
    what = f"{kind.replace('_', ' ')} like {like_id}" + (f" ({like_type})" if like_type else "")
    return f"base a new {what} at {place}"


def move_airframe_action(airframe_id: str, airframe_type: str, from_place: str, to_place: str) -> str:
    """``rebase puma-2 (IAR-330 Puma) from Gao to Kidal camp``."""
    what = airframe_id + (f" ({airframe_type})" if airframe_type else "")
    return f"rebase {what} from {from_place} to {to_place}"


def training_action(place: str) -> str:
    return f"train first responders at {place}"


def night_capable_action(airframe_id: str, airframe_type: str) -> str:
    what = airframe_id + (f" ({airframe_type})" if airframe_type else "")
    return f"make {what} night-capable (night-vision crews and aircraft)"


def return_to_service_action(airframe_id: str) -> str:
    return f"return {airframe_id} to service"


def standby_action(airframe_id: str, standby_min: float, light: str, now_min: float) -> str:
    """``put puma-1 on 15-minute standby at night (launch now 60 min)``."""
    when = light_text(light)
    return f"put {airframe_id} on {standby_min:g}-minute standby {when} (launch now {now_min:g} min)"


def approval_action(now_min: float, target_min: float) -> str:
    return f"cut approval from {now_min:g} to {target_min:g} minutes"


def reach_text(km: float) -> str:
    return f"the sites it helps lie within {km:.0f} km of its base"


def placement_proof_text(places: int, optimal: bool, bound: float, value: float) -> str:
    """How the optimiser chose a placement: ``the best of 9 places that suit it, proven``."""
    noun = "place" if places == 1 else "places"
    if optimal:
        return f"the best of {places} {noun} that suit it, proven optimal"
    return (
        f"the best found among {places} {noun} that suit it, not proven (at most {bound - value:,.0f} more)"
    )


def every_leg_text(
    gains: Sequence[tuple[tuple[str, str], tuple[str, ...], int, tuple[str, ...], int]],
) -> str:
    """``2 more sites (1,050 personnel) meet every leg by day and night, in both seasons
    (aguelhok-camp, kidal-camp)``: one clause per distinct gain, its conditions together, and
    as much for the sites that no longer meet every leg.

    ``gains`` holds (condition, sites newly meeting every leg, their personnel, sites no
    longer meeting it, theirs).
    """
    parts = []
    for gained in (True, False):
        grouped: dict[tuple[tuple[str, ...], int], list[tuple[str, str]]] = {}
        for condition, up, up_personnel, down, down_personnel in gains:
            sites, personnel = (up, up_personnel) if gained else (down, down_personnel)
            if sites:
                grouped.setdefault((sites, personnel), []).append(condition)
        for (sites, personnel), conditions in grouped.items():
            noun, verb = ("site", "meets") if len(sites) == 1 else ("sites", "meet")
            count = f"{len(sites)} more {noun}" if gained else f"{len(sites)} {noun}"
            verb = verb if gained else f"no longer {verb}"
            what = f"{count} ({personnel:,} personnel) {verb}"
            parts.append(f"{what} every leg {conditions_phrase(tuple(conditions))} ({', '.join(sites)})")
    return "; ".join(parts)


def leg_gaps_text(gains: Sequence[tuple[tuple[str, str], Leg, tuple[str, ...], tuple[str, ...]]]) -> str:
    """``closes the surgery gap at 3 sites (a, b, c) at night, in both seasons``.

    ``gains`` holds (condition, leg, sites that now meet it, sites that no longer do).
    """
    parts = []
    for verb, closed in (("closes", True), ("opens", False)):
        grouped: dict[tuple[Leg, tuple[str, ...]], list[tuple[str, str]]] = {}
        for condition, leg, gained, lost in gains:
            sites = gained if closed else lost
            if sites:
                grouped.setdefault((leg, sites), []).append(condition)
        for (leg, sites), conditions in grouped.items():
            noun = "site" if len(sites) == 1 else "sites"
            parts.append(
                f"{verb} the {LEG_LABEL[leg]} gap at {len(sites)} {noun} ({', '.join(sites)}) "
                f"{conditions_phrase(tuple(conditions))}"
            )
    return "; ".join(parts) if parts else "no change"


def recommendation_text(action: str, how: str, every_leg: str, legs: str) -> str:
    """The recommendation, how it was chosen, and its effect: the sites newly meeting every leg
    when there are any, else the gaps it closes on single legs."""
    head = f"{action} ({how})" if how else action
    if every_leg:
        return f"{head}: {every_leg}"
    return (
        f"{head}: {legs}, though no site newly meets every leg"
        if legs != "no change"
        else f"{head}: no change"
    )


RECOMMENDATIONS_NONE = "No single change tried closes a gap (see Method for the changes tried)."

RECOMMENDATIONS_PLACEMENTS = (
    "Placements, proven optimal: the best new Level 2, the best new Level 1 and the best new "
    "helicopter like one of the mission's, each at the places that suit it (a hospital beside "
    "a facility or in a camp; a Level 1 also at a temporary operating base; an aircraft at a "
    "facility or a camp it can land at), and the best new base for each aircraft. Each "
    "maximises the personnel meeting every leg over the four conditions (medevac optimise), "
    "is one alternative against the scenario as it is, and its effect was re-checked. A "
    "first-aid gap at a site with no first responders is closed by training them, never by "
    "a hospital."
)

RECOMMENDATIONS_GREEDY = (
    "Settings, searched greedily (each on top of the ones before it in this list): the "
    "optimiser places assets, it cannot choose an aircraft's launch time, its night "
    "capability or its return to service, nor the approval time. Each was applied and the "
    "check re-run under all four conditions."
)

RECOMMENDATIONS_TABLE = "Sites (personnel) meeting every leg with each change, as stated above"

AS_IT_IS = "as it is"

METHOD_RECOMMENDATIONS = (
    "Placements come from the optimiser (medevac optimise, a mixed-integer model solved to a "
    "proven optimum by HiGHS): one new Level 2 beside a facility or in a camp, one new Level 1 "
    "there or at a temporary operating base, one new helicopter of each of the mission's "
    "designs at a facility with a helipad or a camp with a landing site, and each available "
    "aircraft moved to the best such base, each maximising the personnel meeting every leg "
    "over the four conditions. Training first responders is tried at each site without them "
    "that fails first aid. Settings the optimiser cannot choose are searched greedily: making "
    "each airframe night-capable, returning unserviceable ones to service, a 15-minute "
    "standby, cutting approval to 10 and 5 minutes."
)
