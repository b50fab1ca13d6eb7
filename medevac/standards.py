"""Named 10-1-2 profiles: which legs are checked and their thresholds in minutes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from medevac.i18n import N_
from medevac.model import Scenario

Leg = Literal["first_aid", "resuscitation", "surgery", "primary_surgery"]

LEGS: tuple[Leg, ...] = ("first_aid", "resuscitation", "surgery", "primary_surgery")
"""Every leg the engine can compute, in order of the timeline."""

LEG_MIN_RANK: dict[Leg, int] = {
    "first_aid": 1,
    "resuscitation": 1,
    "surgery": 2,
    "primary_surgery": 3,
}
"""Lowest facility level (rank) that delivers each leg to a casualty in its care."""

TEAM_LEGS: tuple[Leg, ...] = ("first_aid", "resuscitation")
"""Legs a medical team (ground team or AMET on board) delivers where it reaches the casualty."""

LEG_LABEL: dict[Leg, str] = {
    "first_aid": N_("first aid"),
    "resuscitation": N_("resuscitation"),
    "surgery": N_("surgery"),
    "primary_surgery": N_("primary surgery"),
}
"""Each leg's name in English, as data and as message ids (:func:`medevac.messages.leg_text`
says it in the current language)."""

_PROFILES: dict[str, dict[Leg, float]] = {
    # UN DOS/DPO Casualty Evacuation in the Field (2020), section D.2.
    "un-10-1-2": {"first_aid": 10, "resuscitation": 60, "surgery": 120},
    # NATO AJP-4.10 / COMEDS 2011: 10-1-2 plus primary surgery at Role 3 within 4 hours.
    "nato-10-1-2-2": {
        "first_aid": 10,
        "resuscitation": 60,
        "surgery": 120,
        "primary_surgery": 240,
    },
}


@dataclass(frozen=True)
class Standard:
    """A profile: its name and the threshold of each leg it checks, in timeline order."""

    name: str
    thresholds_min: dict[Leg, float]

    @property
    def legs(self) -> tuple[Leg, ...]:
        return tuple(self.thresholds_min)


def standard_of(scenario: Scenario) -> Standard:
    """The profile a scenario is checked against (custom thresholds only for ``custom``)."""
    if scenario.standard == "custom":
        assert scenario.thresholds is not None  # enforced when the file is validated
        given = scenario.thresholds.model_dump(exclude_none=True)
        return Standard("custom", {leg: float(given[leg]) for leg in LEGS if leg in given})
    return Standard(scenario.standard, dict(_PROFILES[scenario.standard]))
