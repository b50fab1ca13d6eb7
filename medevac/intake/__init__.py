"""Intake (intake-v1): a mission from the planner's own tables, and a workbook to fill in.

``medevac import`` reads a workbook (XLSX, ODS), CSVs, or KML/KMZ/GeoJSON points into a
scenario of spec v1; ``medevac template`` writes the workbook to fill in, or a scenario as
a filled workbook that imports back to the same scenario. Every bad cell is named (file,
sheet, row, column, value, what is allowed), all at once, and nothing is written then.

Layers: :mod:`~medevac.intake.tables` reads tables and types cells,
:mod:`~medevac.intake.placemarks` reads points, :mod:`~medevac.intake.settings` the
``key, value`` sheet, :mod:`~medevac.intake.assemble` makes and validates the scenario,
:mod:`~medevac.intake.workbook` writes workbooks, :mod:`~medevac.intake.command` is the CLI.
"""

from __future__ import annotations

from medevac.intake.assemble import Imported, Sources, import_scenario
from medevac.intake.workbook import template_workbook, write_template

__all__ = ["Imported", "Sources", "import_scenario", "template_workbook", "write_template"]
