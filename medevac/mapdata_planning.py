"""Records of the planning views: the N-1 heat map, the chance map, the proposed placement.

As :mod:`medevac.mapdata` does for a check: flat dicts (position, colour, a text mark, a
plain-text tooltip) that any front end can draw, computed by :mod:`medevac.planning` and
worded by :mod:`medevac.messages`. Nothing here computes a result.

Colours stay readable with the common colour-vision deficiencies: the heat map uses a
sequential ColorBrewer scheme (YlOrBr) with the effect written in each cell, the chance map
the Okabe-Ito colours with each site's probability written beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from medevac import messages
from medevac.i18n import format_template, gettext
from medevac.mapdata import RGB, facility_records
from medevac.model import Scenario
from medevac.planning.daylight import Profile
from medevac.planning.optimise import Solution
from medevac.planning.robustness import Availability, LossCells, NMinusOne

LOSS_COLOURS: dict[str, RGB] = {
    "same": (247, 247, 247),
    "slower": (255, 247, 188),
    "1": (254, 196, 79),
    "2": (236, 112, 20),
    "3": (140, 45, 4),
}
"""A heat-map cell's fill by its effect band (ColorBrewer YlOrBr, colour-blind safe)."""

CHANCE_BANDS: tuple[tuple[float, RGB], ...] = (
    (0.99, (0, 114, 178)),  # Okabe-Ito blue: holds
    (0.90, (86, 180, 233)),  # sky blue
    (0.50, (230, 159, 0)),  # orange
    (0.0, (213, 94, 0)),  # vermillion
)
"""A site's colour on the chance map: the first band whose lower edge it reaches."""

GAINED_COLOUR: RGB = (0, 158, 115)  # Okabe-Ito bluish green
LOST_COLOUR: RGB = (213, 94, 0)  # vermillion
UNCHANGED_COLOUR: RGB = (153, 153, 153)
PLACEMENT_COLOUR: RGB = (240, 228, 66)  # Okabe-Ito yellow, with black text

DAY_LEG_COLOURS: dict[str, RGB] = {
    "first_aid": (213, 94, 0),
    "resuscitation": (230, 159, 0),
    "surgery": (204, 121, 167),
    "primary_surgery": (86, 180, 233),
    "all": (0, 0, 0),
}
"""The 24-hour chart's line per leg (as the main map's site colours), every leg in black."""


def hex_colour(rgb: Sequence[int]) -> str:
    """``(0, 114, 178)`` -> ``#0072b2``."""
    return "#" + "".join(f"{int(c):02x}" for c in rgb[:3])


def _text_colour(rgb: RGB) -> str:
    """Black on light fills, white on dark ones (relative luminance under 0.35)."""
    luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255
    return "#ffffff" if luminance < 0.35 else "#000000"


# -- N-1 ---------------------------------------------------------------------------------------


def loss_band(legs_lost: int, minutes_added: float) -> str:
    """``same``, ``slower`` (no leg lost, some leg slower), or the legs lost (``3``: 3 or more)."""
    if legs_lost:
        return str(min(legs_lost, 3))
    return "slower" if minutes_added > 0 else "same"


def loss_order(n1: NMinusOne) -> list[tuple[str, str]]:
    """The losses, single points of failure first (most personnel lost), then the file's order."""
    first = [(loss.asset, loss.id) for loss in n1.single_points_of_failure()]
    return first + [(loss.asset, loss.id) for loss in n1.losses if (loss.asset, loss.id) not in first]


def loss_cell_records(scenario: Scenario, cells: LossCells, n1: NMinusOne) -> list[dict[str, Any]]:
    """One record per (loss, site) for a heat map: row and column labels, band, fill, mark.

    ``minutes_added`` is ``None`` where a leg met before is no longer delivered at all.
    """
    names = {s.id: s.name or s.id for s in scenario.sites}
    order = {loss: k for k, loss in enumerate(loss_order(n1))}
    records = []
    for row in cells.records():
        kind, asset_id, site_id = str(row["asset"]), str(row["asset_id"]), str(row["site_id"])
        legs_lost, minutes = int(row["legs_lost"]), float(row["minutes_added"])  # type: ignore[call-overload, arg-type]
        band = loss_band(legs_lost, minutes)
        fill = LOSS_COLOURS[band]
        records.append(
            {
                "asset": kind,
                "asset_id": asset_id,
                "asset_label": messages.asset_text(kind, asset_id),
                "asset_order": order[(kind, asset_id)],
                "site_id": site_id,
                "legs_lost": legs_lost,
                "minutes_added": minutes if math.isfinite(minutes) else None,
                "band": band,
                "band_label": messages.LOSS_BANDS[band],
                "colour": hex_colour(fill),
                "text_colour": _text_colour(fill),
                "mark": messages.loss_mark(legs_lost, minutes),
                "tooltip": messages.loss_text(
                    kind,
                    asset_id,
                    f"{names[site_id]} ({site_id})",
                    row["lost_legs"],  # type: ignore[arg-type]
                    minutes,
                ),
            }
        )
    return sorted(records, key=lambda r: r["asset_order"])


