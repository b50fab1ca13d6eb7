"""Judging many states in batches: in-process, or on a Dask ``distributed`` cluster.

``--scheduler local[:N]`` starts a ``LocalCluster`` of N worker processes (default 2),
``--scheduler tcp://HOST:PORT`` joins a running scheduler. The variant core is sent to the
workers once; each task judges one batch of states (a task costs the scheduler about 2 ms,
so a batch is thousands of states, well over 10 ms of work). States are drawn before they
are split, so the verdicts are those of the in-process run, whatever the workers.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt

from medevac.errors import Problem, ScenarioError
from medevac.i18n import format_template, gettext
from medevac.planning.robustness import Judge
from medevac.variants import VariantCore

BoolArray = npt.NDArray[np.bool_]
STATES_PER_TASK = 4096
ESTIMATE_ABOVE_S = 60.0
"""Runs estimated longer than this are announced with their estimate before they start."""


def _batches(n: int, per_task: int) -> list[slice]:
    return [slice(i, min(i + per_task, n)) for i in range(0, n, per_task)] or [slice(0, 0)]


def _state_slices(masks: BoolArray, night: Any, part: slice) -> tuple[BoolArray, Any]:
    night_array = np.asarray(night, dtype=bool)
    if night_array.ndim == 2 and len(night_array) == len(masks) and len(masks) > 1:
        night_array = night_array[part]
    return masks[part], night_array


def _judge_part(core: VariantCore, masks: BoolArray, season: str, night: Any) -> BoolArray:
    return core.judge(masks, season, night)  # type: ignore[arg-type]


class Progress:
    """A bar on standard error (tqdm), or nothing with ``--no-progress``."""

    def __init__(self, enabled: bool, total: int, label: str) -> None:
        self._bar: Any = None
        if enabled and total > 1:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit=gettext("batch"), file=sys.stderr, leave=False)

    def step(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def estimate_s(core: VariantCore, season: str, states: int) -> float:
    """Seconds to judge ``states`` states, from a timed batch of 256."""
    sample = np.broadcast_to(core.baseline_mask, (256, len(core.baseline_mask)))
    core.judge(sample, season)  # type: ignore[arg-type]  # builds the options: not per state
    started = time.perf_counter()
    core.judge(sample, season)  # type: ignore[arg-type]
    return (time.perf_counter() - started) / 256 * states


def announce(seconds: float) -> None:
    if seconds > ESTIMATE_ABOVE_S:
        print(
            format_template(gettext("estimated time: about {minutes} min"), minutes=math.ceil(seconds / 60)),
            file=sys.stderr,
        )


@contextmanager
def judging(scheduler: str | None, *, progress: bool = False) -> Iterator[Judge]:
    """A judge (``judge(core, masks, season, night)``) that runs where ``scheduler`` says."""
    if scheduler is None:

        def local(core: VariantCore, masks: BoolArray, season: str, night: Any) -> BoolArray:
            parts = _batches(len(masks), STATES_PER_TASK)
            bar = Progress(progress, len(parts), gettext("states"))
            results = []
            for part in parts:
                part_masks, part_night = _state_slices(masks, night, part)
                results.append(_judge_part(core, part_masks, season, part_night))
                bar.step()
            bar.close()
            return np.concatenate(results)

        yield local
        return
    client, cluster = _connect(scheduler)
    sent: dict[int, Any] = {}
    try:

        def remote(core: VariantCore, masks: BoolArray, season: str, night: Any) -> BoolArray:
            from distributed import as_completed

            if id(core) not in sent:
                sent[id(core)] = client.scatter(core, broadcast=True)
            parts = _batches(len(masks), STATES_PER_TASK)
            futures = []
            for part in parts:
                part_masks, part_night = _state_slices(masks, night, part)
                futures.append(
                    client.submit(_judge_part, sent[id(core)], part_masks, season, part_night, pure=False)
                )
            bar = Progress(progress, len(futures), gettext("states"))
            for _ in as_completed(futures):
                bar.step()
            bar.close()
            return np.concatenate(client.gather(futures))

        yield remote
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _connect(scheduler: str) -> tuple[Any, Any]:
    """A client of the scheduler named by ``--scheduler`` (and the cluster it started)."""
    from distributed import Client, LocalCluster

    if scheduler == "local" or scheduler.startswith("local:"):
        workers_text = scheduler.partition(":")[2] or "2"
        if not workers_text.isdigit() or int(workers_text) < 1:
            raise ScenarioError(
                [Problem("--scheduler", "", scheduler, gettext("local, local:N (N >= 1) or tcp://HOST:PORT"))]
            )
        cluster = LocalCluster(
            n_workers=int(workers_text), threads_per_worker=1, processes=True, dashboard_address=None
        )
        return Client(cluster), cluster
    if scheduler.startswith("tcp://"):
        try:
            return Client(scheduler, timeout=10), None
        except OSError as error:
            raise ScenarioError(
                [
                    Problem(
                        "--scheduler",
                        "",
                        scheduler,
                        format_template(gettext("a reachable Dask scheduler ({reason})"), reason=error),
                    )
                ]
            ) from None
    raise ScenarioError([Problem("--scheduler", "", scheduler, gettext("local, local:N or tcp://HOST:PORT"))])
