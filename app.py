"""medevac planner app: see the 10-1-2 gaps of a mission, try fixes, keep the best variants.

Run with ``make run`` (``streamlit run app.py``). Widgets call the core (:mod:`medevac.whatif`,
:mod:`medevac.mapdata`) and render what it returns; no domain logic lives here. Checks are
cached by the scenario's content (its YAML text and folder), shared across sessions and
never mutated.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, cast

import streamlit as st

from app_conditions import (
    breakdown_view,
    conditions_tab,
    four_condition_delta,
    patrol_view,
    recommendations_view,
    show_table,
)
from app_conditions import export_view as export_everything
from app_layers import MAP_LAYERS, build_deck
from app_library import library_tab
from app_mission import mission_tab
from app_optimise import optimise_tab
from app_robustness import robustness_tab
from medevac import messages
from medevac.check import CheckResult
from medevac.errors import MedevacError, ScenarioError
from medevac.ground import road_network
from medevac.intake.upload import (
    LAYER_SUFFIXES,
    MISSION_SUFFIXES,
    TABLE_SUFFIXES,
    Limits,
    UploadedFile,
    open_upload,
)
from medevac.mapdata import (
    FAIL_COLOUR,
    LEVEL_COLOUR,
    MEETS_ALL_COLOUR,
    STATUS_CODE,
    SURFACE_ALPHA,
    Bounds,
    CoverageView,
    airfields,
    band_legend,
    country_outlines,
    coverage_view,
    layers_geojson,
    result_layers,
    scenario_bounds,
    status_label,
    towns,
)
from medevac.mapview import (
    PLACEMENT_ACCURACY_KM,
    ROAD_COLOUR,
    View,
    cell_view,
    coarse_cells,
    fine_cells,
    focus_view,
    label_records,
    road_records,
    scale_bar,
)
from medevac.model import Level, Light, Scenario, Season, StandardName
from medevac.scenario import (
    dump_scenario,
    load_scenario,
)
from medevac.standards import LEG_LABEL, Leg
from medevac.whatif import (
    TIMELINE_KEYS,
    AddAirframe,
    AddFacility,
    Edit,
    LegDelta,
    MoveAirframe,
    MoveFacility,
    Point,
    RemoveFacility,
    SetAirframe,
    SetConditions,
    SetConvoyFactor,
    SetTimeline,
    apply_edits,
    compare,
    content_key,
    describe,
    describe_variant,
    evaluate,
    gap_rows,
    leg_summary,
    variant_table,
)

ROOT = Path(__file__).resolve().parent
SCENARIO_DIR = ROOT / "scenarios"
DEFAULT_DEMO = "minusma-north.yaml"
LEVELS = ("1", "1+", "2", "2+", "3")
TABLES_TAB = messages.MISSION_APP_TEXT["tab"]
LIBRARY_TAB = messages.LIBRARY_APP_TEXT["tab"]
PROFILES = ("un-10-1-2", "nato-10-1-2-2")
AirframeKind = Literal["helicopter", "fixed_wing"]
# The largest file an upload box takes, as server.maxUploadSize in .streamlit/config.toml (which
# the server enforces): a mission's scenario and layers fit; Streamlit's 200 MB invites abuse.
# (Comments, not docstrings, at module level: Streamlit would show a bare string on the page.)
UPLOAD_LIMIT_MB = 50
# What each upload box takes (medevac.intake.upload): the mission (a scenario, a workbook, a table
# or a .zip of its folder), then the files it names (layers, a shapefile's companions, tables).
MISSION_TYPES = [suffix[1:] for suffix in MISSION_SUFFIXES]
LAYER_TYPES = [suffix[1:] for suffix in (*LAYER_SUFFIXES, *TABLE_SUFFIXES)]
UNPACKED_LIMIT_MB = 4 * UPLOAD_LIMIT_MB  # a .zip of a mission's folder, all files unpacked
MAP_HEIGHT_PX = 620
BASEMAP_FILL = (245, 243, 238)  # the offline basemap's land, under the coverage cells

log = logging.getLogger(__name__)

st.set_page_config(page_title="medevac: 10-1-2 planner", layout="wide")

# -- cached computation (content-keyed, shared, never mutated) -----------------------------


@st.cache_resource(max_entries=64, show_spinner=False)
def checked(key: str, _scenario: Scenario) -> CheckResult:
    """The check of a scenario, cached under its :func:`content_key` (``_scenario`` is not hashed)."""
    return evaluate(_scenario)


def check_of(scenario: Scenario) -> CheckResult:
    return checked(content_key(scenario), scenario)


@st.cache_data(show_spinner=False)
def places_near(south: float, west: float, north: float, east: float) -> dict[str, Any]:
    """Basemap and pickable places around a box: country outlines, towns, airfields, and the
    coarse cells a first click picks (:func:`medevac.mapview.coarse_cells`)."""
    bounds = Bounds(south, west, north, east)
    cells = coarse_cells(bounds)
    return {
        "countries": country_outlines(bounds),
        "towns": towns(bounds),
        "airfields": airfields(bounds),
        "places": cells.records("coarse"),
        "place_km": cells.cell_km,
    }


@st.cache_resource(max_entries=16, show_spinner=False)
def coverage_layer(key: str, area_key: str, _scenario: Scenario, _area_of: Scenario) -> CoverageView:
    """The coverage surface of a scenario (its own conditions) over the mission area and grid
    of ``_area_of``, cached under both content keys (see :func:`medevac.mapdata.coverage_view`).

    A variant (``key`` is not ``area_key``) is drawn over its baseline's cells, reusing their
    ground minutes and air km (:func:`medevac.mapdata_variants.variant_coverage_view`): the
    same view, computing only the columns of what the variant adds."""
    from medevac.mapdata_variants import variant_coverage_view

    if key != area_key:
        return variant_coverage_view(
            check_of(_scenario), coverage_layer(area_key, area_key, _area_of, _area_of)
        )
    return coverage_view(_scenario, router=check_of(_scenario).engine.router, area_of=_area_of)


# -- session state ---------------------------------------------------------------------------

CONDITION_KEYS = ("light", "season", "profile", "convoy_factor")
# The what-if place pickers, whose typed coordinates start at the mission's centre.
PLACE_KEYS = ("wi_add", "wi_move", "wi_af", "wi_move_af_to")


def condition_values(scenario: Scenario) -> dict[str, Any]:
    """The sidebar's condition widgets as a scenario file sets them, by widget key."""
    values: dict[str, Any] = {
        "light": scenario.conditions.light,
        "season": scenario.conditions.season,
        "profile": scenario.standard,
        "convoy_factor": float(scenario.ground.convoy_factor),
    }
    values |= {f"timeline_{key}": float(getattr(scenario.timeline, key)) for key in TIMELINE_KEYS}
    for airframe in scenario.airframes:
        values |= {
            f"af_{airframe.id}_available": airframe.available,
            f"af_{airframe.id}_night": airframe.night,
            f"af_{airframe.id}_day": float(airframe.launch.day),
            f"af_{airframe.id}_night_min": float(airframe.launch.minutes("night")),
        }
    return values


