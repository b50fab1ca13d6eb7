"""The compliance matrix's cells and each site's worst condition, by hand.

One Level 2 at 0 km and a camp 100 km east on the equator; roads at one km a minute (the
wet season halves the speed); no aircraft, so night is the same as day:

- resuscitation by the ground team: 10 + 100 = 110 min dry (50 over 60), 10 + 200 = 210 wet;
- surgery by the unit's own vehicle: 15 + 100 + 5 = 120 min dry (meets: equal meets),
  15 + 200 + 5 = 220 wet (100 over 120).
"""

from __future__ import annotations

import math

import pytest
from conftest import ONE_KM_A_MINUTE, facility, make_scenario, site

from medevac.check import CheckResult
from medevac.model import Light, Season
from medevac.report.cells import (
    FAILS_SHADE,
    MEETS_SHADE,
    compliance_cell,
    compliance_frames,
    worst_conditions,
)
from medevac.report.summary import check_conditions
from medevac.results import Results

Checks = dict[tuple[Light, Season], CheckResult]


@pytest.fixture(scope="module")
def checks() -> Checks:
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0.0)],
        sites=[site("camp", 100.0, personnel=300), site("near", 1.0, personnel=20)],
    )
    return check_conditions(scenario)


def test_frames_side_by_side(checks: Checks) -> None:
    minutes, meets = compliance_frames(checks)
    assert list(minutes.index) == ["camp", "near"]
    assert minutes.columns.tolist()[:4] == [  # type: ignore[comparison-overlap]
        ("first_aid", "day-dry"),
        ("first_aid", "night-dry"),
        ("first_aid", "day-wet"),
        ("first_aid", "night-wet"),
    ]
    camp = minutes.loc["camp"]
    assert [camp["resuscitation", c] for c in ("day-dry", "night-dry", "day-wet", "night-wet")] == [
        110.0,
        110.0,
        210.0,
        210.0,
    ]
    assert camp["surgery", "day-dry"] == 120.0 and bool(meets.loc["camp", ("surgery", "day-dry")])
    assert camp["surgery", "night-wet"] == 220.0 and not meets.loc["camp", ("surgery", "night-wet")]
    dry, wet = (float(minutes.loc["camp"].to_dict()[("surgery", c)]) for c in ("day-dry", "day-wet"))
    assert compliance_cell(dry, True) == ("120.0", MEETS_SHADE)
    assert compliance_cell(wet, False) == ("220.0 !", FAILS_SHADE)
    assert compliance_cell(math.nan, False)[0] == "none !"


def test_worst_condition_per_site(checks: Checks) -> None:
    worst = worst_conditions(Results.from_conditions(checks)).set_index("site_id")
    camp = worst.loc["camp"]
    # Wet is worst (resuscitation 150 over); day-wet and night-wet tie: the first is kept.
    assert camp["worst_condition"] == "day-wet"
    assert camp["worst_leg"] == "resuscitation"
    assert camp["shortfall_min"] == 150.0
    assert camp["failing_legs"] == ("resuscitation", "surgery")
    assert camp["failing_conditions"] == ("day-dry", "night-dry", "day-wet", "night-wet")
    near = worst.loc["near"]  # 1 km: 11 min team dry, 12 wet; surgery 21 / 22 min
    assert near["worst_condition"] is None and near["worst_leg"] is None
    assert near["shortfall_min"] == 0.0 and near["failing_conditions"] == ()
