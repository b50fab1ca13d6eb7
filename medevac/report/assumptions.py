"""The scenario's assumptions: the values a check used, who set them, and where they come from.

A commander must see what the verdicts rest on: every threshold, timeline value, ground
setting in force and airframe figure; whether the scenario file set it or it is medevac's
default; and the public figure planners cite for it, saying how the value relates to that
figure (a value the figure does not support says so). With a road layer the rows are the
layer, where its lines come from and the speeds by class, surface and season the network
actually applied; the no-roads estimate's detour factor and road speed are then not in force
and not listed. The references themselves are in ``docs/sources.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from medevac import messages
from medevac.i18n import N_, format_template, gettext
from medevac.model import Airframe, Scenario
from medevac.standards import LEG_LABEL, Leg, standard_of

if TYPE_CHECKING:
    from medevac.roads.network import RoadNetwork

SCENARIO, DEFAULT, LAYER = N_("scenario file"), N_("medevac default"), N_("road layer")
"""Who set a value: the scenario's own file, medevac's default, or the road layer's lines."""

GROUPS = (N_("standard"), N_("timeline"), N_("ground"), N_("road speeds"), N_("airframe"))
"""The groups of rows, in the reader's language when the rows are made."""

THRESHOLD_SOURCE = {
    "un-10-1-2": "UN DOS/DPO Casualty Evacuation in the Field (ref. 2020.7, 2020), section D.2",
    "nato-10-1-2-2": "NATO AJP-4.10 and COMEDS Life & Limb Saving Timeline (2011)",
}
UN_THRESHOLD_MIN = {"first_aid": 10.0, "resuscitation": 60.0, "surgery": 120.0, "primary_surgery": 240.0}
"""The published limits (UN 10-1-2; primary surgery from NATO's +2), for custom thresholds."""

PLANNING_MIN = {"on_scene": 10.0, "handover": 5.0}
"""Timeline steps with a public planning value (docs/sources.md, the evacuation timeline)."""

TIMELINE_CONTEXT: dict[str, str] = {
    "request": N_(
        "the 9-line itself is sent in under a minute and real delays come from "
        "communication; NATO RC-South (2007) allowed 30 min for wounding-to-notification and "
        "landing-to-emergency-department together"
    ),
    "approval": N_(
        "MINUSMA crews reported approvals delayed by hours (2018); CIVIC (2021) documents "
        "MINUSMA decentralising launch authority in 2020 to cut the delay"
    ),
    "on_scene": N_("loading at the landing site"),
    "handover": N_("from landing to the casualty inside the facility"),
    "ground_departure": N_("for the unit's own vehicle to leave with the casualty"),
    "first_aid_on_site": N_(
        "for a trained peacekeeper to begin buddy first aid (UN Buddy First Aid "
        "Course, 2018, trains every peacekeeper)"
    ),
}

WET_DRY_HOURS = (12.0, 4.0)
"""Rumbek-Yirol, South Sudan: 12 h in the rains instead of 4 (Logistics Cluster 2012-13)."""
WALKING_KMH = (2.5, 5.0)
ROAD_DEFAULT_KMH = (40.0, 80.0)
"""The open health-accessibility defaults from unclassified (40) to trunk (80) roads."""

AIRFRAME_REFERENCE: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("mi-8", "mi-17", "mi-171", "mi8", "mi17"),
        N_("Mi-8MTV/Mi-17: cruise 225-250 km/h, range ~465 km (985-1,050 with aux tanks)"),
    ),
    (
        ("super puma", "as332", "h215"),
        N_("AS332/H215 Super Puma: cruise 250 km/h, range ~560 km with aux tanks"),
    ),
    (("puma", "iar-330", "sa330"), N_("IAR-330/SA330 Puma: cruise ~250 km/h, range ~570 km (unverified)")),
    (("nh90",), N_("NH90: cruise ~260 km/h, range 982 km")),
    (("bell 412", "412"), N_("Bell 412: cruise ~220 km/h, range ~650 km (unverified)")),
    (("aw139",), N_("AW139: cruise 288 km/h, range ~900 km (unverified)")),
    (("uh-60", "hh-60", "black hawk"), N_("UH-60L/HH-60M: cruise 278 km/h, range ~570 km")),
    (("ch-47", "chinook"), N_("CH-47: cruise 240 km/h, range 741 km")),
    (("c-130", "hercules"), N_("C-130: cruise ~540 km/h, range ~3,000 km, runway at both ends")),
)
"""Public planning figures by type (docs/sources.md, Airframes), matched on the type text."""

