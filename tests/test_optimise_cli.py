"""``medevac optimise`` on the command line: the spec's JSON, ``--out``, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medevac.check import check
from medevac.cli import main
from medevac.model import Light, Season
from medevac.scenario import load_scenario

DEMO = Path(__file__).resolve().parent.parent / "scenarios" / "unmiss.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_keys_and_the_written_variant_checks_to_the_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "variant.yaml"
    code, text, _ = run(
        capsys, "optimise", str(DEMO), "--add-facility", "2", "--conditions", "day-dry,night-wet",
        "--format", "json", "--out", str(out),
    )  # fmt: skip
    assert code == 0
    document = json.loads(text)
    assert list(document) == [
        "objective", "conditions", "robust", "baseline", "value", "bound", "optimal",
        "placements", "sites_gained", "sites_lost", "seconds",
    ]  # fmt: skip
    assert document["conditions"] == ["day-dry", "night-wet"]
    assert document["optimal"] is True and document["bound"] == document["value"] >= document["baseline"]
    [placement] = document["placements"]
    assert list(placement) == ["asset", "id", "level", "candidate_id", "lat", "lon"]
    assert placement["asset"] == "facility" and placement["level"] == "2"
    variant = load_scenario(out)
    total = 0
    conditions: list[tuple[Light, Season]] = [("day", "dry"), ("night", "wet")]
    for light, season in conditions:
        summary = check(variant, light=light, season=season).summary()
        total += summary["personnel_meeting_all"]
    assert total == document["value"]
    # Never over an existing file without --force.
    code, _, err = run(capsys, "optimise", str(DEMO), "--add-facility", "2", "--out", str(out))
    assert code == 2 and "already exists" in err
    code, _, _ = run(capsys, "optimise", str(DEMO), "--add-facility", "2", "--out", str(out), "--force")
    assert code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--add-facility", "4"], "a level"),
        (["--add-airframe", "nope"], "the id of an airframe"),
        (["--move", "nope"], "the id of an airframe or a facility"),
        (["--add-facility", "2", "--conditions", "dusk"], "--conditions"),
        (["--add-facility", "2", "--candidates", "villages"], "--candidates"),
        (["--add-facility", "2", "--time-limit", "0"], "--time-limit"),
        ([], "nothing to place"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "optimise", str(DEMO), *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_candidate_outside_the_globe_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    places = tmp_path / "places.csv"
    places.write_text("id,lat,lon\nok,7.0,30.0\nbad,95.0,30.0\n")
    code, _, err = run(capsys, "optimise", str(DEMO), "--add-facility", "2", "--candidates", str(places))
    assert code == 2
    assert "row 3.lat" in err and "[-90, 90]" in err


def test_cover_all_reports_feasibility(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = run(
        capsys, "optimise", str(DEMO), "--add-facility", "2x1", "--cover-all", "--format", "json"
    )  # fmt: skip
    assert code == 0
    document = json.loads(text)
    assert document["feasible"] is False
    assert isinstance(document["sites_uncoverable"], list)
