"""The day in 24 hours (``robustness-v1.md``, ``medevac profile``): civil twilight per base.

At each hour of a date, each airframe flies with its night figures when the sun's centre at
its base is more than 6 degrees below the horizon (civil twilight, no refraction: the
geometric definition), and with its day figures otherwise. An hour is a per-airframe light
mask, so the 24 hours are one batch for the variant core.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from astral import Observer
from astral.sun import dawn, dusk, elevation

from medevac.model import Scenario, Season
from medevac.planning.robustness import Judge, in_process
from medevac.standards import Leg
from medevac.variants import VariantCore

CIVIL_TWILIGHT_DEG = 6.0
HOURS = 24


@dataclass(frozen=True)
class BaseTwilight:
    airframe_id: str
    civil_dawn_utc: dt.datetime | None  # None: the sun does not cross -6 degrees that day
    civil_dusk_utc: dt.datetime | None


@dataclass(frozen=True)
class Profile:
    date: dt.date
    season: Season
    bases: tuple[BaseTwilight, ...]
    night: npt.NDArray[np.bool_]  # (hours, airframes): flies by night figures
    meets_all: npt.NDArray[np.bool_]  # (hours, sites)
    site_ids: tuple[str, ...]
    personnel: npt.NDArray[np.int64]
    legs: tuple[Leg, ...] = ()
    meets: npt.NDArray[np.bool_] | None = None  # (hours, legs, sites): each leg on its own

    def leg_hours(self) -> list[dict[str, object]]:
        """Per hour and leg (``legs`` order, then ``"all"``): sites and personnel meeting it.

        Tidy rows ``hour_utc, leg, sites_meeting, personnel_meeting``, hours first: a chart's
        table (``"all"`` repeats :meth:`hours`).
        """
        per_leg = [] if self.meets is None else [(leg, self.meets[:, i]) for i, leg in enumerate(self.legs)]
        rows: list[dict[str, object]] = []
        for h in range(len(self.meets_all)):
            for leg, met in [*per_leg, ("all", self.meets_all)]:
                row = met[h]
                rows.append(
                    {
                        "hour_utc": h,
                        "leg": leg,
                        "sites_meeting": int(row.sum()),
                        "personnel_meeting": int(self.personnel[row].sum()),
                    }
                )
        return rows

    def hours(self) -> list[dict[str, int]]:
        return [
            {
                "hour_utc": h,
                "sites_meeting_all": int(row.sum()),
                "personnel_meeting_all": int(self.personnel[row].sum()),
            }
            for h, row in enumerate(self.meets_all)
        ]

    def hours_uncovered(self) -> list[int]:
        """Hours (UTC) at which at least one site fails a leg."""
        return [h for h, row in enumerate(self.meets_all) if not row.all()]

    def to_json(self) -> dict[str, object]:
        def clock(moment: dt.datetime | None) -> str | None:
            return None if moment is None else moment.strftime("%H:%M")

        return {
            "date": self.date.isoformat(),
            "season": self.season,
            "bases": [
                {
                    "airframe_id": b.airframe_id,
                    "civil_dawn_utc": clock(b.civil_dawn_utc),
                    "civil_dusk_utc": clock(b.civil_dusk_utc),
                }
                for b in self.bases
            ],
            "hours": self.hours(),
            "sites": [
                {"site_id": site_id, "hours_meeting_all": int(self.meets_all[:, s].sum())}
                for s, site_id in enumerate(self.site_ids)
            ],
        }


def _twilight(lat: float, lon: float, date: dt.date) -> tuple[dt.datetime | None, dt.datetime | None]:
    observer = Observer(latitude=lat, longitude=lon)
    times: list[dt.datetime | None] = []
    for event in (dawn, dusk):
        try:
            times.append(event(observer, date, depression=CIVIL_TWILIGHT_DEG, tzinfo=dt.UTC))
        except ValueError:  # polar day or night: no crossing
            times.append(None)
    return times[0], times[1]


def night_by_hour(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, date: dt.date) -> npt.NDArray[np.bool_]:
    """(hours, points): the sun's centre more than 6 degrees below the horizon at h:00 UTC.

    >>> import datetime as dt
    >>> night = night_by_hour([16.27], [-0.04], dt.date(2027, 3, 15))  # Gao: dawn 05:46
    >>> night[5:7, 0].tolist()
    [True, False]
    """
    lats, lons = np.atleast_1d(lat_deg), np.atleast_1d(lon_deg)
    night = np.zeros((HOURS, len(lats)), dtype=bool)
    for k, (lat, lon) in enumerate(zip(lats, lons, strict=True)):
        observer = Observer(latitude=float(lat), longitude=float(lon))
        for h in range(HOURS):
            moment = dt.datetime(date.year, date.month, date.day, h, tzinfo=dt.UTC)
            night[h, k] = elevation(observer, moment, with_refraction=False) < -CIVIL_TWILIGHT_DEG
    return night


def profile(
    scenario: Scenario,
    date: dt.date,
    season: Season | None = None,
    *,
    core: VariantCore | None = None,
    judge: Judge = in_process,
) -> Profile:
    """Sites and personnel meeting every leg at each hour of ``date`` (UTC)."""
    core = core or VariantCore(scenario)
    season = season or scenario.conditions.season
    lat, lon = core.assets.base_lat_deg, core.assets.base_lon_deg
    night = night_by_hour(lat, lon, date)  # (hours, airframes)
    masks = np.broadcast_to(core.baseline_mask, (HOURS, len(core.baseline_mask)))
    verdicts = judge(core, np.ascontiguousarray(masks), season, night)  # type: ignore[arg-type]
    bases = tuple(
        BaseTwilight(a.id, *_twilight(float(la), float(lo), date))
        for a, la, lo in zip(scenario.airframes, lat, lon, strict=False)
    )
    return Profile(
        date=date,
        season=season,
        bases=bases,
        night=night,
        meets_all=np.asarray(verdicts.all(axis=1)),
        site_ids=tuple(s.id for s in scenario.sites),
        personnel=core.personnel,
        legs=core.legs,
        meets=np.asarray(verdicts),
    )