LAUNCH_DAY_NIGHT_MIN = (30.0, 60.0)
"""Common planning values for launch, by day and at night (unverified for UN contracts)."""

RULE, CLOSED_WET, CLOSED, OWN = "rule", "closed_wet", "closed", "own"
LAYER_RULE = {
    CLOSED_WET: (
        N_("closed in the wet season"),
        N_("the lines' closed_wet, a wet factor of 0 or a closure area"),
    ),
    CLOSED: (N_("closed all year"), N_("a closure area marked always, or an impassable smoothness")),
    OWN: (
        N_("the layer's own speeds"),
        N_("the lines' own dry_kmh / wet_kmh (x convoy factor) or a rough smoothness, not the class rule"),
    ),
}
"""Road segments whose speeds are not their class's rule: what they are, and why."""

SOURCES_LISTED = 3
"""Distinct ``source`` entries of a road layer named in a row; the rest are counted."""


@dataclass(frozen=True)
class Assumption:
    group: str
    item: str
    value: str
    origin: str  # SCENARIO, DEFAULT, LAYER, or the standard the figure comes from
    source: str


def _origin(model: object, key: str) -> str:
    fields_set: set[str] = getattr(model, "model_fields_set", set())
    return SCENARIO if key in fields_set else DEFAULT


def airframe_reference(airframe: Airframe) -> str:
    """The public figures for an airframe's type, or a note that none is on file."""
    text = f"{airframe.type} {airframe.id}".lower()
    for keys, reference in AIRFRAME_REFERENCE:
        if any(key in text for key in keys):
            return gettext(reference)
    return gettext("no reference figures for this type: the scenario's own values")


def _compared(value: float, low: float, high: float, unit: str) -> str:
    """``within``, ``below`` or ``above`` a public range, in words with the value."""
    if low <= value <= high:
        return format_template(gettext("{value:g} {unit} is within it"), value=value, unit=unit)
    template = (
        N_("{value:g} {unit} is below it: the scenario's own figure")
        if value < low
        else N_("{value:g} {unit} is above it: the scenario's own figure")
    )
    return format_template(gettext(template), value=value, unit=unit)


def threshold_source(standard: str, leg: Leg, minutes: float) -> str:
    """The published limit a threshold comes from, or how a custom one differs from it.

    >>> threshold_source("custom", "surgery", 90)
    "set by the scenario's author: 90 min (the UN 10-1-2 standard sets 120 min)"
    """
    if standard in THRESHOLD_SOURCE:
        return format_template(
            gettext("{source}: {leg} within {minutes:g} min of wounding"),
            source=THRESHOLD_SOURCE[standard],
            leg=gettext(LEG_LABEL[leg]),
            minutes=minutes,
        )
    published = UN_THRESHOLD_MIN[leg]
    if minutes == published:
        return format_template(
            gettext("set by the scenario's author: {minutes:g} min, as the UN 10-1-2 standard sets"),
            minutes=minutes,
        )
    return format_template(
        gettext(
            "set by the scenario's author: {minutes:g} min (the UN 10-1-2 standard sets {published:g} min)"
        ),
        minutes=minutes,
        published=published,
    )


def timeline_source(key: str, minutes: float) -> str:
    """What the public record says of a timeline step, and how ``minutes`` relates to it.

    >>> timeline_source("on_scene", 10)
    'about 10 min loading at the landing site is the public planning value; 10 min is that value'
    >>> timeline_source("on_scene", 15)
    'about 10 min loading at the landing site is the public planning value; this scenario uses 15 min'
    """
    context = gettext(TIMELINE_CONTEXT[key])
    if key in PLANNING_MIN:
        planning = PLANNING_MIN[key]
        relation = format_template(
            gettext("{minutes:g} min is that value")
            if minutes == planning
            else gettext("this scenario uses {minutes:g} min"),
            minutes=minutes,
        )
        return format_template(
            gettext("about {planning:g} min {context} is the public planning value; {relation}"),
            planning=planning,
            context=context,
            relation=relation,
        )
    if key in ("request", "approval"):
        return format_template(
            gettext("no public figure states {minutes:g} min: {context}"), minutes=minutes, context=context
        )
    return format_template(
        gettext("{minutes:g} min {context}: a planning value, no public figure states it"),
        minutes=minutes,
        context=context,
    )


