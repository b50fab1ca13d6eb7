"""Gap reports for commanders: HTML and PDF report, Excel workbook, GeoPackage, CSV.

:func:`medevac.report.analysis.analyse` computes everything a report states (four checks,
the per-site table, limiting factors, recommendations verified by re-running the check,
comparisons with variants); the writers only format it, and
:func:`medevac.report.build.write_report` is ``medevac report``. Nothing is imported here,
so the command line starts without loading matplotlib and reportlab.
"""
