"""The scenario's assumptions with their values and where the figures come from.

A commander must see what the verdicts rest on: every timeline value, ground setting,
threshold and airframe figure, whether the file set it or it is spec v1's default, and the
public source planners cite for such a figure (``/work/shared/domain.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from medevac.model import Airframe, Scenario
from medevac.standards import LEG_LABEL, standard_of

THRESHOLD_SOURCE = {
    "un-10-1-2": "UN DOS/DPO Casualty Evacuation in the Field (ref. 2020.7), section D.2",
    "nato-10-1-2-2": "NATO AJP-4.10 and COMEDS Life & Limb Saving Timeline (2011)",
    "custom": "set by the scenario's author (standard: custom)",
}

TIMELINE_SOURCE: dict[str, str] = {
    "request": "the 9-line is sent in under a minute; real delays are communication. NATO RC-South "
    "(2007) allowed 30 min for wounding-to-notification plus landing-to-emergency-department",
    "approval": "MINUSMA crews reported approvals delayed by hours (2018); CIVIC (2021) documents "
    "MINUSMA decentralising launch authority in 2020",
    "on_scene": "about 10 min loading at the landing site (planning value)",
    "handover": "about 5 min from landing to the casualty inside the facility (planning value)",
    "ground_departure": "spec v1 planning value: the unit's own vehicle leaves with the casualty",
    "first_aid_on_site": "buddy first aid by trained peacekeepers (UN Buddy First Aid Course, 2018)",
}

GROUND_SOURCE: dict[str, str] = {
    "detour_factor": "no-roads estimate: road km = geodesic km x factor (spec v1)",
    "road_kmh": "no-roads estimate; open health-accessibility defaults run 40 (unclassified) to 80 "
    "(trunk); GOSTnets uses lower figures",
    "off_road_kmh": "walking off road: 2.5-5 km/h",
    "wet_season_factor": "South Sudan: Rumbek-Yirol took 12 h instead of 4 in the rains (Logistics "
    "Cluster 2012-13); over 60 % of the country cut off by road (IOM)",
    "convoy_factor": "military convoys and ambulances in insecure areas drive slower: planner's factor",
    "max_snap_km": "farthest a point may lie from the road network (spec v1)",
}

AIRFRAME_REFERENCE: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("mi-8", "mi-17", "mi-171", "mi8", "mi17"),
        "Mi-8MTV/Mi-17: cruise 225-250 km/h, range ~465 km (985-1,050 with aux tanks)",
    ),
    (("super puma", "as332", "h215"), "AS332/H215 Super Puma: cruise 250 km/h, range ~560 km with aux tanks"),
    (("puma", "iar-330", "sa330"), "IAR-330/SA330 Puma: cruise ~250 km/h, range ~570 km (unverified)"),
    (("nh90",), "NH90: cruise ~260 km/h, range 982 km"),
    (("bell 412", "412"), "Bell 412: cruise ~220 km/h, range ~650 km (unverified)"),
    (("aw139",), "AW139: cruise 288 km/h, range ~900 km (unverified)"),
    (("uh-60", "hh-60", "black hawk"), "UH-60L/HH-60M: cruise 278 km/h, range ~570 km"),
    (("ch-47", "chinook"), "CH-47: cruise 240 km/h, range 741 km"),
    (("c-130", "hercules"), "C-130: cruise ~540 km/h, range ~3,000 km, runway at both ends"),
)
"""Public planning figures by type (domain reference table), matched on the type text."""

LAUNCH_SOURCE = "30 min by day / 60 min at night are common planning values (unverified for UN contracts)"


@dataclass(frozen=True)
class Assumption:
    group: str
    item: str
    value: str
    origin: str  # "scenario file" or "spec v1 default"
    source: str


def _origin(model: object, key: str) -> str:
    fields_set: set[str] = getattr(model, "model_fields_set", set())
    return "scenario file" if key in fields_set else "spec v1 default"


def airframe_reference(airframe: Airframe) -> str:
    """The public figures for an airframe's type, or a note that none is on file."""
    text = f"{airframe.type} {airframe.id}".lower()
    for keys, reference in AIRFRAME_REFERENCE:
        if any(key in text for key in keys):
            return reference
    return "no reference figures for this type: the scenario's own values"


def assumptions(scenario: Scenario) -> list[Assumption]:
    """Every figure a check rests on, with its origin and source."""
    standard = standard_of(scenario)
    rows = [
        Assumption(
            "standard",
            f"{LEG_LABEL[leg]} threshold",
            f"{minutes:g} min from wounding",
            "scenario file" if scenario.standard == "custom" else f"profile {standard.name}",
            THRESHOLD_SOURCE[scenario.standard],
        )
        for leg, minutes in standard.thresholds_min.items()
    ]
    timeline = scenario.timeline
    for key, source in TIMELINE_SOURCE.items():
        rows.append(
            Assumption(
                "timeline",
                key.replace("_", " "),
                f"{getattr(timeline, key):g} min",
                _origin(timeline, key),
                source,
            )
        )
    ground = scenario.ground
    units = {"road_kmh": " km/h", "off_road_kmh": " km/h", "max_snap_km": " km"}
    if ground.roads:
        rows.append(
            Assumption("ground", "road layer", ground.roads, "scenario file", "see the layer's own sources")
        )
    for key, source in GROUND_SOURCE.items():
        value = f"{getattr(ground, key):g}{units.get(key, '')}"
        rows.append(Assumption("ground", key.replace("_", " "), value, _origin(ground, key), source))
    for airframe in scenario.airframes:
        launch = airframe.launch
        value = (
            f"{airframe.type or airframe.kind}, {airframe.cruise_kmh:g} km/h, "
            f"range {airframe.range_km:g} km, "
            f"launch {launch.day:g} min day / {launch.minutes('night'):g} min night, "
            f"{'night-capable' if airframe.night else 'day only'}, "
            f"{'medical team on board' if airframe.medical_team else 'no medical team'}, "
            f"{'available' if airframe.available else 'UNAVAILABLE'}"
        )
        rows.append(
            Assumption(
                "airframe",
                airframe.id,
                value,
                "scenario file",
                f"{airframe_reference(airframe)}; launch: {LAUNCH_SOURCE}",
            )
        )
    return rows
