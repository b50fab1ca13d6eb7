"""The 24-hour profile against ``check``, Dask against in-process, and the commands' JSON."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from medevac.check import check
from medevac.cli import main
from medevac.model import Weather
from medevac.planning.daylight import night_by_hour, profile
from medevac.scenario import load_scenario, relocated, write_scenario
from medevac.variants import VariantCore
from medevac.whatif import SetAirframe, apply_edits

DEMOS = Path(__file__).resolve().parent.parent / "scenarios"
MINUSMA = DEMOS / "minusma-north.yaml"
DATE = dt.date(2027, 3, 15)


def test_hours_equal_check_by_day_by_night_and_in_between() -> None:
    # Gao and Timbuktu see civil dawn at 05:46 and 05:58 UTC, the C-130's base at 06:17: at
    # 06:00 UTC the helicopters fly by day, the C-130 still by night.
    scenario = load_scenario(MINUSMA)
    result = profile(scenario, DATE, "dry")
    day = check(scenario, light="day", season="dry").meets.all(axis=0)
    night = check(scenario, light="night", season="dry").meets.all(axis=0)
    for hour in range(24):
        if not result.night[hour].any():
            np.testing.assert_array_equal(result.meets_all[hour], day)
        elif result.night[hour].all():
            np.testing.assert_array_equal(result.meets_all[hour], night)
        else:  # mixed: a night check where the airframes in daylight fly by their day figures
            edits = [
                SetAirframe(a.id, night=True, launch_night_min=a.launch.day)
                for a, dark in zip(scenario.airframes, result.night[hour], strict=True)
                if not dark
            ]
            mixed = check(apply_edits(scenario, edits), light="night", season="dry").meets.all(axis=0)
            np.testing.assert_array_equal(result.meets_all[hour], mixed)
    assert result.night[6].tolist() == [False, False, False, False, True]
    document: Any = result.to_json()
    assert document["bases"][0] == {
        "airframe_id": "puma-1",
        "civil_dawn_utc": "05:46",
        "civil_dusk_utc": "18:31",
    }
    assert [h["hour_utc"] for h in document["hours"]] == list(range(24))


def test_leg_hours_count_each_leg_as_the_check_does() -> None:
    scenario = load_scenario(MINUSMA)
    result = profile(scenario, DATE, "dry")
    rows = result.leg_hours()
    legs = check(scenario).legs
    assert [(r["hour_utc"], r["leg"]) for r in rows[: len(legs) + 1]] == [(0, leg) for leg in (*legs, "all")]
    assert len(rows) == 24 * (len(legs) + 1)
    personnel = np.array([s.personnel for s in scenario.sites])
    by_light = {light: check(scenario, light=light, season="dry").meets for light in ("day", "night")}
    for row in rows:
        hour = int(row["hour_utc"])  # type: ignore[call-overload]
        if row["leg"] == "all":
            whole = result.hours()[hour]
            assert row["sites_meeting"] == whole["sites_meeting_all"]
            assert row["personnel_meeting"] == whole["personnel_meeting_all"]
            continue
        if result.night[hour].any() and not result.night[hour].all():
            continue  # mixed hours: test_hours_equal_check_by_day_by_night_and_in_between
        met = by_light["night" if result.night[hour].all() else "day"][legs.index(row["leg"])]
        assert row["sites_meeting"] == int(met.sum())
        assert row["personnel_meeting"] == int(personnel[met].sum())


def test_civil_twilight_by_hand() -> None:
    # On the equator at lon 0 near the March equinox, civil dawn is about 05:45 UTC and civil
    # dusk about 18:35: dark at every hour to 05:00, light from 06:00 to 18:00, dark from 19:00.
    night = night_by_hour([0.0], [0.0], dt.date(2027, 3, 20))[:, 0]
    assert night[:6].all() and not night[6:18].any() and night[19:].all()


def test_dask_local_cluster_gives_the_in_process_numbers(tmp_path: Path) -> None:
    # The larger demo with its road layer: the core and its road router travel to the workers.
    # The cluster runs from the command line in a fresh process (worker processes re-import
    # the main module, which inside pytest may be the app of another test).
    scenario = load_scenario(DEMOS / "unmiss.yaml")
    core = VariantCore(scenario)
    copy = pickle.loads(pickle.dumps(core))
    assert copy.judge(core.baseline_mask).tolist() == core.judge(core.baseline_mask).tolist()
    # More than 16 uncertain airframes (the demo's five, one unavailable, and 14 available
    # copies) and the weather: Monte Carlo.
    copies = [
        scenario.airframes[k % 5].model_copy(update={"id": f"copy-{k}", "available": True}) for k in range(14)
    ]
    airframes = tuple(a.model_copy(update={"availability": 0.7}) for a in [*scenario.airframes, *copies])
    uncertain = scenario.model_copy(update={"airframes": airframes, "weather": Weather(wet=0.3)})
    path = write_scenario(relocated(uncertain, tmp_path), tmp_path / "uncertain.yaml")
    for what in (["--n-1"], ["--availability", "--samples", "3000", "--seed", "11"]):
        args = ["robustness", str(path), *what, "--conditions", "day-dry,night-wet", "--format", "json"]
        here = subprocess.run(
            [sys.executable, "-m", "medevac", *args], capture_output=True, text=True, check=True, timeout=300
        )
        there = subprocess.run(
            [sys.executable, "-m", "medevac", *args, "--scheduler", "local:2", "--no-progress"],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        assert json.loads(there.stdout) == json.loads(here.stdout)
    assert json.loads(here.stdout)["method"] == "monte_carlo"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_commands_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = run(
        capsys, "robustness", str(MINUSMA), "--n-1", "--format", "json", "--conditions", "all"
    )
    assert code == 0
    document = json.loads(text)
    assert list(document) == ["conditions", "baseline", "n_minus_1"]
    gao = next(row for row in document["n_minus_1"] if row["id"] == "gao-l2")
    assert gao["asset"] == "facility"
    assert gao["by_condition"]["day-dry"]["sites_lost"] == ["gao-camp", "ansongo-camp"]
    code, text, _ = run(capsys, "robustness", str(MINUSMA), "--availability", "--format", "json")
    document = json.loads(text)
    assert (document["method"], document["samples"], document["conditions"]) == ("exact", None, ["day-dry"])
    assert list(document["sites"][0]) == ["site_id", "p_meets_all", "p_meets", "interval"]
    code, text, _ = run(capsys, "profile", str(MINUSMA), "--date", "2027-03-15", "--format", "json")
    assert list(json.loads(text)) == ["date", "season", "bases", "hours", "sites"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["profile", str(MINUSMA), "--date", "15/03/2027"], "YYYY-MM-DD"),
        (["profile", str(MINUSMA), "--date", "2027-03-15", "--utc-offset", "30"], "--utc-offset"),
        (["robustness", str(MINUSMA), "--n-1", "--scheduler", "mars"], "--scheduler"),
        (["robustness", str(MINUSMA), "--availability", "--samples", "0"], "--samples"),
    ],
)
def test_bad_input_exits_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err
