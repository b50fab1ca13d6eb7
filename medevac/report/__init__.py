"""Gap reports for commanders: HTML and PDF report, Excel workbook, GeoPackage, CSV.

:func:`analyse` computes everything a report states (four checks, the per-site table,
limiting factors, recommendations verified by re-running the check, comparisons with
variants); the writers only format it. :func:`write_report` is ``medevac report``.
"""

from medevac.report.analysis import ReportData, VariantComparison, analyse
from medevac.report.build import OUTPUTS, Written, write_report
from medevac.report.recommend import Recommendation, recommend

__all__ = [
    "OUTPUTS",
    "Recommendation",
    "ReportData",
    "VariantComparison",
    "Written",
    "analyse",
    "recommend",
    "write_report",
]