def n_minus_1_rows(n1: NMinusOne, condition: str) -> list[dict[str, Any]]:
    """The N-1 table of one condition, as the page shows it: the full scenario, then each loss
    (single points of failure first)."""
    text = messages.APP_TEXT
    base = n1.baseline[condition]
    losses = {(loss.asset, loss.id): loss for loss in n1.losses}
    rows = [
        {
            text["rb.n1.col.asset"]: messages.asset_text("", ""),
            text["rb.n1.col.sites"]: base.sites_meeting_all,
            text["rb.n1.col.personnel"]: base.personnel_meeting_all,
            text["rb.n1.col.lost"]: "",
            text["rb.n1.col.personnel_lost"]: 0,
        }
    ]
    for key in loss_order(n1):
        tally = losses[key].by_condition[condition]
        rows.append(
            {
                text["rb.n1.col.asset"]: messages.asset_text(*key),
                text["rb.n1.col.sites"]: tally.sites_meeting_all,
                text["rb.n1.col.personnel"]: tally.personnel_meeting_all,
                text["rb.n1.col.lost"]: ", ".join(tally.sites_lost),
                text["rb.n1.col.personnel_lost"]: base.personnel_meeting_all - tally.personnel_meeting_all,
            }
        )
    return rows


# -- availability ------------------------------------------------------------------------------


def chance_colour(p: float) -> RGB:
    for lower, colour in CHANCE_BANDS:
        if p >= lower:
            return colour
    return CHANCE_BANDS[-1][1]


def chance_legend() -> list[tuple[str, RGB]]:
    """``(text, colour)`` of each band of the chance map, highest first."""
    edges = [1.0] + [lower for lower, _ in CHANCE_BANDS[:-1]]
    out = []
    for (lower, colour), upper in zip(CHANCE_BANDS, edges, strict=True):
        low, high = messages.percent(lower), messages.percent(upper)
        if upper >= 1.0:
            out.append((format_template(gettext("{low} or more"), low=low), colour))
        elif lower <= 0.0:
            out.append((format_template(gettext("under {high}"), high=high), colour))
        else:
            out.append((format_template(gettext("{low} to {high}"), low=low, high=high), colour))
    return out


def chance_records(scenario: Scenario, chances: Availability, condition: str) -> list[dict[str, Any]]:
    """Each site on the chance map: its probability of meeting every leg, coloured and written."""
    light, season = condition.split("-")
    words = messages.condition_text(light, season)
    records = []
    for site, chance in zip(scenario.sites, chances.sites, strict=True):
        p = chance.p_meets_all[condition]
        interval = None if chance.interval is None else chance.interval[condition]
        records.append(
            {
                "kind": "site",
                "id": site.id,
                "name": site.name or site.id,
                "lat": site.lat,
                "lon": site.lon,
                "personnel": site.personnel,
                "p_meets_all": p,
                "label": f"{site.id} {messages.percent(p)}",
                "colour": list(chance_colour(p)),
                "tooltip": "\n".join(
                    messages.chance_lines(
                        f"{site.name or site.id} ({site.id})",
                        site.personnel,
                        words,
                        p,
                        chance.p_meets[condition],
                        interval,
                    )
                ),
            }
        )
    return records


