"""medevac planner app: see the 10-1-2 gaps of a mission, try fixes, keep the best variants.

Run with ``make run`` (``streamlit run app.py``). Widgets call the core (:mod:`medevac.whatif`,
:mod:`medevac.mapdata`) and render what it returns; no domain logic lives here. Checks are
cached by the scenario's content (its YAML text and folder), shared across sessions and
never mutated.

Every word on the page goes through the catalogue (:mod:`medevac.i18n`) in the session's
language: the sidebar's *Language* box, kept in the URL (``?lang=fr``). Widgets hold codes,
cached results hold codes and numbers; words are made at render time (``docs/i18n.md``).
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
from medevac import i18n, messages
from medevac.check import CheckResult
from medevac.errors import MedevacError, ScenarioError
from medevac.ground import road_network
from medevac.i18n import N_, format_template
from medevac.i18n import gettext as _
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
    band_legend,
    coverage_view,
    layers_geojson,
    result_layers,
    scenario_bounds,
)
from medevac.mapview import (
    PLACEMENT_ACCURACY_KM,
    ROAD_COLOUR,
    View,
    basemap,
    cell_view,
    fine_cells,
    focus_view,
    label_records,
    road_records,
    scale_bar,
    site_tooltips,
    status_text,
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

# The language of a session: a code, kept in the URL (?lang=fr) and in the session's state.
LANGUAGE_KEY = "lang"
# The main tabs by code, in their order; each one's words are made at render time.
TAB_CODES = (
    "gaps",
    "conditions",
    "whatif",
    "tables",
    "compare",
    "library",
    "export",
    "robustness",
    "optimise",
)
# The what-if changes, by code, as the Change box names them.
ACTIONS = {
    "add_facility": N_("Add a facility"),
    "move_facility": N_("Move a facility"),
    "remove_facility": N_("Remove a facility"),
    "add_airframe": N_("Add an airframe"),
    "move_airframe": N_("Move an airframe base"),
    "set_airframe": N_("Change an airframe"),
    "set_timeline": N_("Change the timeline"),
}
# How a what-if's place is chosen, and where an airframe is based, by code.
PLACE_BY = {"click": N_("map click"), "town": N_("town"), "coordinates": N_("coordinates")}
BASE_AT = {"facility": N_("a facility"), "place": N_("a place")}
AIRFRAME_KINDS = {"helicopter": N_("helicopter"), "fixed_wing": N_("fixed wing")}
# The Compare tab's two results that are not saved variants, by code (saved ones go by their name).
BASELINE, WORKING = "baseline", "working variant"
RESULT_NAMES = {BASELINE: N_("baseline"), WORKING: N_("working variant")}

# -- cached computation (content-keyed, shared, never mutated) -----------------------------


@st.cache_resource(max_entries=64, show_spinner=False)
def checked(key: str, _scenario: Scenario) -> CheckResult:
    """The check of a scenario, cached under its :func:`content_key` (``_scenario`` is not hashed)."""
    return evaluate(_scenario)


def check_of(scenario: Scenario) -> CheckResult:
    return checked(content_key(scenario), scenario)


def bounds_key(bounds: Bounds) -> tuple[float, float, float, float]:
    """A box as the arguments of the caches keyed by it: south, west, north, east."""
    return bounds.south, bounds.west, bounds.north, bounds.east


@st.cache_resource(max_entries=16, show_spinner=False)
def places_near(south: float, west: float, north: float, east: float, language: str) -> dict[str, Any]:
    """Basemap and pickable places around a box, their tooltips in ``language``
    (:func:`medevac.mapview.basemap`).

    Shared, never copied: the same records go to the browser on every rerun, their JSON
    made once (:class:`medevac.mapview.JsonRecords`; copying and encoding them again was a
    tenth of a what-if). Never mutate them."""
    with i18n.using(language):
        return basemap(Bounds(south, west, north, east))


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


# -- language ------------------------------------------------------------------------------


def session_language() -> str:
    """This session's language: chosen in the sidebar, else the URL's ``?lang=``, else the
    server's (:func:`medevac.i18n.resolve_language`: ``MEDEVAC_LANG``, the locale), else English."""
    chosen = st.session_state.get(LANGUAGE_KEY)
    if chosen in i18n.LANGUAGES:
        return str(chosen)
    asked = st.query_params.get(LANGUAGE_KEY)
    for source in (asked, None):
        try:
            return i18n.check_language(source) if source else i18n.resolve_language()
        except i18n.LanguageError:
            continue
    return i18n.DEFAULT_LANGUAGE


