"""analysis: the Python side of dnnsim, plots and an HTML report from its outputs.

Run with Debian's interpreter, /usr/bin/python3, which has python3-matplotlib (the
`python3` first on some PATHs is another build without Debian's packages). Nothing
beyond the standard library and matplotlib (Agg backend) is used.

Scripts (docs/analysis.md has every option):

    /usr/bin/python3 analysis/plot.py KIND --input FILE [selection] --output FILE.png
    /usr/bin/python3 analysis/report.py --sweep sweep.csv [--layers layers.csv]
        [--trace trace.json] [--title T] --output report.html

Modules, one idea each:

    errors.py                the AnalysisError the scripts report in one line (exit 1)
    atomic_output.py         write to a temporary file, rename on success
    units.py                 seconds and bytes for people; the unit of an axis
    csv_reading.py           header and field checks shared by the CSV readers
    sweep_csv.py             the sweep CSV (dnnsim sweep / optimize) -> SweepRow
    layer_csv.py             the per-layer CSV (dnnsim analytic / simulate) -> LayerRow
    trace_file.py            the Chrome trace (dnnsim simulate --trace) -> Trace
    selection.py             which rows a figure shows: best grid, min over grids, limits
    study.py                 the groups of a sweep a figure or a section is about
    figure_style.py          matplotlib style, colours per strategy, atomic PNG saving
    label_layout.py          labels that never collide, measured with the renderer
    comm_vs_pr_plot.py       communication over Pr, one line per P (the paper's figure)
    scaling_plot.py          strong scaling per strategy, with the batch limit P = B
    layer_breakdown_plot.py  stacked per-layer communication by phase
    what_if_plot.py          best iteration time over a machine multiplier, per platform
    timeline_plot.py         one row per rank from a trace
    cli_options.py           the selection options shared by the two scripts
    report_tables.py         the report's tables (best grid per P with speed-ups, ...)
    report_text.py           the sentences that open each report section
    html_page.py             a self-contained HTML page (inline CSS, base64 PNGs)
    plot.py, report.py       the two command-line scripts
"""