def wet_factor_source(factor: float) -> str:
    """The wet-season factor against what Rumbek-Yirol implies (12 h instead of 4: 0.33).

    >>> wet_factor_source(0.5).split("; ")[1]
    '0.5 is milder: a wet-season trip takes 2x the dry one, not 3x'
    >>> wet_factor_source(0.33).endswith("0.33 is that figure")
    True
    """
    wet_h, dry_h = WET_DRY_HOURS
    implied = dry_h / wet_h
    head = format_template(
        gettext(
            "Rumbek-Yirol took {wet_h:g} h in the rains instead of {dry_h:g} (Logistics Cluster 2012-13), "
            "a factor of about {implied:.2f}"
        ),
        wet_h=wet_h,
        dry_h=dry_h,
        implied=implied,
    )
    if round(factor, 2) == round(implied, 2):
        return format_template(gettext("{head}; {factor:g} is that figure"), head=head, factor=factor)
    if factor == 0:
        return format_template(gettext("{head}; 0 closes the roads in the wet season"), head=head)
    template = (
        N_("{head}; {factor:g} is milder: a wet-season trip takes {ratio:.3g}x the dry one, not {rains:g}x")
        if factor > implied
        else N_(
            "{head}; {factor:g} is harsher: a wet-season trip takes {ratio:.3g}x the dry one, not {rains:g}x"
        )
    )
    return format_template(gettext(template), head=head, factor=factor, ratio=1 / factor, rains=wet_h / dry_h)


def _ground_rows(scenario: Scenario, network: RoadNetwork | None) -> list[Assumption]:
    ground = scenario.ground
    rows: list[Assumption] = []
    if network is None:
        rows += [
            Assumption(
                "ground",
                gettext("detour factor"),
                format_template("{factor:g}", factor=ground.detour_factor),
                _origin(ground, "detour_factor"),
                format_template(
                    gettext(
                        "no road layer: road km = straight-line km x {factor:g}; a planning "
                        "value, no public figure states it"
                    ),
                    factor=ground.detour_factor,
                ),
            ),
            Assumption(
                "ground",
                gettext("road speed"),
                format_template("{kmh:g} km/h", kmh=ground.road_kmh),
                _origin(ground, "road_kmh"),
                format_template(
                    gettext(
                        "no road layer: one notional road speed; the open health-accessibility defaults run "
                        "from {low:g} (unclassified) to {high:g} km/h (trunk): "
                    ),
                    low=ROAD_DEFAULT_KMH[0],
                    high=ROAD_DEFAULT_KMH[1],
                )
                + _compared(ground.road_kmh, *ROAD_DEFAULT_KMH, "km/h"),
            ),
        ]
    rows.append(
        Assumption(
            "ground",
            gettext("wet-season factor"),
            format_template("{factor:g}", factor=ground.wet_season_factor),
            _origin(ground, "wet_season_factor"),
            wet_factor_source(ground.wet_season_factor)
            + (
                gettext("; applies to each road class without its own wet factor")
                if network is not None
                else ""
            ),
        )
    )
    rows.append(
        Assumption(
            "ground",
            gettext("convoy factor"),
            format_template("{factor:g}", factor=ground.convoy_factor),
            _origin(ground, "convoy_factor"),
            format_template(
                gettext(
                    "every road speed x {factor:g}: military convoys and ambulances in insecure "
                    "areas drive slower than road defaults; the planner's factor (1: no slowing), "
                    "no public figure"
                ),
                factor=ground.convoy_factor,
            ),
        )
    )
    if network is None:
        return rows
    rows += _road_layer_rows(scenario, network)
    return rows


