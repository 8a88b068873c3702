"""Reports: one report model built from the audience's view, thin writers per format.

The public API (for the CLI, the UI and tests):

``pipeline.export_file(path, audience, fmt, output) -> Exported``
    The whole export of an assessment file: revision and sign-offs, the flag
    gate (flags rescanned first) for ``public``/``reviewers``, the audience
    filter, the report model, the writer, the output leak scan of the temp
    file, and the atomic rename. Raises ``errors.ExportRefused`` (``.reason``:
    ``flags``, ``leak`` or ``filter``; nothing written) or StoreError/OSError.
``pipeline.write_report(doc, audience, fmt, output, ...)``
    The same for a document in memory.
``pipeline.build_for_audience(doc, audience) -> report.Report``
    The report model alone (previews, tests); for any audience but internal it
    is built from the filtered copy only.
``formats.writer_for(fmt, styles).write(report) -> bytes``
    PDF (reportlab), Markdown, HTML (python-markdown + nh3, one file) or JSON
    (``app/content/jsonschema/report_export.schema.json``).

Layout and styles are content: ``reports/layout.yaml`` and ``reports/styles.yaml``
(``app.content.report_layout``); see ``reports/README.md``.
"""