def reset_conditions(scenario: Scenario) -> None:
    """Set every condition widget to the new file's value.

    Setting (not deleting) the keys matters: a widget keeps its identity across missions,
    and only a value set here reaches the browser, which otherwise sends the previous
    mission's value back at the next click.
    """
    for key in list(st.session_state):
        if key in CONDITION_KEYS or str(key).startswith(("timeline_", "af_")):
            del st.session_state[key]
    st.session_state.update(condition_values(scenario))
    lat, lon = scenario_bounds(scenario).centre
    for prefix in PLACE_KEYS:
        st.session_state[f"{prefix}_lat"] = round(lat, 2)
        st.session_state[f"{prefix}_lon"] = round(lon, 2)


def load(scenario: Scenario, label: str, folder: UploadFolder | None = None) -> None:
    """Make ``scenario`` the mission: no edits or variants, conditions from its file.

    The previous upload's folder goes (a cached check keeps what it read from it).
    """
    previous: UploadFolder | None = st.session_state.get("upload_folder")
    if previous is not None and previous is not folder:
        previous.remove()
    st.session_state.upload_folder = folder
    st.session_state.file_scenario = scenario
    st.session_state.file_label = label
    st.session_state.edits = []
    st.session_state.variants = {}
    st.session_state.picked = None
    st.session_state.edit_errors = []
    reset_conditions(scenario)


def load_demo() -> None:
    """Load the demo just chosen, and empty the upload boxes (a new round of uploaders)."""
    name = st.session_state.get("demo")
    if name is None:
        return
    load(load_scenario(SCENARIO_DIR / name), name)
    st.session_state.upload_round += 1
    st.session_state.upload_ids = None
    st.session_state.upload_errors = []


def demos() -> list[str]:
    names = sorted(p.name for p in SCENARIO_DIR.glob("*.yaml"))
    return sorted(names, key=lambda n: n != DEFAULT_DEMO)


class UploadFolder:
    """The temporary folder of one upload, removed when another mission replaces it, when the
    session ends (Streamlit drops its state) or when the server stops."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="medevac-upload-"))
        self.mission_dir: Path | None = None  # the mission file's folder in it, once loaded
        self._remove = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)

    def remove(self) -> None:
        self._remove()

    def hide(self, text: str) -> str:
        """A message without this folder's path: files named as the planner wrote them."""
        folders = {self.path, self.path.resolve()}
        if self.mission_dir is not None:
            folders |= {self.mission_dir, self.mission_dir.resolve()}
        for prefix in sorted({str(f) for f in folders}, key=len, reverse=True):
            text = text.replace(prefix + "/", "").replace(prefix, "(upload)")
        return text


def hide_paths(text: str) -> str:
    """A core message as the page shows it: never the server path of the upload folder."""
    folder: UploadFolder | None = st.session_state.get("upload_folder")
    return folder.hide(text) if folder is not None else text


def take_upload(scenario_file: Any, layer_files: Sequence[Any]) -> None:
    """Load an uploaded scenario and its layers; on any problem keep the current mission and
    list what is wrong, naming files as the scenario names them.

    Each upload is taken once (by the ids of its files), so a file uploaded again, even the
    same one, loads again.
    """
    ids = (scenario_file.file_id, *(f.file_id for f in layer_files))
    if st.session_state.get("upload_ids") == ids:
        return
    st.session_state.upload_ids = ids
    st.session_state.upload_errors = []
    folder = UploadFolder()
    limits = Limits(file_mb=UPLOAD_LIMIT_MB, unpacked_mb=UNPACKED_LIMIT_MB)
    try:
        mission = open_upload(
            UploadedFile(str(scenario_file.name), scenario_file.getvalue()),
            [UploadedFile(str(f.name), f.getvalue()) for f in layer_files],
            folder.path,
            limits,
        )
        scenario = mission.scenario
        folder.mission_dir = scenario.source_dir  # messages name files from the mission's folder
        evaluate(scenario)  # road layer and patrol files are read here: fail now, not later
    except ScenarioError as error:
        problems = [str(p) for p in error.problems]
    except MedevacError as error:
        problems = str(error).splitlines()
    except Exception as error:  # a file the core does not refuse by name: an error, not a traceback
        log.exception("upload %s could not be checked", scenario_file.name)
        problems = [f"{scenario_file.name}: could not be checked ({type(error).__name__}: {error})"]
    else:
        load(scenario, mission.label, folder)
        st.session_state.upload_warnings = [folder.hide(w) for w in mission.warnings]
        st.session_state.demo = None  # the demo box shows that an upload is loaded
        return
    st.session_state.upload_errors = [folder.hide(p) for p in problems]
    folder.remove()


