"""Input that should not get in (issue 15, item 7): hostile and malformed files and arguments.

Each is refused with exit status 2 and a message naming the file and the key, quickly,
never with a traceback; an error nobody foresaw exits 3 (never 1, the code of a gap).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ONE_KM_A_MINUTE, facility, site

from medevac import safe_yaml
from medevac.cli import EXIT_BAD_INPUT, EXIT_INTERNAL, format_json, main
from medevac.errors import MAX_PROBLEMS_SHOWN, Problem, ScenarioError
from medevac.model import MAX_PERSONNEL
from medevac.safe_yaml import MAX_DEPTH, load_yaml, read_text_bounded
from medevac.scenario import load_scenario, parse_scenario

HEAD = "medevac: 1\nname: hostile\n"
FACILITY = "facilities:\n  - {id: f, level: '2', lat: 0, lon: 0}\n"
SITE = "sites:\n  - {id: s, lat: 0.0, lon: 0.3, personnel: 10}\n"

LAUGHS = (
    HEAD
    + "description:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"  - &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True))
)
"""A "billion laughs" under ``description``: 9^9 = 387 million items from under 500 bytes."""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def write(tmp_path: Path, text: str, name: str = "hostile.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(capsys: pytest.CaptureFixture[str], path: Path, command: str = "validate") -> list[str]:
    """The error lines of a command that must exit 2 on ``path``; each names the file."""
    status, out, err = run(capsys, command, str(path))
    assert status == EXIT_BAD_INPUT, err
    assert out == ""
    lines = err.splitlines()
    assert lines
    assert all(line.startswith(f"error: {path}: ") for line in lines), lines
    return lines


# -- error text is bounded ------------------------------------------------------------------


def test_billion_laughs_is_refused_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(LAUGHS.encode()) < 500
    path = write(tmp_path, LAUGHS)
    started = time.perf_counter()
    (line,) = refused(capsys, path)
    assert time.perf_counter() - started < 2.0
    assert line.startswith(f"error: {path}: description[5]: aliases (*name) may add at most 100,000 items")
    assert "(got 'aliases expanding to 490,329,061 items')" in line  # 1 + 9 + ... + 9^9 + 8 + 2
    assert len(line) < 300


def test_an_alias_inside_itself_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HEAD + "description: &loop [*loop]\n")
    (line,) = refused(capsys, path)
    assert line.startswith(f"error: {path}: description: aliases must not make a structure contain itself")


def test_a_few_aliases_are_fine() -> None:
    text = HEAD + "x-launch: &launch {day: 30}\n"
    document = load_yaml(text + "airframes: [{launch: *launch}, {launch: *launch}]\n", "f")
    assert document["airframes"] == [{"launch": {"day": 30}}, {"launch": {"day": 30}}]


def test_a_long_key_gives_a_short_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = "k" * 5000
    path = write(tmp_path, HEAD + f"? {key}\n: 1\ndescription: [{', '.join(['v' * 5000] * 3)}]\n")
    lines = refused(capsys, path)
    assert len(lines) == 2
    assert lines[0].startswith(f"error: {path}: description: must be text (got ['vvvv")
    assert lines[1].startswith(f"error: {path}: {'k' * 59}…: unknown key; allowed keys: medevac, name")
    assert max(len(line) for line in lines) < 600


def test_the_number_of_problems_shown_is_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = "".join(f"  - {{id: s{i}, lat: 100, lon: 0}}\n" for i in range(200))
    path = write(tmp_path, HEAD + "sites:\n" + sites)
    status, _, err = run(capsys, "validate", str(path))
    assert status == EXIT_BAD_INPUT
    lines = err.splitlines()
    assert len(lines) == MAX_PROBLEMS_SHOWN + 1
    assert lines[0] == f"error: {path}: sites[0].lat: must be at most 90.0 (got 100)"
    assert lines[-1] == "error: ... and 150 more problems (fix these first)"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert len(caught.value.problems) == 200  # all kept; only the text is capped
    assert len(str(caught.value).splitlines()) == MAX_PROBLEMS_SHOWN + 1


def test_a_problem_never_prints_a_huge_value() -> None:
    shared: list[Any] = ["lol"] * 9
    for _ in range(8):
        shared = [shared] * 9
    started = time.perf_counter()
    text = str(Problem("f.yaml", "description", shared, "must be text"))
    assert time.perf_counter() - started < 0.1
    assert text.startswith("f.yaml: description: must be text (got [[[[...], [...],")
    assert len(text) < 300


# -- no tracebacks --------------------------------------------------------------------------


def test_deep_nesting_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HEAD + "description: " + "[" * 900 + "]" * 900 + "\n")
    (line,) = refused(capsys, path)
    assert f"at most {MAX_DEPTH} levels of nesting (got 'nested more than {MAX_DEPTH} levels deep" in line
    assert line.startswith(f"error: {path}: description[0][0]")


def test_deep_nesting_through_aliases_is_refused() -> None:
    chain = "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 60))
    with pytest.raises(ScenarioError, match="levels of nesting") as caught:
        parse_scenario(HEAD + "a0: &a0 [x]\n" + chain, source="chain.yaml")
    assert str(caught.value).startswith("chain.yaml: a")


@pytest.mark.parametrize(
    ("personnel", "count"), [(2**63, 1), (2**62, 2), (MAX_PERSONNEL + 1, 1)], ids=["2^63", "2x2^62", "max+1"]
)
def test_personnel_is_bounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], personnel: int, count: int
) -> None:
    sites = "".join(
        f"  - {{id: s{i}, lat: 0, lon: 0.{i + 1}, personnel: {personnel}}}\n" for i in range(count)
    )
    path = write(tmp_path, HEAD + FACILITY + "sites:\n" + sites)
    lines = refused(capsys, path, "check")
    assert lines == [
        f"error: {path}: sites[{i}].personnel: must be at most {MAX_PERSONNEL} (got {personnel})"
        for i in range(count)
    ]


def test_a_speed_that_underflows_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 1e-200 x 1e-200 is 0.0 in double precision: the time per km would divide by zero.
    path = write(tmp_path, HEAD + FACILITY + SITE + "ground: {road_kmh: 1.0e-200, convoy_factor: 1.0e-200}\n")
    lines = refused(capsys, path, "check")
    assert lines == [
        f"error: {path}: ground.road_kmh: must be at least 0.1 km/h (smaller gives no finite travel time) "
        "(got 1e-200)",
        f"error: {path}: ground.convoy_factor: must be at least 0.01 (smaller gives no finite travel time) "
        "(got 1e-200)",
    ]


def test_validate_dev_zero_is_refused_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    started = time.perf_counter()
    (line,) = refused(capsys, Path("/dev/zero"))
    assert time.perf_counter() - started < 5.0
    assert (
        line == "error: /dev/zero: a scenario file must be at most 20 MB (got 'more than 20,000,000 bytes')"
    )


def test_the_size_bound_counts_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "description: " + "é" * 60 + "\n")
    assert read_text_bounded(path, limit=200).startswith(HEAD)
    with pytest.raises(ScenarioError, match=r"must be at most 0\.0001 MB"):
        read_text_bounded(path, limit=100)


def test_a_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(HEAD.encode() + "description: caf\xe9\n".encode("latin-1"))
    (line,) = refused(capsys, path)
    assert line == f"error: {path}: the file must be UTF-8 text (got 'byte 41')"


def test_an_unforeseen_error_exits_3_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr("medevac.cli.check", broken)
    status, out, err = run(capsys, "check", str(write(tmp_path, HEAD + FACILITY + SITE)), "--fail-on-gap")
    assert status == EXIT_INTERNAL == 3
    assert out == ""
    assert err == (
        "error: internal error: ZeroDivisionError: float division by zero; please report it with the "
        "scenario file (MEDEVAC_TRACEBACK=1 shows the traceback)\n"
    )
    monkeypatch.setenv("MEDEVAC_TRACEBACK", "1")
    with pytest.raises(ZeroDivisionError):
        main(["check", str(tmp_path / "hostile.yaml")])


def test_an_out_that_cannot_be_written_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = write(tmp_path, HEAD + FACILITY + SITE)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "coverage.gpkg"
    status, _, err = run(capsys, "coverage", str(scenario), "--cell-km", "10", "--out", str(out))
    assert status == EXIT_BAD_INPUT
    assert err.startswith(f"error: cannot write {out}: ")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_read_only_out_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests may run as root, who can write anywhere: the folder refuses as a read-only one would.
    def read_only(*_: Any, **__: Any) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("medevac.files.tempfile.mkdtemp", read_only)
    scenario = write(tmp_path, HEAD + FACILITY + SITE)
    out = tmp_path / "report"
    status, _, err = run(capsys, "report", str(scenario), "--out", str(out), "--no-progress")
    assert status == EXIT_BAD_INPUT
    assert err == f"error: cannot write {out / 'report.html'}: Permission denied\n"
    assert not out.exists()  # the folder made for the report is removed again


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cell-km", "1e9"], "error: --cell-km: a cell size at most the area's extent"),
        (
            ["--cell-km", "10", "--buffer-km", "inf"],
            "error: --buffer-km: a margin in km from 0 to 2,000 (got inf)",
        ),
        (
            ["--cell-km", "10", "--buffer-km", "nan"],
            "error: --buffer-km: a margin in km from 0 to 2,000 (got nan)",
        ),
        (["--cell-km", "10", "--buffer-km", "1e7"], "error: --buffer-km: a margin in km from 0 to 2,000"),
    ],
)
def test_coverage_arguments_out_of_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    scenario = write(tmp_path, HEAD + FACILITY + SITE)
    out = tmp_path / "coverage.gpkg"
    status, _, err = run(capsys, "coverage", str(scenario), "--out", str(out), *arguments)
    assert status == EXIT_BAD_INPUT
    assert err.startswith(message)
    assert len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.yaml"]


# -- nothing silently wrong -----------------------------------------------------------------


def metres_layer(folder: Path) -> Path:
    """A road layer in UTM metres saved as GeoJSON without a ``crs`` member."""
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"class": "primary"},
                "geometry": {"type": "LineString", "coordinates": [[500000, 1800000], [520000, 1810000]]},
            }
        ],
    }
    path = folder / "roads-utm.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["check", "validate"])
def test_a_layer_in_metres_read_as_degrees_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    metres_layer(tmp_path)
    path = write(tmp_path, HEAD + FACILITY + SITE + "ground: {roads: roads-utm.geojson}\n")
    (line,) = refused(capsys, path, command)
    assert line == (
        f"error: {path}: ground.roads: line 0: vertex at lon 500000.0, lat 1800000.0 is not a WGS84 "
        "position in degrees (allowed: lon -180 to 180, lat -90 to 90; the layer spans "
        "x 500000 to 520000, y 1.8e+06 to 1.81e+06): a layer in metres saved without its CRS? "
        "Save it with its CRS, or as WGS84 (EPSG:4326) (got 'roads-utm.geojson')"
    )


@pytest.mark.parametrize(
    ("part", "where", "message"),
    [
        ("ground: {detour_factor: .inf}", "ground.detour_factor", "must be a finite number (got inf)"),
        ("ground: {road_kmh: .nan}", "ground.road_kmh", "must be a finite number (got nan)"),
        ("ground: {road_kmh: 5e-324}", "ground.road_kmh", "must be at least 0.1 km/h"),
        ("ground: {off_road_kmh: 1.0e-300}", "ground.off_road_kmh", "must be at least 0.1 km/h"),
        ("ground: {detour_factor: 1.0e+300}", "ground.detour_factor", "must be at most 10.0 (got 1e+300)"),
        ("timeline: {request: 1.0e+308}", "timeline.request", "must be at most 10000.0 (got 1e+308)"),
        (
            "airframes: [{id: a, base: f, cruise_kmh: 5e-324, range_km: 500, launch: {day: 20}}]",
            "airframes[0].cruise_kmh",
            "must be at least 0.1 km/h",
        ),
        (
            "standard: custom\nthresholds: {first_aid: 10, resuscitation: 60, surgery: .inf}",
            "thresholds.surgery",
            "must be a finite number (got inf)",
        ),
    ],
)
def test_values_that_would_make_every_leg_unreachable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], part: str, where: str, message: str
) -> None:
    path = write(tmp_path, HEAD + FACILITY + SITE + part + "\n")
    (line,) = refused(capsys, path, "check")
    assert line.startswith(f"error: {path}: {where}: {message}")


def test_a_duplicate_key_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path, HEAD + "facilities:\n  - id: f\n    level: '2'\n    lat: 0\n    lat: 45\n    lon: 0\n"
    )
    (line,) = refused(capsys, path)
    assert line == (
        f"error: {path}: facilities[0].lat: a key may appear only once in a mapping "
        "(first at line 6, again at line 7) (got 'lat')"
    )


def test_a_duplicate_key_beside_a_merge_is_fine() -> None:
    document = load_yaml("base: &b {day: 30, night: 60}\nlaunch: {<<: *b, night: 90}\n", "f")
    assert document["launch"] == {"day": 30, "night": 90}


@pytest.mark.parametrize(
    ("entry", "where", "message"),
    [
        ("sites:\n  - {id: s, lat: true, lon: 0}", "sites[0].lat", "must be a number (got True)"),
        ("sites:\n  - {id: s, lat: '45', lon: 0}", "sites[0].lat", "must be a number (got '45')"),
        (
            "sites:\n  - {id: s, lat: 0, lon: 0, personnel: true}",
            "sites[0].personnel",
            "must be a whole number",
        ),
        (
            "sites:\n  - {id: s, lat: 0, lon: 0, personnel: '12'}",
            "sites[0].personnel",
            "must be a whole number",
        ),
        ("timeline: {request: yes}", "timeline.request", "must be a number (got True)"),
    ],
)
def test_booleans_and_text_are_not_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, where: str, message: str
) -> None:
    path = write(tmp_path, HEAD + entry + "\n")
    (line,) = refused(capsys, path)
    assert line.startswith(f"error: {path}: {where}: {message}")


def test_exponents_are_numbers() -> None:
    # YAML 1.1 (PyYAML's) reads `1e3` as text; the scenario reader reads it as YAML 1.2 does.
    scenario = parse_scenario(HEAD + "ground: {road_kmh: 4e1, max_snap_km: 1.5E+1}\n")
    assert (scenario.ground.road_kmh, scenario.ground.max_snap_km) == (40.0, 15.0)
    assert load_yaml("a: 1e3\nb: '1e3'\nc: 1e3x\n", "f") == {"a": 1000.0, "b": "1e3", "c": "1e3x"}


@pytest.mark.parametrize(("value", "shown"), [("''", "must not be empty (got '')"), ("", "(got 'null')")])
def test_an_empty_road_layer_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, shown: str
) -> None:
    path = write(tmp_path, HEAD + FACILITY + SITE + f"ground:\n  roads: {value}\n")
    (line,) = refused(capsys, path, "check")
    assert line.startswith(f"error: {path}: ground.roads: ")
    assert line.endswith(shown)


def test_json_output_never_holds_infinity(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from medevac.check import CheckResult

    real = CheckResult.to_json

    def with_infinity(self: CheckResult) -> dict[str, Any]:
        document = real(self)
        document["thresholds"]["surgery"] = math.inf
        document["sites"][0]["surgery_min"] = math.nan
        return document

    monkeypatch.setattr(CheckResult, "to_json", with_infinity)
    from medevac.check import check
    from medevac.scenario import scenario_from_mapping

    scenario = scenario_from_mapping(
        {
            "medevac": 1,
            "name": "t",
            "ground": ONE_KM_A_MINUTE,
            "facilities": [facility("f", 0)],
            "sites": [site("s", 30)],
        }
    )
    text = format_json(check(scenario))

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    document = json.loads(text, parse_constant=refuse)
    assert document["thresholds"]["surgery"] is None
    assert document["sites"][0]["surgery_min"] is None


def test_validate_opens_the_road_layer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    points = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}
        ],
    }
    (tmp_path / "roads.geojson").write_text(json.dumps(points), encoding="utf-8")
    path = write(tmp_path, HEAD + FACILITY + SITE + "ground: {roads: roads.geojson}\n")
    for command in ("validate", "check"):
        (line,) = refused(capsys, path, command)
        assert line == (
            f"error: {path}: ground.roads: expected lines (LineString, MultiLineString), found Point "
            "(got 'roads.geojson')"
        )


def test_validate_opens_closures_and_patrol_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = {"type": "LineString", "coordinates": [[0.0, 0.0], [0.3, 0.0]]}
    roads = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"class": "primary"}, "geometry": line}],
    }
    (tmp_path / "roads.geojson").write_text(json.dumps(roads), encoding="utf-8")
    (tmp_path / "flood.geojson").write_text(json.dumps(roads), encoding="utf-8")  # lines, not polygons
    (tmp_path / "route.geojson").write_text("{ not json", encoding="utf-8")
    text = (
        HEAD
        + FACILITY
        + SITE
        + "ground: {roads: roads.geojson, closures: [flood.geojson]}\n"
        + "patrols:\n  - {id: p, file: route.geojson}\n"
    )
    path = write(tmp_path, text)
    status, _, err = run(capsys, "validate", str(path))
    assert status == EXIT_BAD_INPUT
    lines = err.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"error: {path}: ground.closures[0]: ")
    assert lines[0].endswith(
        "expected polygons (MultiPolygon, Polygon), found LineString (got 'flood.geojson')"
    )
    assert lines[1].startswith(f"error: {tmp_path / 'route.geojson'}: patrols[p].path.file: ")


def test_yaml_is_parsed_by_libyaml_when_present() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    assert issubclass(safe_yaml._Loader, yaml.CSafeLoader)
