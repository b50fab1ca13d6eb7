"""The covering-model builder of ``medevac optimise`` on plain coverage matrices: published optima.

The builder that writes the mission's MILP (``build_model``) also writes the textbook models
from a coverage matrix (``CoveringModel.from_coverage_matrix``). Here it must reproduce
results someone else published, on their data (sources, licences and what was done to the
data: ``tests/data/optima/README.md``):

- the Swain 55-node set (Church and ReVelle 1974): MCLP at distance 10, p = 1 ... 9, and
  LSCP at 15;
- spopt's San Francisco instance (205 tracts x 16 stores, network metres, 5,000 m): MCLP
  p = 4, LSCP and backup coverage (LSCP-B) with the LSCP's 8 stores.

Every answer is also judged again from the matrix (the value the solver reports must be the
coverage of the sites it chose), and on San Francisco by enumerating every choice of stores.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from medevac.planning.optimise import CoverageMatrixError, CoveringModel, CoveringSolution

DATA = Path(__file__).parent / "data" / "optima"

SWAIN_MCLP_AT_10 = (425, 502, 548, 581, 609, 625, 633, 638, 640)
"""People covered of 640 with p = 1 ... 9 sites (Church and ReVelle 1974)."""

SF_SERVICE_M = 5000.0


def swain_covers(standard_distance: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """(55 x 55) "site j within the distance of node i", and the populations.

    The coordinates are whole numbers, so the squared distance is compared exactly: the
    pairs at exactly the standard distance are covered.
    """
    nodes = pd.read_csv(DATA / "swain55_nodes.csv")
    xy = nodes[["x", "y"]].to_numpy(dtype=np.int64)
    squared = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    return squared <= standard_distance**2, nodes["population"].to_numpy(dtype=np.float64)


def sf_covers() -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """(205 tracts x 16 stores) within 5,000 m by road, as spopt's tests build it, and POP2000."""
    distance = pd.read_csv(
        DATA / "SF_network_distance_candidateStore_16_censusTract_205_new.csv",
        dtype={"DestinationName": str, "name": str},
    )
    metres = distance.pivot_table(values="distance", index="DestinationName", columns="name")
    tracts = pd.read_csv(DATA / "SF_demand_205_centroid_uniform_weight.csv", dtype={"NAME": str})
    population = tracts.set_index("NAME")["POP2000"].reindex(metres.index)
    assert metres.shape == (205, 16) and not metres.isna().any().any() and not population.isna().any()
    return metres.to_numpy() <= SF_SERVICE_M, population.to_numpy(dtype=np.float64)


def times_covered(covers: npt.NDArray[np.bool_], solution: CoveringSolution) -> npt.NDArray[np.int64]:
    assert solution.chosen is not None
    return np.asarray(covers[:, solution.chosen].sum(axis=1), dtype=np.int64)


@pytest.mark.parametrize(("p", "published"), list(enumerate(SWAIN_MCLP_AT_10, start=1)))
def test_swain_mclp_at_10_covers_the_published_population(p: int, published: int) -> None:
    covers, population = swain_covers(10)
    solution = CoveringModel.from_coverage_matrix(covers, population, p).solve()
    assert solution.optimal
    assert len(solution.sites) == p
    judged = population[times_covered(covers, solution) >= 1].sum()
    assert solution.value == judged == published
    assert solution.bound == pytest.approx(published)


def test_swain_lscp_at_15_needs_five_sites() -> None:
    covers, population = swain_covers(15)
    solution = CoveringModel.from_coverage_matrix(covers, problem="lscp").solve()
    assert solution.optimal
    assert (solution.value, len(solution.sites)) == (5, 5)
    assert (times_covered(covers, solution) >= 1).all()
    # Four sites cannot do it: the best four leave someone out.
    four = CoveringModel.from_coverage_matrix(covers, population, 4).solve()
    assert four.optimal and four.value < population.sum() == 640


def test_sf_mclp_p4_leaves_21_tracts_uncovered() -> None:
    covers, population = sf_covers()
    solution = CoveringModel.from_coverage_matrix(covers, population, 4).solve()
    assert solution.optimal
    covered = times_covered(covers, solution) >= 1
    assert int((~covered).sum()) == 21
    assert 100 * covered.mean() == pytest.approx(89.75609756097561)  # spopt's perc_cov
    assert solution.value == population[covered].sum()
    # No four stores cover more people (all 1,820 choices).
    best = max(
        population[covers[:, list(four)].any(axis=1)].sum() for four in itertools.combinations(range(16), 4)
    )
    assert solution.value == best


def test_sf_lscp_needs_8_and_backup_with_8_is_145_of_205() -> None:
    covers, _ = sf_covers()
    lscp = CoveringModel.from_coverage_matrix(covers, problem="lscp").solve()
    assert lscp.optimal and lscp.value == 8 == len(lscp.sites)
    assert (times_covered(covers, lscp) >= 1).all()
    assert not any(covers[:, list(seven)].any(axis=1).all() for seven in itertools.combinations(range(16), 7))

    backup = CoveringModel.from_coverage_matrix(covers, p=8, problem="backup").solve()
    assert backup.optimal and len(backup.sites) == 8
    times = times_covered(covers, backup)
    assert (times >= 1).all()  # the 8 stores still cover every tract
    assert backup.value == int((times >= 2).sum()) == 145
    # The best of all 12,870 choices of 8 stores that cover every tract.
    best = 0
    for eight in itertools.combinations(range(16), 8):
        times = covers[:, list(eight)].sum(axis=1)
        if (times >= 1).all():
            best = max(best, int((times >= 2).sum()))
    assert best == 145


def test_sf_backup_counts_no_tract_that_one_store_covers() -> None:
    # spopt's test expects 167 = 145 + the 22 tracts that only one store covers: its LSCP-B
    # leaves their backup variable free. Here they cannot be backed up, whatever the weights.
    covers, _ = sf_covers()
    single = covers.sum(axis=1) == 1
    assert int(single.sum()) == 22 == 167 - 145
    weights = np.where(single, 1000.0, 1.0)  # tempting: they would dominate if they could count
    backup = CoveringModel.from_coverage_matrix(covers, weights, p=8, problem="backup").solve()
    assert backup.value == 145
    assert (times_covered(covers, backup)[single] == 1).all()


def test_infeasible_set_covering_is_reported_before_solving() -> None:
    covers = np.array([[1, 0], [0, 0], [0, 1], [0, 0]])
    with pytest.raises(
        CoverageMatrixError, match=r"2 of 4 demand rows are covered by no candidate \(rows 1, 3\)"
    ):
        CoveringModel.from_coverage_matrix(covers, problem="lscp")
    with pytest.raises(CoverageMatrixError, match="p: sites to choose, 1 to 2"):
        CoveringModel.from_coverage_matrix(covers, p=3)
    with pytest.raises(CoverageMatrixError, match=r"p: sites to choose, 1 to 2 candidates, got 1\.5"):
        CoveringModel.from_coverage_matrix(covers, p=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weights"):
        CoveringModel.from_coverage_matrix(covers, [1, 2, 3], p=1)
    # Backup with fewer sites than the set covering needs: no feasible choice.
    assert not CoveringModel.from_coverage_matrix([[1, 0], [0, 1]], p=1, problem="backup").solve().feasible
