"""Words: the one place where results and explanation records become sentences.

The core speaks in codes and numbers: a pathway is a code (``"road_air"``) with the ids of
the assets it used, a limiting factor is a :class:`medevac.explain.Reason` (a code, the
leg, the asset ids, the numbers). This module turns them into English, so the command
line, the report, the app's tooltips and the exports say the same thing in the same words,
and another language is another module with the same functions.

Everything here is a function of records; nothing here computes a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from medevac.i18n import N_, format_template, gettext, ngettext
from medevac.standards import LEG_LABEL, Leg

if TYPE_CHECKING:  # the records are data from below; words never import the engine
    from medevac.explain import Reason
    from medevac.library import Headline, SavedVariant
    from medevac.whatif import Difference


class Words(Mapping[str, str]):
    """A block of the catalogue by stable key: each value an English message id (marked with
    :func:`N_`), read in the current language. The keys are what code and widgets hold; the
    words are made when read, so that a value cached for one session's language never
    reaches another's.

    >>> from medevac.i18n import using
    >>> block = Words({"tab": N_("Conditions"), "first": N_("first aid")})
    >>> block["first"], block.message_id("first")
    ('first aid', 'first aid')
    >>> with using("fr"):
    ...     block["first"]
    'premiers secours'
    """

    def __init__(self, message_ids: Mapping[str, str]) -> None:
        self._ids = dict(message_ids)

    def __getitem__(self, key: str) -> str:
        return gettext(self._ids[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def message_id(self, key: str) -> str:
        """The English message id of ``key`` (the catalogue's entry), whatever the language."""
        return self._ids[key]


# -- numbers ----------------------------------------------------------------------------------


def number(value: float) -> float | int:
    """A value as written: 120 rather than 120.0 (thresholds, ranges)."""
    return int(value) if float(value).is_integer() else float(value)


STANDARD_TEXT: dict[str, str] = {
    "un-10-1-2": N_("the UN 10-1-2 standard"),
    "nato-10-1-2-2": N_("the NATO 10-1-2(+2) standard"),
    "custom": N_("the scenario's own thresholds"),
}
"""A standard (profile) by name, as a reader says it."""


SEMICOLON = N_("; ")
"""The separator of a list of clauses: a space before it in French (``" ; "``)."""


def semicolon() -> str:
    """``"; "`` in English, ``" ; "`` in French: the current language's clause separator."""
    return gettext(SEMICOLON)


def standard_text(name: str) -> str:
    """``un-10-1-2`` -> ``the UN 10-1-2 standard``."""
    return gettext(STANDARD_TEXT[name]) if name in STANDARD_TEXT else name


def level_text(rank: float) -> str:
    """``2`` -> ``Level 2``."""
    return format_template(gettext("Level {level}"), level=int(rank))


# -- legs and conditions ----------------------------------------------------------------------


def leg_text(leg: Leg) -> str:
    """``primary_surgery`` -> ``primary surgery``."""
    return gettext(LEG_LABEL[leg])


ALL_LEGS_TEXT = N_("every leg")

LIGHT_TEXT: dict[str, str] = {"day": N_("by day"), "night": N_("at night")}
SEASON_TEXT: dict[str, str] = {"dry": N_("in the dry season"), "wet": N_("in the wet season")}


def light_text(light: str) -> str:
    return gettext(LIGHT_TEXT[light])


LIGHT_NAME: dict[str, str] = {"day": N_("day"), "night": N_("night")}
SEASON_NAME: dict[str, str] = {"dry": N_("dry season"), "wet": N_("wet season")}


def condition_text(light: str, season: str) -> str:
    """``("night", "wet")`` -> ``night, wet season``."""
    light_words = gettext(LIGHT_NAME[light]) if light in LIGHT_NAME else light
    season_words = gettext(SEASON_NAME[season]) if season in SEASON_NAME else f"{season} season"
    return f"{light_words}, {season_words}"


def conditions_phrase(conditions: Sequence[tuple[str, str]]) -> str:
    """``(("night","dry"), ("night","wet"))`` -> ``at night, in both seasons``."""
    found = set(conditions)
    lights = {light for light, _ in found}
    seasons = {season for _, season in found}
    if len(found) == len(lights) * len(seasons):  # a full product: say it in two words
        light = gettext(N_("by day and night")) if len(lights) == 2 else light_text(next(iter(lights)))
        season = (
            gettext(N_("in both seasons")) if len(seasons) == 2 else gettext(SEASON_TEXT[next(iter(seasons))])
        )
        return f"{light}, {season}"
    return semicolon().join(
        f"{light_text(light)}, {gettext(SEASON_NAME[season])}" for light, season in conditions
    )


# -- pathways ---------------------------------------------------------------------------------

Names = Mapping[str, str]
"""Each place's name by its id (:meth:`medevac.model.Scenario.names`)."""


def _named(asset_id: str | None, names: Names | None) -> str:
    if asset_id is None:
        return "?"
    return names.get(asset_id, asset_id) if names else asset_id


def pathway_text(
    pathway: str,
    airframe_id: str | None = None,
    facility_id: str | None = None,
    pickup_id: str | None = None,
    carry_km: float = 0.0,
    names: Names | None = None,
) -> str | None:
    """A pathway code with the assets it used: ``road to tessalit, air puma-1 -> gao-l2``.

    ``carry_km`` is the distance the road legs go on foot, straight across, when that is
    quicker than driving (spec v1.1: "a carry, not a drive: the pathway says so").
    ``names`` (:meth:`medevac.model.Scenario.names`) puts the places' names for their ids,
    for readers; the JSON of a check keeps ids.

    >>> pathway_text("road", facility_id="gao-l2", carry_km=3.2)
    'road -> gao-l2 (on foot 3.2 km)'
    >>> pathway_text("road_air", "puma-1", "gao-l2", "tessalit")
    'road to tessalit, air puma-1 -> gao-l2'
    """
    plane = airframe_id or "?"
    place = _named(facility_id, names)
    via = _named(pickup_id, names)
    carried = carry_km and np.isfinite(carry_km) and carry_km > 0
    foot = format_template(gettext(N_(" (on foot {km:.1f} km)")), km=carry_km) if carried else ""
    template = PATHWAY_TEXT[pathway]
    if template is None:
        return None
    return format_template(gettext(template), plane=plane, place=place, via=via, foot=foot)


PATHWAY_TEXT: dict[str, str | None] = {
    "none": None,
    "on_site": N_("first responders on site"),
    "road": N_("road -> {place}{foot}"),
    "ground_team": N_("ground team from {place}{foot}"),
    "ground_team_back": N_("ground team from {place}, back by road -> {place}{foot}"),
    "air_team": N_("air {plane} (team on board)"),
    "air": N_("air {plane} -> {place}"),
    "road_air_team": N_("road to {via}{foot}, air {plane} (team on board)"),
    "road_air": N_("road to {via}{foot}, air {plane} -> {place}"),
}
"""The words of each pathway code: a template over the airframe (``{plane}``), the facility
(``{place}``), the pick-up point (``{via}``) and the carry on foot (``{foot}``)."""


def row_pathway_text(row: Mapping[str, Any], names: Names | None = None) -> str | None:
    """:func:`pathway_text` of one row of :class:`medevac.results.Results`."""
    return pathway_text(
        row["pathway"],
        row["airframe_id"],
        row["facility_id"],
        row["pickup_id"],
        float(row["carry_km"]),
        names,
    )


# -- limiting factors -------------------------------------------------------------------------

_SECTION = {"launch_time": 1, "approval_time": 1, "wet_season": 1, "combined": 2, "out_of_reach": 2}
"""Where a code's sentence goes in a site's text: what holds it back (0), then what alone
would make it meet (1), then the verdict on several changes together (2)."""

_LISTS = ("no_airframe_available", "no_night_airframe", "not_night_capable", "unavailable")
"""Codes whose records of several legs read as one sentence listing every asset."""


REASONS: dict[str, str] = {
    "no_first_responders": N_("first aid: no first responders at {asset}"),
    "no_facility_level": N_("no Level {level:.0f} facility in the scenario"),
    "no_airframe": N_("no airframe in the scenario"),
    "no_airframe_available": N_("no airframe available ({assets} unavailable)"),
    "no_night_airframe": N_("night: no night-capable airframe"),
    "no_helicopter_landing_site": N_(
        "landing: no helicopter landing site at {asset}, casualties must first go by road"
    ),
    "no_landing_site": N_("landing: no landing site at {asset}, casualties must first go by road"),
    "out_of_range": N_(
        "out of range: {asset} would fly {flown_km:.0f} km, range {range_km:g} (to {facility})"
    ),
    "not_night_capable": N_("night: {assets} not night-capable"),
    "unavailable": N_("unavailable: {assets}"),
    "no_road_nearby": N_("roads: no road within {max_snap_km:g} km (nearest {nearest_km:.1f} km)"),
    "no_facility_near_road": N_("roads: no facility is within {max_snap_km:g} km of a road"),
    "road_closed": N_("roads: its nearest road is closed"),
    "road_closed_wet": N_("roads: its nearest road is closed in the wet season"),
    "road_cut_wet": N_("roads: in the wet season its road does not connect to any facility (roads closed)"),
    "road_not_connected": N_("roads: its road does not connect to any facility"),
    "launch_time": N_("launch: meets if {asset} launched at once (now {launch_min:g} min)"),
    "approval_time": N_("approval: meets if launch were authorised at once (now {approval_min:g} min)"),
    "wet_season": N_("wet season: meets in the dry season"),
    "combined": N_("meets only with several changes at once"),
    "out_of_reach": N_("no Level {level:.0f} within reach of the assets as placed"),
}
"""The sentence of each reason code: a template over the record's numbers and ``{asset}``
(the first id it names), ``{facility}`` (the second) and ``{assets}`` (every id). Another
language is another catalogue with the same keys."""


def _sentence(
    code: str,
    assets: Sequence[str],
    numbers: Mapping[str, float],
    names: Names | None = None,
) -> str:
    template = REASONS.get(code)
    if template is None:
        raise ValueError(f"no words for reason code {code!r}")
    assets = [_named(asset, names) for asset in assets]
    fields = {
        "asset": assets[0] if assets else "?",
        "facility": assets[1] if len(assets) > 1 else "?",
        "assets": ", ".join(assets),
        **numbers,
    }
    return format_template(gettext(template), **fields)


def reason_text(reason: Reason, names: Names | None = None) -> str:
    """One limiting factor in a planner's words, with its numbers (places named by ``names``).

    >>> from medevac.explain import Reason
    >>> reason_text(Reason("out_of_range", "surgery", ("puma-1", "gao-l2"),
    ...                    {"flown_km": 612.0, "range_km": 570.0}))
    'out of range: puma-1 would fly 612 km, range 570 (to gao-l2)'
    """
    return _sentence(reason.code, reason.assets, reason.numbers, names)


def reasons_text(reasons: Iterable[Reason], names: Names | None = None) -> list[str]:
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
        text = reason_text(reason, names)
        if text not in texts:
            texts.add(text)
            order.append((text, reason))
    return [
        key if record is not None else _sentence(key, merged[key], {}, names=names) for key, record in order
    ]


def failure_head(leg: Leg, time_min: float, threshold_min: float, pathway: str | None) -> str:
    """``surgery: best is 131.0 min (limit 120), by air puma-1 -> gao-l2``."""
    if np.isfinite(time_min):
        template = N_("{leg}: best is {time_min:.1f} min (limit {limit}), by {pathway}")
        return format_template(
            gettext(template),
            leg=leg_text(leg),
            time_min=time_min,
            limit=number(threshold_min),
            pathway=pathway,
        )
    return format_template(gettext(N_("{leg}: no pathway delivers it")), leg=leg_text(leg))


def limiting_factor(rows: Iterable[Mapping[str, Any]], names: Names | None = None) -> str | None:
    """Why a site fails, from its rows of the results table (one per leg, in leg order).

    The failing legs' heads (best time and pathway), then their reasons; ``None`` when the
    site meets every leg. ``names`` names the places (readers); without, their ids (data).
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
                    row_pathway_text(row, names),
                )
            )
            reasons += list(row["reasons"])
    return semicolon().join(heads + reasons_text(reasons, names)) if heads else None


# -- the check's table (medevac check) ----------------------------------------------------------

CHECK_TABLE_TEXT: dict[str, str] = {
    "title": N_("{scenario}: {standard}, {condition} (minutes from wounding)"),
    "site": N_("site"),
    "verdict": N_("verdict"),
    "none": N_("none"),
    "meets_all": N_("meets all"),
    "gap": N_("GAP"),
    "why": N_("Why sites fail (! marks a leg over its threshold):"),
    "site_why": N_("{site}: {why}"),
    "patrols": N_("Patrols (share of route length meeting each leg):"),
    "patrol_shares": N_("{patrol}: {shares}"),
    "summary": N_(
        "{sites_meeting:,} of {sites:,} sites meet every leg; "
        "{personnel_meeting:,} of {personnel:,} personnel."
    ),
}
"""The words of ``medevac check``'s table, by stable key (templates over their fields)."""


def validated_text(source: str, facilities: int, airframes: int, sites: int, patrols: int) -> str:
    """``medevac validate``'s line for a valid scenario.

    >>> validated_text("a.yaml", 3, 1, 2, 0)
    'a.yaml: valid (3 facilities, 1 airframe, 2 sites, 0 patrols)'
    """
    counts = counts_text(facilities, airframes, sites, patrols)
    return format_template(gettext("{source}: valid ({counts})"), source=source, counts=counts)


def counts_text(facilities: int, airframes: int, sites: int, patrols: int) -> str:
    """A scenario's size, each kind in the language's plural: ``3 facilities, 1 airframe, ...``."""
    counts = [
        format_template(ngettext("{count} facility", "{count} facilities", facilities), count=facilities),
        format_template(ngettext("{count} airframe", "{count} airframes", airframes), count=airframes),
        format_template(ngettext("{count} site", "{count} sites", sites), count=sites),
        format_template(ngettext("{count} patrol", "{count} patrols", patrols), count=patrols),
    ]
    return ", ".join(counts)


def warning_text(source: str, warning: str) -> str:
    """A scenario's warning as the command line prints it: ``a.yaml: warning: ...``."""
    return format_template(gettext("{source}: warning: {warning}"), source=source, warning=warning)


def check_table_text(key: str, **fields: object) -> str:
    """A heading, cell or line of ``medevac check``'s table in the current language.

    >>> check_table_text("summary", sites_meeting=3, sites=13, personnel_meeting=3950, personnel=8722)
    '3 of 13 sites meet every leg; 3,950 of 8,722 personnel.'
    """
    return format_template(gettext(CHECK_TABLE_TEXT[key]), **fields)


# -- limiting factors grouped (the report) ----------------------------------------------------

FACTOR_NAME: dict[str, str] = {
    "no_first_responders": N_("no first responders"),
    "no_facility_level": N_("no facility of the level"),
    "no_airframe": N_("no airframe"),
    "no_airframe_available": N_("no airframe available"),
    "no_night_airframe": N_("no night-capable airframe"),
    "no_helicopter_landing_site": N_("no helicopter landing site"),
    "no_landing_site": N_("no landing site"),
    "out_of_range": N_("range"),
    "not_night_capable": N_("airframes not night-capable"),
    "unavailable": N_("unserviceable airframes"),
    "no_road_nearby": N_("roads: no road nearby"),
    "no_facility_near_road": N_("roads: no facility near a road"),
    "road_closed": N_("roads: closed"),
    "road_closed_wet": N_("roads: closed in the wet"),
    "road_cut_wet": N_("roads: cut in the wet"),
    "road_not_connected": N_("roads: not connected"),
    "launch_time": N_("launch time"),
    "approval_time": N_("approval time"),
    "wet_season": N_("roads: wet season"),
    "combined": N_("several factors together"),
    "out_of_reach": N_("not within reach"),
}
"""Short name of each reason code: the report's group names and the site table's column."""

FACTOR_MEANING: dict[str, str] = {
    "no_first_responders": N_("first aid on site would improve it: the site has no first responders"),
    "no_facility_level": N_("no facility in the scenario gives this leg"),
    "no_airframe": N_("the scenario has no airframe"),
    "no_airframe_available": N_("every airframe is unserviceable; returning one named would improve it"),
    "no_night_airframe": N_(
        "no serviceable airframe flies at night; night capability for one named would improve it"
    ),
    "no_helicopter_landing_site": N_("a helicopter landing site at the site would improve it"),
    "no_landing_site": N_("a landing site at the site would improve it"),
    "out_of_range": N_("the airframe named, with unlimited range, would improve it"),
    "not_night_capable": N_("the airframe named, made night-capable, would improve it"),
    "unavailable": N_("the airframe named, returned to service, would improve it"),
    "no_road_nearby": N_("the site is too far from any road"),
    "no_facility_near_road": N_("no facility is near enough to a road"),
    "road_closed": N_("the site's nearest road is closed"),
    "road_closed_wet": N_("the site's nearest road is closed in the wet season"),
    "road_cut_wet": N_("in the wet season the site's road reaches no facility"),
    "road_not_connected": N_("the site's road reaches no facility"),
    "launch_time": N_("meets if the airframe named launched at once"),
    "approval_time": N_("meets if launch were authorised without delay"),
    "wet_season": N_("meets in the dry season: wet-season roads are too slow"),
    "combined": N_("meets only with several of these changed at once"),
    "out_of_reach": N_(
        "fails even with every change at once: the level the leg needs is too far for the assets as placed"
    ),
}
"""What each reason code means, for the report's grouped table."""


def factor_name(code: str) -> str:
    return gettext(FACTOR_NAME[code]) if code in FACTOR_NAME else code.replace("_", " ")


def factor_meaning(code: str) -> str:
    return gettext(FACTOR_MEANING[code]) if code in FACTOR_MEANING else ""


def leg_factors_text(leg: Leg, codes: Iterable[str]) -> str:
    """``surgery: range, launch time`` (one failing leg and its reason codes, named)."""
    names = [factor_name(code) for code in dict.fromkeys(codes)]
    return format_template(gettext("{leg}: {factors}"), leg=leg_text(leg), factors=", ".join(names) or "-")


def findings_text(by_leg: Mapping[Leg, Mapping[str, Sequence[tuple[str, str]]]]) -> str:
    """``surgery at kidal (night, dry season), tessalit (day, wet season)``: each site with
    its own conditions, leg by leg."""
    parts = []
    for leg, sites in by_leg.items():
        named = ", ".join(
            f"{site} ({semicolon().join(condition_text(light, season) for light, season in conditions)})"
            for site, conditions in sites.items()
        )
        parts.append(format_template(gettext("{leg} at {sites}"), leg=leg_text(leg), sites=named))
    return ". ".join(parts)


# -- where the minutes go, every condition side by side (medevac.breakdown, the app) ----------

STEP_TEXT: Words = Words(
    {
        "first_aid_on_site": N_("first aid by first responders on site"),
        "ground_departure": N_("the unit's vehicle leaves"),
        "request": N_("evacuation request received"),
        "approval": N_("launch approved"),
        "launch": N_("launch (wheels up)"),
        "team_road": N_("ground team drives out"),
        "flight_to_pickup": N_("flight to the pick-up"),
        "road": N_("road"),
        "on_scene": N_("on scene (loading)"),
        "flight_to_facility": N_("flight to the facility"),
        "handover": N_("handover into the facility"),
    }
)
"""Each step code of :data:`medevac.breakdown.STEP_CODES` in words."""

TRACK_TEXT: Words = Words({"casualty": N_("casualty"), "team": N_("ground team"), "aircraft": N_("aircraft")})

KIND_TEXT: Words = Words(
    {
        "on_site": N_("on-site first aid"),
        "road": N_("road (self-evacuation)"),
        "ground_team": N_("ground team"),
        "air": N_("air from the point"),
        "road_air": N_("road, then air"),
    }
)
"""Each kind of pathway of :data:`medevac.breakdown.KINDS` in words."""

CONDITIONS_APP_TEXT: Words = Words(
    {
        "matrix.head": N_("Every condition side by side"),
        "matrix.caption": N_(
            "Minutes from wounding per site and leg, by day and night, in the dry and the wet season: "
            "green meets, orange with ! fails, grey (none !) has no pathway. Of what the map shows: "
            "{scenario}."
        ),
        "matrix.site": N_("site"),
        "matrix.column": N_("{condition} (min)"),
        "matrix.leg": N_("leg"),
        "worst.head": N_("The worst case at a glance"),
        "worst.caption": N_(
            "Per site, the condition it fails worst (furthest over the limit; no pathway first) and "
            "every condition it fails a leg under."
        ),
        "worst.all_meet": N_("Every site meets every leg under all four conditions."),
        "worst.meets": N_("meets every leg"),
        "worst.col.condition": N_("worst condition"),
        "worst.col.leg": N_("worst leg"),
        "worst.col.failing_legs": N_("legs failing then"),
        "worst.col.failing_conditions": N_("fails under"),
        "delta.head": N_("Under all four conditions"),
        "delta.caption": N_(
            "Sites and personnel meeting each leg, baseline then working variant, per condition."
        ),
        "delta.col.condition": N_("condition"),
        "delta.col.sites": N_("sites (baseline -> variant)"),
        "delta.col.personnel": N_("personnel (baseline -> variant)"),
        "bd.head": N_("Where the minutes go"),
        "bd.site": N_("Site"),
        "bd.leg": N_("Leg"),
        "bd.condition": N_("Condition"),
        "bd.none": N_("No pathway delivers {leg} at {site} ({condition})."),
        "bd.winner": N_("Fastest: {pathway}, {time} ({verdict})."),
        "bd.next": N_("Next best, another kind of pathway: {pathway}, {time} ({more} later)."),
        "bd.no_next": N_("No other kind of pathway delivers this leg here."),
        "bd.meets": N_("meets the {limit} min limit"),
        "bd.fails": N_("over the {limit} min limit by {over}"),
        "bd.col.step": N_("step"),
        "bd.col.track": N_("who"),
        "bd.col.start": N_("from (min)"),
        "bd.col.minutes": N_("minutes"),
        "bd.col.km": N_("distance (km)"),
        "bd.col.kmh": N_("speed (km/h)"),
        "bd.col.assets": N_("assets"),
        "bd.col.note": N_("note"),
        "bd.parallel": N_("in parallel, waited for"),
        "bd.on_foot": N_("on foot, straight across"),
        "bd.axis.minutes": N_("minutes from wounding"),
        "bd.axis.option": N_("option"),
        "bd.fastest": N_("fastest"),
        "bd.second": N_("next best"),
        "patrol.head": N_("Patrol stretches that fail"),
        "patrol.caption": N_(
            "Stretches of each patrol route where a leg fails ({condition}), km along the route."
        ),
        "patrol.none": N_("Every patrol meets every leg along its whole route ({condition})."),
        "patrol.col.route": N_("route"),
        "patrol.col.from": N_("from (km)"),
        "patrol.col.to": N_("to (km)"),
        "patrol.col.length": N_("length (km)"),
        "patrol.col.leg": N_("leg it fails"),
        "rec.head": N_("Recommendations"),
        "rec.button": N_("Find what fixes the gaps (takes some seconds)"),
        "rec.spinner": N_("Trying placements and settings under all four conditions..."),
        "rec.none": N_("No single change tried closes a gap."),
        "rec.caption": N_(
            "Each change re-checked under all four conditions, in order (the settings each on top of "
            "the ones before): the Optimise tab places assets with a proven optimum."
        ),
        "export.head": N_("Everything the command line makes"),
        "export.coverage": N_("Coverage surface and isochrones"),
        "export.cell_km": N_("Cell size (km)"),
        "export.all_conditions": N_("All four conditions (else the scenario's own)"),
        "export.build_coverage": N_("Compute the coverage layers"),
        "export.coverage_spinner": N_("Computing the coverage surface over the mission area..."),
        "export.gpkg": N_("Coverage layers (GeoPackage: cells, isochrones, patrol gaps)"),
        "export.tif": N_("Surface GeoTIFF: {leg}, {condition}"),
        "export.report": N_("Full report (as medevac report)"),
        "export.build_report": N_("Build the full report (HTML, PDF, workbook; takes some seconds)"),
        "export.report_spinner": N_("Analysing every condition and testing recommendations..."),
        "export.html": N_("Report (HTML)"),
        "export.pdf": N_("Report (PDF)"),
        "export.xlsx": N_("Workbook (Excel)"),
        "export.report_gpkg": N_("Report layers (GeoPackage)"),
        "tab.conditions": N_("Conditions"),
    }
)
"""The words of the app's Conditions tab and the conditions parts of the other tabs."""


def conditions_app_text(key: str, **fields: object) -> str:
    """One of :data:`CONDITIONS_APP_TEXT`, its ``{fields}`` filled.

    >>> conditions_app_text("matrix.column", condition="night, wet season")
    'night, wet season (min)'
    """
    return format_template(CONDITIONS_APP_TEXT[key], **fields)


TIMELINE_TEXT: dict[str, str] = {
    "request": N_("request"),
    "approval": N_("approval"),
    "on_scene": N_("on scene"),
    "handover": N_("handover"),
    "ground_departure": N_("ground departure"),
    "first_aid_on_site": N_("first aid on site"),
}
"""Each timeline value of spec v1 a planner may set, by its key in the scenario file."""


def timeline_text(key: str) -> str:
    """``first_aid_on_site`` -> ``first aid on site`` (a key not listed: its words as written)."""
    return gettext(TIMELINE_TEXT[key]) if key in TIMELINE_TEXT else key.replace("_", " ")


NONE_TEXT = N_("none")
"""A time no pathway delivers, in a table's cell."""


def duration_text(minutes: float | None) -> str:
    """Minutes as a reader says them: ``2 h 11 min`` from an hour up, else ``52.3 min``.

    >>> duration_text(131.04), duration_text(52.3), duration_text(60.0), duration_text(None)
    ('2 h 11 min', '52.3 min', '1 h 0 min', 'none')
    >>> duration_text(float("inf")), duration_text(119.96)
    ('none', '2 h 0 min')
    """
    if minutes is None or not np.isfinite(minutes):
        return gettext(NONE_TEXT)
    if minutes < 60:
        return format_template(gettext("{minutes:.1f} min"), minutes=minutes)
    whole = int(np.floor(minutes + 0.5))
    return format_template(gettext("{hours} h {minutes} min"), hours=whole // 60, minutes=whole % 60)


def kind_text(kind: str) -> str:
    return KIND_TEXT[kind]


def step_text(code: str) -> str:
    return STEP_TEXT[code]


# -- uploads: a mission and the files it names -------------------------------------------------

UPLOAD_PROBLEMS: Words = Words(
    {
        "absolute": N_(
            "must name a file uploaded with the scenario, by a name relative to it (not an absolute path)"
        ),
        "not_uploaded": N_(
            "was not uploaded: add {file} to the upload (or upload a .zip of the mission's folder)"
        ),
        "ambiguous": N_(
            "matches several uploaded files ({files}): upload the one it names, or a .zip of the "
            "mission's folder"
        ),
        "not_utf8": N_("a scenario must be UTF-8 text (YAML)"),
        "too_big": N_("at most {limit_mb:g} MB a file"),
        "unpacked_too_big": N_("at most {limit_mb:g} MB unpacked, all files of the .zip together"),
        "too_many_entries": N_("at most {limit:,} files in a .zip"),
        "bad_zip": N_("a readable .zip archive of the mission's folder"),
        "zip_escapes": N_("a file inside the mission's folder (no absolute or ../ entries in a .zip)"),
        "zip_link": N_("a file, not a link (links in a .zip are not followed)"),
        "zip_encrypted": N_("a .zip without a password"),
        "zip_twice": N_("one file of each name in a .zip"),
        "uploaded_twice": N_("one uploaded file of each name"),
        "no_mission": N_(
            "a scenario (.yaml), a workbook (.xlsx, .ods) or tables (sites.csv, facilities.csv, "
            "airframes.csv, or KML/GeoJSON placemarks) in the .zip"
        ),
        "several_missions": N_("one {what} in the .zip (found {files}): zip one mission's folder"),
        "table_role": N_(
            "a table named after what it holds: sites, facilities, airframes or settings "
            "(such as facilities.csv)"
        ),
        "table_twice": N_("one {role} table (also {other})"),
        "mission_type": N_(
            "a scenario (.yaml), a workbook (.xlsx, .xlsm, .xls, .ods), a table (.csv, .kml, "
            ".kmz, .geojson) or a .zip of the mission's folder"
        ),
    }
)
"""Why an upload is refused (:mod:`medevac.intake.upload`): the ``allowed`` of each problem."""


def upload_problem(code: str, **fields: object) -> str:
    """The words of an upload problem.

    >>> upload_problem("not_uploaded", file="roads.geojson")
    "was not uploaded: add roads.geojson to the upload (or upload a .zip of the mission's folder)"
    """
    return format_template(UPLOAD_PROBLEMS[code], **fields)


# -- the app's Tables and Library tabs -----------------------------------------------------------

MISSION_APP_TEXT: Words = Words(
    {
        "tab": N_("Tables"),
        "tab.intro": N_(
            "The mission as the map shows it, table by table. Change a cell, add a row (the last line) or "
            "delete rows (tick them, then the bin above the table): each change is checked and becomes an "
            "edit of the working variant (listed in the What-if tab, where it can be undone), and the map "
            "and the numbers follow. The columns are those of the workbook (`medevac template`)."
        ),
        "title.facilities": N_("Facilities ({count})"),
        "title.airframes": N_("Airframes ({count})"),
        "title.sites": N_("Sites ({count})"),
        "title.timeline": N_("Timeline"),
        "timeline.caption": N_(
            "Minutes of each step of the evacuation chain. The sidebar sets the baseline's; a change here "
            "is an edit of the working variant."
        ),
        "timeline.help": N_("minutes, 0 or more; empty: the spec's default"),
        "table.refused": N_("Not taken: {problem}. Put the cell right, or undo it in the table."),
        "title.download": N_("Take the mission away"),
        "download.yaml": N_("This mission as a scenario file (YAML)"),
        "download.workbook": N_("This mission as a workbook (XLSX)"),
        "download.caption": N_(
            "What the map shows, edits included. The workbook is the one `medevac template --from` writes: "
            "fill it in, then upload it again, or run `medevac import` on it."
        ),
    }
)
"""The words of the app's Tables tab, by stable key (templates over their fields)."""

LIBRARY_APP_TEXT: Words = Words(
    {
        "tab": N_("Library"),
        "intro": N_(
            "Variants kept across sessions and restarts. Save the working variant (the sidebar's conditions "
            "and its edits) under a name; open one again later, on this mission or on its own; compare two "
            "under every light and season."
        ),
        "where": N_("Library file: {path} (set MEDEVAC_LIBRARY to use another)."),
        "save.head": N_("Save the working variant"),
        "save.name": N_("Name"),
        "save.placeholder": N_("such as: L2 at Kidal, night Puma"),
        "save.button": N_("Save to the library"),
        "save.spinner": N_("Checking the variant under every light and season..."),
        "save.done": N_("Saved {name!r} (id {id})."),
        "save.nothing": N_("Nothing to save yet: the map shows the mission file as it is."),
        "list.head": N_("Saved variants ({count})"),
        "list.empty": N_("The library is empty: save a variant above."),
        "list.this": N_(" (this mission)"),
        "list.headline": N_("{condition}: sites meeting every leg"),
        "pick": N_("Variant"),
        "pick.label": N_("{id} · {name} · {mission}"),
        "open.button": N_("Open as the working variant"),
        "open.done": N_("Opened {name!r} (id {id}) as the working variant."),
        "open.loaded_label": N_("{name} (library, variant {id})"),
        "open.missing_files": N_(
            "This variant's mission names files that are no longer where it was saved (an upload's files "
            "go with its session): upload its mission again, then open the variant. ({problem})"
        ),
        "export.button": N_("Export as YAML"),
        "export.unavailable": N_("No export: {problem}"),
        "delete.button": N_("Delete"),
        "rename.name": N_("New name"),
        "rename.button": N_("Rename"),
        "compare.head": N_("Compare two variants"),
        "compare.a": N_("Variant A"),
        "compare.b": N_("Variant B"),
        "compare.button": N_("Compare (every light and season)"),
        "compare.spinner": N_("Checking both variants under every light and season..."),
        "compare.summary": N_(
            "{changed} of {rows} times (condition, site, leg) differ between variant {b} and variant {a}; "
            "delta_min is B minus A."
        ),
    }
)
"""The words of the app's Library tab, by stable key (templates over their fields)."""


def mission_app_text(key: str, **fields: object) -> str:
    """A sentence of the app's Tables tab.

    >>> mission_app_text("title.sites", count=14)
    'Sites (14)'
    """
    return format_template(MISSION_APP_TEXT[key], **fields)


def library_app_text(key: str, **fields: object) -> str:
    """A sentence of the app's Library tab."""
    return format_template(LIBRARY_APP_TEXT[key], **fields)


# -- the saved variant library ------------------------------------------------------------

LIBRARY_ERRORS: Words = Words(
    {
        "cannot_open": N_(
            "cannot open the variant library {path}: {detail} (set MEDEVAC_LIBRARY to use another file)"
        ),
        "busy": N_(
            "the variant library {path} is busy: another session held it for over {timeout_s:g} s; try again"
        ),
        "corrupt": N_(
            "{path} is not a readable variant library ({detail}); move it aside (a new library "
            "is made in its place) or set MEDEVAC_LIBRARY to another file"
        ),
        "not_a_library": N_(
            "{path} is a database of another program, not a medevac variant library; "
            "set MEDEVAC_LIBRARY to another file"
        ),
        "newer_library": N_(
            "{path} was written by a newer medevac (library format {found}, this one "
            "reads {known}): update medevac to use it"
        ),
        "not_found": N_("no variant with id {variant_id} in {path} (`medevac library list` shows the ids)"),
        "empty_name": N_("a variant needs a name (got {name!r})"),
        "long_name": N_("a variant name has at most {limit} characters (got {length})"),
        "duplicate_name": N_(
            "a variant of {parent!r} named {name!r} is already saved (id {other_id}): "
            "choose another name, or rename or delete that one"
        ),
        "bad_row": N_(
            "variant {variant_id} in {path} is damaged ({detail}); "
            "`medevac library delete {variant_id}` removes it"
        ),
        "newer_edits": N_(
            "variant {variant_id} ({name!r}) was saved by a newer medevac (edit format {found}, "
            "this one reads {known}): update medevac to open it"
        ),
        "unreadable_edit": N_(
            "variant {variant_id} ({name!r}): edit {number} was saved in a form this "
            "medevac no longer reads ({detail}); its parent scenario still opens"
        ),
        "stale_edits": N_(
            "variant {variant_id} ({name!r}): its edits no longer apply to its parent "
            "scenario {parent!r}: {detail}"
        ),
        "unstorable_edit": N_("this variant cannot be saved: {detail}; nothing was saved"),
    }
)
"""The sentence of each error code of :mod:`medevac.library`, a template over its fields."""

EDIT_FORMAT_PROBLEMS: Words = Words(
    {
        "not_a_record": N_("an edit must be a mapping of fields (got {value})"),
        "unknown_kind": N_("unknown kind of edit {value!r} (known: {known})"),
        "unknown_fields": N_("{kind} has no field {fields} (its fields: {known})"),
        "missing_fields": N_("{kind} needs {fields}"),
        "bad_point": N_("{kind}.{field} must be a place {{lat, lon, label}} (got {value})"),
        "bad_base": N_("{kind}.{field} must be a facility id or a place {{lat, lon, label}} (got {value})"),
        "bad_values": N_("{kind}.{field} must be a list of [key, minutes] pairs (got {value})"),
        "bad_entry_values": N_(
            "{kind}.{field} must be a list of [key, value] pairs, each value text, a number, "
            "true/false or null (got {value})"
        ),
        "bad_table": N_("{kind}.table must be one of {known} (got {value})"),
        "unstored_kind": N_(
            "an edit of kind {value} has no stored name in the library (medevac.library.EDIT_KINDS)"
        ),
        "not_a_list": N_("the edits must be a list (got {value})"),
        "not_json": N_("the edits are not JSON ({detail})"),
    }
)
"""Why a saved edit record cannot be read back (:func:`medevac.library.edits_from_json`)."""


def library_error(code: str, **fields: object) -> str:
    """The sentence of a library error code.

    >>> library_error("not_found", variant_id=7, path="lib.sqlite")
    'no variant with id 7 in lib.sqlite (`medevac library list` shows the ids)'
    """
    return format_template(LIBRARY_ERRORS[code], **fields)


def variant_source(path: object, variant_id: int) -> str:
    """How a saved variant's parent is named in its scenario errors."""
    return format_template(gettext("{path}, variant {id} (its parent scenario)"), path=path, id=variant_id)


def edit_format_problem(code: str, **fields: object) -> str:
    return format_template(EDIT_FORMAT_PROBLEMS[code], **fields)


def headline_text(headline: Headline) -> str:
    """``day, dry season: 2 of 3 sites, 250 of 300 personnel meet every leg``."""
    template = ngettext(  # the same English, a French singular for 0 or 1: "1 site sur 3"
        "{condition}: {sites_meeting:,} of {sites:,} sites, "
        "{personnel_meeting:,} of {personnel:,} personnel meet every leg",
        "{condition}: {sites_meeting:,} of {sites:,} sites, "
        "{personnel_meeting:,} of {personnel:,} personnel meet every leg",
        headline.sites_meeting_all,
    )
    return format_template(
        template,
        condition=condition_text(headline.light, headline.season),
        sites_meeting=headline.sites_meeting_all,
        sites=headline.sites,
        personnel_meeting=headline.personnel_meeting_all,
        personnel=headline.personnel,
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    return [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, ["-" * w for w in widths], *rows]
    ]


LIBRARY_CONDITION: dict[str, str] = {
    "day-dry": N_("day-dry sites"),
    "day-wet": N_("day-wet sites"),
    "night-dry": N_("night-dry sites"),
    "night-wet": N_("night-wet sites"),
}
"""The heading of a condition's column in ``medevac library list``."""


def library_table(variants: Sequence[SavedVariant], path: str) -> str:
    """The ``medevac library list`` table: one line per variant, its sites meeting every leg
    under each condition (``2/3``) in the last columns."""
    if not variants:
        return format_template(gettext("no saved variants in {path}"), path=path) + "\n"
    conditions = list(dict.fromkeys(h.condition for v in variants for h in v.headline))
    headers = [
        gettext("id"),
        gettext("name"),
        gettext("scenario"),
        gettext("saved (UTC)"),
        *(gettext(LIBRARY_CONDITION[c]) if c in LIBRARY_CONDITION else c for c in conditions),
    ]
    rows = []
    for variant in variants:
        tallies = {h.condition: f"{h.sites_meeting_all}/{h.sites}" for h in variant.headline}
        rows.append(
            [
                str(variant.id),
                variant.name,
                variant.parent_name,
                variant.created_utc,
                *(tallies.get(c, "-") for c in conditions),
            ]
        )
    count = len(variants)
    head = ngettext("{count} saved variant in {path}", "{count} saved variants in {path}", count)
    lines = [format_template(head, count=count, path=path), ""]
    lines += _table(headers, rows)
    lines += ["", gettext("sites meeting every leg, of all sites, under each light and season")]
    return "\n".join(lines) + "\n"


def variant_details(variant: SavedVariant, edits_text: str | None = None) -> str:
    """The ``medevac library show`` text of one saved variant: ``edits_text`` its edits in
    words (:meth:`medevac.library.Library.edits_text`; default the description stored when
    it was saved; none: ``baseline`` in the current language)."""
    description = gettext("baseline") if variant.edit_count == 0 else (edits_text or variant.description)
    lines = [
        format_template(gettext("variant {id}: {name}"), id=variant.id, name=variant.name),
        format_template(
            gettext("scenario: {scenario} (content key {key})"),
            scenario=variant.parent_name,
            key=variant.parent_key[:12],
        ),
        format_template(
            gettext("saved: {when} by medevac {version}"),
            when=variant.created_utc,
            version=variant.medevac_version,
        ),
        format_template(
            gettext("edits ({count}): {description}"),
            count=variant.edit_count,
            description=description,
        ),
        gettext("headline:"),
        *(f"  {headline_text(h)}" for h in variant.headline),
    ]
    return "\n".join(lines) + "\n"


def renamed_text(variant: SavedVariant, old_name: str) -> str:
    text = gettext("renamed variant {id} from {old!r} to {new!r}")
    return format_template(text, id=variant.id, old=old_name, new=variant.name) + "\n"


def deleted_text(variant: SavedVariant) -> str:
    return (
        format_template(gettext("deleted variant {id} ({name!r})"), id=variant.id, name=variant.name) + "\n"
    )


def exported_text(variant: SavedVariant, path: str) -> str:
    text = gettext("wrote variant {id} ({name!r}) to {path}")
    return format_template(text, id=variant.id, name=variant.name, path=path) + "\n"


def _minutes_or_none(value: float) -> str:
    return format_template("{minutes:.1f}", minutes=value) if np.isfinite(value) else gettext("none")


COMPARISON_VERDICT: dict[tuple[bool, bool], str] = {
    (False, True): N_("now meets"),
    (True, False): N_("now fails"),
    (True, True): N_("meets"),
    (False, False): N_("fails"),
}
"""A (site, leg)'s verdict in a comparison, by (meets in A, meets in B)."""


def comparison_text(rows: Iterable[Mapping[str, Any]], a: SavedVariant, b: SavedVariant) -> str:
    """The ``medevac library compare`` text: the (condition, site, leg) whose time changed."""
    changed = [row for row in rows if row["changed"]]
    head = format_template(
        gettext("variant {b_id} ({b_name!r}) against variant {a_id} ({a_name!r}), minutes from wounding"),
        a_id=a.id,
        a_name=a.name,
        b_id=b.id,
        b_name=b.name,
    )
    if not changed:
        return (
            format_template(gettext("{head}: no site's time changed under any condition"), head=head) + "\n"
        )
    headers = [
        gettext("condition"),
        gettext("site"),
        gettext("leg"),
        f"{a.id}",
        f"{b.id}",
        gettext("change"),
        gettext("verdict"),
    ]
    body = []
    for row in changed:
        before, after = float(row["time_min_a"]), float(row["time_min_b"])
        delta = float(row["delta_min"])
        verdict = COMPARISON_VERDICT[bool(row["meets_a"]), bool(row["meets_b"])]
        body.append(
            [
                condition_name_text(str(row["condition"])),
                str(row["site_id"]),
                leg_text(row["leg"]),
                _minutes_or_none(before),
                _minutes_or_none(after),
                format_template("{delta:+.1f}", delta=delta) if np.isfinite(delta) else "-",
                gettext(verdict),
            ]
        )
    return "\n".join([format_template(gettext("{head}:"), head=head), "", *_table(headers, body)]) + "\n"


CONDITION_NAME: dict[str, str] = {
    "day-dry": N_("day-dry"),
    "day-wet": N_("day-wet"),
    "night-dry": N_("night-dry"),
    "night-wet": N_("night-wet"),
}
"""A condition's short name (``day-dry``), as a table's cell or column says it."""


def condition_name_text(name: str) -> str:
    """``day-dry`` in the current language (``jour-sec`` in French); another name as it is."""
    return gettext(CONDITION_NAME[name]) if name in CONDITION_NAME else name


# -- the app's planning tabs: robustness and optimise -------------------------------------------

APP_TEXT: Words = Words(
    {
        "tab.robustness": N_("Robustness"),
        "tab.optimise": N_("Optimise"),
        # robustness
        "rb.intro": N_(
            "Does the plan hold? What losing one asset does to each site, the chance that each site "
            "meets every leg when aircraft may be unserviceable or grounded by weather, and the day "
            "hour by hour. Of what the map shows: {scenario}."
        ),
        "rb.condition": N_("Condition"),
        "rb.n1.head": N_("Losing one asset (N-1)"),
        "rb.n1.caption": N_(
            "A row per airframe or facility lost alone (a facility with the airframes based on it), a "
            "column per site. Each cell says what that loss does to the site: {marks}. Single points "
            "of failure first."
        ),
        "rb.n1.spof": N_("{count} single points of failure ({condition}): {assets}."),
        "rb.n1.none": N_("No single loss costs any site a leg of the standard ({condition})."),
        "rb.n1.none_slower": N_("No single loss costs any site a leg; some sites are slower ({condition})."),
        "rb.n1.no_assets": N_("The scenario has no airframe or facility to lose."),
        "rb.n1.table": N_("The N-1 table"),
        "rb.n1.col.asset": N_("asset lost"),
        "rb.n1.col.sites": N_("sites meeting every leg"),
        "rb.n1.col.personnel": N_("personnel meeting every leg"),
        "rb.n1.col.lost": N_("sites lost"),
        "rb.n1.col.personnel_lost": N_("personnel lost"),
        "rb.n1.baseline": N_("nothing lost"),
        "rb.n1.axis.asset": N_("asset lost"),
        "rb.n1.axis.site": N_("site"),
        "rb.n1.axis.band": N_("effect"),
        "rb.p.head": N_("Chance of meeting every leg"),
        "rb.p.caption": N_(
            "Each site's probability of meeting every leg ({condition}) over the airframes' "
            "availability and the season's weather; the label on each site gives it, so colour is "
            "never the only cue."
        ),
        "rb.p.settings": N_("Availability and weather (this tab only)"),
        "rb.p.settings_caption": (
            N_("Set here, these figures change only this view; the scenario file's own are the defaults.")
        ),
        "rb.p.airframe": N_("{airframe}: availability"),
        "rb.p.weather": N_("Weather grounds the helicopters, {season}"),
        "rb.p.samples": N_("Monte Carlo samples"),
        "rb.p.seed": N_("Seed"),
        "rb.p.exact": N_("Exact: every state of {count} uncertain variables enumerated."),
        "rb.p.exact_none": N_(
            "Exact: nothing is uncertain (every availability is 0 or 1, no weather risk); set "
            "availability and weather above to see the chances."
        ),
        "rb.p.monte_carlo": (
            N_("Monte Carlo: {samples:,} fleet states drawn from seed {seed}; 95 % intervals in the table.")
        ),
        "rb.p.expected": N_("Expected personnel meeting every leg"),
        "rb.p.expected_caption": N_("of {personnel:,}"),
        "rb.p.table": N_("Probabilities by site"),
        "rb.p.col.site": N_("site"),
        "rb.p.col.all": N_("every leg"),
        "rb.p.col.interval": N_("95 % interval"),
        "rb.p.legend": N_("Chance of meeting every leg"),
        "rb.day.head": N_("The day in 24 hours"),
        "rb.day.caption": N_(
            "Personnel meeting each leg at each hour of the date (UTC), {season}: each airframe "
            "flies by its night figures while its base is past civil twilight."
        ),
        "rb.day.date": N_("Date"),
        "rb.day.axis.hour": N_("hour (UTC)"),
        "rb.day.axis.personnel": N_("personnel meeting"),
        "rb.day.axis.leg": N_("leg"),
        "rb.day.twilight": N_("Civil dawn and dusk (UTC): {bases}."),
        "rb.day.uncovered": N_("Hours (UTC) when some site misses a leg: {hours}."),
        "rb.day.covered": N_("Every site meets every leg at every hour of the day."),
        "rb.no_sites": N_("The scenario has no sites: nothing to judge."),
        "rb.error": N_("The robustness views could not be computed: {error}"),
        # optimise
        "op.intro": N_(
            "Where should the next facility or helicopter go, or the one you already have? The "
            "optimiser tries every candidate place at once and proves the answer best (a MILP over "
            "the check's own times). It optimises what the map shows: {scenario}."
        ),
        "op.what": N_("What to add or move"),
        "op.level": N_("New facility level"),
        "op.n_facilities": N_("How many new facilities"),
        "op.like": N_("New airframes like"),
        "op.n_airframes": N_("How many new airframes"),
        "op.moves": N_("May move (airframes, facilities with their airframes)"),
        "op.candidates": N_("Candidate places"),
        "op.builtins": N_("Built-in candidates"),
        "op.builtin.facilities": N_("the facilities"),
        "op.builtin.sites": N_("the sites"),
        "op.builtin.towns": N_("the bundled towns"),
        "op.upload": N_("and a CSV of places (id,lat,lon[,name][,airstrip])"),
        "op.upload_binary": N_("{name}: a CSV of UTF-8 text, one place per row"),
        "op.default_name": N_("optimised {number}"),
        "op.clicked": N_("Places clicked on the map: {places}."),
        "op.clicked_none": N_("Click a place on the map above, then add it here as a candidate."),
        "op.add_click": N_("Add the place last clicked: {place}"),
        "op.clear_clicks": N_("Forget the clicked places"),
        "op.candidate_count": N_("{count} candidate places."),
        "op.conditions": N_("Conditions (summed)"),
        "op.objective": N_("Count"),
        "op.objective.personnel": N_("personnel"),
        "op.objective.sites": N_("sites"),
        "op.robust": N_("Robust: still met with any one airframe lost (n-1)"),
        "op.time_limit": N_("Time limit (s)"),
        "op.solve": N_("Find the best placement"),
        "op.nothing": N_("Choose at least one new facility, new airframe or move."),
        "op.no_conditions": N_("Choose at least one condition."),
        "op.running": N_("Optimising: {phase}"),
        "op.phase.pool": N_("laying out every asset at every candidate place"),
        "op.phase.model": N_("finding the covering options and building the model"),
        "op.phase.solve": N_("solving (HiGHS)"),
        "op.phase.check": N_("checking the answer"),
        "op.done": N_("Solved in {seconds:.1f} s"),
        "op.failed": N_("The optimiser stopped: {error}"),
        "op.result": N_("The proposed placement"),
        "op.value": N_("{unit} meeting every leg, summed over the conditions"),
        "op.optimal": N_("proven optimal"),
        "op.bound": N_("best found in the time limit; no placement can do better than {bound:,}"),
        "op.no_change": N_("No change gains anything: every asset is best where it is."),
        "op.gained": N_("Sites gained: {sites}."),
        "op.lost": N_("Sites lost: {sites}."),
        "op.none_gained": N_("No site gained."),
        "op.name": N_("Variant name"),
        "op.keep": N_("Keep as variant"),
        "op.kept": N_("Kept as variant {name!r}: see the Compare tab."),
        "op.stale": N_("The plan changed since this placement was found: find it again."),
        "op.legend": N_(
            "Sites: [+] gained, [-] lost, [=] unchanged; yellow badges: the proposed placement (moves "
            "drawn from where the asset was)."
        ),
        "op.site.gained": N_("gained"),
        "op.site.lost": N_("lost"),
        "op.site.unchanged": N_("unchanged"),
        "op.infeasible": N_("No choice of these assets makes every site count."),
    }
)
"""The words of the app's Robustness and Optimise tabs, by stable key (the widgets' own keys
never depend on them). Another language is another catalogue with the same keys."""


def app_text(key: str, **fields: object) -> str:
    """One of :data:`APP_TEXT`, its ``{fields}`` filled.

    >>> app_text("rb.n1.spof", count=1, condition="day, dry season", assets="facility gao-l2")
    '1 single points of failure (day, dry season): facility gao-l2.'
    """
    return format_template(APP_TEXT[key], **fields)


def percent(p: float) -> str:
    """``0.724`` -> ``72 %``; a probability within 0.5 % of 0 or 1 but not equal says so.

    >>> percent(1.0), percent(0.996), percent(0.724), percent(0.001), percent(0.0)
    ('100 %', '>99 %', '72 %', '<1 %', '0 %')
    """
    if 0.0 < p < 0.005:
        return gettext("<1 %")
    if 0.995 <= p < 1.0:
        return gettext(">99 %")
    return format_template(gettext("{percent:.0f} %"), percent=100 * p)


ASSET_TEXT: dict[str, str] = {"airframe": N_("airframe {id}"), "facility": N_("facility {id}")}


def asset_text(asset: str, asset_id: str) -> str:
    """``("airframe", "puma-1")`` -> ``airframe puma-1``."""
    if not asset:
        return APP_TEXT["rb.n1.baseline"]
    return format_template(gettext(ASSET_TEXT.get(asset, "{asset} {id}")), asset=asset, id=asset_id)


LOSS_BANDS: Words = Words(
    {
        "same": N_("no change"),
        "slower": N_("+ minutes: slower on its worst-hit leg, still meeting what it met"),
        "1": N_("−1 leg"),
        "2": N_("−2 legs"),
        "3": N_("−3 legs or more"),
    }
)
"""The heat map's effect bands, as its legend names them."""


def loss_mark(legs_lost: int, minutes_added: float) -> str:
    """The text in a heat-map cell: ``−2`` legs lost, else ``+14`` minutes, else nothing.

    >>> loss_mark(2, 31.0), loss_mark(0, 13.6), loss_mark(0, 0.0)
    ('−2', '+14', '')
    """
    if legs_lost:
        return f"−{legs_lost}"
    if minutes_added > 0 and np.isfinite(minutes_added):
        return f"+{minutes_added:.0f}"
    return ""


def loss_text(asset: str, asset_id: str, site: str, lost_legs: Sequence[Leg], minutes_added: float) -> str:
    """A heat-map cell's tooltip: ``losing airframe puma-1: kidal no longer meets surgery``."""
    fields: dict[str, object] = {"asset": asset_text(asset, asset_id), "site": site}
    if lost_legs:
        legs = ", ".join(leg_text(leg) for leg in lost_legs)
        return format_template(gettext("losing {asset}: {site} no longer meets {legs}"), legs=legs, **fields)
    if minutes_added > 0 and np.isfinite(minutes_added):
        return format_template(
            gettext("losing {asset}: {site} is {minutes:.1f} min slower on its worst-hit leg"),
            minutes=minutes_added,
            **fields,
        )
    if minutes_added > 0:
        return format_template(
            gettext("losing {asset}: {site} loses a pathway it did not need to meet the standard"), **fields
        )
    return format_template(gettext("losing {asset}: {site} does not change"), **fields)


def chance_lines(
    site: str,
    personnel: int,
    condition: str,
    p_all: float,
    p_legs: Mapping[Leg, float],
    interval: tuple[float, float] | None,
) -> list[str]:
    """A site's tooltip on the chance map, one fact a line."""
    lines = [
        format_template(gettext("{site}, {personnel} personnel"), site=site, personnel=personnel),
        format_template(
            gettext("{chance} chance of meeting every leg ({condition})"),
            chance=percent(p_all),
            condition=condition,
        ),
    ]
    if interval is not None:
        lines.append(
            format_template(
                gettext("95 % interval {low} to {high}"), low=percent(interval[0]), high=percent(interval[1])
            )
        )
    lines += [f"{leg_text(leg)}: {percent(p)}" for leg, p in p_legs.items()]
    return lines


def day_leg_text(leg: str) -> str:
    """A line of the 24-hour chart: a leg, or ``every leg``."""
    return gettext(ALL_LEGS_TEXT) if leg == "all" else leg_text(leg)  # type: ignore[arg-type]


def twilight_text(airframe_id: str, dawn: str | None, dusk: str | None) -> str:
    """``puma-1 05:46-18:31``; a base with no civil twilight that day says so."""
    if dawn is None or dusk is None:
        return format_template(gettext("{airframe} no civil twilight that day"), airframe=airframe_id)
    return f"{airframe_id} {dawn}-{dusk}"


def hours_text(hours: Sequence[int]) -> str:
    """Runs of hours: ``[0, 1, 2, 5, 19, 20]`` -> ``00-02, 05, 19-20``."""
    runs: list[list[int]] = []
    for hour in hours:
        if runs and hour == runs[-1][-1] + 1:
            runs[-1].append(hour)
        else:
            runs.append([hour])
    return ", ".join(f"{r[0]:02d}" if len(r) == 1 else f"{r[0]:02d}-{r[-1]:02d}" for r in runs)


def phase_text(phase: str) -> str:
    """An optimiser phase (:data:`medevac.planning.optimise.Phase`) as the progress line says it."""
    return app_text("op.running", phase=APP_TEXT[f"op.phase.{phase}"])


def placement_text(
    asset: str,
    asset_id: str,
    place: str,
    *,
    moved: bool = False,
    level: str | None = None,
    like: str | None = None,
    kind: str = "helicopter",
) -> str:
    """One proposed change in a planner's words, new assets described, not just named.

    >>> placement_text("airframe", "new-puma-1-1", "Gao (16.25, -0.01)", like="puma-1")
    'a new helicopter like puma-1, at Gao (16.25, -0.01)'
    >>> placement_text("facility", "gao-l2", "Kidal (18.44, 1.41)", moved=True)
    'move gao-l2 to Kidal (18.44, 1.41), with the airframes based there'
    """
    if moved and asset == "facility":
        return format_template(
            gettext("move {asset} to {place}, with the airframes based there"), asset=asset_id, place=place
        )
    if moved:
        return format_template(gettext("move {asset}'s base to {place}"), asset=asset_id, place=place)
    if asset == "facility":
        return format_template(gettext("a new Level {level} at {place}"), level=level, place=place)
    if kind == "fixed_wing":
        return format_template(gettext("a new fixed wing like {like}, at {place}"), like=like, place=place)
    return format_template(gettext("a new helicopter like {like}, at {place}"), like=like, place=place)


__all__ = [
    "ALL_LEGS_TEXT",
    "APP_TEXT",
    "CONDITIONS_APP_TEXT",
    "EDIT_FORMAT_PROBLEMS",
    "FACTOR_MEANING",
    "FACTOR_NAME",
    "KIND_TEXT",
    "LIBRARY_ERRORS",
    "LOSS_BANDS",
    "STEP_TEXT",
    "TRACK_TEXT",
    "app_text",
    "asset_text",
    "chance_lines",
    "check_table_text",
    "comparison_text",
    "condition_text",
    "conditions_app_text",
    "conditions_phrase",
    "day_leg_text",
    "deleted_text",
    "duration_text",
    "edit_format_problem",
    "exported_text",
    "factor_meaning",
    "factor_name",
    "failure_head",
    "findings_text",
    "headline_text",
    "hours_text",
    "kind_text",
    "leg_factors_text",
    "leg_text",
    "level_text",
    "library_error",
    "library_table",
    "light_text",
    "limiting_factor",
    "loss_mark",
    "loss_text",
    "number",
    "pathway_text",
    "percent",
    "phase_text",
    "placement_text",
    "reason_text",
    "reasons_text",
    "renamed_text",
    "row_pathway_text",
    "step_text",
    "twilight_text",
    "validated_text",
    "variant_details",
    "variant_source",
    "warning_text",
]


# -- column headers in words (the workbook's first header row) --------------------------------

COLUMN_TITLES: dict[str, str] = {
    "site_id": N_("site id"),
    "facility_id": N_("facility id"),
    "airframe_id": N_("airframe id"),
    "patrol_id": N_("patrol id"),
    "name": N_("name"),
    "kind": N_("kind"),
    "lat": N_("latitude (deg)"),
    "lon": N_("longitude (deg)"),
    "base_lat": N_("base latitude (deg)"),
    "base_lon": N_("base longitude (deg)"),
    "light": N_("light"),
    "season": N_("season"),
    "condition": N_("condition"),
    "personnel": N_("personnel"),
    "leg": N_("leg"),
    "threshold_min": N_("threshold (min)"),
    "sites_meeting": N_("sites meeting"),
    "sites": N_("sites"),
    "personnel_meeting": N_("personnel meeting"),
    "meets_all": N_("meets every leg"),
    "worst_leg": N_("worst leg"),
    "shortfall_min": N_("shortfall (min)"),
    "failing_legs": N_("failing legs"),
    "limiting_factor": N_("limiting factor"),
    "factor_groups": N_("limiting factors (grouped)"),
    "length_km": N_("route length (km)"),
    "level": N_("level"),
    "helipad": N_("helipad"),
    "airstrip": N_("airstrip"),
    "ground_team": N_("ground team"),
    "type": N_("type"),
    "base": N_("base"),
    "cruise_kmh": N_("cruise speed (km/h)"),
    "range_km": N_("range (km)"),
    "launch_day_min": N_("launch by day (min)"),
    "launch_night_min": N_("launch by night (min)"),
    "night": N_("night capable"),
    "medical_team": N_("medical team"),
    "available": N_("available"),
    "group": N_("group"),
    "item": N_("item"),
    "value": N_("value"),
    "set_by": N_("set by"),
    "source": N_("source"),
    "code": N_("code"),
    "factor": N_("factor"),
    "named": N_("assets named"),
    "alone_meets": N_("alone makes the leg meet"),
    "text": N_("explanation"),
    "rank": N_("rank"),
    "change": N_("change"),
    "effect": N_("effect"),
    "variant": N_("variant"),
    "sites_before": N_("sites before"),
    "sites_after": N_("sites after"),
    "sites_gained": N_("sites gained"),
    "sites_lost": N_("sites lost"),
    "personnel_gained": N_("personnel gained"),
    "personnel_lost": N_("personnel lost"),
    "time_min": N_("time (min)"),
    "meets": N_("meets"),
    "pathway": N_("pathway"),
    "reasons": N_("reasons"),
    "airframe": N_("airframe"),
    "facility": N_("facility"),
    "pickup": N_("pick-up point"),
    "to_level": N_("referred to level (or higher)"),
    "by_time_facility_id": N_("quickest by road (facility id)"),
    "ground_min": N_("ground time (min)"),
    "by_distance_facility_id": N_("nearest in a straight line (facility id)"),
    "distance_km": N_("distance (km)"),
    "site_ids": N_("site ids"),
}


_LEG_COLUMN_TITLES = (
    ("meets_", N_("meets {leg}")),
    ("pathway_", N_("pathway {leg}")),
    ("share_meeting_", N_("share meeting {leg}")),
    ("meets_all_", N_("meets all {leg}")),
)


def column_title(name: str) -> str:
    """A table column's header in words with its unit, from its machine name.

    >>> column_title("surgery_min"), column_title("meets_first_aid"), column_title("share_meeting_surgery")
    ('surgery (min)', 'meets first aid', 'share meeting surgery')
    """
    if name in COLUMN_TITLES:
        return gettext(COLUMN_TITLES[name])
    for leg, label in LEG_LABEL.items():
        words = gettext(label)
        if name == f"{leg}_min":
            return format_template(gettext("{leg} (min)"), leg=words)
        for prefix, template in _LEG_COLUMN_TITLES:
            if name == f"{prefix}{leg}":
                return format_template(gettext(template), leg=words)
    if name.startswith("meets_all_"):
        light, _, season = name.removeprefix("meets_all_").partition("_")
        return format_template(
            gettext("meets every leg: {condition}"), condition=condition_text(light, season)
        )
    return name.replace("_", " ")


# -- a variant described by what it changes ---------------------------------------------------


def _value_text(value: object) -> str:
    if isinstance(value, dict) and {"lat", "lon"} <= set(value):
        return format_template("({lat:.4f}, {lon:.4f})", lat=value["lat"], lon=value["lon"])
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None:
        return gettext("none")
    if isinstance(value, float):
        return format_template("{value}", value=value)
    return str(value)


def difference_text(difference: Difference) -> str:
    """``facilities kidal-l2: level 1 -> 2``; ``+ facilities new-l2 (Level 2, Kidal)``.

    >>> from medevac.whatif import Difference
    >>> difference_text(Difference("timeline", "", "approval", 10.0, 5.0))
    'timeline: approval 10.0 -> 5.0'
    """
    d = difference
    if not d.field and d.item:
        entry = d.after if d.after is not None else d.before
        detail = ""
        if isinstance(entry, dict):
            parts = [
                level_text(entry["level"]) if "level" in entry else entry.get("type") or entry.get("kind")
            ]
            parts.append(entry.get("name") or "")
            detail = ", ".join(str(p) for p in parts if p)
        sign = "+" if d.before is None else "-"
        return f"{sign} {d.section} {d.item}" + (f" ({detail})" if detail else "")
    where = f"{d.section} {d.item}".strip()
    before, after = _value_text(d.before), _value_text(d.after)
    if not d.field:
        return format_template(
            gettext("{where}: {before} -> {after}"), where=where, before=before, after=after
        )
    return format_template(
        gettext("{where}: {field} {before} -> {after}"),
        where=where,
        field=d.field,
        before=before,
        after=after,
    )


def differences_text(differences: Sequence[Difference]) -> str:
    """All differences on one line, ``; ``-separated (``no change`` when none)."""
    return semicolon().join(difference_text(d) for d in differences) or gettext("no change from the baseline")


def time_change_text(change_min: float | None, after_min: float | None, threshold_min: float) -> str:
    """``-126.3 min, still 13.5 over``; ``-4.0 min, now meets``; ``no pathway any more``."""
    if after_min is None:
        return gettext("no pathway any more")
    head = (
        gettext("a pathway now")
        if change_min is None
        else format_template("{change_min:+.1f} min", change_min=change_min)
    )
    if after_min <= threshold_min:
        return format_template(
            gettext("{head}, meets ({under_min:.1f} under)"), head=head, under_min=threshold_min - after_min
        )
    return format_template(
        gettext("{head}, still {over_min:.1f} over"), head=head, over_min=after_min - threshold_min
    )


# -- recommendations ----------------------------------------------------------------------------
# The report's recommendations (``medevac.report.recommend``): what to change, how it was
# chosen, and what it gains, every figure from a re-check.


def open_facility_action(level: str, place: str, beside: bool) -> str:
    """``raise Level 1, Kidal camp to Level 2`` (beside a facility) or ``open a Level 2 at ...``."""
    if beside:
        return format_template(gettext("raise {place} to Level {level}"), place=place, level=level)
    return format_template(gettext("open a Level {level} at {place}"), level=level, place=place)


def new_airframe_action(kind: str, like_id: str, like_type: str, place: str) -> str:
    """``base a new helicopter like puma-1 (IAR-330 Puma) at Gao supercamp``."""
    what = format_template(gettext("{kind} like {like}"), kind=_kind_text(kind), like=like_id) + (
        f" ({like_type})" if like_type else ""
    )
    return format_template(gettext("base a new {what} at {place}"), what=what, place=place)


AIRFRAME_KIND_TEXT: dict[str, str] = {"helicopter": N_("helicopter"), "fixed_wing": N_("fixed wing")}


def _kind_text(kind: str) -> str:
    """An airframe's kind as a reader says it: ``fixed_wing`` -> ``fixed wing``."""
    return gettext(AIRFRAME_KIND_TEXT[kind]) if kind in AIRFRAME_KIND_TEXT else kind.replace("_", " ")


def move_airframe_action(airframe_id: str, airframe_type: str, from_place: str, to_place: str) -> str:
    """``rebase puma-2 (IAR-330 Puma) from Gao to Kidal camp``."""
    what = airframe_id + (f" ({airframe_type})" if airframe_type else "")
    return format_template(
        gettext("rebase {what} from {from_place} to {to_place}"),
        what=what,
        from_place=from_place,
        to_place=to_place,
    )


def training_action(place: str) -> str:
    return format_template(gettext("train first responders at {place}"), place=place)


def night_capable_action(airframe_id: str, airframe_type: str) -> str:
    what = airframe_id + (f" ({airframe_type})" if airframe_type else "")
    return format_template(gettext("make {what} night-capable (night-vision crews and aircraft)"), what=what)


def return_to_service_action(airframe_id: str) -> str:
    return format_template(gettext("return {airframe} to service"), airframe=airframe_id)


def standby_action(airframe_id: str, standby_min: float, light: str, now_min: float) -> str:
    """``put puma-1 on 15-minute standby at night (launch now 60 min)``."""
    when = light_text(light)
    return format_template(
        gettext("put {airframe} on {standby_min:g}-minute standby {when} (launch now {now_min:g} min)"),
        airframe=airframe_id,
        standby_min=standby_min,
        when=when,
        now_min=now_min,
    )


def approval_action(now_min: float, target_min: float) -> str:
    return format_template(
        gettext("cut approval from {now_min:g} to {target_min:g} minutes"),
        now_min=now_min,
        target_min=target_min,
    )


def reach_text(km: float) -> str:
    return format_template(gettext("the sites it helps lie within {km:.0f} km of its base"), km=km)


def placement_proof_text(places: int, optimal: bool, bound: float, value: float) -> str:
    """How the optimiser chose a placement: ``the best of 9 places that suit it, proven``."""
    if optimal:
        return format_template(
            ngettext(
                "the best of {places} place that suits it, proven optimal",
                "the best of {places} places that suit it, proven optimal",
                places,
            ),
            places=places,
        )
    return format_template(
        ngettext(
            "the best found among {places} place that suits it, not proven (at most {more:,.0f} more)",
            "the best found among {places} places that suit it, not proven (at most {more:,.0f} more)",
            places,
        ),
        places=places,
        more=bound - value,
    )


def every_leg_text(
    gains: Sequence[tuple[tuple[str, str], tuple[str, ...], int, tuple[str, ...], int]],
    names: Names | None = None,
) -> str:
    """``2 more sites (1,050 personnel) meet every leg by day and night, in both seasons
    (aguelhok-camp, kidal-camp)``: one clause per distinct gain, its conditions together, and
    as much for the sites that no longer meet every leg.

    ``gains`` holds (condition, sites newly meeting every leg, their personnel, sites no
    longer meeting it, theirs); ``names`` names the sites.
    """
    parts = []
    for gained in (True, False):
        grouped: dict[tuple[tuple[str, ...], int], list[tuple[str, str]]] = {}
        for condition, up, up_personnel, down, down_personnel in gains:
            sites, personnel = (up, up_personnel) if gained else (down, down_personnel)
            if sites:
                grouped.setdefault((sites, personnel), []).append(condition)
        for (sites, personnel), conditions in grouped.items():
            template = (
                ngettext(
                    "{count} more site ({personnel:,} personnel) meets every leg {conditions} ({sites})",
                    "{count} more sites ({personnel:,} personnel) meet every leg {conditions} ({sites})",
                    len(sites),
                )
                if gained
                else ngettext(
                    "{count} site ({personnel:,} personnel) no longer meets every leg {conditions} ({sites})",
                    "{count} sites ({personnel:,} personnel) no longer meet every leg {conditions} ({sites})",
                    len(sites),
                )
            )
            parts.append(
                format_template(
                    template,
                    count=len(sites),
                    personnel=personnel,
                    conditions=conditions_phrase(tuple(conditions)),
                    sites=", ".join(_named(site, names) for site in sites),
                )
            )
    return semicolon().join(parts)


def leg_gaps_text(
    gains: Sequence[tuple[tuple[str, str], Leg, tuple[str, ...], tuple[str, ...]]],
    names: Names | None = None,
) -> str:
    """``closes the surgery gap at 3 sites (a, b, c) at night, in both seasons`` (empty when none).

    ``gains`` holds (condition, leg, sites that now meet it, sites that no longer do);
    ``names`` names the sites.
    """
    parts = []
    for closed in (True, False):
        grouped: dict[tuple[Leg, tuple[str, ...]], list[tuple[str, str]]] = {}
        for condition, leg, gained, lost in gains:
            sites = gained if closed else lost
            if sites:
                grouped.setdefault((leg, sites), []).append(condition)
        for (leg, sites), conditions in grouped.items():
            template = (
                ngettext(
                    "closes the {leg} gap at {count} site ({sites}) {conditions}",
                    "closes the {leg} gap at {count} sites ({sites}) {conditions}",
                    len(sites),
                )
                if closed
                else ngettext(
                    "opens the {leg} gap at {count} site ({sites}) {conditions}",
                    "opens the {leg} gap at {count} sites ({sites}) {conditions}",
                    len(sites),
                )
            )
            parts.append(
                format_template(
                    template,
                    leg=leg_text(leg),
                    count=len(sites),
                    sites=", ".join(_named(site, names) for site in sites),
                    conditions=conditions_phrase(tuple(conditions)),
                )
            )
    return semicolon().join(parts)


def recommendation_text(action: str, how: str, every_leg: str, legs: str) -> str:
    """The recommendation, how it was chosen, and its effect: the sites newly meeting every leg
    when there are any, else the gaps it closes on single legs."""
    head = f"{action} ({how})" if how else action
    if every_leg:
        return format_template(gettext("{head}: {effect}"), head=head, effect=every_leg)
    if legs:
        return format_template(
            gettext("{head}: {legs}, though no site newly meets every leg"), head=head, legs=legs
        )
    return format_template(gettext("{head}: no change"), head=head)


RECOMMENDATIONS_NONE = N_("No single change tried closes a gap (see Method for the changes tried).")

RECOMMENDATIONS_PLACEMENTS = N_(
    "Placements, proven optimal: the best new Level 2, the best new Level 1 and the best new "
    "helicopter like one of the mission's, each at the places that suit it (a hospital beside "
    "a facility or in a camp; a Level 1 also at a temporary operating base; an aircraft at a "
    "facility or a camp it can land at), and the best new base for each aircraft. Each "
    "maximises the personnel meeting every leg over the four conditions (medevac optimise), "
    "is one alternative against the scenario as it is, and its effect was re-checked. A "
    "first-aid gap at a site with no first responders is closed by training them, never by "
    "a hospital."
)

RECOMMENDATIONS_GREEDY = N_(
    "Settings, searched greedily (each on top of the ones before it in this list): the "
    "optimiser places assets, it cannot choose an aircraft's launch time, its night "
    "capability or its return to service, nor the approval time. Each was applied and the "
    "check re-run under all four conditions."
)

RECOMMENDATIONS_TABLE = N_("Sites (personnel) meeting every leg with each change, as stated above")

AS_IT_IS = N_("as it is")

METHOD_RECOMMENDATIONS = N_(
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