def _road_layer_rows(scenario: Scenario, network: RoadNetwork) -> list[Assumption]:
    ground = scenario.ground
    assert ground.roads is not None
    lengths = np.asarray(network.seg_length_km, dtype=np.float64)
    attributes = network.seg_attributes
    rows = [
        Assumption(
            "ground",
            gettext("road layer"),
            format_template(
                gettext("{layer} ({km:,.0f} km of road in {segments:,} segments)"),
                layer=ground.roads,
                km=float(lengths.sum()),
                segments=network.n_segments,
            ),
            SCENARIO,
            _layer_sources(attributes, lengths, everything=True),
        )
    ]
    rows += [
        Assumption(
            "ground",
            gettext("closure areas"),
            closure,
            SCENARIO,
            gettext("closes every road crossing its areas (in the wet season, or always where marked)"),
        )
        for closure in ground.closures
    ]
    rows += [
        Assumption(
            "ground",
            gettext("off-road speed"),
            format_template("{kmh:g} km/h", kmh=ground.off_road_kmh),
            _origin(ground, "off_road_kmh"),
            format_template(
                gettext("from a point to the nearest road; walking off road is {low:g}-{high:g} km/h: "),
                low=WALKING_KMH[0],
                high=WALKING_KMH[1],
            )
            + _compared(ground.off_road_kmh, *WALKING_KMH, "km/h"),
        ),
        Assumption(
            "ground",
            gettext("farthest from a road"),
            format_template("{km:g} km", km=ground.max_snap_km),
            _origin(ground, "max_snap_km"),
            format_template(
                gettext(
                    "a point farther than {km:g} km from the road layer has no ground access; "
                    "a planning value, no public figure states it"
                ),
                km=ground.max_snap_km,
            ),
        ),
        Assumption(
            "ground",
            gettext("joins the road at"),
            gettext("its nearest road node")
            if ground.snap_to == "node"
            else gettext("the nearest point of the nearest road"),
            _origin(ground, "snap_to"),
            gettext(
                "a planning choice (coarse layers of long straight legs join better at the nearest point)"
            ),
        ),
    ]
    return rows + road_speed_rows(scenario, network)


def _layer_sources(attributes: pd.DataFrame, lengths: np.ndarray, *, everything: bool = False) -> str:
    """What a layer's ``source`` column says of its lines, largest share first, with km."""
    if "source" not in attributes.columns:
        return (
            gettext("the layer has no 'source' column: ask its maker where its lines come from")
            if everything
            else gettext("the layer's own values")
        )
    text = attributes["source"].where(attributes["source"].notna(), "").astype(str).str.strip()
    km = pd.Series(lengths, index=text.index).groupby(text.to_numpy()).sum().sort_values(ascending=False)
    parts = [
        format_template("{name} ({km:,.0f} km)", name=name or gettext("(none given)"), km=value)
        for name, value in km.items()
    ]
    shown = messages.semicolon().join(parts[:SOURCES_LISTED])
    more = (
        format_template(gettext("; {count} more"), count=len(parts) - SOURCES_LISTED)
        if len(parts) > SOURCES_LISTED
        else ""
    )
    return format_template(gettext("its lines' source: {sources}{more}"), sources=shown, more=more)


def _kmh_text(values: np.ndarray, weights: np.ndarray) -> str:
    """Speeds of a group of segments: one value, a range, or closed."""
    open_ = values > 0
    if not open_.any():
        return gettext("closed")
    low, high = float(values[open_].min()), float(values[open_].max())
    speed = (
        format_template("{low:.1f} km/h", low=low)
        if np.isclose(low, high, rtol=1e-3)
        else format_template("{low:.1f}-{high:.1f} km/h", low=low, high=high)
    )
    closed_km = float(weights[~open_].sum())
    return speed + (
        format_template(gettext(" ({km:,.0f} km closed)"), km=closed_km) if closed_km > 0.05 else ""
    )