def tab_names() -> dict[str, str]:
    """The main tabs' words in the current language, by code."""
    return {
        "gaps": _("Gaps"),
        "conditions": messages.CONDITIONS_APP_TEXT["tab.conditions"],
        "whatif": _("What-if"),
        "tables": messages.MISSION_APP_TEXT["tab"],
        "compare": _("Compare"),
        "library": messages.LIBRARY_APP_TEXT["tab"],
        "export": _("Export"),
        "robustness": messages.APP_TEXT["tab.robustness"],
        "optimise": messages.APP_TEXT["tab.optimise"],
    }


def switch_language() -> None:
    """Keep the choice in the URL, and the open tab open: its words change with the language."""
    new = st.session_state[LANGUAGE_KEY]
    open_tab = st.session_state.get("main_tabs")
    code = None
    for language in i18n.LANGUAGES:  # the open tab's code, from its words in the language before
        with i18n.using(language):
            code = code or next((c for c, name in tab_names().items() if name == open_tab), None)
    st.query_params[LANGUAGE_KEY] = new
    with i18n.using(new):
        if code is not None:
            st.session_state["main_tabs"] = tab_names()[code]


def language_switch() -> None:
    st.sidebar.selectbox(
        _("Language"),
        i18n.LANGUAGES,
        format_func=i18n.LANGUAGE_NAMES.__getitem__,
        key=LANGUAGE_KEY,
        on_change=switch_language,
    )