# -- sidebar: the scenario and its conditions -------------------------------------------------


def sidebar() -> tuple[Scenario, list[Edit]]:
    """Scenario choice and conditions; returns the file's scenario and the edits that make
    the baseline (conditions that differ from the file)."""
    bar = st.sidebar
    bar.header("Mission")
    demo_box = bar.container()  # filled after the uploads: an upload changes what it shows
    round_ = st.session_state.upload_round
    limit = f"Up to {UPLOAD_LIMIT_MB} MB a file."
    scenario_file = bar.file_uploader(
        "or upload a mission: a scenario (YAML), a workbook, a sites table (CSV, KML, GeoJSON) or a .zip "
        "of its folder",
        type=MISSION_TYPES,
        key=f"upload_{round_}",
        max_upload_size=UPLOAD_LIMIT_MB,
        help=limit,
    )
    layer_files = bar.file_uploader(
        "and the files it names: road layer, closures, patrol lines; beside a table, the other "
        "tables (facilities.csv, airframes.csv) (optional)",
        type=LAYER_TYPES,
        accept_multiple_files=True,
        key=f"layers_upload_{round_}",
        max_upload_size=UPLOAD_LIMIT_MB,
        help=f"{limit} Matched to the names the mission gives them, by file name.",
    )
    if scenario_file is not None:
        take_upload(scenario_file, layer_files or [])
    demo_box.selectbox(
        "Bundled demo",
        demos(),
        index=None,
        placeholder="(an uploaded scenario is loaded)",
        key="demo",
        on_change=load_demo,
    )
    file_scenario: Scenario = st.session_state.file_scenario
    bar.caption(f"Loaded: **{st.session_state.file_label}** ({file_scenario.name})")
    for warning in st.session_state.get("upload_warnings", []):
        bar.caption(f"Note: {warning}")

    bar.header("Conditions")
    edits: list[Edit] = []
    for key, value in condition_values(file_scenario).items():
        st.session_state.setdefault(key, value)  # a widget Streamlit dropped starts from the file
    light = bar.radio("Light", ("day", "night"), horizontal=True, key="light")
    season = bar.radio("Season", ("dry", "wet"), horizontal=True, key="season")
    profiles = PROFILES if file_scenario.standard in PROFILES else (*PROFILES, file_scenario.standard)
    profile = bar.selectbox("Profile", profiles, key="profile")
    if (light, season, profile) != (
        file_scenario.conditions.light,
        file_scenario.conditions.season,
        file_scenario.standard,
    ):
        edits.append(
            SetConditions(
                light=cast(Light, light), season=cast(Season, season), standard=cast(StandardName, profile)
            )
        )

    with bar.expander("Timeline (minutes)"):
        values = []
        for key in TIMELINE_KEYS:
            was = float(getattr(file_scenario.timeline, key))
            now = st.number_input(key.replace("_", " "), min_value=0.0, step=5.0, key=f"timeline_{key}")
            if now != was:
                values.append((key, float(now)))
        if values:
            edits.append(SetTimeline(tuple(values)))
    convoy = bar.slider(
        "Convoy factor (road speed multiplier)",
        min_value=0.1,
        max_value=1.0,
        step=0.05,
        key="convoy_factor",
    )
    if convoy != file_scenario.ground.convoy_factor:
        edits.append(SetConvoyFactor(float(convoy)))

    with bar.expander("Airframes", expanded=False):
        for airframe in file_scenario.airframes:
            st.markdown(f"**{airframe.id}** {airframe.type}")
            available = st.checkbox("available", key=f"af_{airframe.id}_available")
            night = st.checkbox("night-capable", key=f"af_{airframe.id}_night")
            day_min = st.number_input("launch by day (min)", min_value=0.0, key=f"af_{airframe.id}_day")
            night_was = float(airframe.launch.minutes("night"))
            night_min = st.number_input(
                "launch by night (min)", min_value=0.0, key=f"af_{airframe.id}_night_min"
            )
            change = SetAirframe(
                airframe.id,
                available=available if available != airframe.available else None,
                night=night if night != airframe.night else None,
                launch_day_min=day_min if day_min != airframe.launch.day else None,
                launch_night_min=night_min if night_min != night_was else None,
            )
            if change != SetAirframe(airframe.id):
                edits.append(change)
    bar.checkbox("Online map tiles (needs internet)", key="online_tiles")
    with bar.expander("Map layers", expanded=False):
        for key, text in MAP_LAYERS.items():
            st.checkbox(text, value=True, key=f"map_{key}")
    return file_scenario, edits


# -- the page ----------------------------------------------------------------------------------