def chance_rows(chances: Availability, condition: str) -> list[dict[str, Any]]:
    """Per site: the probability of every leg and of each leg (and the interval, by Monte Carlo)."""
    text = messages.APP_TEXT
    rows = []
    for chance in chances.sites:
        row: dict[str, Any] = {text["rb.p.col.site"]: chance.site_id}
        row[text["rb.p.col.all"]] = round(chance.p_meets_all[condition], 4)
        row |= {messages.leg_text(leg): round(p, 4) for leg, p in chance.p_meets[condition].items()}
        if chance.interval is not None:
            low, high = chance.interval[condition]
            row[text["rb.p.col.interval"]] = format_template(
                gettext("{low:.3f} to {high:.3f}"), low=low, high=high
            )
        rows.append(row)
    return rows


# -- the day in 24 hours -------------------------------------------------------------------------


def day_rows(day: Profile) -> list[dict[str, Any]]:
    """The 24-hour chart's table: per hour and line (each leg, then every leg), the personnel."""
    return [
        row
        | {
            "line": messages.day_leg_text(str(row["leg"])),
            "colour": hex_colour(DAY_LEG_COLOURS[str(row["leg"])]),
        }
        for row in day.leg_hours()
    ]


# -- a proposed placement ------------------------------------------------------------------------


def placement_layers(scenario: Scenario, solution: Solution) -> dict[str, list[dict[str, Any]]]:
    """The proposed placement on a map: sites (gained, lost or unchanged), the facilities as
    they are, a badge per placement, and a line from where each moved asset was."""
    gained, lost = set(solution.sites_gained), set(solution.sites_lost)
    text = messages.APP_TEXT
    sites = []
    for site in scenario.sites:
        state = "gained" if site.id in gained else "lost" if site.id in lost else "unchanged"
        colour = {"gained": GAINED_COLOUR, "lost": LOST_COLOUR, "unchanged": UNCHANGED_COLOUR}[state]
        mark = {"gained": "+", "lost": "-", "unchanged": "="}[state]  # ASCII: the map's font has no other
        sites.append(
            {
                "kind": "site",
                "id": site.id,
                "lat": site.lat,
                "lon": site.lon,
                "state": state,
                "label": f"{site.id} [{mark}]",
                "colour": list(colour),
                "tooltip": format_template(
                    gettext("{site} ({id}), {personnel} personnel"),
                    site=site.name or site.id,
                    id=site.id,
                    personnel=site.personnel,
                )
                + "\n"
                + text[f"op.site.{state}"],
            }
        )
    airframes = {a.id: a for a in scenario.airframes}
    facilities = {f.id: f for f in scenario.facilities}
    badges, moves = [], []
    for placement in solution.placements:
        place = placement.candidate
        where = f"{place.name or place.id} ({place.lat:.2f}, {place.lon:.2f})"
        like = airframes.get(str(placement.like))
        words = messages.placement_text(
            placement.asset,
            placement.id,
            where,
            moved=placement.moved,
            level=placement.level,
            like=placement.like,
            kind=like.kind if like is not None else "helicopter",
        )
        if placement.asset == "facility":
            label = f"L{facilities[placement.id].level}" if placement.moved else f"+L{placement.level}"
        else:
            label = placement.id if placement.moved else f"+{placement.like}"
        badges.append(
            {
                "kind": "placement",
                "id": placement.id,
                "lat": place.lat,
                "lon": place.lon,
                "label": label,
                "text": words,
                "colour": list(PLACEMENT_COLOUR),
                "text_colour": [0, 0, 0],
                "tooltip": words,
            }
        )
        if placement.moved:
            was = (
                facilities[placement.id]
                if placement.asset == "facility"
                else scenario.base_location(airframes[placement.id])
            )
            moves.append(
                {
                    "kind": "move",
                    "id": placement.id,
                    "path": [[float(was.lon), float(was.lat)], [place.lon, place.lat]],
                    "colour": [0, 0, 0],
                    "tooltip": words,
                }
            )
    return {"sites": sites, "facilities": facility_records(scenario), "placements": badges, "moves": moves}


def placement_lines(scenario: Scenario, solution: Solution) -> list[str]:
    """Each proposed change in words, in the solution's order."""
    return [str(badge["text"]) for badge in placement_layers(scenario, solution)["placements"]]


__all__ = [
    "CHANCE_BANDS",
    "LOSS_COLOURS",
    "chance_legend",
    "chance_records",
    "chance_rows",
    "day_rows",
    "loss_cell_records",
    "n_minus_1_rows",
    "placement_layers",
    "placement_lines",
]
