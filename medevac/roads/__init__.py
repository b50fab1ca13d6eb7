"""Road networks: read road layers, give them seasonal speeds, snap points, route fast.

``road_router(scenario)`` is what the check uses; the rest is for people who want to look
inside: ``load_network`` reads a layer, ``to_networkx`` shows it as a graph.
"""

from __future__ import annotations

from medevac.roads.network import RoadNetwork, from_networkx, network_from_lines, to_networkx
from medevac.roads.router import RoadRouter, load_network, road_router
from medevac.roads.routing import shortest_min
from medevac.roads.speeds import RoadDataWarning, SpeedSettings

__all__ = [
    "RoadDataWarning",
    "RoadNetwork",
    "RoadRouter",
    "SpeedSettings",
    "from_networkx",
    "load_network",
    "network_from_lines",
    "road_router",
    "shortest_min",
    "to_networkx",
]
