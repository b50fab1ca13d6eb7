"""``medevac report``: every output of a gap report written into one folder.

Nothing in the folder is overwritten unless asked (the check is made for all five files
before any work). Every output is computed before the first byte is written, then the
five files are written beside their targets and renamed into place together
(:mod:`medevac.files`): a failure midway, even a full disk, leaves the old report whole.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from medevac.check import make_router
from medevac.export import save_layers
from medevac.files import OutputExistsError, atomic_outputs, check_outputs
from medevac.i18n import format_template, gettext
from medevac.model import Scenario
from medevac.report.analysis import ReportData, analyse, data_table
from medevac.report.content import build_document
from medevac.report.html import render_html
from medevac.report.layers import isochrone_grid, layer_frames, layer_styles
from medevac.report.pdf import render_pdf
from medevac.report.styles import save_layer_styles
from medevac.report.workbook import write_workbook
from medevac.scenario import load_scenario

HTML, PDF, WORKBOOK, GEOPACKAGE, CSV = (
    "report.html",
    "report.pdf",
    "workbook.xlsx",
    "layers.gpkg",
    "sites.csv",
)
OUTPUTS: tuple[str, ...] = (HTML, PDF, WORKBOOK, GEOPACKAGE, CSV)
"""The files a report writes, in the order it writes them."""


@dataclass(frozen=True)
class Written:
    data: ReportData
    paths: tuple[Path, ...]
    seconds: float


def variant_name(path: Path, taken: set[str]) -> str:
    """A variant's name in the report: its file name without suffix, made unique."""
    name, number = path.stem, 2
    while name in taken:
        name, number = f"{path.stem} ({number})", number + 1
    return name


def write_report(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    variants: Sequence[tuple[str, Scenario]] = (),
    force: bool = False,
    progress: bool = True,
    cell_km: float | None = None,
) -> Written:
    """Analyse a scenario (and named variants), then write the five outputs into ``out_dir``.

    Raises :class:`medevac.export.OutputExistsError` before any work when a file is already
    there and ``force`` is false, or when ``out_dir`` is a file.
    """
    started = time.perf_counter()
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(
            format_template(gettext("--out {folder} is a file: give a folder for the report"), folder=folder)
        )
    paths = tuple(folder / name for name in OUTPUTS)
    check_outputs(paths, force=force)
    grid = isochrone_grid(scenario, cell_km)  # a bad --cell-km is refused before any work
    steps = 3 + 2 * len(variants) + 2 + len(OUTPUTS)
    bar = tqdm(
        total=steps,
        desc=gettext("report"),
        unit=gettext("step"),
        file=sys.stderr,
        disable=not progress,
        leave=False,
    )

    def step(name: str) -> None:
        bar.set_postfix_str(name)
        bar.update(1)

    try:
        data = analyse(scenario, variants, router=make_router(scenario), step=step)
        data_en = replace(data, table=data_table(data))  # the CSV and the GeoPackage are data: English
        document = build_document(data, step)
        step(HTML)
        html = render_html(document)
        step(PDF)
        pdf = render_pdf(document)
        step(GEOPACKAGE)
        layers = layer_frames(data_en, grid=grid)
        with atomic_outputs(paths, force=force) as temporary:
            temporary[folder / HTML].write_text(html, encoding="utf-8")
            temporary[folder / PDF].write_bytes(pdf)
            step(WORKBOOK)
            write_workbook(data, temporary[folder / WORKBOOK])
            save_layers(folder / GEOPACKAGE, layers, temporary)
            save_layer_styles(temporary[folder / GEOPACKAGE], layer_styles(data))
            step(CSV)
            data_en.table.to_csv(temporary[folder / CSV], index=False)
    finally:
        bar.close()
    return Written(data, paths, time.perf_counter() - started)


def load_variants(paths: Sequence[str | Path]) -> list[tuple[str, Scenario]]:
    """Variant files as (name, scenario), named by file name, unique."""
    taken: set[str] = set()
    variants = []
    for path in paths:
        name = variant_name(Path(path), taken)
        taken.add(name)
        variants.append((name, load_scenario(path)))
    return variants