def road_speed_rows(scenario: Scenario, network: RoadNetwork) -> list[Assumption]:
    """The speeds the network applied, by road class and surface, in each season.

    Read off the network itself (segment length over minutes, the faster direction), so
    they are what the ground times used. Each class x surface present in the layer gets a
    row with its rule (base speed x surface factor x convoy factor; wet: x the class's wet
    factor or the wet-season factor); lines whose speeds are not the rule's (the layer's
    own ``dry_kmh``/``wet_kmh``, a rough smoothness, ``closed_wet``, a closure area) get
    their own row, naming what their ``source`` column says.
    """
    from medevac.errors import RoadDataError
    from medevac.roads.speeds import BASE_KMH, SURFACE_FACTOR, SpeedSettings, classify, surface_groups

    ground = scenario.ground
    settings = SpeedSettings.from_ground(ground)
    attributes = network.seg_attributes
    n = network.n_segments
    try:
        classes = classify(attributes, settings, network.source).name
    except RoadDataError:  # a layer of its own speeds only (no class column)
        classes = [""] * n
    surface_factor = dict(settings.surface_factor)
    surfaces = surface_groups(attributes, surface_factor)
    lengths = np.asarray(network.seg_length_km, dtype=np.float64)
    applied = {}
    for season in ("dry", "wet"):
        forward, backward = network.seg_min[season]
        minutes = np.minimum(forward, backward)
        with np.errstate(divide="ignore"):
            applied[season] = np.where(np.isfinite(minutes), lengths * 60.0 / minutes, 0.0)
    base = settings.kmh_by_class
    wet_by_class = dict(settings.wet_factor_by_class)
    rule_dry = np.array(
        [
            base.get(c, 0.0) * surface_factor[s] * settings.convoy_factor
            for c, s in zip(classes, surfaces, strict=True)
        ]
    )
    rule_wet = rule_dry * np.array([wet_by_class.get(c, settings.wet_season_factor) for c in classes])
    dry_by_rule = np.isclose(applied["dry"], rule_dry, rtol=1e-6) & (rule_dry > 0)
    wet_by_rule = np.isclose(applied["wet"], rule_wet, rtol=1e-6)
    kind = np.where(
        dry_by_rule & wet_by_rule,
        RULE,
        np.where(
            dry_by_rule & (applied["wet"] == 0),
            CLOSED_WET,
            np.where((applied["dry"] == 0) & (applied["wet"] == 0), CLOSED, OWN),
        ),
    )
    frame = pd.DataFrame({"road_class": classes, "surface": surfaces, "kind": kind})
    rows = []
    for (road_class, surface, how), group in frame.groupby(["road_class", "surface", "kind"], sort=True):
        index = group.index.to_numpy()
        km = float(lengths[index].sum())
        value = format_template(
            gettext("dry {dry}, wet {wet}; {km:,.0f} km"),
            dry=_kmh_text(applied["dry"][index], lengths[index]),
            wet=_kmh_text(applied["wet"][index], lengths[index]),
            km=km,
        )
        name = f"{road_class or gettext('unclassed')}, {surface}"
        if how != RULE:
            rows.append(
                Assumption(
                    "road speeds",
                    format_template(
                        gettext("{name}: {rule}"), name=name, rule=gettext(LAYER_RULE[str(how)][0])
                    ),
                    value,
                    LAYER,
                    gettext(LAYER_RULE[str(how)][1])
                    + messages.semicolon()
                    + _layer_sources(attributes.iloc[index], lengths[index]),
                )
            )
            continue
        wet = wet_by_class.get(str(road_class))
        class_kmh = base[str(road_class)]
        set_here = (
            road_class in ground.speeds_kmh
            or surface in ground.surface_factors
            or road_class in ground.wet_factors
        )
        class_source = gettext(
            N_("the scenario's speeds_kmh")
            if road_class in ground.speeds_kmh
            else N_("open health-accessibility default")
            if BASE_KMH.get(str(road_class)) == class_kmh
            else DEFAULT
        )
        surface_source = gettext(
            N_("the scenario's surface_factors")
            if surface in ground.surface_factors
            else N_("unknown surface taken as unpaved")
            if surface == "unknown"
            else N_("open health-accessibility default")
            if SURFACE_FACTOR.get(str(surface)) == surface_factor[str(surface)]
            else DEFAULT
        )
        wet_text = (
            format_template(
                gettext("x {factor:g}, the scenario's wet factor for {road_class}"),
                factor=wet,
                road_class=road_class,
            )
            if wet is not None
            else format_template(
                gettext("x {factor:g}, the wet-season factor"), factor=settings.wet_season_factor
            )
        )
        rule = class_kmh * surface_factor[str(surface)] * settings.convoy_factor
        rows.append(
            Assumption(
                "road speeds",
                name,
                value,
                SCENARIO if set_here else DEFAULT,
                format_template(
                    gettext(
                        "{road_class} {class_kmh:g} km/h ({class_source}) x {surface} {surface_factor:g} "
                        "({surface_source}) x convoy factor {convoy:g} = {rule:.1f} km/h; wet season {wet}"
                    ),
                    road_class=road_class,
                    class_kmh=class_kmh,
                    class_source=class_source,
                    surface=surface,
                    surface_factor=surface_factor[str(surface)],
                    surface_source=surface_source,
                    convoy=settings.convoy_factor,
                    rule=rule,
                    wet=wet_text,
                ),
            )
        )
    return rows


