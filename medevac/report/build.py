"""``medevac report``: every output of a gap report written into one folder.

Nothing in the folder is overwritten unless asked (the check is made for all five files
before the first one is written, so a refused run leaves nothing half done).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from medevac.check import make_router
from medevac.export import ensure_writable
from medevac.report.analysis import ReportData, analyse
from medevac.report.content import build_document
from medevac.report.html import render_html
from medevac.report.layers import write_geopackage
from medevac.report.pdf import render_pdf
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
    scenario_path: str | Path,
    out_dir: str | Path,
    *,
    compare: Sequence[str | Path] = (),
    force: bool = False,
    progress: bool = True,
    cell_km: float | None = None,
) -> Written:
    """Analyse a scenario (and variants), then write the five outputs into ``out_dir``."""
    started = time.perf_counter()
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        from medevac.export import OutputExistsError

        raise OutputExistsError(f"--out {folder} is a file; give a folder for the report")
    paths = tuple(folder / name for name in OUTPUTS)
    ensure_writable(paths, force=force)
    steps = 4 + 2 * len(compare) + 2 + len(OUTPUTS)
    bar = tqdm(total=steps, desc="report", unit="step", file=sys.stderr, disable=not progress, leave=False)

    def step(name: str) -> None:
        bar.set_postfix_str(name)
        bar.update(1)

    try:
        step("reading scenarios")
        scenario = load_scenario(scenario_path)
        taken: set[str] = set()
        variants = []
        for variant_path in compare:
            name = variant_name(Path(variant_path), taken)
            taken.add(name)
            variants.append((name, load_scenario(variant_path)))
        data = analyse(scenario, variants, router=make_router(scenario), step=step)
        document = build_document(data, step)
        folder.mkdir(parents=True, exist_ok=True)
        step(HTML)
        (folder / HTML).write_text(render_html(document), encoding="utf-8")
        step(PDF)
        (folder / PDF).write_bytes(render_pdf(document))
        step(WORKBOOK)
        write_workbook(data, folder / WORKBOOK)
        step(GEOPACKAGE)
        write_geopackage(data, folder / GEOPACKAGE, force=True, cell_km=cell_km)  # checked above
        step(CSV)
        data.table.to_csv(folder / CSV, index=False)
    finally:
        bar.close()
    return Written(data, paths, time.perf_counter() - started)