def legend_html(
    legs: Sequence[Leg], show_surface: bool, show_roads: bool = False, shown: Mapping[str, bool] | None = None
) -> str:
    """The map's legend: a bordered swatch for every symbol drawn, only the legs of the profile."""
    on = dict.fromkeys(MAP_LAYERS, True) | dict(shown or {})

    def rgb(colour: Sequence[int]) -> str:
        return f"rgb({colour[0]},{colour[1]},{colour[2]})"

    def box(
        colour: Sequence[int], text: str, *, round_: bool = False, inner: str = "", ring: bool = False
    ) -> str:
        shape = "border-radius:50%;" if round_ else "border-radius:2px;"
        fill = "transparent" if ring else rgb(colour)
        edge = f"2px solid {rgb(colour)}" if ring else "1px solid #333"
        style = (
            f"display:inline-block;min-width:14px;height:14px;line-height:14px;vertical-align:middle;"
            f"background:{fill};border:{edge};{shape}font-size:9px;text-align:center;margin-right:4px;"
        )
        return f'<span style="white-space:nowrap"><span style="{style}">{inner}</span>{text}</span>&emsp;'

    def line(colour: Sequence[int], text: str, width: int = 3, dashed: bool = False) -> str:
        kind = "dashed" if dashed else "solid"
        style = f"display:inline-block;width:22px;height:0;border-top:{width}px {kind} {rgb(colour)};"
        style += "vertical-align:middle;margin-right:4px"
        return f'<span style="white-space:nowrap"><span style="{style}"></span>{text}</span>&emsp;'

    parts = ["<b>Sites</b>: ", box(MEETS_ALL_COLOUR, f"[{STATUS_CODE[None]}] meets all", round_=True)]
    parts += [box(FAIL_COLOUR[leg], f"[{STATUS_CODE[leg]}] {status_label(leg)}", round_=True) for leg in legs]
    parts.append("<br/><b>Facilities</b> (badge above the place): ")
    for rank, colour in LEVEL_COLOUR.items():
        text_colour = "#000" if rank < 3 else "#fff"
        parts.append(box(colour, f"Level {rank}", inner=f'<span style="color:{text_colour}">L{rank}</span>'))
    parts.append(box((0, 0, 0), "airframe base", ring=True, round_=True))
    parts.append(box((150, 150, 150), "base, not flying", ring=True, round_=True))
    if on["rings"]:
        parts.append(line((0, 0, 0), "radius of action (half the range)", width=1))
    parts.append(box((60, 60, 60), "town", round_=True))
    if on["patrols"]:
        parts.append("<br/><b>Patrols</b>: ")
        parts.append(line(MEETS_ALL_COLOUR, "meets all"))
        parts += [line(FAIL_COLOUR[leg], f"fails {LEG_LABEL[leg]} first") for leg in legs]
    if show_roads:
        parts.append("<br/><b>Roads</b>: ")
        parts.append(line(ROAD_COLOUR, "road", width=2))
        parts.append(line(ROAD_COLOUR, "closed in this season", width=2, dashed=True))
    if show_surface:
        parts.append("<br/><b>Coverage</b> (time to the chosen leg): ")
        alpha = SURFACE_ALPHA / 255
        for text, colour in band_legend():
            drawn = [round(alpha * c + (1 - alpha) * b) for c, b in zip(colour, BASEMAP_FILL, strict=True)]
            parts.append(box(drawn, text))
    return "".join(parts)


def metrics(shown: CheckResult, baseline: CheckResult, is_variant: bool) -> None:
    rows = leg_summary(shown)
    before = {row["leg"]: row for row in leg_summary(baseline)}
    columns = st.columns(len(rows) + 1)
    for column, row in zip(columns, rows, strict=False):
        delta = None
        if is_variant:
            was = before.get(row["leg"])
            if was is not None:
                sites = row["sites_meeting"] - was["sites_meeting"]
                people = row["personnel_meeting"] - was["personnel_meeting"]
                delta = f"{sites:+d} sites, {people:+,d} personnel"
        column.metric(
            f"{row['label']} within {row['threshold_min']:g} min",
            f"{row['sites_meeting']}/{row['sites']}",
            delta=delta,
            delta_color="off" if delta and delta.startswith("+0 sites, +0 ") else "normal",
        )
        column.caption(
            f"sites meeting it; {row['personnel_share']:.0%} of personnel "
            f"({row['personnel_meeting']:,} of {row['personnel']:,})"
        )
    summary, was = shown.summary(), baseline.summary()
    delta = None
    if is_variant:
        delta = f"{summary['sites_meeting_all'] - was['sites_meeting_all']:+d} sites"
    columns[-1].metric("All legs", f"{summary['sites_meeting_all']}/{summary['sites']}", delta=delta)
    columns[-1].caption(f"sites meeting every leg; {summary['personnel_meeting_all']:,} personnel")