def assumptions(scenario: Scenario, network: RoadNetwork | None = None) -> list[Assumption]:
    """Every figure a check rests on, with its origin and source.

    ``network`` is the road network the check drove on (:func:`medevac.ground.road_network`
    of its router); without it a scenario with a road layer loads the layer itself.
    """
    standard = standard_of(scenario)
    origin = SCENARIO if scenario.standard == "custom" else messages.standard_text(scenario.standard)
    rows = [
        Assumption(
            "standard",
            format_template(gettext("{leg} threshold"), leg=gettext(LEG_LABEL[leg])),
            format_template(gettext("{minutes:g} min from wounding"), minutes=minutes),
            origin,
            threshold_source(scenario.standard, leg, minutes),
        )
        for leg, minutes in standard.thresholds_min.items()
    ]
    timeline = scenario.timeline
    for key in TIMELINE_CONTEXT:
        minutes = float(getattr(timeline, key))
        rows.append(
            Assumption(
                "timeline",
                messages.timeline_text(key),
                format_template("{minutes:g} min", minutes=minutes),
                _origin(timeline, key),
                timeline_source(key, minutes),
            )
        )
    if network is None and scenario.ground.roads:
        from medevac.roads import road_router  # road support is optional at import time

        network = road_router(scenario).network
    rows += _ground_rows(scenario, network)
    for airframe in scenario.airframes:
        rows.append(
            Assumption(
                "airframe",
                airframe.id,
                _airframe_value(airframe),
                SCENARIO,
                format_template(
                    gettext("{reference}; launch: {launch}"),
                    reference=airframe_reference(airframe),
                    launch=_launch_source(airframe),
                ),
            )
        )
    return [replace(row, group=gettext(row.group), origin=gettext(row.origin)) for row in rows]


def _airframe_value(airframe: Airframe) -> str:
    launch = airframe.launch
    return format_template(
        gettext(
            "{kind}, {cruise_kmh:g} km/h, range {range_km:g} km, "
            "launch {day:g} min day / {night:g} min night, {night_capable}, {medical_team}, {available}"
        ),
        kind=airframe.type or airframe.kind,
        cruise_kmh=airframe.cruise_kmh,
        range_km=airframe.range_km,
        day=launch.day,
        night=launch.minutes("night"),
        night_capable=gettext("night-capable") if airframe.night else gettext("day only"),
        medical_team=gettext("medical team on board")
        if airframe.medical_team
        else gettext("no medical team"),
        available=gettext("available") if airframe.available else gettext("UNAVAILABLE"),
    )


def _launch_source(airframe: Airframe) -> str:
    day, night = LAUNCH_DAY_NIGHT_MIN
    given = (airframe.launch.day, airframe.launch.minutes("night"))
    relation = (
        gettext("this airframe's are those values")
        if given == (day, night)
        else format_template(
            gettext("this airframe's {day:g} / {night:g} min are the scenario's own"),
            day=given[0],
            night=given[1],
        )
    )
    return format_template(
        gettext(
            "{day:g} min by day / {night:g} min at night are common planning values (unverified for UN "
            "contracts); {relation}"
        ),
        day=day,
        night=night,
        relation=relation,
    )
