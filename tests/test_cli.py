"""The command line: exit statuses, formats, overrides, ``validate`` and ``schema``.

Runs :func:`medevac.cli.main` in-process (output captured with ``capsys``) and once as
``python -m medevac`` in a subprocess, as a planner's script would.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ONE_KM_A_MINUTE, assert_spec_shape, facility, site

from medevac.check import check
from medevac.cli import main
from medevac.model import Light, Season
from medevac.scenario import json_schema, load_scenario

DATA = Path(__file__).parent / "data"
SECTOR_EAST = DATA / "sector-east.yaml"  # has gaps: no site meets every NATO leg


@pytest.fixture
def all_meet(tmp_path: Path) -> Path:
    """A scenario whose only site meets every leg: f2 at 0 km, site 30 km away by road.

    First aid on site 5; resuscitation and surgery by road at 15 + 30 + 5 = 50.
    """
    document = {
        "medevac": 1,
        "name": "All meet",
        "ground": ONE_KM_A_MINUTE,
        "facilities": [facility("f2", 0, ground_team=False)],
        "sites": [site("s", 30, personnel=25)],
    }
    path = tmp_path / "all-meet.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "medevac: 1\nname: bad\nfacilities:\n  - {id: f, level: 4, lat: 95, lon: 0}\n", encoding="utf-8"
    )
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_check_exits_0_whatever_it_finds(capsys: pytest.CaptureFixture[str], all_meet: Path) -> None:
    status, out, _ = run_cli(capsys, "check", str(SECTOR_EAST))
    assert status == 0
    assert "Sector East (test fixture)" in out
    assert "GAP" in out
    status, out, _ = run_cli(capsys, "check", str(all_meet))
    assert status == 0
    assert "1 of 1 sites meet every leg; 25 of 25 personnel." in out


def test_fail_on_gap_exits_1_when_a_site_fails(capsys: pytest.CaptureFixture[str], all_meet: Path) -> None:
    assert run_cli(capsys, "check", str(SECTOR_EAST), "--fail-on-gap")[0] == 1
    assert run_cli(capsys, "check", str(all_meet), "--fail-on-gap")[0] == 0


def test_bad_input_exits_2_with_one_line_per_problem(
    capsys: pytest.CaptureFixture[str], bad_file: Path
) -> None:
    for command in ("check", "validate"):
        status, out, err = run_cli(capsys, command, str(bad_file))
        assert status == 2
        assert out == ""
        assert "Traceback" not in err
        lines = err.splitlines()
        assert len(lines) == 2
        assert lines[0].startswith(f"error: {bad_file}: facilities[0].level: must be one of")
        assert lines[1].startswith(f"error: {bad_file}: facilities[0].lat: must be at most 90")


def test_missing_file_and_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run_cli(capsys, "check", str(tmp_path / "nowhere.yaml"))
    assert status == 2
    assert "cannot be read" in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit) as caught:
        main(["check", str(SECTOR_EAST), "--light", "dusk"])
    assert caught.value.code == 2
    assert "invalid choice: 'dusk'" in capsys.readouterr().err


def test_json_format_matches_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "check", str(SECTOR_EAST), "--format", "json")
    assert status == 0
    document = json.loads(out)
    result = check(load_scenario(SECTOR_EAST))
    assert_spec_shape(document, result)
    assert document == result.to_json()
    assert "primary_surgery_min" in document["sites"][0]  # nato-10-1-2-2
    assert document["patrols"][0]["patrol_id"] == "gao-menaka"


def test_csv_format_parses_with_the_csv_module(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "check", str(SECTOR_EAST), "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    document = check(load_scenario(SECTOR_EAST)).to_json()
    assert [r["site_id"] for r in rows] == [s["site_id"] for s in document["sites"]]
    legs = list(document["thresholds"])
    for row, expected in zip(rows, document["sites"], strict=True):
        for leg in legs:
            value = expected[f"{leg}_min"]
            assert row[f"{leg}_min"] == ("" if value is None else str(value))
            assert row[f"meets_{leg}"] == str(expected["meets"][leg])
            assert row[f"pathway_{leg}"] == (expected["pathway"][leg] or "")
        assert row["meets_all"] == str(expected["meets_all"])
        assert row["limiting_factor"] == (expected["limiting_factor"] or "")


@pytest.mark.parametrize(("light", "season"), [("night", "dry"), ("day", "wet"), ("night", "wet")])
def test_light_and_season_override(capsys: pytest.CaptureFixture[str], light: Light, season: Season) -> None:
    argv = ("check", str(SECTOR_EAST), "--format", "json", "--light", light, "--season", season)
    document: dict[str, Any] = json.loads(run_cli(capsys, *argv)[1])
    assert document["conditions"] == {"light": light, "season": season}
    expected = check(load_scenario(SECTOR_EAST), light=light, season=season)
    assert document == expected.to_json()


def test_override_changes_the_answer(capsys: pytest.CaptureFixture[str], all_meet: Path) -> None:
    # Wet (factor 0.5): 30 km at 30 km/h = 60 min; surgery at 15 + 60 + 5 = 80.
    document = json.loads(run_cli(capsys, "check", str(all_meet), "--format", "json", "--season", "wet")[1])
    assert document["sites"][0]["surgery_min"] == 80.0


def test_validate(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "validate", str(SECTOR_EAST))
    assert status == 0
    assert out == f"{SECTOR_EAST}: valid (3 facilities, 2 airframes, 2 sites, 1 patrol)\n"
    # The fixture sets thresholds under a named standard: valid, with a warning.
    assert "warning: thresholds are ignored with standard: nato-10-1-2-2" in err


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "schema")
    assert status == 0
    assert json.loads(out) == json_schema()


def test_as_a_subprocess(bad_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "medevac", "check", str(SECTOR_EAST), "--format", "json", "--fail-on-gap"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["scenario"] == "Sector East (test fixture)"
    bad = subprocess.run(
        [sys.executable, "-m", "medevac", "check", str(bad_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert f"error: {bad_file}: facilities[0].level" in bad.stderr