def delta_table(deltas: tuple[LegDelta, ...], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per leg, what a variant gains and loses; sites by ``names``."""
    return [
        {
            "leg": d.label,
            "sites before": d.sites_before,
            "sites after": d.sites_after,
            "gained": ", ".join(names.get(s, s) for s in d.sites_gained),
            "lost": ", ".join(names.get(s, s) for s in d.sites_lost),
            "personnel gained": d.personnel_gained,
            "personnel lost": d.personnel_lost,
            "sites with changed times": len(d.changed),
        }
        for d in deltas
    ]


def csv_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def pick_place(scenario: Scenario, town_list: list[dict[str, Any]], key: str) -> Point | None:
    """Where to put something: the last map click, a town, or typed coordinates."""
    how = st.radio("Place by", ("map click", "town", "coordinates"), horizontal=True, key=f"{key}_how")
    if how == "map click":
        picked: Point | None = st.session_state.get("picked")
        if picked is None:
            st.info("Click a place on the map (a site, town, airfield or any spot), then come back here.")
        else:
            where = f"({picked.lat:.4f}, {picked.lon:.4f})"  # 4 decimals: the fine cells are 1 km
            st.write(f"Clicked: **{picked.label + ' ' if picked.label else ''}{where}**")
        return picked
    if how == "town":
        if not town_list:
            st.info("No bundled towns near this mission; type coordinates instead.")
            return None
        names = [f"{t['label']} ({t['lat']:.2f}, {t['lon']:.2f})" for t in town_list]
        chosen = st.selectbox("Town", range(len(names)), format_func=lambda i: names[i], key=f"{key}_town")
        town = town_list[int(chosen)]
        return Point(float(town["lat"]), float(town["lon"]), str(town["label"]))
    lat0, lon0 = scenario_bounds(scenario).centre
    st.session_state.setdefault(f"{key}_lat", round(lat0, 2))
    st.session_state.setdefault(f"{key}_lon", round(lon0, 2))
    left, right = st.columns(2)
    lat = left.number_input("Latitude", -90.0, 90.0, step=0.01, format="%.4f", key=f"{key}_lat")
    lon = right.number_input("Longitude", -180.0, 180.0, step=0.01, format="%.4f", key=f"{key}_lon")
    return Point(float(lat), float(lon))


def add_edit(baseline: Scenario, edit: Edit) -> None:
    """Append an edit to the working variant if the result is a valid scenario."""
    edits = [*st.session_state.edits, edit]
    try:
        apply_edits(baseline, edits)
    except ScenarioError as error:
        st.session_state.edit_errors = [str(p) for p in error.problems]
        return
    st.session_state.edit_errors = []
    st.session_state.edits = edits


def new_id(scenario: Scenario, stem: str) -> str:
    taken = {f.id for f in scenario.facilities} | {a.id for a in scenario.airframes}
    taken |= {s.id for s in scenario.sites}
    n = 1
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def whatif_tab(baseline: Scenario, shown: Scenario, town_list: list[dict[str, Any]]) -> None:
    st.write(
        "Change the plan and see at once what it gains and loses against the baseline. "
        "Edits stack up into the *working variant*; save it under a name to compare it later."
    )
    action = st.selectbox(
        "Change",
        (
            "Add a facility",
            "Move a facility",
            "Remove a facility",
            "Add an airframe",
            "Move an airframe base",
            "Change an airframe",
            "Change the timeline",
        ),
        key="wi_action",
    )
    facility_ids = [f.id for f in shown.facilities]
    airframe_ids = [a.id for a in shown.airframes]
    edit: Edit | None = None
    if action == "Add a facility":
        level = st.selectbox("Level", LEVELS, index=2, key="wi_level")
        left, right = st.columns(2)
        helipad = left.checkbox("helipad", value=True, key="wi_helipad")
        airstrip = right.checkbox("airstrip", value=False, key="wi_airstrip")
        place = pick_place(shown, town_list, "wi_add")
        if place is not None:
            edit = AddFacility(
                new_id(shown, f"new-l{level[0]}"),
                cast(Level, level),
                place,
                helipad=helipad,
                airstrip=airstrip,
            )
    elif action == "Move a facility" and facility_ids:
        target = st.selectbox("Facility", facility_ids, key="wi_move_facility")
        place = pick_place(shown, town_list, "wi_move")
        if place is not None:
            edit = MoveFacility(target, place)
    elif action == "Remove a facility" and facility_ids:
        edit = RemoveFacility(st.selectbox("Facility", facility_ids, key="wi_remove_facility"))
        st.caption(
            "Airframes based there stay where they are (the airfield does not close with the hospital)."
        )
    elif action == "Add an airframe":
        left, right = st.columns(2)
        kind = left.selectbox("Kind", ("helicopter", "fixed_wing"), key="wi_af_kind")
        cruise = left.number_input("Cruise (km/h)", min_value=1.0, value=250.0, key="wi_af_cruise")
        range_km = left.number_input("Range (km)", min_value=1.0, value=570.0, key="wi_af_range")
        day = right.number_input("Launch by day (min)", min_value=0.0, value=30.0, key="wi_af_day")
        night_min = right.number_input(
            "Launch by night (min)", min_value=0.0, value=60.0, key="wi_af_night_min"
        )
        night = right.checkbox("night-capable", value=True, key="wi_af_night")
        team = right.checkbox("medical team on board", value=True, key="wi_af_team")
        at = st.radio("Base", ("a facility", "a place"), horizontal=True, key="wi_af_base_how")
        base: str | Point | None
        if at == "a facility" and facility_ids:
            base = st.selectbox("Facility", facility_ids, key="wi_af_base")
        else:
            base = pick_place(shown, town_list, "wi_af")
        if base is not None:
            edit = AddAirframe(
                new_id(shown, kind.replace("_", "-")),
                base,
                float(cruise),
                float(range_km),
                float(day),
                float(night_min),
                night=night,
                medical_team=team,
                kind=cast(AirframeKind, kind),
            )
    elif action == "Move an airframe base" and airframe_ids:
        target = st.selectbox("Airframe", airframe_ids, key="wi_move_af")
        at = st.radio("To", ("a facility", "a place"), horizontal=True, key="wi_move_af_how")
        if at == "a facility" and facility_ids:
            edit = MoveAirframe(target, st.selectbox("Facility", facility_ids, key="wi_move_af_base"))
        else:
            place = pick_place(shown, town_list, "wi_move_af_to")
            if place is not None:
                edit = MoveAirframe(target, place)
    elif action == "Change an airframe" and airframe_ids:
        target = st.selectbox("Airframe", airframe_ids, key="wi_set_af")
        current = next(a for a in shown.airframes if a.id == target)
        left, right = st.columns(2)
        available = left.checkbox("available", value=current.available, key=f"wi_set_{target}_available")
        night = left.checkbox("night-capable", value=current.night, key=f"wi_set_{target}_night")
        team = left.checkbox("medical team on board", value=current.medical_team, key=f"wi_set_{target}_team")
        day = right.number_input(
            "Launch by day (min)", 0.0, value=float(current.launch.day), key=f"wi_set_{target}_day"
        )
        night_min = right.number_input(
            "Launch by night (min)",
            0.0,
            value=float(current.launch.minutes("night")),
            key=f"wi_set_{target}_nmin",
        )
        edit = SetAirframe(target, available, night, float(day), float(night_min), team)
    elif action == "Change the timeline":
        key = st.selectbox("Value", TIMELINE_KEYS, key="wi_tl_key")
        minutes = st.number_input(
            "Minutes", 0.0, value=float(getattr(shown.timeline, key)), step=5.0, key=f"wi_tl_{key}"
        )
        edit = SetTimeline(((key, float(minutes)),))
    if edit is not None:
        st.button(
            f"Apply: {describe(edit)}",
            key="wi_apply",
            type="primary",
            on_click=add_edit,
            args=(baseline, edit),
        )
    for problem in st.session_state.get("edit_errors", []):
        st.error(hide_paths(problem))

    st.subheader("Working variant")
    edits = st.session_state.edits
    if not edits:
        st.caption("No edits yet: the map shows the baseline.")
    for number, edit_text in enumerate((describe(e) for e in edits), start=1):
        st.text(f"{number}. {edit_text}")
    left, mid, right = st.columns(3)
    left.button(
        "Undo last edit",
        key="wi_undo",
        disabled=not edits,
        on_click=lambda: st.session_state.edits.pop() if st.session_state.edits else None,
    )
    mid.button(
        "Clear all edits",
        key="wi_clear",
        disabled=not edits,
        on_click=lambda: st.session_state.update(edits=[]),
    )
    name = right.text_input(
        "Variant name", value=f"variant {len(st.session_state.variants) + 1}", key="wi_name"
    )
    right.button("Save as variant", key="wi_save", disabled=not edits, on_click=save_variant, args=(name,))


def save_variant(name: str) -> None:
    st.session_state.variants = {
        **st.session_state.variants,
        name.strip() or "variant": tuple(st.session_state.edits),
    }


def main() -> None:
    if "file_scenario" not in st.session_state:
        st.session_state.demo = DEFAULT_DEMO
        st.session_state.upload_round = 0
        st.session_state.upload_errors = []
        load(load_scenario(SCENARIO_DIR / DEFAULT_DEMO), DEFAULT_DEMO)
    file_scenario, condition_edits = sidebar()

    st.title("medevac: 10-1-2 casualty evacuation planner")
    for problem in st.session_state.get("upload_errors", []):
        st.error(f"Upload not loaded: {problem}")

    try:
        baseline = apply_edits(file_scenario, condition_edits)
    except ScenarioError as error:
        for problem in error.problems:
            st.error(hide_paths(str(problem)))
        baseline = file_scenario
    try:
        shown = apply_edits(baseline, st.session_state.edits)
    except ScenarioError as error:  # edits that no longer fit a changed baseline
        for problem in error.problems:
            st.error(hide_paths(f"Working variant dropped: {problem}"))
        st.session_state.edits = []
        shown = baseline
    is_variant = bool(st.session_state.edits)
    try:
        base_result = check_of(baseline)
        result = check_of(shown) if is_variant else base_result
    except MedevacError as error:
        st.error(hide_paths(f"The check could not run: {error}"))
        st.stop()

    st.caption(
        f"{shown.name} · {result.standard.name} · {result.light}, {result.season} season"
        + (f" · working variant: {describe_variant(st.session_state.edits)}" if is_variant else " · baseline")
    )
    metrics(result, base_result, is_variant)

    bounds = scenario_bounds(shown)
    near = places_near(bounds.south, bounds.west, bounds.north, bounds.east)
    layers = result_layers(result)
    surface_records: list[dict[str, Any]] = []
    surface_cell_km = 0.0
    surface_leg = None
    area_change = None
    shown_layers = {key: bool(st.session_state.get(f"map_{key}", True)) for key in MAP_LAYERS}
    find_col, surface_col = st.columns(2)
    site_names = {site.id: site.name or site.id for site in shown.sites}
    find_col.selectbox(
        "Find a site",
        sorted(site_names, key=lambda i: site_names[i].lower()),
        index=None,
        placeholder="(the whole mission)",
        format_func=lambda i: f"{site_names[i]} ({i})",
        key="find_site",
        on_change=focus_site,
        args=(shown, bounds),
    )
    surface_leg = surface_col.selectbox(
        "Coverage surface of",
        [*result.legs, "none"],
        index=min(1, len(result.legs) - 1),
        format_func=lambda leg: LEG_LABEL.get(leg, "no surface"),
        key="surface_leg",
    )
    if surface_leg != "none":
        area_key = content_key(baseline)
        try:
            view = coverage_layer(content_key(shown), area_key, shown, baseline)
            base_view = coverage_layer(area_key, area_key, baseline, baseline) if is_variant else view
        except MedevacError as error:
            st.warning(hide_paths(f"No coverage surface: {error}"))
        else:
            if shown_layers["surface"]:
                surface_records = view.records(cast(Leg, surface_leg))
            surface_cell_km = view.cell_km
            if is_variant:
                area_change = {
                    leg: view.covered_km2[leg] - base_view.covered_km2.get(leg, 0.0)
                    for leg in view.covered_km2
                }
    remember_click(st.session_state.get("map"), bounds)
    map_view = current_view(bounds)
    refine = mission_state("refine")
    fine = fine_cells(*refine) if refine is not None else None
    roads = road_records(road_network(result.engine.router), result.season) if shown_layers["roads"] else []
    deck = build_deck(
        bounds=bounds,
        countries=near["countries"],
        layers=layers,
        towns=near["towns"],
        airfields=near["airfields"],
        places=near["places"],
        place_km=near["place_km"],
        fine_places=fine.records("fine") if fine is not None else (),
        fine_km=fine.cell_km if fine is not None else 0.0,
        labels=label_records(layers, near["towns"]),
        roads=roads,
        surface=surface_records,
        surface_cell_km=surface_cell_km,
        view=map_view,
        scale=scale_bar(map_view, MAP_HEIGHT_PX),
        shown=shown_layers,
        online_tiles=bool(st.session_state.get("online_tiles")),
    )
    st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="map", height=MAP_HEIGHT_PX)
    drawn = shown_layers | {  # the legend lists what is on the map
        "patrols": shown_layers["patrols"] and bool(layers["patrol_stretches"]),
        "rings": shown_layers["rings"] and bool(layers["range_rings"]),
    }
    st.markdown(legend_html(result.legs, bool(surface_records), bool(roads), drawn), unsafe_allow_html=True)
    map_footer(shown, result, layers, refine is not None)

    # The tabs track which is open (a rerun on switching) so that the planning tabs compute only when shown.
    planning = [messages.APP_TEXT["tab.robustness"], messages.APP_TEXT["tab.optimise"]]
    conditions_name = messages.CONDITIONS_APP_TEXT["tab.conditions"]
    tab_names = ["Gaps", conditions_name, "What-if", TABLES_TAB, "Compare", LIBRARY_TAB, "Export", *planning]
    tabs = st.tabs(tab_names, key="main_tabs", on_change="rerun")
    gaps_tab, conditions, whatif, tables_tab, compare_tab, library_tab_, export_tab, *planning_tabs = tabs
    robust_tab, optimise_tab_ = planning_tabs
    with gaps_tab:
        gaps = gap_rows(result)
        st.write(
            f"**{len(gaps)}** of {len(result.scenario.sites)} sites fail at least one leg, "
            "worst shortfall first."
        )
        show_table(gaps, "gap_table")
        st.download_button(
            "Download the gap table (CSV)", csv_text(gaps), "gaps.csv", "text/csv", key="dl_gaps"
        )
        patrol_view(result)
        if gaps_tab.open:
            breakdown_view(shown, result, check_of)
            recommendations_view(shown)
    if conditions.open:
        with conditions:
            conditions_tab(shown, check_of)
    with whatif:
        whatif_tab(baseline, shown, near["towns"])
        if is_variant:
            st.subheader("Before / after")
            before_after = delta_table(compare(base_result, result), base_result.names)
            st.dataframe(before_after, hide_index=True, width="stretch")
            if area_change is not None:
                st.write(
                    "Change in covered area (over the baseline's mission area): "
                    + ", ".join(f"{LEG_LABEL[leg]} {km2:+,.0f} km²" for leg, km2 in area_change.items())
                )
            if whatif.open:
                four_condition_delta(baseline, shown, check_of, key="whatif_four")
    with compare_tab:
        compare_view(baseline, base_result, shown, result, four_conditions=bool(compare_tab.open))
    with tables_tab:
        mission_tab(baseline, shown, file_stem() + ("-variant" if st.session_state.edits else ""))
    with library_tab_:
        every_edit = [*condition_edits, *st.session_state.edits]
        library_tab(file_scenario, every_edit, load=load, reset_conditions=reset_conditions)
    with export_tab:
        export_view(shown, result, layers)
    online = bool(st.session_state.get("online_tiles"))
    if robust_tab.open:
        with robust_tab:
            robustness_tab(shown, result.engine.router, near["countries"], online_tiles=online)
    if optimise_tab_.open:
        with optimise_tab_:
            optimise_tab(shown, result.engine.router, near["countries"], online_tiles=online)


def map_state() -> dict[str, Any]:
    """The map's view and placement state of the loaded mission (a new mission starts afresh)."""
    state: dict[str, Any] | None = st.session_state.get("map_state")
    if state is None or state["mission"] != st.session_state.file_label:
        state = {"mission": st.session_state.file_label, "view": None, "refine": None}
        st.session_state.map_state = state
    return state


def mission_state(key: str) -> Any:
    return map_state()[key]


def current_view(bounds: Bounds) -> View:
    view: View | None = mission_state("view")
    if view is None:
        lat, lon = bounds.centre
        return View(lat, lon, bounds.zoom(height_px=MAP_HEIGHT_PX))
    return view


def focus_site(scenario: Scenario, bounds: Bounds) -> None:
    """Centre the map on the site chosen in *Find a site* (none: the whole mission)."""
    chosen = st.session_state.get("find_site")
    site = next((s for s in scenario.sites if s.id == chosen), None)
    state = map_state()
    state["view"] = None if site is None else focus_view(site.lat, site.lon, bounds)
    state["refine"] = None


def show_whole_mission() -> None:
    state = map_state()
    state["view"] = state["refine"] = None
    st.session_state.find_site = None


def _selected_objects(event: Any) -> Mapping[str, Any]:
    selection = event.get("selection") if isinstance(event, Mapping) else getattr(event, "selection", None)
    if isinstance(selection, Mapping):
        return cast(Mapping[str, Any], selection.get("objects") or {})
    return cast(Mapping[str, Any], getattr(selection, "objects", None) or {})


def remember_click(event: Any, bounds: Bounds) -> None:
    """Take a map click, once: a site, town, airfield or facility is the place for what-ifs;
    a coarse cell zooms the map onto itself, cut into fine cells, and is the place until one
    of them is clicked (within :data:`medevac.mapview.PLACEMENT_ACCURACY_KM` of the click).

    Read before the map is drawn (the selection is the map's widget state), so the fine
    cells appear in the same run as the click.
    """
    objects = _selected_objects(event)
    seen = json.dumps(objects, sort_keys=True, default=str)
    if seen == st.session_state.get("map_clicked"):
        return
    st.session_state.map_clicked = seen
    for layer, picked in objects.items():
        for obj in picked:
            if isinstance(obj, dict) and "lat" in obj and "lon" in obj:
                lat, lon = float(obj["lat"]), float(obj["lon"])
                if layer == "places":
                    coarse_km = float(
                        places_near(bounds.south, bounds.west, bounds.north, bounds.east)["place_km"]
                    )
                    state = map_state()
                    state["refine"] = (lat, lon, coarse_km)
                    state["view"] = cell_view(lat, lon, coarse_km, MAP_HEIGHT_PX)
                label = (
                    obj.get("name") or obj.get("label") if layer not in ("places", "fine-places") else None
                )
                st.session_state.picked = Point(lat, lon, label)
                return


def map_footer(
    scenario: Scenario, result: CheckResult, layers: Mapping[str, Sequence[dict[str, Any]]], refining: bool
) -> None:
    """Under the map: the numbers of the site found, how to finish a placement, the map as PNG."""
    found = st.session_state.get("find_site")
    record = next((r for r in layers["sites"] if r["id"] == found), None)
    if record is not None:
        st.text(record["tooltip"])
    left, right = st.columns(2)
    if refining:
        left.caption(
            f"Zoomed onto the cell clicked, cut into cells of 1 km: click one to place a what-if "
            f"there (within {PLACEMENT_ACCURACY_KM:.1f} km of the click)."
        )
    if refining or mission_state("view") is not None:
        left.button("Show the whole mission", key="map_whole", on_click=show_whole_mission)
    key = content_key(scenario)
    if right.button("Make the map a PNG image", key="map_png_make"):
        with st.spinner("Drawing the map..."):
            st.session_state.map_png = (key, map_png(key, scenario))
    made = st.session_state.get("map_png")
    if made is not None and made[0] == key:
        stem = file_stem() + ("-variant" if st.session_state.edits else "")
        right.download_button(
            "Download the map (PNG)", made[1], f"{stem}-map.png", "image/png", key="dl_map_png"
        )


@st.cache_data(max_entries=8, show_spinner=False)
def map_png(key: str, _scenario: Scenario) -> bytes:
    """The map of a scenario's check drawn as the report draws it (:mod:`medevac.report.maps`):
    sites by the first leg they fail, facilities, bases and their reach, roads, patrols,
    labels, scale bar, north arrow and legend."""
    from medevac.report.maps import status_map

    result = check_of(_scenario)
    title = f"{_scenario.name}: {result.light}, {result.season} season ({result.standard.name})"
    return status_map(result, title)


def compare_view(
    baseline: Scenario,
    base_result: CheckResult,
    shown: Scenario,
    result: CheckResult,
    *,
    four_conditions: bool,
) -> None:
    variants: dict[str, tuple[Edit, ...]] = st.session_state.variants
    results: dict[str, CheckResult] = {"baseline": base_result}
    if st.session_state.edits:
        results["working variant"] = result
    scenarios: dict[str, Scenario] = {"baseline": baseline, "working variant": shown}
    for name, edits in variants.items():
        try:
            scenarios[name] = apply_edits(baseline, edits)
            results[name] = check_of(scenarios[name])
        except ScenarioError as error:
            st.error(hide_paths(f"{name}: " + "; ".join(str(p) for p in error.problems)))
        except MedevacError as error:
            st.error(hide_paths(f"{name}: {error}"))
    if len(results) == 1:
        st.info("Apply edits in the What-if tab and save them as a variant to compare it with the baseline.")
    st.dataframe(variant_table(results), hide_index=True, width="stretch", key="compare_table")
    for name, variant_result in results.items():
        if name == "baseline":
            continue
        edits = tuple(st.session_state.edits) if name == "working variant" else variants[name]
        with st.expander(f"{name}: {describe_variant(edits)}", expanded=True):
            against = delta_table(compare(base_result, variant_result), base_result.names)
            st.dataframe(against, hide_index=True, width="stretch")
            if four_conditions:
                four_condition_delta(baseline, scenarios[name], check_of, key=f"compare_four_{slug(name)}")
            st.download_button(
                f"Save {name} as a scenario file",
                dump_scenario(scenarios[name]),
                file_name=f"{file_stem()}-{slug(name)}.yaml",
                mime="application/x-yaml",
                key=f"dl_variant_{slug(name)}",
            )
            if name != "working variant":
                st.button(
                    f"Load {name} into the working variant",
                    key=f"load_{slug(name)}",
                    on_click=lambda e=edits: st.session_state.update(edits=list(e)),
                )


def file_stem() -> str:
    return Path(str(st.session_state.file_label)).stem


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "variant"


def export_view(shown: Scenario, result: CheckResult, layers: Mapping[str, Sequence[dict[str, Any]]]) -> None:
    stem = file_stem() + ("-variant" if st.session_state.edits else "")
    rows = []
    for row in result.site_rows():
        flat = {k: v for k, v in row.items() if k not in ("meets", "pathway")}
        flat |= {f"meets_{leg}": ok for leg, ok in row["meets"].items()}
        flat |= {f"pathway_{leg}": how for leg, how in row["pathway"].items()}
        rows.append(flat)
    st.download_button("Site results (CSV)", csv_text(rows), f"{stem}-sites.csv", "text/csv", key="dl_sites")
    st.download_button(
        "Map layers (GeoJSON)",
        layers_geojson(layers),
        f"{stem}-layers.geojson",
        "application/geo+json",
        key="dl_layers",
    )
    st.download_button(
        "Check result (JSON, spec v1)",
        json.dumps(result.to_json(), indent=2),
        f"{stem}-check.json",
        "application/json",
        key="dl_json",
    )
    st.download_button(
        "Scenario file of what is shown (YAML)",
        dump_scenario(shown),
        f"{stem}.yaml",
        "application/x-yaml",
        key="dl_scenario",
    )
    export_everything(shown, stem)
    st.caption("Downloads never overwrite your own scenario file.")


main()