def result_name(name: str) -> str:
    """A result of the Compare tab in words: the baseline and the working variant are codes,
    a saved variant is its own name."""
    return _(RESULT_NAMES[name]) if name in RESULT_NAMES else name


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
        problems = [
            format_template(
                _("{file}: could not be checked ({error})"),
                file=scenario_file.name,
                error=f"{type(error).__name__}: {error}",
            )
        ]
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
    bar.header(_("Mission"))
    demo_box = bar.container()  # filled after the uploads: an upload changes what it shows
    round_ = st.session_state.upload_round
    limit = format_template(_("Up to {limit_mb} MB a file."), limit_mb=UPLOAD_LIMIT_MB)
    scenario_file = bar.file_uploader(
        _(
            "or upload a mission: a scenario (YAML), a workbook, a sites table (CSV, KML, GeoJSON) or a "
            ".zip of its folder"
        ),
        type=MISSION_TYPES,
        key=f"upload_{round_}",
        max_upload_size=UPLOAD_LIMIT_MB,
        help=limit,
    )
    layer_files = bar.file_uploader(
        _(
            "and the files it names: road layer, closures, patrol lines; beside a table, the other "
            "tables (facilities.csv, airframes.csv) (optional)"
        ),
        type=LAYER_TYPES,
        accept_multiple_files=True,
        key=f"layers_upload_{round_}",
        max_upload_size=UPLOAD_LIMIT_MB,
        help=limit + " " + _("Matched to the names the mission gives them, by file name."),
    )
    if scenario_file is not None:
        take_upload(scenario_file, layer_files or [])
    demo_box.selectbox(
        _("Bundled demo"),
        demos(),
        index=None,
        placeholder=_("(an uploaded scenario is loaded)"),
        key="demo",
        on_change=load_demo,
    )
    file_scenario: Scenario = st.session_state.file_scenario
    bar.caption(
        format_template(
            _("Loaded: **{file}** ({name})"), file=st.session_state.file_label, name=file_scenario.name
        )
    )
    for warning in st.session_state.get("upload_warnings", []):
        bar.caption(format_template(_("Note: {warning}"), warning=warning))

    bar.header(_("Conditions"))
    edits: list[Edit] = []
    for key, value in condition_values(file_scenario).items():
        st.session_state.setdefault(key, value)  # a widget Streamlit dropped starts from the file
    light = bar.radio(
        _("Light"),
        ("day", "night"),
        format_func=lambda x: _(messages.LIGHT_NAME[x]),
        horizontal=True,
        key="light",
    )
    season = bar.radio(
        _("Season"),
        ("dry", "wet"),
        format_func=lambda x: _(messages.SEASON_NAME[x]),
        horizontal=True,
        key="season",
    )
    profiles = PROFILES if file_scenario.standard in PROFILES else (*PROFILES, file_scenario.standard)
    profile = bar.selectbox(_("Profile"), profiles, key="profile")
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

    with bar.expander(_("Timeline (minutes)")):
        values = []
        for key in TIMELINE_KEYS:
            was = float(getattr(file_scenario.timeline, key))
            now = st.number_input(messages.timeline_text(key), min_value=0.0, step=5.0, key=f"timeline_{key}")
            if now != was:
                values.append((key, float(now)))
        if values:
            edits.append(SetTimeline(tuple(values)))
    convoy = bar.slider(
        _("Convoy factor (road speed multiplier)"),
        min_value=0.1,
        max_value=1.0,
        step=0.05,
        key="convoy_factor",
    )
    if convoy != file_scenario.ground.convoy_factor:
        edits.append(SetConvoyFactor(float(convoy)))

    with bar.expander(_("Airframes"), expanded=False):
        for airframe in file_scenario.airframes:
            st.markdown(f"**{airframe.id}** {airframe.type}")
            available = st.checkbox(_("available"), key=f"af_{airframe.id}_available")
            night = st.checkbox(_("night-capable"), key=f"af_{airframe.id}_night")
            day_min = st.number_input(_("launch by day (min)"), min_value=0.0, key=f"af_{airframe.id}_day")
            night_was = float(airframe.launch.minutes("night"))
            night_min = st.number_input(
                _("launch by night (min)"), min_value=0.0, key=f"af_{airframe.id}_night_min"
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
    bar.checkbox(_("Online map tiles (needs internet)"), key="online_tiles")
    with bar.expander(_("Map layers"), expanded=False):
        for key, text in MAP_LAYERS.items():
            st.checkbox(_(text), value=True, key=f"map_{key}")
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

    meets_all = _("meets all")
    parts = [_("<b>Sites</b>: "), box(MEETS_ALL_COLOUR, f"[{STATUS_CODE[None]}] {meets_all}", round_=True)]
    parts += [box(FAIL_COLOUR[leg], f"[{STATUS_CODE[leg]}] {status_text(leg)}", round_=True) for leg in legs]
    parts.append(_("<br/><b>Facilities</b> (badge above the place): "))
    for rank, colour in LEVEL_COLOUR.items():
        text_colour = "#000" if rank < 3 else "#fff"
        inner = f'<span style="color:{text_colour}">L{rank}</span>'
        parts.append(box(colour, messages.level_text(rank), inner=inner))
    parts.append(box((0, 0, 0), _("airframe base"), ring=True, round_=True))
    parts.append(box((150, 150, 150), _("base, not flying"), ring=True, round_=True))
    if on["rings"]:
        parts.append(line((0, 0, 0), _("radius of action (half the range)"), width=1))
    parts.append(box((60, 60, 60), _("town"), round_=True))
    if on["patrols"]:
        parts.append(_("<br/><b>Patrols</b>: "))
        parts.append(line(MEETS_ALL_COLOUR, meets_all))
        parts += [line(FAIL_COLOUR[leg], status_text(leg)) for leg in legs]
    if show_roads:
        parts.append(_("<br/><b>Roads</b>: "))
        parts.append(line(ROAD_COLOUR, _("road"), width=2))
        parts.append(line(ROAD_COLOUR, _("closed in this season"), width=2, dashed=True))
    if show_surface:
        parts.append(_("<br/><b>Coverage</b> (time to the chosen leg): "))
        alpha = SURFACE_ALPHA / 255
        for text, colour in band_legend():
            drawn = [round(alpha * c + (1 - alpha) * b) for c, b in zip(colour, BASEMAP_FILL, strict=True)]
            parts.append(box(drawn, band_text(text)))
    return "".join(parts)


def band_text(band: str) -> str:
    """A coverage band of :func:`medevac.mapdata.band_legend` (``0-10 min``) in the locale's numbers."""
    low, _sep, high = band.removesuffix(" min").partition("-")
    return format_template(_("{low:g}-{high:g} min"), low=float(low), high=float(high))


def metrics(shown: CheckResult, baseline: CheckResult, is_variant: bool) -> None:
    rows = leg_summary(shown)
    before = {row["leg"]: row for row in leg_summary(baseline)}
    columns = st.columns(len(rows) + 1)
    for column, row in zip(columns, rows, strict=False):
        delta = None
        unchanged = False
        if is_variant:
            was = before.get(row["leg"])
            if was is not None:
                sites = row["sites_meeting"] - was["sites_meeting"]
                people = row["personnel_meeting"] - was["personnel_meeting"]
                delta = format_template(
                    _("{sites:+d} sites, {people:+,d} personnel"), sites=sites, people=people
                )
                unchanged = sites == 0 and people == 0
        column.metric(
            format_template(
                _("{leg} within {threshold:g} min"),
                leg=messages.leg_text(row["leg"]),
                threshold=row["threshold_min"],
            ),
            f"{row['sites_meeting']}/{row['sites']}",
            delta=delta,
            delta_color="off" if delta and unchanged else "normal",
        )
        column.caption(
            format_template(
                _("sites meeting it; {share:.0%} of personnel ({meeting:,} of {personnel:,})"),
                share=row["personnel_share"],
                meeting=row["personnel_meeting"],
                personnel=row["personnel"],
            )
        )
    summary, was = shown.summary(), baseline.summary()
    delta = None
    if is_variant:
        delta = format_template(
            _("{sites:+d} sites"), sites=summary["sites_meeting_all"] - was["sites_meeting_all"]
        )
    columns[-1].metric(_("All legs"), f"{summary['sites_meeting_all']}/{summary['sites']}", delta=delta)
    columns[-1].caption(
        format_template(
            _("sites meeting every leg; {personnel:,} personnel"), personnel=summary["personnel_meeting_all"]
        )
    )


def delta_table(deltas: tuple[LegDelta, ...], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per leg, what a variant gains and loses; sites by ``names``; headers in words."""
    title = messages.column_title
    return [
        {
            title("leg"): messages.leg_text(d.leg),
            title("sites_before"): d.sites_before,
            title("sites_after"): d.sites_after,
            title("sites_gained"): ", ".join(names.get(s, s) for s in d.sites_gained),
            title("sites_lost"): ", ".join(names.get(s, s) for s in d.sites_lost),
            title("personnel_gained"): d.personnel_gained,
            title("personnel_lost"): d.personnel_lost,
            _("sites with changed times"): len(d.changed),
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
    how = st.radio(
        _("Place by"),
        tuple(PLACE_BY),
        format_func=lambda c: _(PLACE_BY[c]),
        horizontal=True,
        key=f"{key}_how",
    )
    if how == "click":
        picked: Point | None = st.session_state.get("picked")
        if picked is None:
            st.info(_("Click a place on the map (a site, town, airfield or any spot), then come back here."))
        else:
            where = f"({picked.lat:.4f}, {picked.lon:.4f})"  # 4 decimals: the fine cells are 1 km
            place = f"{picked.label + ' ' if picked.label else ''}{where}"  # coordinates keep their point
            st.write(format_template(_("Clicked: **{place}**"), place=place))
        return picked
    if how == "town":
        if not town_list:
            st.info(_("No bundled towns near this mission; type coordinates instead."))
            return None
        names = [f"{t['label']} ({t['lat']:.2f}, {t['lon']:.2f})" for t in town_list]
        chosen = st.selectbox(_("Town"), range(len(names)), format_func=lambda i: names[i], key=f"{key}_town")
        town = town_list[int(chosen)]
        return Point(float(town["lat"]), float(town["lon"]), str(town["label"]))
    lat0, lon0 = scenario_bounds(scenario).centre
    st.session_state.setdefault(f"{key}_lat", round(lat0, 2))
    st.session_state.setdefault(f"{key}_lon", round(lon0, 2))
    left, right = st.columns(2)
    lat = left.number_input(_("Latitude"), -90.0, 90.0, step=0.01, format="%.4f", key=f"{key}_lat")
    lon = right.number_input(_("Longitude"), -180.0, 180.0, step=0.01, format="%.4f", key=f"{key}_lon")
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
        _(
            "Change the plan and see at once what it gains and loses against the baseline. "
            "Edits stack up into the *working variant*; save it under a name to compare it later."
        )
    )
    action = st.selectbox(_("Change"), tuple(ACTIONS), format_func=lambda c: _(ACTIONS[c]), key="wi_action")
    facility_ids = [f.id for f in shown.facilities]
    airframe_ids = [a.id for a in shown.airframes]
    edit: Edit | None = None
    if action == "add_facility":
        level = st.selectbox(_("Level"), LEVELS, index=2, key="wi_level")
        left, right = st.columns(2)
        helipad = left.checkbox(_("helipad"), value=True, key="wi_helipad")
        airstrip = right.checkbox(_("airstrip"), value=False, key="wi_airstrip")
        place = pick_place(shown, town_list, "wi_add")
        if place is not None:
            edit = AddFacility(
                new_id(shown, f"new-l{level[0]}"),
                cast(Level, level),
                place,
                helipad=helipad,
                airstrip=airstrip,
            )
    elif action == "move_facility" and facility_ids:
        target = st.selectbox(_("Facility"), facility_ids, key="wi_move_facility")
        place = pick_place(shown, town_list, "wi_move")
        if place is not None:
            edit = MoveFacility(target, place)
    elif action == "remove_facility" and facility_ids:
        edit = RemoveFacility(st.selectbox(_("Facility"), facility_ids, key="wi_remove_facility"))
        st.caption(
            _("Airframes based there stay where they are (the airfield does not close with the hospital).")
        )
    elif action == "add_airframe":
        left, right = st.columns(2)
        kind = left.selectbox(
            _("Kind"), tuple(AIRFRAME_KINDS), format_func=lambda c: _(AIRFRAME_KINDS[c]), key="wi_af_kind"
        )
        cruise = left.number_input(_("Cruise (km/h)"), min_value=1.0, value=250.0, key="wi_af_cruise")
        range_km = left.number_input(_("Range (km)"), min_value=1.0, value=570.0, key="wi_af_range")
        day = right.number_input(_("Launch by day (min)"), min_value=0.0, value=30.0, key="wi_af_day")
        night_min = right.number_input(
            _("Launch by night (min)"), min_value=0.0, value=60.0, key="wi_af_night_min"
        )
        night = right.checkbox(_("night-capable"), value=True, key="wi_af_night")
        team = right.checkbox(_("medical team on board"), value=True, key="wi_af_team")
        at = st.radio(
            _("Base"),
            tuple(BASE_AT),
            format_func=lambda c: _(BASE_AT[c]),
            horizontal=True,
            key="wi_af_base_how",
        )
        base: str | Point | None
        if at == "facility" and facility_ids:
            base = st.selectbox(_("Facility"), facility_ids, key="wi_af_base")
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
    elif action == "move_airframe" and airframe_ids:
        target = st.selectbox(_("Airframe"), airframe_ids, key="wi_move_af")
        at = st.radio(
            _("To"),
            tuple(BASE_AT),
            format_func=lambda c: _(BASE_AT[c]),
            horizontal=True,
            key="wi_move_af_how",
        )
        if at == "facility" and facility_ids:
            edit = MoveAirframe(target, st.selectbox(_("Facility"), facility_ids, key="wi_move_af_base"))
        else:
            place = pick_place(shown, town_list, "wi_move_af_to")
            if place is not None:
                edit = MoveAirframe(target, place)
    elif action == "set_airframe" and airframe_ids:
        target = st.selectbox(_("Airframe"), airframe_ids, key="wi_set_af")
        current = next(a for a in shown.airframes if a.id == target)
        left, right = st.columns(2)
        available = left.checkbox(_("available"), value=current.available, key=f"wi_set_{target}_available")
        night = left.checkbox(_("night-capable"), value=current.night, key=f"wi_set_{target}_night")
        team = left.checkbox(
            _("medical team on board"), value=current.medical_team, key=f"wi_set_{target}_team"
        )
        day = right.number_input(
            _("Launch by day (min)"), 0.0, value=float(current.launch.day), key=f"wi_set_{target}_day"
        )
        night_min = right.number_input(
            _("Launch by night (min)"),
            0.0,
            value=float(current.launch.minutes("night")),
            key=f"wi_set_{target}_nmin",
        )
        edit = SetAirframe(target, available, night, float(day), float(night_min), team)
    elif action == "set_timeline":
        key = st.selectbox(_("Value"), TIMELINE_KEYS, format_func=messages.timeline_text, key="wi_tl_key")
        minutes = st.number_input(
            _("Minutes"), 0.0, value=float(getattr(shown.timeline, key)), step=5.0, key=f"wi_tl_{key}"
        )
        edit = SetTimeline(((key, float(minutes)),))
    if edit is not None:
        st.button(
            format_template(_("Apply: {edit}"), edit=describe(edit)),
            key="wi_apply",
            type="primary",
            on_click=add_edit,
            args=(baseline, edit),
        )
    for problem in st.session_state.get("edit_errors", []):
        st.error(hide_paths(problem))

    st.subheader(_("Working variant"))
    edits = st.session_state.edits
    if not edits:
        st.caption(_("No edits yet: the map shows the baseline."))
    for number, edit_text in enumerate((describe(e) for e in edits), start=1):
        st.text(f"{number}. {edit_text}")
    left, mid, right = st.columns(3)
    left.button(
        _("Undo last edit"),
        key="wi_undo",
        disabled=not edits,
        on_click=lambda: st.session_state.edits.pop() if st.session_state.edits else None,
    )
    mid.button(
        _("Clear all edits"),
        key="wi_clear",
        disabled=not edits,
        on_click=lambda: st.session_state.update(edits=[]),
    )
    name = right.text_input(
        _("Variant name"),
        value=format_template(_("variant {number}"), number=len(st.session_state.variants) + 1),
        key="wi_name",
    )
    right.button(_("Save as variant"), key="wi_save", disabled=not edits, on_click=save_variant, args=(name,))


def save_variant(name: str) -> None:
    st.session_state.variants = {
        **st.session_state.variants,
        name.strip() or _("variant"): tuple(st.session_state.edits),
    }


def main() -> None:
    st.session_state[LANGUAGE_KEY] = session_language()
    i18n.set_language(st.session_state[LANGUAGE_KEY])  # this run's thread speaks the session's language
    st.set_page_config(page_title=_("medevac: 10-1-2 planner"), layout="wide")
    if "file_scenario" not in st.session_state:
        st.session_state.demo = DEFAULT_DEMO
        st.session_state.upload_round = 0
        st.session_state.upload_errors = []
        load(load_scenario(SCENARIO_DIR / DEFAULT_DEMO), DEFAULT_DEMO)
    language_switch()
    file_scenario, condition_edits = sidebar()

    st.title(_("medevac: 10-1-2 casualty evacuation planner"))
    for problem in st.session_state.get("upload_errors", []):
        st.error(format_template(_("Upload not loaded: {problem}"), problem=problem))

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
            st.error(hide_paths(format_template(_("Working variant dropped: {problem}"), problem=problem)))
        st.session_state.edits = []
        shown = baseline
    is_variant = bool(st.session_state.edits)
    try:
        base_result = check_of(baseline)
        result = check_of(shown) if is_variant else base_result
    except MedevacError as error:
        st.error(hide_paths(format_template(_("The check could not run: {error}"), error=error)))
        st.stop()

    shown_as = (
        format_template(_("working variant: {edits}"), edits=describe_variant(st.session_state.edits))
        if is_variant
        else _("baseline")
    )
    condition = messages.condition_text(result.light, result.season)
    st.caption(f"{shown.name} · {result.standard.name} · {condition} · {shown_as}")
    metrics(result, base_result, is_variant)

    bounds = scenario_bounds(shown)
    near = places_near(*bounds_key(bounds), i18n.current_language())
    layers = result_layers(result)
    surface_records: list[dict[str, Any]] = []
    surface_cell_km = 0.0
    surface_leg = None
    area_change = None
    shown_layers = {key: bool(st.session_state.get(f"map_{key}", True)) for key in MAP_LAYERS}
    find_col, surface_col = st.columns(2)
    site_names = {site.id: site.name or site.id for site in shown.sites}
    find_col.selectbox(
        _("Find a site"),
        sorted(site_names, key=lambda i: site_names[i].lower()),
        index=None,
        placeholder=_("(the whole mission)"),
        format_func=lambda i: f"{site_names[i]} ({i})",
        key="find_site",
        on_change=focus_site,
        args=(shown, bounds),
    )
    surface_leg = surface_col.selectbox(
        _("Coverage surface of"),
        [*result.legs, "none"],
        index=min(1, len(result.legs) - 1),
        format_func=lambda leg: messages.leg_text(leg) if leg in LEG_LABEL else _("no surface"),
        key="surface_leg",
    )
    if surface_leg != "none":
        area_key = content_key(baseline)
        try:
            view = coverage_layer(content_key(shown), area_key, shown, baseline)
            base_view = coverage_layer(area_key, area_key, baseline, baseline) if is_variant else view
        except MedevacError as error:
            st.warning(hide_paths(format_template(_("No coverage surface: {error}"), error=error)))
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
        layers=site_tooltips(layers, result),
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
    names = tab_names()
    tabs = st.tabs([names[code] for code in TAB_CODES], key="main_tabs", on_change="rerun")
    gaps_tab, conditions, whatif, tables_tab, compare_tab, library_tab_, export_tab, *planning_tabs = tabs
    robust_tab, optimise_tab_ = planning_tabs
    with gaps_tab:
        gaps = gap_rows(result)
        st.write(
            format_template(
                _("**{failing}** of {sites} sites fail at least one leg, worst shortfall first."),
                failing=len(gaps),
                sites=len(result.scenario.sites),
            )
        )
        show_table(gaps, "gap_table")
        with i18n.using("en"):  # the download is data: English, whatever the page's language
            gaps_csv = csv_text(gap_rows(result))
        st.download_button(_("Download the gap table (CSV)"), gaps_csv, "gaps.csv", "text/csv", key="dl_gaps")
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
            st.subheader(_("Before / after"))
            before_after = delta_table(compare(base_result, result), base_result.names)
            st.dataframe(before_after, hide_index=True, width="stretch")
            if area_change is not None:
                changes = ", ".join(
                    format_template(_("{leg} {km2:+,.0f} km²"), leg=messages.leg_text(leg), km2=km2)
                    for leg, km2 in area_change.items()
                )
                st.write(
                    format_template(
                        _("Change in covered area (over the baseline's mission area): {changes}"),
                        changes=changes,
                    )
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
                    coarse_km = float(places_near(*bounds_key(bounds), i18n.current_language())["place_km"])
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
    record = next((r for r in site_tooltips(layers, result)["sites"] if r["id"] == found), None)
    if record is not None:
        st.text(record["tooltip"])
    left, right = st.columns(2)
    if refining:
        left.caption(
            format_template(
                _(
                    "Zoomed onto the cell clicked, cut into cells of 1 km: click one to place a what-if "
                    "there (within {accuracy_km:.1f} km of the click)."
                ),
                accuracy_km=PLACEMENT_ACCURACY_KM,
            )
        )
    if refining or mission_state("view") is not None:
        left.button(_("Show the whole mission"), key="map_whole", on_click=show_whole_mission)
    key = content_key(scenario)
    language = i18n.current_language()
    if right.button(_("Make the map a PNG image"), key="map_png_make"):
        with st.spinner(_("Drawing the map...")):
            st.session_state.map_png = (key, language, map_png(key, language, scenario))
    made = st.session_state.get("map_png")
    if made is not None and made[:2] == (key, language):
        stem = file_stem() + ("-variant" if st.session_state.edits else "")
        right.download_button(
            _("Download the map (PNG)"), made[2], f"{stem}-map.png", "image/png", key="dl_map_png"
        )


@st.cache_data(max_entries=8, show_spinner=False)
def map_png(key: str, language: str, _scenario: Scenario) -> bytes:
    """The map of a scenario's check drawn as the report draws it (:mod:`medevac.report.maps`):
    sites by the first leg they fail, facilities, bases and their reach, roads, patrols,
    labels, scale bar, north arrow and legend, its words in ``language`` (an image is
    words drawn: one per language)."""
    from medevac.report.maps import status_map

    result = check_of(_scenario)
    with i18n.using(language):
        condition = messages.condition_text(result.light, result.season)
        title = f"{_scenario.name}: {condition} ({result.standard.name})"
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
    results: dict[str, CheckResult] = {BASELINE: base_result}
    if st.session_state.edits:
        results[WORKING] = result
    scenarios: dict[str, Scenario] = {BASELINE: baseline, WORKING: shown}
    for name, edits in variants.items():
        try:
            scenarios[name] = apply_edits(baseline, edits)
            results[name] = check_of(scenarios[name])
        except ScenarioError as error:
            st.error(hide_paths(f"{name}: " + "; ".join(str(p) for p in error.problems)))
        except MedevacError as error:
            st.error(hide_paths(f"{name}: {error}"))
    if len(results) == 1:
        st.info(
            _("Apply edits in the What-if tab and save them as a variant to compare it with the baseline.")
        )
    st.dataframe(variant_rows(results), hide_index=True, width="stretch", key="compare_table")
    for name, variant_result in results.items():
        if name == BASELINE:
            continue
        edits = tuple(st.session_state.edits) if name == WORKING else variants[name]
        with st.expander(f"{result_name(name)}: {describe_variant(edits)}", expanded=True):
            against = delta_table(compare(base_result, variant_result), base_result.names)
            st.dataframe(against, hide_index=True, width="stretch")
            if four_conditions:
                four_condition_delta(baseline, scenarios[name], check_of, key=f"compare_four_{slug(name)}")
            st.download_button(
                format_template(_("Save {variant} as a scenario file"), variant=result_name(name)),
                dump_scenario(scenarios[name]),
                file_name=f"{file_stem()}-{slug(name)}.yaml",
                mime="application/x-yaml",
                key=f"dl_variant_{slug(name)}",
            )
            if name != WORKING:
                st.button(
                    format_template(_("Load {variant} into the working variant"), variant=result_name(name)),
                    key=f"load_{slug(name)}",
                    on_click=lambda e=edits: st.session_state.update(edits=list(e)),
                )


def variant_rows(results: Mapping[str, CheckResult]) -> list[dict[str, Any]]:
    """:func:`medevac.whatif.variant_table` with its headers and its two unsaved results in words."""
    rows = []
    for name, row in zip(results, variant_table(results), strict=True):
        words: dict[str, Any] = {messages.column_title("variant"): result_name(name)}
        for column, value in row.items():
            if column == "variant":
                continue
            label, _sep, count = column.rpartition(": ")
            leg = _("all legs") if label == "all legs" else label  # the legs are words already
            words[format_template(_("{leg}: {count}"), leg=leg, count=_(count))] = value
        rows.append(words)
    return rows


def file_stem() -> str:
    return Path(str(st.session_state.file_label)).stem


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "variant"


def export_view(shown: Scenario, result: CheckResult, layers: Mapping[str, Sequence[dict[str, Any]]]) -> None:
    stem = file_stem() + ("-variant" if st.session_state.edits else "")
    with i18n.using("en"):  # the downloads are data: English keys and values, whatever the language
        rows = []
        for row in result.site_rows():
            flat = {k: v for k, v in row.items() if k not in ("meets", "pathway")}
            flat |= {f"meets_{leg}": ok for leg, ok in row["meets"].items()}
            flat |= {f"pathway_{leg}": how for leg, how in row["pathway"].items()}
            rows.append(flat)
        sites_csv = csv_text(rows)
        check_json = json.dumps(result.to_json(), indent=2)
    st.download_button(_("Site results (CSV)"), sites_csv, f"{stem}-sites.csv", "text/csv", key="dl_sites")
    st.download_button(
        _("Map layers (GeoJSON)"),
        layers_geojson(layers),
        f"{stem}-layers.geojson",
        "application/geo+json",
        key="dl_layers",
    )
    st.download_button(
        _("Check result (JSON, spec v1)"), check_json, f"{stem}-check.json", "application/json", key="dl_json"
    )
    st.download_button(
        _("Scenario file of what is shown (YAML)"),
        dump_scenario(shown),
        f"{stem}.yaml",
        "application/x-yaml",
        key="dl_scenario",
    )
    export_everything(shown, stem)
    st.caption(_("Downloads never overwrite your own scenario file."))


main()
