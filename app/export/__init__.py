"""Reports: one report model built from the audience's view, thin writers per format.

The public API (for the CLI, the UI and tests):

``pipeline.write_report(doc, audience, fmt, output, *, flags_open, dismissed, decisions, revision, gate)``
    The whole export of a document: the flag gate for ``public``/``reviewers``
    (``flags_open`` non-empty refuses; or ``gate``, a callable asked once the
    report is in memory, so the flag scan can run beside the build), the audience filter, the report model,
    the writer, the output leak scan of a private temp file
    (``staging``), and the move into place. Raises ``errors.ExportRefused``
    (``.reason``: ``flags``, ``leak`` or ``filter``; nothing written) or
    OSError. This package never opens an assessment file: what it needs from
    one comes in as plain data; ``app.session.export.export_file`` reads it.
``pipeline.build_for_audience(doc, audience) -> report.Report``
    The report model alone (previews, tests); for any audience but internal it
    is built from the filtered copy only.
``formats.writer_for(fmt, styles).write(report) -> bytes``
    PDF (reportlab), Markdown, HTML (python-markdown + nh3, one file) or JSON
    (``app/content/jsonschema/report_export.schema.json``).

Layout and styles are content: ``reports/layout.yaml`` and ``reports/styles.yaml``
(``app.content.report_layout``); see ``reports/README.md``.
"""
