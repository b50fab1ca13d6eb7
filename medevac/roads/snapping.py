"""Snapping points to the road network: to the nearest road node, or to the nearest point
of the nearest segment (``ground.snap_to``).

Nodes: a KD-tree on 3-D unit vectors of the nodes. Segments: a KD-tree holds sample points
every :data:`SAMPLE_KM` along every segment; the few segments of a point's nearest samples
are then projected on exactly, so a site beside a long straight road joins it where it is
nearest, not at a far vertex. Either way the result is a :class:`Snap` (a segment and the
fraction along it; a node is the end of one of its segments), so routing is the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from medevac.geo import FloatArray, distance_km

IntArray = npt.NDArray[np.intp]

SAMPLE_KM = 0.5
"""Spacing of the index's sample points along segments."""

CANDIDATES = 8
"""Nearest samples whose segments are projected on: the nearest segment is among them
unless it is more than ``SAMPLE_KM / 2`` farther than its neighbours' samples."""


def unit_vectors(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
    """Points on the unit sphere, (n, 3): chord distance orders points as arc distance does."""
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


@dataclass(frozen=True)
class Snap:
    """Where points join the network: a segment, the fraction along it, and the distance."""

    segment: IntArray
    fraction: FloatArray
    access_km: FloatArray


@dataclass(frozen=True, eq=False)
class SegmentIndex:
    """Nearest-segment look-up for a network's straight segments (read-only once built)."""

    tree: cKDTree
    sample_segment: IntArray
    node_lat_deg: FloatArray
    node_lon_deg: FloatArray
    seg_u: IntArray
    seg_v: IntArray
    node_tree: cKDTree
    node_segment: IntArray  # a segment that ends at each node ...
    node_fraction: FloatArray  # ... and where: 0 at its u end, 1 at its v end

    @classmethod
    def build(
        cls, node_lat_deg: FloatArray, node_lon_deg: FloatArray, seg_u: IntArray, seg_v: IntArray,
        seg_length_km: FloatArray,
    ) -> SegmentIndex:  # fmt: skip
        """Sample every segment at both ends and every ``SAMPLE_KM`` between.

        Closed roads are indexed too: a point joins its nearest road whatever its state, so
        closing a road can never shorten a time (the point is then cut off, and told so).
        """
        counts = np.ceil(seg_length_km / SAMPLE_KM).astype(np.intp) + 1
        segment = np.repeat(np.arange(len(seg_u), dtype=np.intp), counts)
        starts = np.cumsum(counts) - counts
        fraction = (np.arange(len(segment)) - starts[segment]) / (counts[segment] - 1)
        lat = node_lat_deg[seg_u][segment] + fraction * (node_lat_deg[seg_v] - node_lat_deg[seg_u])[segment]
        dlon = _wrap_deg(node_lon_deg[seg_v] - node_lon_deg[seg_u])
        lon = node_lon_deg[seg_u][segment] + fraction * dlon[segment]
        # Every node ends some segment (nodes come from lines): as a u end if it is one.
        n_nodes = len(node_lat_deg)
        node_segment = np.zeros(n_nodes, dtype=np.intp)
        node_fraction = np.ones(n_nodes)
        order = np.arange(len(seg_u), dtype=np.intp)
        node_segment[seg_v[::-1]] = order[::-1]  # first segment wins: assigned last
        node_segment[seg_u[::-1]] = order[::-1]
        node_fraction[seg_u] = 0.0
        return cls(
            cKDTree(unit_vectors(lat, lon)),
            segment,
            node_lat_deg,
            node_lon_deg,
            seg_u,
            seg_v,
            cKDTree(unit_vectors(node_lat_deg, node_lon_deg)),
            node_segment,
            node_fraction,
        )

    def snap_to_node(self, lat_deg: FloatArray, lon_deg: FloatArray) -> Snap:
        """The nearest road node of each point, as the end of a segment, with its distance."""
        lat_deg = np.asarray(lat_deg, dtype=np.float64)
        lon_deg = np.asarray(lon_deg, dtype=np.float64)
        if len(lat_deg) == 0:
            return Snap(np.zeros(0, dtype=np.intp), np.zeros(0), np.zeros(0))
        _, node = self.node_tree.query(unit_vectors(lat_deg, lon_deg))
        node = np.asarray(node, dtype=np.intp)
        access_km = distance_km(lat_deg, lon_deg, self.node_lat_deg[node], self.node_lon_deg[node])
        return Snap(self.node_segment[node], self.node_fraction[node], access_km)

    def snap(self, lat_deg: FloatArray, lon_deg: FloatArray) -> Snap:
        """The nearest point on the network for each point, with its geodesic distance."""
        lat_deg = np.asarray(lat_deg, dtype=np.float64)
        lon_deg = np.asarray(lon_deg, dtype=np.float64)
        if len(lat_deg) == 0:
            return Snap(np.zeros(0, dtype=np.intp), np.zeros(0), np.zeros(0))
        k = min(CANDIDATES, self.tree.n)
        _, nearest = self.tree.query(unit_vectors(lat_deg, lon_deg), k=k)
        candidates = self.sample_segment[np.asarray(nearest).reshape(len(lat_deg), k)]  # (n, k)
        # Project in a local plane around each point: degrees, longitude scaled by cos(lat).
        scale = np.cos(np.radians(lat_deg))[:, None]
        u, v = self.seg_u[candidates], self.seg_v[candidates]
        ax = _wrap_deg(self.node_lon_deg[u] - lon_deg[:, None]) * scale
        ay = self.node_lat_deg[u] - lat_deg[:, None]
        dx = _wrap_deg(self.node_lon_deg[v] - self.node_lon_deg[u]) * scale
        dy = self.node_lat_deg[v] - self.node_lat_deg[u]
        fraction = np.clip(-(ax * dx + ay * dy) / np.maximum(dx * dx + dy * dy, 1e-30), 0.0, 1.0)
        gap2 = (ax + fraction * dx) ** 2 + (ay + fraction * dy) ** 2
        best = np.argmin(gap2, axis=1)
        rows = np.arange(len(lat_deg))
        segment = candidates[rows, best]
        along = fraction[rows, best]
        su, sv = self.seg_u[segment], self.seg_v[segment]
        foot_lat = self.node_lat_deg[su] + along * (self.node_lat_deg[sv] - self.node_lat_deg[su])
        foot_lon = self.node_lon_deg[su] + along * _wrap_deg(self.node_lon_deg[sv] - self.node_lon_deg[su])
        foot_lon = _wrap_deg(foot_lon)
        return Snap(segment, along, distance_km(lat_deg, lon_deg, foot_lat, foot_lon))


def _wrap_deg(delta_deg: FloatArray) -> FloatArray:
    """Longitude differences in [-180, 180), so a segment across the antimeridian is short."""
    return np.asarray((delta_deg + 180.0) % 360.0 - 180.0)
